/* Unit tests of core/ext4*.c on ext2/3/4 images made by mke2fs -d and
 * debugfs (mkimages-ext4.sh): file bytes against the source files (holes,
 * fragmented extent trees of depth 1 and 2, block maps up to triple
 * indirect, inline data, 64 KiB blocks, meta_bg), symlinks, listings of a
 * 3000-entry htree directory, read batching; then corrupt copies made in
 * memory (superblock fields, extents, directory entries, inodes), each
 * with its exact error code. */
#include "fs/ext4.h"
#include "fs/ext4_impl.h"
#include "host_source.h"
#include "image_files.h"
#include "test.h"
#include "lib/util.h"

static const struct {
    const char *image;
    uint32_t block_size;
    const char *kind;
    bool journal, extents, inline_data;
} images[] = {
    {"ext4.img", 4096, "ext4", true, true, false},
    {"ext4-1k.img", 1024, "ext4", true, true, false},
    {"ext3-1k.img", 1024, "ext3", true, false, false},
    {"ext2.img", 4096, "ext2", false, false, false},
    {"ext2-notype.img", 2048, "ext2", false, false, false},
    {"ext4-inline.img", 4096, "ext4", false, true, true},
    {"ext4-metabg.img", 1024, "ext4", true, true, false},
    {"ext4-noext.img", 4096, "ext4", true, false, false},
    {"ext4-64k.img", 65536, "ext4", false, true, false},
};
#define N_IMAGES VB_ARRAY_SIZE(images)

#define DEEP "a/b/c/d/e/f/g/h/deep.txt"
#define CAFE "caf\xc3\xa9.txt"

/* Paths looked up in every image, and the source file each must equal. */
static const struct {
    const char *path, *source;
    bool skip_64k; /* many/ is left out of the 64 KiB-block image */
} files[] = {
    {"hello.txt", "hello.txt"},
    {"/hello.txt", "hello.txt"},
    {"//./hello.txt", "hello.txt"},
    {"empty.dat", "empty.dat"},
    {"big.bin", "big.bin"},
    {"sparse.bin", "sparse.bin"},
    {"far.bin", "far.bin"},
    {"frag.bin", "frag.bin"},
    {"boot/vmlinuz-6.1", "boot/vmlinuz-6.1"},
    {"boot/vmlinuz", "boot/vmlinuz-6.1"},
    {"/boot/vmlinuz", "boot/vmlinuz-6.1"},
    {"vmlinuz", "boot/vmlinuz-6.1"},
    {"initrd.img", "boot/initrd.img-6.1"},
    {"boot/initrd.img", "boot/initrd.img-6.1"},
    {DEEP, DEEP},
    {"dirlink/d/e/f/g/h/deep.txt", DEEP},
    {"a/b/../b/c/./d/e/f/g/h/deep.txt", DEEP},
    {"/../../a/b/c/d/e/f/g/h/deep.txt", DEEP},
    {"slowlink", DEEP},
    {"up/uplink", "hello.txt"},
    {"up/../hello.txt", "hello.txt"},
    {"small60.bin", "small60.bin"},
    {"small100.bin", "small100.bin"},
    {"smalldir/one.txt", "smalldir/one.txt"},
    {"smalldir/two.txt", "smalldir/two.txt"},
    {"ci/MixedCase.txt", "ci/MixedCase.txt"},
    {CAFE, CAFE},
    {"many/file1", "many/file1", true},
    {"many/file1234", "many/file1234", true},
    {"many/file3000", "many/file3000", true},
};

static const char *image_path(const char *name) {
    return EXT4_IMAGE(name);
}

static uint8_t *load_source(const char *name, size_t *size) {
    char path[600];
    snprintf(path, sizeof(path), "src/%s", name);
    return image_files_load(image_path(path), size);
}

static ext4_fs fs;
static ext4_file file;
static ext4_dir dir;

static int mount_image(size_t i, vb_source *src) {
    int r = host_source_open(image_path(images[i].image), src);
    CHECK_ERR(r, 0);
    if (r)
        return r;
    r = ext4_mount(&fs, src);
    if (r)
        fprintf(stderr, "%s: %s\n", images[i].image, fs.diag.text);
    return r;
}

TEST(test_ext4_mount) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src;
        CHECK_ERR(mount_image(i, &src), 0);
        CHECK_U64(fs.block_size, images[i].block_size);
        CHECK_STR(ext4_kind_name(&fs), images[i].kind);
        char label[64];
        snprintf(label, sizeof(label), "%s", images[i].image);
        *strrchr(label, '.') = '\0';
        label[16] = '\0';
        CHECK_STR(fs.label, label);
        CHECK_MEM(fs.uuid, "\x0a\x0b\x0c\x0d\x11\x11\x22\x22\x33\x33\x44\x44\x55\x55\x66\x66", 16);
        CHECK(!!(fs.flags & EXT4_FS_HAS_JOURNAL) == images[i].journal);
        CHECK(!!(fs.flags & EXT4_FS_EXTENTS) == images[i].extents);
        CHECK(!(fs.flags & EXT4_FS_NEEDS_RECOVERY));
        host_source_close(&src);
    }
}

