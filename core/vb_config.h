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

/* Most bytes a vmdk_disk may take without its streamOptimized buffers
 * (checked at compile time in vmdk.c): the firmware loader keeps one in
 * its image, which must stay under 1 MiB. Raising other limits may need
 * raising this too. */
#ifndef VB_VMDK_DISK_BYTES_MAX
#define VB_VMDK_DISK_BYTES_MAX (512u * 1024u)
#endif

/* Grain-table cache: blocks of VB_GT_BLOCK_ENTRIES 32-bit entries (2 KiB),
 * 64 blocks = 128 KiB. A block is a whole KDMV grain table (<= 512
 * entries), one eighth of a COWD table (4096 entries), or a 512-entry chunk
 * of a grain directory. A sequential read uses one table at a time; 64
 * blocks map 2 GiB of 64 KiB grains at once, so random reads over a 2 TiB
 * disk (4096 tables) reload tables but still work. Must be a multiple of
 * VB_GT_CACHE_WAYS. */
#ifndef VB_GT_CACHE_ENTRIES
#define VB_GT_CACHE_ENTRIES 64
#endif

/* Ways of the grain-table cache: it is set-associative, LRU inside a set of
 * this many blocks (more ways: fewer conflicts, longer lookups). */
#ifndef VB_GT_CACHE_WAYS
#define VB_GT_CACHE_WAYS 4
#endif

/* Most table blocks read ahead in one platform read on a cache miss (the
 * rest of a COWD table, then tables stored back to back): 16 x 2 KiB. The
 * blocks and their sector slack must fit VB_VMDK_SCRATCH_BYTES. */
#ifndef VB_GT_PREFETCH_BLOCKS
#define VB_GT_PREFETCH_BLOCKS 16
#endif

/* Entries per cached table block (and the largest KDMV numGTEsPerGT). */
#ifndef VB_GT_BLOCK_ENTRIES
#define VB_GT_BLOCK_ENTRIES 512
#endif

/* String pool of a disk: NUL-terminated copies of every string kept from
 * the descriptors of all links (createType, ddb entries, extent names as
 * written and joined with the link's folder...). 96 KiB holds 1024 extents
 * with 40-byte names and paths plus the rest of their descriptor;
 * VB_ELIMIT beyond. */
#ifndef VB_STRING_POOL_MAX
#define VB_STRING_POOL_MAX (96u * 1024u)
#endif

/* vmdk_check's duplicate-grain detector: a bitmap of this many bytes (one
 * bit per grain-sized slot of an extent file), kept in the disk's scratch
 * buffer. 32 KiB = 262144 slots = 16 GiB of 64 KiB grains per pass; larger
 * files are checked in several passes over their grain tables. */
#ifndef VB_CHECK_BITMAP_BYTES
#define VB_CHECK_BITMAP_BYTES (32u * 1024u)
#endif

/* Scratch buffer of a vmdk_disk (never holds data between calls): a whole
 * descriptor during open, or vmdk_check's bitmap plus two 16 KiB
 * grain-table buffers (one COWD table each), whichever is more; grain
 * directory scans and table read-ahead use it in pieces. Derived. */
#define VB_VMDK_CHECK_SCRATCH_BYTES (VB_CHECK_BITMAP_BYTES + 2u * 16384u)
#define VB_VMDK_SCRATCH_BYTES                                                                      \
    (VB_DESCRIPTOR_MAX > VB_VMDK_CHECK_SCRATCH_BYTES ? VB_DESCRIPTOR_MAX                           \
                                                     : VB_VMDK_CHECK_SCRATCH_BYTES)

/* Largest grain, in bytes (grain buffer and compressed-input buffer of
 * streamOptimized are sized from it). 1 MiB covers every known writer. */
#ifndef VB_GRAIN_BYTES_MAX
#define VB_GRAIN_BYTES_MAX (1024u * 1024u)
#endif

/* Number of decompressed grains kept for streamOptimized reads (in the
 * streamOptimized buffers, see VMDK_STREAM_BUFFER_BYTES in vmdk_stream.h). */
#ifndef VB_GRAIN_CACHE_ENTRIES
#define VB_GRAIN_CACHE_ENTRIES 2
#endif

/* ---- partition tables (core/part*.c) ---- */

/* Most partitions kept in a part_table (GPT entries in use, or MBR primary
 * plus logical partitions). GPT disks normally have 128 slots. */
