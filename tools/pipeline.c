/* pipeline.c: the ordered worker pipeline (pipeline.h): a ring of slots,
 * one mutex, two condition variables. Slots are filled and taken back by
 * one thread in sequence order; workers take queued slots in that order
 * too, so the oldest slot is always the first to be worked on. */
#include "pipeline.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct tool_pipeline {
    pthread_mutex_t lock;
    pthread_cond_t work_ready; /* a slot was queued, or stopping */
    pthread_cond_t slot_done;  /* a slot finished */
    tool_work_fn work;
    void **thread_ctx;
    unsigned workers;
    pthread_t *threads;
    unsigned started;
    tool_slot *slots;
    size_t count;
    uint64_t head;  /* sequence number of the oldest slot in flight */
    uint64_t tail;  /* sequence number of the next slot to hand out */
    uint64_t taken; /* sequence number of the next slot a worker takes */
    bool stopping;
};

typedef struct worker_arg {
    tool_pipeline *p;
    unsigned index;
} worker_arg;

/* Under the lock: the next queued slot, taken (slots that needed no work
 * are passed over in order), or NULL when none is queued. */
static tool_slot *take_queued(tool_pipeline *p) {
    while (p->taken < p->tail && p->slots[p->taken % p->count].done)
        p->taken++;
    if (!(p->taken < p->tail && p->slots[p->taken % p->count].queued))
        return NULL;
    tool_slot *s = &p->slots[p->taken++ % p->count];
    s->queued = false;
    return s;
}

static void *worker_main(void *arg_) {
    worker_arg *arg = arg_;
    tool_pipeline *p = arg->p;
    void *ctx = p->thread_ctx[arg->index];
    free(arg);
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        tool_slot *s = take_queued(p);
        if (!s) {
            pthread_cond_wait(&p->work_ready, &p->lock);
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        p->work(ctx, s);
        pthread_mutex_lock(&p->lock);
        s->done = true;
        /* Only the caller waits, and only for the oldest slot: waking it
         * for any other costs a context switch per grain. */
        if (s == &p->slots[p->head % p->count])
            pthread_cond_signal(&p->slot_done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

tool_pipeline *tool_pipeline_start(unsigned workers, size_t in_cap, size_t out_cap,
                                   tool_work_fn work, void **thread_ctx) {
    tool_pipeline *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work_ready, NULL);
    pthread_cond_init(&p->slot_done, NULL);
    p->work = work;
    p->thread_ctx = thread_ctx;
    p->workers = workers;
    /* Slack so that neither side waits on the other's every grain. */
    p->count = 4 * (size_t)(workers ? workers : 1) + 4;
    p->slots = calloc(p->count, sizeof(*p->slots));
    p->threads = calloc(workers ? workers : 1, sizeof(*p->threads));
    if (!p->slots || !p->threads)
        goto err;
    for (size_t i = 0; i < p->count; i++) {
        p->slots[i].in = malloc(in_cap ? in_cap : 1);
        p->slots[i].out = malloc(out_cap ? out_cap : 1);
        if (!p->slots[i].in || !p->slots[i].out)
            goto err;
    }
    for (unsigned i = 0; i < workers; i++) {
        worker_arg *arg = malloc(sizeof(*arg));
        if (!arg)
            goto err;
        *arg = (worker_arg){p, i};
        if (pthread_create(&p->threads[i], NULL, worker_main, arg) != 0) {
            free(arg);
            goto err;
        }
        p->started++;
    }
    return p;
err:
    tool_pipeline_stop(p);
    return NULL;
}

tool_slot *tool_pipeline_next(tool_pipeline *p) {
    if (p->tail - p->head >= p->count)
        return NULL;
    tool_slot *s = &p->slots[p->tail % p->count];
    s->in_len = s->out_len = 0;
    s->status = 0;
    s->queued = s->done = false;
    return s;
}

void tool_pipeline_submit(tool_pipeline *p, tool_slot *slot, bool done) {
    if (!done && p->workers == 0) {
        p->work(p->thread_ctx[p->workers], slot);
        done = true;
    }
    pthread_mutex_lock(&p->lock);
    if (done)
        slot->done = true; /* workers pass over it */
    else
        slot->queued = true;
    p->tail++;
    pthread_cond_signal(&p->work_ready);
    pthread_mutex_unlock(&p->lock);
}

tool_slot *tool_pipeline_oldest(tool_pipeline *p) {
    if (p->head == p->tail)
        return NULL;
    tool_slot *s = &p->slots[p->head % p->count];
    pthread_mutex_lock(&p->lock);
    while (!s->done) {
        /* Rather than wait, the caller works on the next queued slot with
         * its own context: -j N keeps N threads working, not N + 1. */
        tool_slot *t = take_queued(p);
        if (t) {
            pthread_mutex_unlock(&p->lock);
            p->work(p->thread_ctx[p->workers], t);
            pthread_mutex_lock(&p->lock);
            t->done = true;
            continue;
        }
        pthread_cond_wait(&p->slot_done, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return s;
}

void tool_pipeline_release(tool_pipeline *p, tool_slot *slot) {
    (void)slot;
    pthread_mutex_lock(&p->lock);
    p->head++;
    /* Everything before head is done: workers must not look at those ring
     * entries again once tool_pipeline_next hands them out anew. */
    if (p->taken < p->head)
        p->taken = p->head;
    pthread_mutex_unlock(&p->lock);
}

void tool_pipeline_stop(tool_pipeline *p) {
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    if (p->slots)
        for (size_t i = 0; i < p->count; i++) {
            free(p->slots[i].in);
            free(p->slots[i].out);
        }
    free(p->slots);
    free(p->threads);
    pthread_cond_destroy(&p->work_ready);
    pthread_cond_destroy(&p->slot_done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

unsigned tool_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
