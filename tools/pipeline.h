/* pipeline.h: an ordered pipeline of worker threads for the host tool. One
 * thread (the caller) fills slots in order, workers run a pure function on
 * them (compress, inflate: never core/), and the caller takes them back in
 * the same order to write them out. With no workers the function runs in
 * the caller's thread at submit time, so -j 1 and -j N give the same
 * bytes. */
#ifndef VB_TOOL_PIPELINE_H
#define VB_TOOL_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tool_slot {
    uint8_t *in, *out; /* in_cap and out_cap bytes, owned by the pipeline */
    size_t in_len, out_len;
    uint64_t offset, length; /* the caller's: what the slot stands for */
    int kind;                /* the caller's: what to do with it */
    int status;              /* the work function's result */
    uint64_t aux[2];         /* the caller's */
    bool queued, done;       /* pipeline state */
} tool_slot;

/* Runs on a worker (thread_ctx: that worker's own state) or on the
 * caller's thread (thread_ctx[workers]): with no workers at submit time,
 * else while the caller waits for the oldest slot. */
typedef void (*tool_work_fn)(void *thread_ctx, tool_slot *slot);

typedef struct tool_pipeline tool_pipeline;

/* Starts `workers` threads (0: run work inline) with thread_ctx[i] each;
 * thread_ctx has workers + 1 entries, the last the caller's. 4 *
 * max(workers, 1) + 4 slots. For -j N: N - 1 workers. NULL when out
 * of memory or a thread cannot start. */
tool_pipeline *tool_pipeline_start(unsigned workers, size_t in_cap, size_t out_cap,
                                   tool_work_fn work, void **thread_ctx);
/* The next slot in order, or NULL when all are in flight: take the oldest
 * back first (tool_pipeline_oldest). */
tool_slot *tool_pipeline_next(tool_pipeline *p);
/* Hands the slot from tool_pipeline_next to the workers; with done = true
 * it needs no work (the caller filled out itself). */
void tool_pipeline_submit(tool_pipeline *p, tool_slot *slot, bool done);
/* Waits for the oldest slot in flight and returns it (NULL when none);
 * tool_pipeline_release gives it back. */
tool_slot *tool_pipeline_oldest(tool_pipeline *p);
void tool_pipeline_release(tool_pipeline *p, tool_slot *slot);
/* Stops the workers (after the work in flight) and frees everything. */
void tool_pipeline_stop(tool_pipeline *p);

/* Online CPUs (at least 1): the default of -j. */
unsigned tool_cpu_count(void);

#endif