#ifndef VB_PART_MAX
#define VB_PART_MAX 128
#endif

/* Largest GPT partition entry array (entry count x entry size), in bytes.
 * The usual array is 128 x 128 = 16 KiB; 1 MiB allows 8192 entries. */
#ifndef VB_GPT_ARRAY_BYTES_MAX
#define VB_GPT_ARRAY_BYTES_MAX (1024u * 1024u)
#endif

/* Scratch buffer of a part_table (one 4096-byte sector; the GPT entry array
 * is read through it in pieces). Also the largest GPT entry size accepted. */
#ifndef VB_PART_IO_BYTES
#define VB_PART_IO_BYTES 4096
#endif

/* Longest GPT partition name after UTF-16 -> UTF-8 conversion, NUL included
 * (36 UTF-16 units, at most 3 bytes each). */
#ifndef VB_PART_NAME_MAX
#define VB_PART_NAME_MAX 112
#endif

/* Most extended boot records followed in an MBR logical-partition chain. */
#ifndef VB_MBR_LOGICAL_MAX
#define VB_MBR_LOGICAL_MAX 64
#endif

/* ---- FAT (core/fat*.c) ---- */

/* FAT cache: blocks of the file allocation table kept in a fat_fs, each of
 * VB_FAT_CACHE_BLOCK_BYTES. 8 x 4 KiB holds 8192 FAT32 entries (32 MiB of
 * 4 KiB clusters) at once; a sequential read needs only one block at a time. */
#ifndef VB_FAT_CACHE_BLOCKS
#define VB_FAT_CACHE_BLOCKS 8
#endif
#ifndef VB_FAT_CACHE_BLOCK_BYTES
#define VB_FAT_CACHE_BLOCK_BYTES 4096
#endif

/* Longest file name after UCS-2 -> UTF-8 conversion, NUL included: a long
 * file name has at most 255 UTF-16 units, 3 bytes each. */
#ifndef VB_FAT_NAME_MAX
#define VB_FAT_NAME_MAX 768
#endif

/* Most 32-byte entries in one directory (the FAT specification's limit). A
 * directory chain longer than this is reported as corrupt. */
#ifndef VB_FAT_DIR_ENTRIES_MAX
#define VB_FAT_DIR_ENTRIES_MAX 65536
#endif

/* ---- ext2/3/4 (core/ext4*.c) ---- */

/* Mapping runs cached per open ext4 file (each a stretch of logical blocks
 * that is contiguous on disk, or zeros). A tree walk or indirect-block read
 * refills up to this many at once, so a sequential read walks the extent
 * tree once per VB_EXT4_RUNS extents. 24 bytes each. */
#ifndef VB_EXT4_RUNS
#define VB_EXT4_RUNS 16
#endif

/* Directory read window of an ext4_dir, in bytes (at least 264: the
 * largest entry, 8 bytes of header and a 255-byte name, plus slack). */
#ifndef VB_EXT4_DIR_WINDOW
#define VB_EXT4_DIR_WINDOW 1024
#endif

/* Largest directory read, in bytes (VB_ELIMIT beyond). A directory of
 * 100000 entries with 40-byte names is about 5 MiB. Bounds the work a
 * hostile directory can cause. */
#ifndef VB_EXT4_DIR_BYTES_MAX
#define VB_EXT4_DIR_BYTES_MAX (32u * 1024u * 1024u)
#endif

/* Most directory bytes one lookup may scan, over all its components and
 * symlinks (VB_ELIMIT beyond): bounds the time a hostile image can make a
 * lookup take (e.g. "../../.." targets over huge directories). */
#ifndef VB_EXT4_LOOKUP_SCAN_MAX
#define VB_EXT4_LOOKUP_SCAN_MAX (64u * 1024u * 1024u)
#endif

/* Longest file name, NUL included (ext2/3/4 names are at most 255 bytes). */
#ifndef VB_EXT4_NAME_MAX
#define VB_EXT4_NAME_MAX 256
#endif

/* Path buffer of a lookup, NUL included: the rest of the path after each
 * symlink target is substituted must fit (VB_ELIMIT beyond). Lives on the
 * stack during a lookup. */
#ifndef VB_EXT4_PATH_MAX
#define VB_EXT4_PATH_MAX 1024
#endif

/* Most symbolic links followed during one lookup (VB_ELOOP beyond). Linux
 * allows 40; boot paths use one or two. */
