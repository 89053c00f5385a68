/* vb_config.h: every compile-time limit of core/, in one place.
 *
 * core/ never allocates: each object embeds fixed-size arrays sized here.
 * Exceeding a limit is a VB_ELIMIT (or VB_EUNSUPPORTED) error with a detail
 * line, never an overflow. Override any value with -D at build time. */
#ifndef VB_CONFIG_H
#define VB_CONFIG_H

/* Longest one-line error detail kept by a failing object, NUL included. */
#ifndef VB_DETAIL_MAX
#define VB_DETAIL_MAX 192
#endif

/* Largest text descriptor (separate file or embedded), in bytes. Real
 * descriptors are under 2 KiB; 64 KiB leaves room for 1000-extent disks. */
#ifndef VB_DESCRIPTOR_MAX
#define VB_DESCRIPTOR_MAX 65536
#endif

/* Most extents in one link, and in the whole chain together. */
#ifndef VB_EXTENTS_MAX
#define VB_EXTENTS_MAX 1024
#endif

/* Most ddb.* entries kept for `info` per link (extras are ignored). */
#ifndef VB_DDB_MAX
#define VB_DDB_MAX 32
#endif

/* Deepest delta chain: the base link plus this many minus one deltas. */
#ifndef VB_CHAIN_MAX
#define VB_CHAIN_MAX 16
#endif

/* Longest path (extent or parent file name, after joining), NUL included. */
#ifndef VB_PATH_MAX
#define VB_PATH_MAX 512
#endif

/* Grain-table cache: entries x 512 GTEs x 4 bytes = 256 KiB with 128.
 * A sequential read uses one table at a time; 128 entries keep random reads
 * over a 2 TiB disk (4096 tables) reasonably local. */
#ifndef VB_GT_CACHE_ENTRIES
#define VB_GT_CACHE_ENTRIES 128
#endif

/* Largest grain table, in entries (512 for KDMV, 4096 for COWD). */
#ifndef VB_GT_ENTRIES_MAX
#define VB_GT_ENTRIES_MAX 4096
#endif

/* Largest grain, in bytes (grain buffer and compressed-input buffer of
 * streamOptimized are sized from it). 1 MiB covers every known writer. */
#ifndef VB_GRAIN_BYTES_MAX
#define VB_GRAIN_BYTES_MAX (1024u * 1024u)
#endif

/* Number of decompressed grains kept for streamOptimized reads. */
#ifndef VB_GRAIN_CACHE_ENTRIES
#define VB_GRAIN_CACHE_ENTRIES 2
#endif

/* inflate: index bits of the primary decode tables. Codes longer than this
 * go through a second-level table. 11 and 8 keep the tables in L1 and make
 * nearly every symbol a single lookup. Litlen: 9..15, dist: 5..15. */
#ifndef VB_INFLATE_LITLEN_BITS
#define VB_INFLATE_LITLEN_BITS 11
#endif
#ifndef VB_INFLATE_DIST_BITS
#define VB_INFLATE_DIST_BITS 8
#endif

/* inflate: most blocks in a row that produce no output. Each empty block
 * costs a table build (a few thousand table writes for a dynamic one) for a
 * handful of input bits; real encoders emit at most a few in a row (flush
 * markers). */
#ifndef VB_INFLATE_EMPTY_BLOCKS_MAX
#define VB_INFLATE_EMPTY_BLOCKS_MAX 64
#endif

#endif