/* Compares the whole file source with want, in 1 MiB reads. */
static void check_bytes(vb_source *f, const uint8_t *want, size_t size, const char *what) {
    size_t chunk = 1 << 20;
    uint8_t *got = malloc(chunk);
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = VB_MIN(chunk, size - off);
        int r = vb_source_read(f, off, got, n);
        if (r)
            fprintf(stderr, "%s at %zu: %s\n", what, off, fs.diag.text);
        CHECK_ERR(r, 0);
        if (memcmp(got, want + off, n) != 0) {
            fprintf(stderr, "%s: bytes differ in [%zu, %zu)\n", what, off, off + n);
            test_failures++;
            break;
        }
    }
    free(got);
}

TEST(test_ext4_files) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        bool is64k = images[i].block_size == 65536;
        for (size_t k = 0; k < VB_ARRAY_SIZE(files); k++) {
            if (files[k].skip_64k && is64k)
                continue;
            size_t size;
            uint8_t *want = load_source(files[k].source, &size);
            int r = ext4_lookup(&fs, files[k].path, &file, &f);
            if (r)
                fprintf(stderr, "%s: %s: %s\n", images[i].image, files[k].path, fs.diag.text);
            CHECK_ERR(r, 0);
            if (r == 0) {
                CHECK_U64(f.size, size);
                char what[256];
                snprintf(what, sizeof(what), "%s:%s", images[i].image, files[k].path);
                check_bytes(&f, want, size, what);
            }
            free(want);
        }
        host_source_close(&src);
    }
}

/* What the images keep where: inline data, extent tree depths. */
TEST(test_ext4_layout) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        CHECK_ERR(ext4_lookup(&fs, "small100.bin", &file, &f), 0);
        CHECK(!!(file.inode_flags & EXT4_INLINE_DATA_FL) == images[i].inline_data);
        CHECK_ERR(ext4_lookup(&fs, "frag.bin", &file, &f), 0);
        CHECK(!!(file.inode_flags & EXT4_EXTENTS_FL) == images[i].extents);
        if (strcmp(images[i].image, "ext4-metabg.img") == 0) {
            /* Descriptors of groups 16+ come from the second meta group. */
            ext4_dirent e;
            CHECK_U64(fs.first_meta_bg, 0);
            CHECK_ERR(ext4_stat(&fs, "many/file3000", &e), 0);
            CHECK(e.ino > 16 * fs.inodes_per_group);
            CHECK_ERR(ext4_stat(&fs, "smalldir", &e), 0);
            CHECK(e.ino > 16 * fs.inodes_per_group);
        }
        if (images[i].extents) {
            /* 451 one-block extents need depth 2 with 1 KiB blocks. */
            CHECK_U64(vb_le16(file.i_block + 6), images[i].block_size == 1024 ? 2 : 1);
        }
        host_source_close(&src);
    }
}

/* xorshift64: deterministic offsets and lengths. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(test_ext4_random_reads) {
    static const char *const names[] = {"frag.bin", "sparse.bin", "big.bin", "small100.bin"};
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        for (size_t k = 0; k < VB_ARRAY_SIZE(names); k++) {
            size_t size;
            uint8_t *want = load_source(names[k], &size);
            CHECK_ERR(ext4_lookup(&fs, names[k], &file, &f), 0);
            uint8_t *got = malloc(size);
            for (int n = 0; n < 200; n++) {
                uint64_t off = rng() % size;
                size_t len = (size_t)(rng() % VB_MIN(size - off, (uint64_t)70000)) + 1;
                if (off + len > size)
                    len = size - off;
                int r = vb_source_read(&f, off, got, len);
                if (r)
                    fprintf(stderr, "%s:%s at %llu+%zu of %zu: %s\n", images[i].image, names[k],
                            (unsigned long long)off, len, size, fs.diag.text);
                CHECK_ERR(r, 0);
                if (memcmp(got, want + off, len) != 0) {
                    fprintf(stderr, "%s:%s: bytes differ at %llu+%zu\n", images[i].image, names[k],
                            (unsigned long long)off, len);
                    test_failures++;
                    break;
                }
            }
            CHECK_ERR(vb_source_read(&f, size, got, 1), VB_ERANGE);
            CHECK_ERR(vb_source_read(&f, size - 1, got, 2), VB_ERANGE);
            CHECK_ERR(f.read(f.ctx, size, got, 1), VB_ERANGE);
            free(got);
            free(want);
        }
        host_source_close(&src);
    }
}

/* A source that counts the reads that reach it. */
typedef struct counting {
    vb_source inner;
    unsigned calls;
} counting;
static int counting_read(void *ctx, uint64_t off, void *buf, size_t len) {
    counting *c = ctx;
    c->calls++;
    return vb_source_read(&c->inner, off, buf, len);
}

