/* bench_inflate: our inflate vs zlib uncompress() vs libdeflate on the same
 * zlib-wrapped grains (what streamOptimized stores). Not a test: prints
 * MiB/s of decompressed output, best of BENCH_ROUNDS (default 3) rounds,
 * the decoders taking turns, and never fails on timing (it does fail if a
 * decoder returns wrong bytes). Times are CPU time of this process, so a
 * busy machine disturbs them less than wall-clock time.
 *
 * Usage: bench_inflate FILE [MAX_MIB [GRAIN_BYTES [LEVEL]]]
 * FILE is cut into grains; all-zero grains are skipped (no VMDK stores
 * them); each grain is compressed with zlib's compress2 at LEVEL (default
 * 6, what qemu-img and VMware use). BENCH_ONLY=0/1/2 runs one decoder.
 *
 * Built with -DBENCH_BASELINE (make bench-inflate-baseline), a fourth
 * contender is another checkout's inflate_exact, renamed baseline_*: old
 * vs new in one process, each round's times printed as well. */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "inflate/inflate.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct grain {
    uint8_t *comp;
    size_t comp_len, raw_len;
    const uint8_t *raw;
} grain;

static inflate_state state;

#ifdef BENCH_BASELINE
int baseline_inflate_exact(inflate_state *st, inflate_format format, const void *src,
                           size_t src_len, void *dst, size_t dst_len, vb_diag *diag);
enum { DEC_OURS, DEC_ZLIB, DEC_LIBDEFLATE, DEC_BASELINE, DEC_COUNT };
static const char *dec_names[DEC_COUNT] = {"vmdkboot inflate_exact", "zlib uncompress",
                                           "libdeflate_zlib_decompress", "baseline inflate_exact"};
#else
enum { DEC_OURS, DEC_ZLIB, DEC_LIBDEFLATE, DEC_COUNT };
static const char *dec_names[DEC_COUNT] = {"vmdkboot inflate_exact", "zlib uncompress",
                                           "libdeflate_zlib_decompress"};
#endif

static int run(int dec, const grain *g, size_t n, uint8_t *out,
               struct libdeflate_decompressor *ld) {
    for (size_t i = 0; i < n; i++) {
        int bad = 0;
        if (dec == DEC_OURS) {
            bad = inflate_exact(&state, INFLATE_FORMAT_ZLIB, g[i].comp, g[i].comp_len, out,
                                g[i].raw_len, NULL) != 0;
#ifdef BENCH_BASELINE
        } else if (dec == DEC_BASELINE) {
            bad = baseline_inflate_exact(&state, INFLATE_FORMAT_ZLIB, g[i].comp, g[i].comp_len, out,
                                         g[i].raw_len, NULL) != 0;
#endif
        } else if (dec == DEC_ZLIB) {
            uLongf len = g[i].raw_len;
            bad = uncompress(out, &len, g[i].comp, g[i].comp_len) != Z_OK || len != g[i].raw_len;
        } else {
            bad = libdeflate_zlib_decompress(ld, g[i].comp, g[i].comp_len, out, g[i].raw_len,
                                             NULL) != LIBDEFLATE_SUCCESS;
        }
        if (bad)
            return -1;
    }
    return 0;
}

#ifdef BENCH_BASELINE
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
#endif

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [MAX_MIB [GRAIN_BYTES [LEVEL]]]\n", argv[0]);
        return 2;
    }
    size_t max = (argc > 2 ? strtoull(argv[2], NULL, 0) : 64) << 20;
    size_t gsize = argc > 3 ? strtoull(argv[3], NULL, 0) : 65536;
    int level = argc > 4 ? atoi(argv[4]) : 6;
    int rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    uint8_t *data = malloc(max);
    size_t len = fread(data, 1, max, f);
    fclose(f);
    size_t cap = len / gsize + 1, n = 0, raw_total = 0, comp_total = 0;
    grain *g = calloc(cap, sizeof(*g));
    static const uint8_t zero[1 << 20];
    for (size_t off = 0; off + gsize <= len; off += gsize) {
        if (gsize <= sizeof(zero) && memcmp(data + off, zero, gsize) == 0)
            continue;
        uLongf clen = compressBound(gsize);
        g[n].comp = malloc(clen);
        if (compress2(g[n].comp, &clen, data + off, gsize, level) != Z_OK)
            return 2;
        g[n].comp_len = clen;
        g[n].raw_len = gsize;
        g[n].raw = data + off;
        raw_total += gsize;
        comp_total += clen;
        n++;
    }
    uint8_t *out = malloc(gsize);
    struct libdeflate_decompressor *ld = libdeflate_alloc_decompressor();
    /* correctness first */
    for (int d = 0; d < DEC_COUNT; d++)
        for (size_t i = 0; i < n; i++) {
            if (run(d, &g[i], 1, out, ld) || memcmp(out, g[i].raw, gsize) != 0) {
                fprintf(stderr, "bench_inflate: %s decoded grain %zu wrongly\n", dec_names[d], i);
                return 1;
            }
        }
    double best[DEC_COUNT];
    for (int d = 0; d < DEC_COUNT; d++)
        best[d] = 1e30;
    int only = getenv("BENCH_ONLY") ? atoi(getenv("BENCH_ONLY")) : -1;
    double mib = raw_total / 1048576.0;
    double *ratio = calloc(rounds > 0 ? rounds : 1, sizeof(*ratio)); /* new/old time per round */
    for (int r = 0; r < rounds; r++) {
        double t_round[DEC_COUNT] = {0};
        for (int k = 0; k < DEC_COUNT; k++) {
            int d = k;
#ifdef BENCH_BASELINE
            if (r & 1) /* every other round in reverse order: no decoder always goes first */
                d = DEC_COUNT - 1 - k;
#endif
            if (only >= 0 && d != only)
                continue;
            double t0 = now();
            run(d, g, n, out, ld);
            double t = now() - t0;
            t_round[d] = t;
            if (t < best[d])
                best[d] = t;
        }
#ifdef BENCH_BASELINE
        if (only < 0)
            printf("round %d: vmdkboot %.1f MiB/s, baseline %.1f MiB/s, new/old time %.3f\n", r + 1,
                   mib / t_round[DEC_OURS], mib / t_round[DEC_BASELINE],
                   t_round[DEC_OURS] / t_round[DEC_BASELINE]);
        ratio[r] = t_round[DEC_OURS] / t_round[DEC_BASELINE];
#else
        (void)t_round;
#endif
    }
    printf("\ninflate: %zu grains of %zu bytes from %s, zlib level %d, compressed to %.1f%%; "
           "CPU time\n",
           n, gsize, argv[1], level, 100.0 * comp_total / raw_total);
    printf("%-34s %9s %9s %10s %9s %12s\n", "contender", "MiB", "best s", "MiB/s", "ratio",
           "reads/MiB");
    for (int d = 0; d < DEC_COUNT; d++) {
        if (only >= 0 && d != only)
            continue;
        printf("%-34s %9.1f %9.3f %10.1f %8.3fx %12s\n", dec_names[d], mib, best[d], mib / best[d],
               best[d] / best[DEC_LIBDEFLATE], "-");
    }
#ifdef BENCH_BASELINE
    if (only < 0 && rounds > 0) {
        qsort(ratio, rounds, sizeof(*ratio), cmp_double);
        printf("vmdkboot / baseline best time: %.3fx; median of the rounds' new/old times: %.3fx\n",
               best[DEC_OURS] / best[DEC_BASELINE], ratio[rounds / 2]);
    }
#endif
    free(ratio);
    libdeflate_free_decompressor(ld);
    return 0;
}
