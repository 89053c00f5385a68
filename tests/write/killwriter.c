/* killwriter.c: the writing process of the SIGKILL test (kill.sh), and the
 * check of what a kill left behind.
 *
 *   killwriter write IMAGE SEED LOG
 *       opens IMAGE for writing and runs a seeded random workload (1 sector
 *       to 4 grains, unaligned, flushes every 1-8 writes) until killed or
 *       done; LOG gets "W i" before write i, "D i" when it returned and
 *       "F i" when a flush after it returned (write(2): a kill keeps them).
 *   killwriter verify AFTER BASE SEED LOG
 *       AFTER: the disk after the kill as raw bytes (qemu-img convert),
 *       BASE: the disk before this round. Every write up to the last F
 *       must read back exactly, later ones old or new: each sector of
 *       AFTER must equal that sector after k of the logged writes, for
 *       some k from the last flushed write to the last begun one.
 *
 * Why sectors and not grains: a new grain is all or nothing (it is linked
 * only after its data), but an overwrite of a stored grain is one pwrite
 * in place, and Linux stops a pwrite that a SIGKILL interrupts at a page
 * boundary of the file (as a power cut may tear it at a sector boundary).
 * Grains lie on sector boundaries of the file, so the torn piece is whole
 * sectors of the disk. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host_memory.h"
#include "host_source.h"
#include "vmdk/vmdk_write.h"

#define MAX_OPS     4000
#define GRAIN_BYTES 65536u
#define MAX_LEN     (4u * GRAIN_BYTES)
#define UNIT        512u /* the unit checked old-or-new: a sector */

typedef struct op {
    uint64_t off, len;
} op;

static uint64_t rng_state;
static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Operation i of the workload of seed over a disk of cap bytes, and
 * whether a flush follows it. */
static op make_op(uint64_t cap, bool *flush) {
    op o;
    o.len = 512 + rng() % (MAX_LEN - 512);
    if (rng() % 4 == 0)
        o.len = 512 * (1 + rng() % 8); /* small, sector multiples */
    if (o.len > cap)
        o.len = cap;
    o.off = rng() % (cap - o.len + 1);
    *flush = rng() % 5 == 0;
    return o;
}

static void fill(uint8_t *buf, uint64_t seed, unsigned i, uint64_t len) {
    uint64_t x = seed * 1000003u + i;
    for (uint64_t k = 0; k < len; k++) {
        if (k % 8 == 0) {
            x += 0x9e3779b97f4a7c15ull;
            x ^= x >> 29;
        }
        buf[k] = (uint8_t)(x >> (8 * (k % 8)));
    }
}

static void log_line(int fd, char kind, unsigned i) {
    char line[32];
    int n = snprintf(line, sizeof(line), "%c %u\n", kind, i);
    if (write(fd, line, (size_t)n) != n)
        exit(3);
}

static int run_write(const char *image, uint64_t seed, const char *log) {
    static vmdk_disk disk;
    static uint8_t buf[MAX_LEN];
    vb_source top;
    host_opener folder;
    vb_opener opener;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0 || host_source_open_rw(image, &top) != 0)
        return 2;
    host_opener_init(&folder, image, &opener);
    vmdk_open_options opts = {.writable = true, .cid_seed = (uint32_t)seed};
    host_allocator_init(&opts.memory);
    int r = vmdk_open(&disk, &top, host_basename(image), &opener, &opts);
    if (r) {
        fprintf(stderr, "killwriter: %s\n", vmdk_detail(&disk));
        return 1;
    }
    rng_state = seed;
    uint64_t cap = vmdk_capacity(&disk);
    unsigned ops = getenv("KILLWRITER_OPS") ? (unsigned)atoi(getenv("KILLWRITER_OPS")) : MAX_OPS;
    for (unsigned i = 0; i < ops; i++) {
        bool flush;
        op o = make_op(cap, &flush);
        fill(buf, seed, i, o.len);
        log_line(fd, 'W', i);
        r = vmdk_write(&disk, o.off, buf, (size_t)o.len);
        if (!r)
            log_line(fd, 'D', i);
        if (!r && flush) {
            r = vmdk_flush(&disk);
            if (!r)
                log_line(fd, 'F', i);
        }
        if (r) {
            fprintf(stderr, "killwriter: %s\n", vmdk_detail(&disk));
            return 1;
        }
    }
    if (ops < MAX_OPS)
        return 0; /* as if killed: no clean close */
    r = vmdk_close_flush(&disk);
    if (!r)
        log_line(fd, 'F', MAX_OPS - 1);
    return r ? 1 : 0;
}

static uint8_t *load(const char *path, uint64_t *ret_size) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0)
        return NULL;
    uint8_t *p = malloc((size_t)st.st_size + 1);
    if (p && fread(p, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *ret_size = (uint64_t)st.st_size;
    return p;
}

static int run_verify(const char *after_path, const char *base_path, uint64_t seed,
                      const char *log) {
    uint64_t cap, base_size;
    uint8_t *after = load(after_path, &cap), *work = load(base_path, &base_size);
    FILE *lf = fopen(log, "r");
    if (!after || !work || !lf || cap != base_size || cap % UNIT) {
        fprintf(stderr, "killwriter verify: cannot load %s, %s or %s\n", after_path, base_path,
                log);
        return 2;
    }
    long last_begun = -1, last_flushed = -1;
    char kind;
    unsigned i;
    while (fscanf(lf, " %c %u", &kind, &i) == 2) {
        if (kind == 'W')
            last_begun = (long)i;
        else if (kind == 'F')
            last_flushed = (long)i;
    }
    fclose(lf);
    static uint8_t buf[MAX_LEN];
    uint64_t units = cap / UNIT;
    bool *ok = calloc(units, 1);
    rng_state = seed;
    if (last_flushed < 0) /* nothing flushed: the base itself is a valid state */
        for (uint64_t g = 0; g < units; g++)
            ok[g] = memcmp(after + g * UNIT, work + g * UNIT, UNIT) == 0;
    /* work = the disk after write k; units equal at any k in range pass. */
    for (long k = 0; k <= last_begun; k++) {
        bool flush;
        op o = make_op(cap, &flush);
        fill(buf, seed, (unsigned)k, o.len);
        memcpy(work + o.off, buf, o.len);
        if (k < last_flushed)
            continue;
        uint64_t g0 = k == last_flushed ? 0 : o.off / UNIT;
        uint64_t g1 = k == last_flushed ? units : (o.off + o.len - 1) / UNIT + 1;
        for (uint64_t g = g0; g < g1; g++)
            ok[g] |= memcmp(after + g * UNIT, work + g * UNIT, UNIT) == 0;
    }
    int bad = 0;
    for (uint64_t g = 0; g < units; g++)
        if (!ok[g] && bad++ < 5)
            fprintf(stderr,
                    "killwriter verify: sector %llu matches no state between write %ld and %ld\n",
                    (unsigned long long)g, last_flushed, last_begun);
    printf("verify: %ld writes begun, %ld flushed, %s\n", last_begun + 1, last_flushed + 1,
           bad ? "MISMATCH" : "every sector old or new");
    free(ok);
    free(after);
    free(work);
    return bad ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return run_write(argv[2], strtoull(argv[3], NULL, 0), argv[4]);
    if (argc == 6 && strcmp(argv[1], "verify") == 0)
        return run_verify(argv[2], argv[3], strtoull(argv[4], NULL, 0), argv[5]);
    fprintf(stderr, "usage: killwriter write IMAGE SEED LOG | verify AFTER BASE SEED LOG\n");
    return 2;
}