TEST(test_ext4_batching) {
    vb_source src, f;
    counting c;
    CHECK_ERR(host_source_open(image_path("ext4.img"), &src), 0);
    c.inner = src;
    c.calls = 0;
    vb_source counted = {&c, src.size, counting_read};
    CHECK_ERR(ext4_mount(&fs, &counted), 0);
    size_t size;
    uint8_t *want = load_source("big.bin", &size);
    uint8_t *got = malloc(size);
    CHECK_ERR(ext4_lookup(&fs, "big.bin", &file, &f), 0);
    c.calls = 0;
    /* One extent of 1537 blocks: one read. */
    CHECK_ERR(vb_source_read(&f, 0, got, size), 0);
    CHECK_MEM(got, want, size);
    CHECK_U64(c.calls, 1);
    /* Sequential 64 KiB reads: one source read each, no tree walks. */
    c.calls = 0;
    for (size_t off = 0; off < size; off += 65536)
        CHECK_ERR(vb_source_read(&f, off, got + off, VB_MIN((size_t)65536, size - off)), 0);
    CHECK_U64(c.calls, (size + 65535) / 65536);
    CHECK_MEM(got, want, size);
    free(want);
    /* frag.bin: 113 one-block extents in one leaf; a whole read walks the
     * tree once per VB_EXT4_RUNS extents. */
    want = load_source("frag.bin", &size);
    CHECK_ERR(ext4_lookup(&fs, "frag.bin", &file, &f), 0);
    c.calls = 0;
    CHECK_ERR(vb_source_read(&f, 0, got, size), 0);
    CHECK_MEM(got, want, size);
    /* Each walk: the leaf header and at most 4 chunks of 32 entries. */
    CHECK(c.calls <= 113 + 5 * (113 / VB_EXT4_RUNS + 1));
    free(want);
    free(got);
    host_source_close(&src);
}

TEST(test_ext4_listing) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src;
        CHECK_ERR(mount_image(i, &src), 0);
        bool is64k = images[i].block_size == 65536;
        ext4_dirent e;
        int r;
        if (!is64k) {
            static bool seen[3001];
            memset(seen, 0, sizeof(seen));
            unsigned count = 0;
            CHECK_ERR(ext4_opendir(&fs, "/many/", &dir), 0);
            while ((r = ext4_readdir(&dir, &e)) == 1) {
                unsigned n = 0;
                CHECK(sscanf(e.name, "file%u", &n) == 1 && n >= 1 && n <= 3000);
                if (n >= 1 && n <= 3000) {
                    CHECK(!seen[n]);
                    seen[n] = true;
                    char want[32];
                    CHECK_U64(e.size, (uint64_t)snprintf(want, sizeof(want), "entry %u\n", n));
                }
                CHECK(!e.is_dir && !e.is_symlink);
                count++;
            }
            CHECK_ERR(r, 0);
            CHECK_U64(count, 3000);
        }
        /* The root: every name once, with its type. */
        static const struct {
            const char *name;
            bool is_dir, is_symlink;
            uint64_t size;
        } root[] = {
            {"hello.txt", false, false, 13}, {"boot", true, false, 0},
            {"vmlinuz", false, true, 12},    {"initrd.img", false, true, 16},
            {"slowlink", false, true, 66},   {"sparse.bin", false, false, 8 << 20},
            {"a", true, false, 0},           {"frag.bin", false, false, 450 * 1024 + 77},
            {"lost+found", true, false, 0},  {CAFE, false, false, 6},
        };
        unsigned found[VB_ARRAY_SIZE(root)] = {0}, count = 0;
        CHECK_ERR(ext4_opendir(&fs, "", &dir), 0);
        while ((r = ext4_readdir(&dir, &e)) == 1) {
            count++;
            CHECK(strcmp(e.name, ".") != 0 && strcmp(e.name, "..") != 0);
            for (size_t k = 0; k < VB_ARRAY_SIZE(root); k++) {
                if (strcmp(e.name, root[k].name) != 0)
                    continue;
                found[k]++;
                CHECK(e.is_dir == root[k].is_dir);
                CHECK(e.is_symlink == root[k].is_symlink);
                if (!e.is_dir)
                    CHECK_U64(e.size, root[k].size);
            }
        }
        CHECK_ERR(r, 0);
        for (size_t k = 0; k < VB_ARRAY_SIZE(root); k++)
            CHECK_U64(found[k], 1);
        CHECK_U64(count, is64k ? 22 : 23);
        /* A symlink to a directory opens it; inline directories list. */
        static const char *const dirs[] = {"dirlink", "smalldir", "boot"};
        static const unsigned counts[] = {1, 2, 4};
        for (size_t k = 0; k < VB_ARRAY_SIZE(dirs); k++) {
            CHECK_ERR(ext4_opendir(&fs, dirs[k], &dir), 0);
            unsigned n = 0;
            while ((r = ext4_readdir(&dir, &e)) == 1)
                n++;
            CHECK_ERR(r, 0);
            CHECK_U64(n, counts[k]);
        }
        CHECK_ERR(ext4_opendir(&fs, "hello.txt", &dir), VB_EINVAL);
        CHECK_ERR(ext4_opendir(&fs, "nope", &dir), VB_ENOTFOUND);
        host_source_close(&src);
    }
}

