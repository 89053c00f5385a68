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

/* Grain-table cache: blocks of VB_GT_BLOCK_ENTRIES 32-bit entries (2 KiB),
 * 128 blocks = 256 KiB. A block is a whole KDMV grain table (<= 512
 * entries), one eighth of a COWD table (4096 entries), or a 512-entry chunk
 * of a grain directory. A sequential read uses one table at a time; 128
 * blocks keep random reads over a 2 TiB disk (4096 tables) reasonably
 * local. Must be a multiple of 4 (the cache is 4-way set-associative). */
#ifndef VB_GT_CACHE_ENTRIES
#define VB_GT_CACHE_ENTRIES 128
#endif

/* Entries per cached table block (and the largest KDMV numGTEsPerGT). */
#ifndef VB_GT_BLOCK_ENTRIES
#define VB_GT_BLOCK_ENTRIES 512
#endif

/* String pool of a disk: NUL-terminated copies of every string kept from
 * the descriptors of all links (createType, ddb entries, extent names...).
 * 128 KiB holds two full-size (VB_DESCRIPTOR_MAX) descriptors. */
#ifndef VB_STRING_POOL_MAX
#define VB_STRING_POOL_MAX (128u * 1024u)
#endif

/* vmdk_check's duplicate-grain detector: a bitmap of this many bytes (one
 * bit per grain slot of an extent file). Files with more grain slots than
 * bits are checked in several passes over their grain tables. */
#ifndef VB_CHECK_BITMAP_BYTES
#define VB_CHECK_BITMAP_BYTES (64u * 1024u)
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

#endif