#ifndef VB_EXT4_SYMLINKS_MAX
#define VB_EXT4_SYMLINKS_MAX 16
#endif

/* ---- loader configuration (core/cfg/cfg.c) ---- */

/* Largest configuration file the loader reads, in bytes. */
#ifndef VB_CFG_FILE_MAX
#define VB_CFG_FILE_MAX 65536
#endif

/* Most boot entries kept; later ones are reported and left out. */
#ifndef VB_CFG_ENTRIES_MAX
#define VB_CFG_ENTRIES_MAX 32
#endif

/* Most initrd lines per entry. */
#ifndef VB_CFG_INITRDS_MAX
#define VB_CFG_INITRDS_MAX 8
#endif

/* Longest configuration line, in bytes, without its line break. */
#ifndef VB_CFG_LINE_MAX
#define VB_CFG_LINE_MAX 4096
#endif

/* Longest value (after comment and whitespace trimming), NUL excluded.
 * Linux's x86 command line limit is 2048 bytes. */
#ifndef VB_CFG_VALUE_MAX
#define VB_CFG_VALUE_MAX 2048
#endif

/* Bytes of value text kept per configuration (all values, NUL included). */
#ifndef VB_CFG_POOL_BYTES
#define VB_CFG_POOL_BYTES 32768
#endif

/* Most `images` folder lines kept. */
#ifndef VB_CFG_IMAGES_MAX
#define VB_CFG_IMAGES_MAX 4
#endif

/* Most diagnostics kept; more are counted in cfg_config.messages_dropped. */
#ifndef VB_CFG_MESSAGES_MAX
#define VB_CFG_MESSAGES_MAX 32
#endif

/* Menu timeout when the file has no `timeout` line, and the largest value
 * accepted, in seconds. */
#ifndef VB_CFG_TIMEOUT_DEFAULT
#define VB_CFG_TIMEOUT_DEFAULT 5
#endif
#ifndef VB_CFG_TIMEOUT_MAX
#define VB_CFG_TIMEOUT_MAX 3600
#endif

/* ---- drop-in images and boot-entry discovery (core/discover/) ---- */

/* Most *.vmdk files considered in one images folder (file-name order). */
#ifndef VB_IMAGES_MAX
#define VB_IMAGES_MAX 64
#endif

/* Longest image file name kept, NUL included. */
#ifndef VB_IMAGE_NAME_MAX
#define VB_IMAGE_NAME_MAX 128
#endif

/* Most automatic entries found in one image; more are reported. */
#ifndef VB_DISCOVER_ENTRIES_MAX
#define VB_DISCOVER_ENTRIES_MAX 16
#endif

/* Largest BLS entry file, os-release, kernel command line file or UKI
 * .osrel section read, in bytes (one static buffer of this size). */
#ifndef VB_DISCOVER_FILE_MAX
#define VB_DISCOVER_FILE_MAX 8192
#endif

/* Most one-line problems kept per image; more are counted. */
#ifndef VB_DISCOVER_PROBLEMS_MAX
#define VB_DISCOVER_PROBLEMS_MAX 16
#endif

/* Bytes of strings (IDs, titles, paths, options) kept per image. */
#ifndef VB_DISCOVER_POOL_BYTES
#define VB_DISCOVER_POOL_BYTES 32768
#endif

/* Most PE sections a UKI may declare (the PE format allows 96). */
#define VB_PE_SECTIONS_MAX 96

/* ---- streamOptimized (core/vmdk/vmdk_stream.c) ---- */

/* Marker walk (the fallback for a streamOptimized file whose footer or
 * grain directory is missing or unusable, e.g. an interrupted download):
 * most grains it can map, 8 bytes each in the streamOptimized buffers
 * (borrowed from the caller when a compressed extent is opened). 65536
 * grains = 4 GiB of stored data in 64 KiB grains; a file holding more
 * grain markers fails to open with VB_ELIMIT. One extent per disk can be
 * walked. */
#ifndef VB_STREAM_WALK_GRAINS_MAX
#define VB_STREAM_WALK_GRAINS_MAX 65536
#endif

/* Compressed input read ahead of a sequential streamOptimized read, on top
 * of one largest compressed grain: following grains that fit come from the
 * same platform read. */
#ifndef VB_STREAM_READAHEAD_BYTES
#define VB_STREAM_READAHEAD_BYTES (256u * 1024u)
#endif

/* ---- inflate (core/inflate/inflate.c) ---- */

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