TEST(test_ext4_stat) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src;
        CHECK_ERR(mount_image(i, &src), 0);
        ext4_dirent e;
        char target[256];
        CHECK_ERR(ext4_stat(&fs, "", &e), 0);
        CHECK(e.is_dir);
        CHECK_STR(e.name, "");
        CHECK_U64(e.ino, 2);
        CHECK_ERR(ext4_stat(&fs, "/boot/vmlinuz", &e), 0);
        CHECK(!e.is_dir && !e.is_symlink);
        CHECK_STR(e.name, "vmlinuz-6.1");
        CHECK_U64(e.size, 3 * 1024 * 1024 + 17);
        CHECK_U64(e.mode & 0xF000, 0x8000);
        CHECK_ERR(ext4_lstat(&fs, "/boot/vmlinuz", &e, target, sizeof(target)), 0);
        CHECK(e.is_symlink);
        CHECK_STR(e.name, "vmlinuz");
        CHECK_STR(target, "vmlinuz-6.1");
        CHECK_U64(e.size, 11);
        CHECK_ERR(ext4_lstat(&fs, "initrd.img", &e, target, sizeof(target)), 0);
        CHECK_STR(target, "/boot/initrd.img");
        CHECK_ERR(ext4_lstat(&fs, "slowlink", &e, target, sizeof(target)), 0);
        CHECK_STR(target, "./a/b/c/d/e/f/g/h/../../../../../../../../" DEEP);
        CHECK_ERR(ext4_lstat(&fs, "slowlink", &e, target, 20), VB_ELIMIT);
        CHECK_ERR(ext4_lstat(&fs, "dangling", &e, NULL, 0), 0);
        CHECK(e.is_symlink);
        CHECK_ERR(ext4_stat(&fs, "dirlink", &e), 0);
        CHECK(e.is_dir);
        CHECK_STR(e.name, "c");
        CHECK_ERR(ext4_stat(&fs, "dirlink/", &e), 0);
        CHECK(e.is_dir);
        CHECK_ERR(ext4_stat(&fs, "a/b", &e), 0);
        CHECK(e.is_dir);
        host_source_close(&src);
    }
}

TEST(test_ext4_lookup_errors) {
    for (size_t i = 0; i < N_IMAGES; i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        ext4_dirent e;
        CHECK_ERR(ext4_lookup(&fs, "nope", &file, &f), VB_ENOTFOUND);
        CHECK_ERR(ext4_lookup(&fs, "HELLO.TXT", &file, &f), VB_ENOTFOUND);
        CHECK_ERR(ext4_lookup(&fs, "hello.txt/x", &file, &f), VB_ENOTFOUND);
        CHECK_ERR(ext4_lookup(&fs, "a", &file, &f), VB_EINVAL);
        CHECK_ERR(ext4_lookup(&fs, "", &file, &f), VB_EINVAL);
        CHECK_ERR(ext4_lookup(&fs, "dirlink", &file, &f), VB_EINVAL);
        CHECK_ERR(ext4_lookup(&fs, "loop1", &file, &f), VB_ELOOP);
        CHECK_ERR(ext4_stat(&fs, "loop2/x", &e), VB_ELOOP);
        CHECK_ERR(ext4_lstat(&fs, "loop1", &e, NULL, 0), 0);
        CHECK_ERR(ext4_lookup(&fs, "dangling", &file, &f), VB_ENOTFOUND);
        CHECK_ERR(ext4_stat(&fs, "a/b/c/d/e/f/g/h/deep.txt/", &e), VB_ENOTFOUND);
        /* Case-insensitive directory: the exact name only. */
        CHECK_ERR(ext4_lookup(&fs, "ci/mixedcase.txt", &file, &f),
                  images[i].inline_data ? VB_EUNSUPPORTED : VB_ENOTFOUND);
        /* The scan budget of one lookup: "a/b" scans the root and a/. */
        uint64_t budget = 0;
        CHECK_ERR(ext4_stat(&fs, "", &e), 0);
        budget += e.size;
        CHECK_ERR(ext4_stat(&fs, "a", &e), 0);
        budget += e.size;
        fs.lookup_scan_max = budget;
        CHECK_ERR(ext4_stat(&fs, "a/b", &e), 0);
        CHECK_ERR(ext4_stat(&fs, "a/../a/b", &e), VB_ELIMIT);
        CHECK_STR(vb_err_name(fs.diag.err), "ELIMIT");
        fs.lookup_scan_max = VB_EXT4_LOOKUP_SCAN_MAX;
        CHECK_ERR(ext4_stat(&fs, "a/../a/b", &e), 0);
        char longpath[2000];
        memset(longpath, 'a', sizeof(longpath) - 1);
        longpath[sizeof(longpath) - 1] = '\0';
        CHECK_ERR(ext4_lookup(&fs, longpath, &file, &f), VB_ELIMIT);
        longpath[300] = '\0';
        CHECK_ERR(ext4_lookup(&fs, longpath, &file, &f), VB_ENOTFOUND);
        host_source_close(&src);
    }
}

/* ---- corrupt copies -------------------------------------------------- */

static uint8_t *img;
static size_t img_size;
static vb_memsource mem;

/* A fresh copy of an image in img (the pristine bytes are read once). */
static void load_copy(const char *name) {
    static struct {
        const char *name;
        uint8_t *data;
        size_t size;
    } pristine[4];
    size_t k = 0;
    while (k < VB_ARRAY_SIZE(pristine) && pristine[k].name && strcmp(pristine[k].name, name) != 0)
        k++;
    if (k == VB_ARRAY_SIZE(pristine)) {
        fprintf(stderr, "load_copy: more than %zu images\n", VB_ARRAY_SIZE(pristine));
        exit(2);
    }
    if (!pristine[k].name) {
        pristine[k].name = name;
        pristine[k].data = image_files_load(image_path(name), &pristine[k].size);
    }
    if (!img || img_size != pristine[k].size) {
        free(img);
        img = malloc(pristine[k].size);
    }
    img_size = pristine[k].size;
    memcpy(img, pristine[k].data, img_size);
}

static int mount_copy(void) {
    vb_source src;
    vb_memsource_init(&mem, img, img_size, &src);
    return ext4_mount(&fs, &src);
}

/* ext4 superblock crc32c (seed ~0, not inverted), for metadata_csum. */
static void fix_sb_csum(void) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < 1020; i++) {
        crc ^= img[1024 + i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
    vb_put_le32(img + 1024 + 1020, crc);
}

static void put16(size_t off, uint16_t v) {
    img[off] = (uint8_t)v;
    img[off + 1] = (uint8_t)(v >> 8);
}

/* Byte offset of a path's inode in the copy. */
static uint64_t inode_at(const char *path) {
    ext4_dirent e;
    ext4_inode inode;
    CHECK_ERR(mount_copy(), 0);
    CHECK_ERR(ext4_lstat(&fs, path, &e, NULL, 0), 0);
    CHECK_ERR(ext4_read_inode(&fs, e.ino, &inode), 0);
    return inode.disk_offset;
}

/* Offset of the one directory entry named name (filetype layout). */
static size_t dirent_at(const char *name) {
    uint8_t pat[64];
    size_t n = strlen(name), at = 0, hits = 0;
    pat[0] = (uint8_t)n;
    pat[1] = 1; /* regular file */
    memcpy(pat + 2, name, n);
    for (size_t off = 0; off + n + 2 <= img_size; off++) {
        if (img[off] == pat[0] && memcmp(img + off, pat, n + 2) == 0) {
            at = off - 6;
            hits++;
        }
    }
    CHECK_U64(hits, 1);
    return at;
}

static vb_source copy_file;

static int lookup_copy(const char *path) {
    int r = mount_copy();
    return r ? r : ext4_lookup(&fs, path, &file, &copy_file);
}

static int read_copy(const char *path) {
    uint8_t buf[4096];
    int r = lookup_copy(path);
    return r ? r : vb_source_read(&copy_file, 0, buf, VB_MIN(sizeof(buf), copy_file.size));
}

/* Reads a whole file of the copy (for corruption deep in a file). */
static int read_all_copy(const char *path) {
    int r = lookup_copy(path);
    if (r)
        return r;
    uint8_t *buf = malloc(file.size + 1);
    r = ext4_file_read(&file, 0, buf, file.size, true);
    free(buf);
    return r;
}

#define SB 1024

TEST(test_ext4_corrupt_superblock) {
    /* ext3-1k: no metadata_csum, so fields can be patched directly. */
    static const struct {
        size_t off;
        int width; /* bytes: 1, 2 or 4 */
        uint32_t value;
        int want;
    } cases[] = {
        {SB + 0x38, 2, 0xEF54, VB_EFORMAT},       /* magic */
        {SB + 0x18, 4, 7, VB_ECORRUPT},           /* block size 128 KiB */
        {SB + 0x18, 4, 0xFFFFFFFF, VB_ECORRUPT},  /* block size shift overflow */
        {SB + 0x04, 4, 0x7FFFFFFF, VB_ECORRUPT},  /* blocks past the source */
        {SB + 0x04, 4, 0, VB_ECORRUPT},           /* no blocks */
        {SB + 0x28, 4, 0, VB_ECORRUPT},           /* 0 inodes per group */
        {SB + 0x28, 4, 1u << 20, VB_ECORRUPT},    /* more than a bitmap holds */
        {SB + 0x00, 4, 12345, VB_ECORRUPT},       /* inode count != groups x per group */
        {SB + 0x20, 4, 0, VB_ECORRUPT},           /* 0 blocks per group */
        {SB + 0x20, 4, 1, VB_ECORRUPT},           /* too many groups for the inodes */
        {SB + 0x58, 2, 100, VB_ECORRUPT},         /* inode size */
        {SB + 0x58, 2, 2048, VB_ECORRUPT},        /* inode size > block size */
        {SB + 0x14, 4, 5, VB_ECORRUPT},           /* first data block */
        {SB + 0x4C, 4, 2, VB_EUNSUPPORTED},       /* revision */
        {SB + 0x60, 4, 0x80002, VB_EUNSUPPORTED}, /* unknown incompat feature */
        {SB + 0x60, 4, 0x0000A, VB_EUNSUPPORTED}, /* journal device */
        {SB + 0x60, 4, 0x01002, VB_EUNSUPPORTED}, /* dirdata */
        {SB + 0x60, 4, 0x00082, VB_ECORRUPT},     /* 64bit with descriptor size 0 */
    };
    for (size_t k = 0; k < VB_ARRAY_SIZE(cases); k++) {
        load_copy("ext3-1k.img");
        uint8_t *p = img + cases[k].off;
        if (cases[k].width == 2)
            put16(cases[k].off, (uint16_t)cases[k].value);
        else
            vb_put_le32(p, cases[k].value);
        int r = mount_copy();
        if (r != cases[k].want)
            fprintf(stderr, "superblock case %zu: %s\n", k, fs.diag.text);
        CHECK_ERR(r, cases[k].want);
    }
    /* Too small, and truncated. */
    load_copy("ext3-1k.img");
    img_size = 2047;
    CHECK_ERR(mount_copy(), VB_EFORMAT);
    img_size = 1 << 20;
    CHECK_ERR(mount_copy(), VB_ECORRUPT);

    /* needs_recovery: read anyway, and say so. */
    load_copy("ext3-1k.img");
    img[SB + 0x60] |= 0x04;
    CHECK_ERR(mount_copy(), 0);
    CHECK(fs.flags & EXT4_FS_NEEDS_RECOVERY);
    CHECK_ERR(read_copy("hello.txt"), 0);

    /* metadata_csum: a changed byte is caught; a fixed-up checksum lets the
     * next check speak. */
    load_copy("ext4.img");
    CHECK_ERR(mount_copy(), 0);
    CHECK(fs.flags & EXT4_FS_METADATA_CSUM);
    img[SB + 0x78] ^= 1; /* volume name */
#ifndef VB_FUZZ_NO_CHECKSUM
    CHECK_ERR(mount_copy(), VB_ECHECKSUM);
#endif
    fix_sb_csum();
    CHECK_ERR(mount_copy(), 0);
    put16(SB + 0xFE, 48); /* 64bit descriptor size */
    fix_sb_csum();
    CHECK_ERR(mount_copy(), VB_ECORRUPT);
    put16(SB + 0xFE, 64);
    img[SB + 0x175] = 2; /* checksum type */
    fix_sb_csum();
    CHECK_ERR(mount_copy(), VB_EUNSUPPORTED);
}

TEST(test_ext4_corrupt_inodes) {
    /* Group 0's inode table pointing past the end (1 KiB blocks: the
     * descriptors start at block 2). */
    load_copy("ext3-1k.img");
    vb_put_le32(img + 2048 + 8, 0x00FFFFFF);
    CHECK_ERR(lookup_copy("hello.txt"), VB_ECORRUPT);

    /* A directory entry naming an inode past the count. */
    load_copy("ext4.img");
    size_t de = dirent_at("hello.txt");
    CHECK_ERR(mount_copy(), 0);
    vb_put_le32(img + de, fs.inode_count + 1);
    CHECK_ERR(lookup_copy("hello.txt"), VB_ECORRUPT);
    vb_put_le32(img + de, 0); /* an unused entry: gone */
    CHECK_ERR(lookup_copy("hello.txt"), VB_ENOTFOUND);

    /* A free inode (mode 0). */
    load_copy("ext4.img");
    uint64_t ino = inode_at("hello.txt");
    put16(ino, 0);
    CHECK_ERR(lookup_copy("hello.txt"), VB_ECORRUPT);

    /* Encrypted or compressed file; bad extra size; inline data too big. */
    load_copy("ext4.img");
    ino = inode_at("hello.txt");
    img[ino + 0x21] |= 0x08; /* EXT4_ENCRYPT_FL */
    CHECK_ERR(lookup_copy("hello.txt"), VB_EUNSUPPORTED);
    img[ino + 0x21] &= (uint8_t)~0x08;
    img[ino + 0x21] |= 0x02; /* EXT4_COMPRBLK_FL */
    CHECK_ERR(lookup_copy("hello.txt"), VB_EUNSUPPORTED);
    img[ino + 0x21] &= (uint8_t)~0x02;
    put16(ino + 0x80, 0x1000);
    CHECK_ERR(lookup_copy("hello.txt"), VB_ECORRUPT);
    load_copy("ext4-inline.img");
    ino = inode_at("small100.bin");
    vb_put_le32(img + ino + 4, 1000);
    CHECK_ERR(lookup_copy("small100.bin"), VB_ECORRUPT);
    /* An encrypted directory on the way. */
    load_copy("ext4.img");
    ino = inode_at("a");
    img[ino + 0x21] |= 0x08;
    CHECK_ERR(lookup_copy(DEEP), VB_EUNSUPPORTED);
}

TEST(test_ext4_corrupt_extents) {
    load_copy("ext4.img");
    uint64_t ino = inode_at("big.bin");
    uint64_t root = ino + 0x28;
    /* The one extent of big.bin: start past the end of the filesystem. */
    CHECK_ERR(mount_copy(), 0);
    vb_put_le32(img + root + 12 + 8, (uint32_t)fs.block_count - 10);
    CHECK_ERR(read_copy("big.bin"), VB_ECORRUPT);
    vb_put_le32(img + root + 12 + 8, 0);
    CHECK_ERR(read_copy("big.bin"), VB_ECORRUPT);

    static const struct {
        size_t off; /* in the root header / first entry */
        uint16_t value;
        int want;
    } root_cases[] = {
        {0, 0xF30B, VB_ECORRUPT}, /* magic */
        {2, 5, VB_ECORRUPT},      /* entries > max */
        {4, 5, VB_ECORRUPT},      /* max > room in the inode */
        {6, 6, VB_ECORRUPT},      /* depth 6 */
        {12 + 4, 0, VB_ECORRUPT}, /* extent length 0 */
    };
    for (size_t k = 0; k < VB_ARRAY_SIZE(root_cases); k++) {
        load_copy("ext4.img");
        put16(root + root_cases[k].off, root_cases[k].value);
        CHECK_ERR(read_copy("big.bin"), root_cases[k].want);
    }
    /* An uninitialized extent reads as zeros. */
    load_copy("ext4.img");
    put16(root + 12 + 4, (uint16_t)(vb_le16(img + root + 12 + 4) + 32768));
    {
        uint8_t buf[100], zero[100] = {0};
        CHECK_ERR(lookup_copy("big.bin"), 0);
        CHECK_ERR(ext4_file_read(&file, 12345, buf, sizeof(buf), true), 0);
        CHECK_MEM(buf, zero, sizeof(buf));
    }

    /* frag.bin: depth 1, root index -> leaf block L. */
    load_copy("ext4.img");
    ino = inode_at("frag.bin");
    root = ino + 0x28;
    uint64_t leaf = vb_le32(img + root + 12 + 4);
    size_t lo = (size_t)leaf * 4096;
    CHECK_U64(vb_le16(img + lo), 0xF30A);
    CHECK_ERR(read_all_copy("frag.bin"), 0);
    /* Loop: root says depth 2, L says depth 1 and points at itself. */
    put16(root + 6, 2);
    put16(lo + 6, 1);
    vb_put_le32(img + lo + 12, 0);
    vb_put_le32(img + lo + 12 + 4, (uint32_t)leaf);
    put16(lo + 12 + 8, 0);
    CHECK_ERR(read_copy("frag.bin"), VB_ELOOP);
    /* Child depth that does not follow its parent's. */
    load_copy("ext4.img");
    put16(lo + 6, 1);
    CHECK_ERR(read_copy("frag.bin"), VB_ECORRUPT);
    /* Index pointing past the end, or at block 0. */
    load_copy("ext4.img");
    vb_put_le32(img + root + 12 + 4, 0x7FFFFFFF);
    CHECK_ERR(read_copy("frag.bin"), VB_ECORRUPT);
    vb_put_le32(img + root + 12 + 4, 0);
    CHECK_ERR(read_copy("frag.bin"), VB_ECORRUPT);
    /* Leaf entries out of order / overlapping. */
    load_copy("ext4.img");
    vb_put_le32(img + lo + 12 + 12, 0); /* second extent starts at 0 too */
    CHECK_ERR(read_copy("frag.bin"), VB_ECORRUPT);
    /* A leaf extent outside the range its index gives: the index starts
     * at 1, the first extent at 0. */
    load_copy("ext4.img");
    vb_put_le32(img + root + 12, 1);
    CHECK_ERR(read_all_copy("frag.bin"), VB_ECORRUPT);
    /* Leaf magic. */
    load_copy("ext4.img");
    put16(lo, 0x1234);
    CHECK_ERR(read_copy("frag.bin"), VB_ECORRUPT);
    /* Extent past the end in the middle of the file: found when read. */
    load_copy("ext4.img");
    vb_put_le32(img + lo + 12 + 50 * 12 + 8, 0x7FFFFFF0);
    CHECK_ERR(read_all_copy("frag.bin"), VB_ECORRUPT);
}

TEST(test_ext4_corrupt_blockmap) {
    load_copy("ext3-1k.img");
    uint64_t ino = inode_at("big.bin");
    vb_put_le32(img + ino + 0x28, 0xFFFFFF00); /* direct block 0 */
    CHECK_ERR(read_copy("big.bin"), VB_ECORRUPT);
    load_copy("ext3-1k.img");
    vb_put_le32(img + ino + 0x28 + 13 * 4, 0xFFFFFF00); /* double indirect */
    CHECK_ERR(read_all_copy("big.bin"), VB_ECORRUPT);
    /* far.bin: its triple-indirect block past the end. */
    load_copy("ext3-1k.img");
    ino = inode_at("far.bin");
    CHECK(vb_le32(img + ino + 0x28 + 14 * 4) != 0);
    vb_put_le32(img + ino + 0x28 + 14 * 4, 0xFFFFFF00);
    CHECK_ERR(read_all_copy("far.bin"), VB_ECORRUPT);
    /* A zeroed indirect pointer is a hole: zeros. */
    load_copy("ext3-1k.img");
    ino = inode_at("big.bin");
    vb_put_le32(img + ino + 0x28 + 12 * 4, 0);
    {
        uint8_t buf[1024], zero[1024] = {0};
        CHECK_ERR(lookup_copy("big.bin"), 0);
        CHECK_ERR(ext4_file_read(&file, 12 * 1024, buf, sizeof(buf), true), 0);
        CHECK_MEM(buf, zero, sizeof(buf));
    }
}

TEST(test_ext4_corrupt_dirs) {
    static const struct {
        uint16_t rec_len;
        uint8_t name_len;
        int want;
    } cases[] = {
        {0, 9, VB_ECORRUPT},      /* rec_len 0 */
        {8, 9, VB_ECORRUPT},      /* below 12 */
        {18, 9, VB_ECORRUPT},     /* not a multiple of 4 */
        {4100, 9, VB_ECORRUPT},   /* overruns the block */
        {0xFFFC, 9, VB_ECORRUPT}, /* far past it */
        {16, 9, VB_ECORRUPT},     /* shorter than its name */
        {20, 0, VB_ECORRUPT},     /* used entry with no name */
    };
    for (size_t k = 0; k < VB_ARRAY_SIZE(cases); k++) {
        load_copy("ext4.img");
        size_t de = dirent_at("hello.txt");
        put16(de + 4, cases[k].rec_len);
        img[de + 6] = cases[k].name_len;
        /* Every lookup in the root reads past this entry. */
        CHECK_ERR(lookup_copy("nope"), cases[k].want);
    }
    /* The directory's size not whole blocks, or huge. */
    load_copy("ext4.img");
    uint64_t ino = inode_at("boot");
    vb_put_le32(img + ino + 4, 4095);
    CHECK_ERR(lookup_copy("boot/vmlinuz"), VB_ECORRUPT);
    vb_put_le32(img + ino + 4, 0);
    CHECK_ERR(lookup_copy("boot/vmlinuz"), VB_ENOTFOUND);
    load_copy("ext4.img");
    vb_put_le32(img + ino + 4, 4096u << 14);
    CHECK_ERR(lookup_copy("boot/vmlinuz"), VB_ELIMIT);
    /* A hole in a directory (the size says 2 blocks, one is mapped). */
    load_copy("ext4.img");
    vb_put_le32(img + ino + 4, 8192);
    CHECK_ERR(lookup_copy("boot/nope"), VB_ECORRUPT);
    /* A symlink whose target holds a NUL; an empty target. */
    load_copy("ext4.img");
    ino = inode_at("boot/vmlinuz");
    img[ino + 0x28 + 3] = 0;
    CHECK_ERR(lookup_copy("boot/vmlinuz"), VB_ECORRUPT);
    vb_put_le32(img + ino + 4, 0);
    CHECK_ERR(lookup_copy("boot/vmlinuz"), VB_ECORRUPT);
    /* The root inode not a directory. */
    load_copy("ext4.img");
    ino = inode_at("");
    put16(ino, 0x81A4);
    CHECK_ERR(lookup_copy("hello.txt"), VB_ECORRUPT);
}

TEST(test_ext4_not_ext) {
    uint8_t zeros[8192] = {0};
    vb_memsource m;
    vb_source src;
    vb_memsource_init(&m, zeros, sizeof(zeros), &src);
    CHECK_ERR(ext4_mount(&fs, &src), VB_EFORMAT);
    CHECK_STR(vb_err_name(fs.diag.err), "EFORMAT");
    vb_memsource_init(&m, zeros, 100, &src);
    CHECK_ERR(ext4_mount(&fs, &src), VB_EFORMAT);
}

TEST_MAIN(TEST_ENTRY(test_ext4_mount), TEST_ENTRY(test_ext4_files), TEST_ENTRY(test_ext4_layout),
          TEST_ENTRY(test_ext4_random_reads), TEST_ENTRY(test_ext4_batching),
          TEST_ENTRY(test_ext4_listing), TEST_ENTRY(test_ext4_stat),
          TEST_ENTRY(test_ext4_lookup_errors), TEST_ENTRY(test_ext4_corrupt_superblock),
          TEST_ENTRY(test_ext4_corrupt_inodes), TEST_ENTRY(test_ext4_corrupt_extents),
          TEST_ENTRY(test_ext4_corrupt_blockmap), TEST_ENTRY(test_ext4_corrupt_dirs),
          TEST_ENTRY(test_ext4_not_ext))
