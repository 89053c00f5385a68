/* Unit tests of core/fat*.c on FAT12/16/32 images made by mkfs.fat and
 * filled by mtools (mkimages-partfs.sh): file bytes against the source
 * files, listings, lookups, fragmentation and read batching; then corrupt
 * copies (cluster loops, links past the end, sizes overrunning chains,
 * hostile BPB fields, bad long names), each with its exact error code. */
#include "fs/fat.h"
#include "host_source.h"
#include "partfs_test.h"
#include "test.h"
#include "lib/util.h"

static const struct {
    const char *image;
    fat_type type;
    const char *label;
    uint32_t cluster_size;
} images[] = {
    {"fat12.img", FAT_TYPE_12, "FAT12", 2048},
    {"fat16.img", FAT_TYPE_16, "FAT16", 2048},
    {"fat32.img", FAT_TYPE_32, "FAT32", 512},
};

#define CAFE      "caf\xc3\xa9.txt"
#define LONG_NAME "MixedCase File Name With A Very Long Name.txt"
#define DEEP      "Long Folder Name/sub dir/deep file name with spaces.txt"

/* Paths looked up in the image, and the source file each must equal. */
static const struct {
    const char *path, *source;
} files[] = {
    {"hello.txt", "hello.txt"},
    {"/hello.txt", "hello.txt"},
    {"\\HELLO.TXT", "hello.txt"},
    {"//./Hello.Txt", "hello.txt"},
    {"lower.txt", "lower.txt"},
    {"LOWER.TXT", "lower.txt"},
    {"KERNEL", "KERNEL"},
    {"kernel", "KERNEL"},
    {LONG_NAME, LONG_NAME},
    {"mixedcase file name with a very long name.TXT", LONG_NAME},
    {"MIXEDC~1.TXT", LONG_NAME},
    {CAFE, CAFE},
    {"CAF\xc3\xa9.TXT", CAFE},
    {"empty.dat", "empty.dat"},
    {"big.bin", "big.bin"},
    {"frag.bin", "frag.bin"},
    {DEEP, DEEP},
    {"\\long folder name\\SUB DIR\\Deep File Name With Spaces.txt", DEEP},
    {"LONGFO~1/sub dir/data.bin", "Long Folder Name/sub dir/data.bin"},
    {"/Long Folder Name/./sub dir//data.bin", "Long Folder Name/sub dir/data.bin"},
    {"many/file001.txt", "many/file001.txt"},
    {"many/FILE050.TXT", "many/file050.txt"},
    {"many/file100.txt", "many/file100.txt"},
};

static uint8_t *load_source(const char *name, size_t *size) {
    char path[600];
    snprintf(path, sizeof(path), "src/%s", name);
    return load_image(path, size);
}

static fat_fs fs;
static fat_file file;

static int mount_image(size_t i, vb_source *src) {
    int r = host_source_open(image_path(images[i].image), src);
    CHECK_ERR(r, 0);
    return r ? r : fat_mount(&fs, src);
}

TEST(test_fat_mount) {
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source src;
        CHECK_ERR(mount_image(i, &src), 0);
        CHECK_U64(fs.type, images[i].type);
        CHECK_STR(fs.label, images[i].label);
        CHECK_U64(fs.volume_id, 0x1234ABCD);
        CHECK_U64(fs.cluster_size, images[i].cluster_size);
        CHECK_U64(fs.bytes_per_sector, 512);
        CHECK_STR(fat_type_name(fs.type), images[i].label);
        host_source_close(&src);
    }
}

TEST(test_fat_files) {
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        for (size_t k = 0; k < VB_ARRAY_SIZE(files); k++) {
            size_t size;
            uint8_t *want = load_source(files[k].source, &size);
            int r = fat_lookup(&fs, files[k].path, &file, &f);
            if (r)
                fprintf(stderr, "%s: %s: %s\n", images[i].image, files[k].path, fs.diag.text);
            CHECK_ERR(r, 0);
            if (r == 0) {
                CHECK_U64(f.size, size);
                uint8_t *got = malloc(size + 1);
                CHECK_ERR(vb_source_read(&f, 0, got, size), 0);
                CHECK_MEM(got, want, size);
                CHECK_U64(file.clusters, (size + fs.cluster_size - 1) / fs.cluster_size);
                free(got);
            }
            free(want);
        }
        host_source_close(&src);
    }
}

/* xorshift64: deterministic offsets and lengths. */
static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(test_fat_reads) {
    size_t size;
    uint8_t *want = load_source("big.bin", &size);
    uint8_t *got = malloc(size);
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source src, f;
        CHECK_ERR(mount_image(i, &src), 0);
        CHECK_ERR(fat_lookup(&fs, "big.bin", &file, &f), 0);
        /* Random offsets and lengths, forwards and backwards. */
        for (int n = 0; n < 300; n++) {
            uint64_t off = rng() % size;
            uint64_t len = rng() % (n % 3 == 0 ? 70000 : 3000);
            len = VB_MIN(len, size - off);
            memset(got, 0, len);
            CHECK_ERR(vb_source_read(&f, off, got, len), 0);
            CHECK_MEM(got, want + off, len);
        }
        /* Sequential reads in odd-sized pieces. */
        for (size_t off = 0; off < size; off += 4099) {
            size_t len = VB_MIN((size_t)4099, size - off);
            CHECK_ERR(vb_source_read(&f, off, got + off, len), 0);
        }
        CHECK_MEM(got, want, size);
        CHECK_ERR(vb_source_read(&f, size - 1, got, 2), VB_ERANGE);
        CHECK_ERR(vb_source_read(&f, size, got, 0), 0);
        CHECK_ERR(f.read(f.ctx, size, got, 1), VB_ERANGE);
        host_source_close(&src);
    }
    free(got);
    free(want);
}

/* A source that counts the read calls that reach it. */
typedef struct counting_source {
    vb_source inner;
    unsigned calls;
} counting_source;
static int counting_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    counting_source *c = ctx;
    c->calls++;
    return vb_source_read(&c->inner, offset, buf, len);
}

TEST(test_fat_fragmented_and_batched) {
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source host, f;
        CHECK_ERR(host_source_open(image_path(images[i].image), &host), 0);
        counting_source counter = {host, 0};
        vb_source src = {&counter, host.size, counting_read};
        CHECK_ERR(fat_mount(&fs, &src), 0);
        /* frag.bin was written into the holes left by deleted files. */
        CHECK_ERR(fat_lookup(&fs, "frag.bin", &file, &f), 0);
        if (file.runs < 3)
            fprintf(stderr, "%s: frag.bin has %u runs\n", images[i].image, file.runs);
        CHECK(file.runs >= 3);
        /* One read of a whole file costs one platform read per run. */
        static uint8_t buf[1 << 21];
        static const char *const names[] = {"frag.bin", "big.bin"};
        for (size_t k = 0; k < VB_ARRAY_SIZE(names); k++) {
            CHECK_ERR(fat_lookup(&fs, names[k], &file, &f), 0);
            counter.calls = 0;
            CHECK_ERR(vb_source_read(&f, 0, buf, f.size), 0);
            CHECK_U64(counter.calls, file.runs);
        }
        host_source_close(&host);
    }
}

TEST(test_fat_listing) {
    static const struct {
        const char *name;
        uint64_t size;
        bool is_dir;
    } root[] = {
        {"hello.txt", 17, false},
        {"lower.txt", 22, false},
        {"KERNEL", 5000, false},
        {LONG_NAME, 13, false},
        {CAFE, 6, false},
        {"empty.dat", 0, false},
        {"big.bin", 1049810, false},
        {"frag.bin", 200000, false},
        {"Long Folder Name", 0, true},
        {"many", 0, true},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source src;
        static fat_dir dir;
        static fat_dirent ent;
        CHECK_ERR(mount_image(i, &src), 0);
        static const char *const root_paths[] = {"", "/", "\\", "."};
        for (size_t p = 0; p < VB_ARRAY_SIZE(root_paths); p++) {
            bool seen[VB_ARRAY_SIZE(root)] = {false};
            int n = 0, r;
            CHECK_ERR(fat_opendir(&fs, root_paths[p], &dir), 0);
            while ((r = fat_readdir(&dir, &ent)) == 1) {
                n++;
                size_t k;
                for (k = 0; k < VB_ARRAY_SIZE(root); k++)
                    if (strcmp(ent.name, root[k].name) == 0)
                        break;
                CHECK(k < VB_ARRAY_SIZE(root));
                if (k == VB_ARRAY_SIZE(root)) {
                    fprintf(stderr, "unexpected entry '%s'\n", ent.name);
                    continue;
                }
                CHECK(!seen[k]);
                seen[k] = true;
                CHECK_U64(ent.size, root[k].size);
                CHECK(ent.is_dir == root[k].is_dir);
            }
            CHECK_ERR(r, 0);
            CHECK_U64(n, VB_ARRAY_SIZE(root));
            CHECK_ERR(fat_readdir(&dir, &ent), 0); /* stays at the end */
        }
        /* many/: 100 files over several clusters (in mtools' order). */
        CHECK_ERR(fat_opendir(&fs, "MANY", &dir), 0);
        int n = 0;
        bool seen_many[101] = {false};
        while (fat_readdir(&dir, &ent) == 1) {
            int num = 0;
            CHECK(sscanf(ent.name, "file%3d.txt", &num) == 1 && num >= 1 && num <= 100);
            CHECK(!seen_many[num]);
            seen_many[num] = true;
            CHECK_U64(ent.size, 9);
            n++;
        }
        CHECK_U64(n, 100);
        CHECK_ERR(fat_opendir(&fs, "long folder name/sub dir/", &dir), 0);
        n = 0;
        while (fat_readdir(&dir, &ent) == 1)
            n++;
        CHECK_U64(n, 2);
        /* Short names and stat. */
        CHECK_ERR(fat_stat(&fs, LONG_NAME, &ent), 0);
        CHECK_STR(ent.short_name, "MIXEDC~1.TXT");
        CHECK_ERR(fat_stat(&fs, "lower.txt", &ent), 0);
        CHECK_STR(ent.short_name, "lower.txt"); /* NT lower-case flags */
        CHECK_ERR(fat_stat(&fs, "Long Folder Name", &ent), 0);
        CHECK(ent.is_dir);
        CHECK_U64(ent.attributes & FAT_ATTR_DIRECTORY, FAT_ATTR_DIRECTORY);
        CHECK_ERR(fat_stat(&fs, "/", &ent), 0);
        CHECK(ent.is_dir);
        CHECK_STR(ent.name, "");
        host_source_close(&src);
    }
}

TEST(test_fat_lookup_errors) {
    static const struct {
        const char *path;
        int err;
    } cases[] = {
        {"missing.txt", VB_ENOTFOUND},
        {"hello.tx", VB_ENOTFOUND},
        {"hello.txt/x", VB_ENOTFOUND},
        {"many/file101.txt", VB_ENOTFOUND},
        {"many", VB_EINVAL},
        {"/", VB_EINVAL},
        {"", VB_EINVAL},
        {"many/../hello.txt", VB_EPATH},
        {"..", VB_EPATH},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source src, f;
        static fat_dir dir;
        CHECK_ERR(mount_image(i, &src), 0);
        for (size_t k = 0; k < VB_ARRAY_SIZE(cases); k++) {
            CHECK_ERR(fat_lookup(&fs, cases[k].path, &file, &f), cases[k].err);
            CHECK_U64(fs.diag.err, cases[k].err);
        }
        CHECK_ERR(fat_opendir(&fs, "hello.txt", &dir), VB_EINVAL);
        CHECK_ERR(fat_opendir(&fs, "nothere", &dir), VB_ENOTFOUND);
        host_source_close(&src);
    }
}

/* ---- corrupt copies ------------------------------------------------------ */

static uint8_t *img;
static size_t img_size;

static uint32_t fat_get(uint32_t c) {
    const uint8_t *t = img + fs.fat_offset;
    switch (fs.type) {
    case FAT_TYPE_12: {
        uint16_t v = vb_le16(t + c + c / 2);
        return (c & 1) ? v >> 4 : v & 0xFFF;
    }
    case FAT_TYPE_16:
        return vb_le16(t + 2 * c);
    default:
        return vb_le32(t + 4 * c) & 0x0FFFFFFF;
    }
}

static void fat_set(uint32_t c, uint32_t v) {
    uint8_t *t = img + fs.fat_offset;
    switch (fs.type) {
    case FAT_TYPE_12: {
        uint8_t *p = t + c + c / 2;
        uint16_t old = vb_le16(p);
        uint16_t nv = (c & 1) ? (uint16_t)((old & 0x000F) | (v << 4))
                              : (uint16_t)((old & 0xF000) | (v & 0xFFF));
        p[0] = (uint8_t)nv;
        p[1] = (uint8_t)(nv >> 8);
        break;
    }
    case FAT_TYPE_16:
        t[2 * c] = (uint8_t)v;
        t[2 * c + 1] = (uint8_t)(v >> 8);
        break;
    default:
        vb_put_le32(t + 4 * c, v);
        break;
    }
}

/* The live directory entry with this 11-byte name (the only one). */
static uint8_t *find_entry(const char *name11) {
    for (size_t off = 0; off + 32 <= img_size; off += 32)
        if (memcmp(img + off, name11, 11) == 0 && img[off + 11] != 0x0F)
            return img + off;
    return NULL;
}

static uint32_t entry_cluster(const uint8_t *e) {
    uint32_t c = vb_le16(e + 26);
    if (fs.type == FAT_TYPE_32)
        c |= (uint32_t)vb_le16(e + 20) << 16;
    return c;
}

/* The n-th cluster (0-based) of the chain starting at first. */
static uint32_t chain_at(uint32_t first, uint32_t n) {
    while (n--)
        first = fat_get(first);
    return first;
}

static uint32_t chain_last(uint32_t first) {
    uint32_t eoc = fs.type == FAT_TYPE_12 ? 0xFF8 : fs.type == FAT_TYPE_16 ? 0xFFF8 : 0x0FFFFFF8;
    while (fat_get(first) < eoc)
        first = fat_get(first);
    return first;
}

typedef enum target { BIG, MANY } target;

TEST(test_fat_corrupt_chains) {
    static const struct {
        const char *what;
        target on;
        int op; /* what to change, see below */
        int err;
        const char *why; /* in the detail */
    } cases[] = {
        {"last cluster links to the first", BIG, 0, VB_ELOOP, "loops"},
        {"second cluster links to itself", BIG, 1, VB_ELOOP, "loops"},
        {"link to a cluster past the end", BIG, 2, VB_ECORRUPT, "past the end"},
        {"link to a free cluster", BIG, 3, VB_ECORRUPT, "free"},
        {"link to a bad cluster", BIG, 4, VB_ECORRUPT, "bad"},
        {"link to reserved cluster 1", BIG, 5, VB_ECORRUPT, "reserved"},
        {"size overruns the chain", BIG, 6, VB_ECORRUPT, "the chain has"},
        {"size larger than the volume", BIG, 7, VB_ECORRUPT, "more than the volume"},
        {"first cluster past the end", BIG, 8, VB_ECORRUPT, "outside"},
        {"data but no first cluster", BIG, 9, VB_ECORRUPT, "no clusters"},
        {"chain cut short", BIG, 10, VB_ECORRUPT, "the chain has"},
        {"directory chain loops", MANY, 11, VB_ELOOP, "loops"},
        {"directory links past the end", MANY, 2, VB_ECORRUPT, "past the end"},
        {"directory starts past the end", MANY, 8, VB_ECORRUPT, "outside"},
        {"directory starts at cluster 0", MANY, 9, VB_ECORRUPT, "outside"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        img = load_image(images[i].image, &img_size);
        uint8_t *pristine = malloc(img_size);
        memcpy(pristine, img, img_size);
        for (size_t k = 0; k < VB_ARRAY_SIZE(cases); k++) {
            char what[200];
            snprintf(what, sizeof(what), "%s: %s", images[i].image, cases[k].what);
            test_current = what;
            vb_memsource mem;
            vb_source src, f;
            vb_memsource_init(&mem, img, img_size, &src);
            CHECK_ERR(fat_mount(&fs, &src), 0);
            uint8_t *e = find_entry(cases[k].on == BIG ? "BIG     BIN" : "MANY       ");
            CHECK(e != NULL);
            if (!e)
                continue;
            uint32_t first = entry_cluster(e), max = fs.cluster_count + 1;
            uint32_t bad = fs.type == FAT_TYPE_12   ? 0xFF7
                           : fs.type == FAT_TYPE_16 ? 0xFFF7
                                                    : 0x0FFFFFF7;
            uint32_t eoc = bad + 8 > 0x0FFFFFFF ? 0x0FFFFFFF : bad + 8;
            switch (cases[k].op) {
            case 0:
                fat_set(chain_last(first), first);
                break;
            case 1:
                fat_set(chain_at(first, 1), chain_at(first, 1));
                break;
            case 2:
                fat_set(chain_at(first, cases[k].on == BIG ? 5 : 0), max + 1);
                break;
            case 3:
                fat_set(chain_at(first, 5), 0);
                break;
            case 4:
                fat_set(chain_at(first, 5), bad);
                break;
            case 5:
                fat_set(chain_at(first, 5), 1);
                break;
            case 6:
                vb_put_le32(e + 28, vb_le32(e + 28) + 10 * fs.cluster_size);
                break;
            case 7:
                vb_put_le32(e + 28, 0xFFFFFFFF);
                break;
            case 8:
                e[26] = (uint8_t)(max + 1);
                e[27] = (uint8_t)((max + 1) >> 8);
                e[20] = (uint8_t)((max + 1) >> 16);
                e[21] = (uint8_t)((max + 1) >> 24);
                break;
            case 9:
                memset(e + 20, 0, 2), memset(e + 26, 0, 2);
                break;
            case 10:
                fat_set(chain_at(first, 100), eoc);
                break;
            case 11:
                fat_set(first, first);
                break;
            }
            int r;
            if (cases[k].on == BIG) {
                r = fat_lookup(&fs, "big.bin", &file, &f);
            } else {
                static fat_dir dir;
                static fat_dirent ent;
                r = fat_opendir(&fs, "many", &dir);
                if (r == 0)
                    while ((r = fat_readdir(&dir, &ent)) == 1)
                        ;
            }
            CHECK_ERR(r, cases[k].err);
            if (!strstr(fs.diag.text, cases[k].why))
                fprintf(stderr, "%s: detail \"%s\" lacks \"%s\"\n", what, fs.diag.text,
                        cases[k].why);
            CHECK(strstr(fs.diag.text, cases[k].why) != NULL);
            /* Every change is in the FAT in use or in the entry. */
            memcpy(img + fs.fat_offset, pristine + fs.fat_offset, fs.fat_bytes);
            memcpy(e, pristine + (e - img), 32);
            CHECK_MEM(img, pristine, img_size);
        }
        test_current = "test_fat_corrupt_chains";
        free(pristine);
        free(img);
    }
}

TEST(test_fat_long_names) {
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        img = load_image(images[i].image, &img_size);
        vb_memsource mem;
        vb_source src, f;
        vb_memsource_init(&mem, img, img_size, &src);
        CHECK_ERR(fat_mount(&fs, &src), 0);
        uint8_t *e = find_entry("MIXEDC~1TXT");
        CHECK(e != NULL);
        if (!e)
            continue;
        /* Entries before it: 4 long-name entries (45 characters). */
        CHECK_U64(e[-32 + 11], 0x0F);
        CHECK_U64(e[-32] & 0x1F, 1);
        CHECK_U64(e[-4 * 32], 0x40 | 4);
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), 0);
        /* A wrong checksum in one entry: the 8.3 name is all that is left. */
        e[-2 * 32 + 13] ^= 0xFF;
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), VB_ENOTFOUND);
        CHECK_ERR(fat_lookup(&fs, "mixedc~1.txt", &file, &f), 0);
        e[-2 * 32 + 13] ^= 0xFF;
        /* A sequence gap. */
        e[-2 * 32] = 3;
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), VB_ENOTFOUND);
        e[-2 * 32] = 2;
        /* A deleted entry in the middle. */
        e[-3 * 32] = 0xE5;
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), VB_ENOTFOUND);
        e[-3 * 32] = 3;
        /* A sequence number over 20. */
        e[-4 * 32] = 0x40 | 21;
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), VB_ENOTFOUND);
        e[-4 * 32] = 0x40 | 4;
        CHECK_ERR(fat_lookup(&fs, LONG_NAME, &file, &f), 0);
        /* Control characters and unpaired surrogates become '?'. */
        vb_put_le32(e - 32 + 1, 0xD800 | (0x0001u << 16)); /* "Mi" -> "\xD800\x01" */
        static fat_dirent ent;
        CHECK_ERR(fat_stat(&fs, "??xedCase File Name With A Very Long Name.txt", &ent), 0);
        /* A valid surrogate pair becomes one 4-byte character. */
        vb_put_le32(e - 32 + 1, 0xD83D | (0xDE00u << 16)); /* U+1F600 */
        CHECK_ERR(
            fat_stat(&fs, "\xf0\x9f\x98\x80xedCase File Name With A Very Long Name.txt", &ent), 0);
        /* café.txt has no long name: mtools stored "CAF\x90    TXT" (code
         * page 437 'É') with the lower-case flags. */
        uint8_t *cafe = find_entry("CAF\x90    TXT");
        CHECK(cafe != NULL);
        CHECK_ERR(fat_stat(&fs, CAFE, &ent), 0);
        CHECK_STR(ent.short_name, CAFE);
        if (cafe) {
            cafe[12] = 0; /* no lower-case flags */
            CHECK_ERR(fat_stat(&fs, "CAF\xc3\x89.TXT", &ent), 0);
            CHECK_STR(ent.name, "CAF\xc3\x89.TXT");
            cafe[1] = 0x01; /* a control character */
            CHECK_ERR(fat_stat(&fs, "C?F\xc3\x89.TXT", &ent), 0);
        }
        free(img);
    }
}

/* ---- hostile boot sectors ------------------------------------------------ */

TEST(test_fat_bpb) {
    static const struct {
        const char *what;
        int image;    /* index into images[] */
        unsigned off; /* byte to change */
        unsigned width;
        uint32_t value;
        int err;
    } cases[] = {
        {"no signature", 0, 510, 2, 0, VB_EFORMAT},
        {"0 bytes per sector", 0, 11, 2, 0, VB_EFORMAT},
        {"513 bytes per sector", 1, 11, 2, 513, VB_EFORMAT},
        {"8192 bytes per sector", 1, 11, 2, 8192, VB_EFORMAT},
        {"0 sectors per cluster", 0, 13, 1, 0, VB_EFORMAT},
        {"3 sectors per cluster", 1, 13, 1, 3, VB_EFORMAT},
        {"0 reserved sectors", 2, 14, 2, 0, VB_EFORMAT},
        {"0 FATs", 1, 16, 1, 0, VB_EFORMAT},
        {"media byte 0x12", 0, 21, 1, 0x12, VB_EFORMAT},
        {"FAT16 without root entries", 1, 17, 2, 0, VB_ECORRUPT},
        {"FAT32 with root entries", 2, 17, 2, 512, VB_ECORRUPT},
        {"FAT12 FAT size 0 (FAT32 rules, FAT size 0)", 0, 22, 2, 0, VB_ECORRUPT},
        {"FAT32 FAT size 0", 2, 36, 4, 0, VB_ECORRUPT},
        {"FAT too small for the clusters", 1, 22, 2, 1, VB_ECORRUPT},
        {"reserved sectors fill the volume", 1, 14, 2, 0xFFFF, VB_ECORRUPT},
        {"255 FATs fill the volume", 2, 16, 1, 255, VB_ECORRUPT},
        {"more sectors than the source", 1, 19, 2, 0xFFFF, VB_ECORRUPT},
        {"huge 32-bit total sectors", 2, 32, 4, 0xFFFFFFFF, VB_ECORRUPT},
        {"FAT32 version 1.0", 2, 42, 2, 0x0100, VB_EUNSUPPORTED},
        {"FAT32 root cluster 0", 2, 44, 4, 0, VB_ECORRUPT},
        {"FAT32 root cluster past the end", 2, 44, 4, 0x0FFFFFF0, VB_ECORRUPT},
        {"FAT32 active FAT 5 of 2", 2, 40, 2, 0x85, VB_ECORRUPT},
        {"FAT32 active FAT 1 of 2 (mirror)", 2, 40, 2, 0x81, 0},
        {"FAT16 with FAT12 cluster count", 1, 13, 1, 64, 0},
        {"FAT too small for 1-sector clusters", 1, 13, 1, 1, VB_ECORRUPT},
    };
    uint8_t *loaded[VB_ARRAY_SIZE(images)];
    size_t sizes[VB_ARRAY_SIZE(images)];
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++)
        loaded[i] = load_image(images[i].image, &sizes[i]);
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].what;
        uint8_t *boot = loaded[cases[i].image], saved[512];
        memcpy(saved, boot, sizeof(saved));
        for (unsigned b = 0; b < cases[i].width; b++)
            boot[cases[i].off + b] = (uint8_t)(cases[i].value >> (8 * b));
        vb_memsource mem;
        vb_source src;
        vb_memsource_init(&mem, boot, sizes[cases[i].image], &src);
        int r = fat_mount(&fs, &src);
        CHECK_ERR(r, cases[i].err);
        if (r)
            CHECK(fs.diag.text[0] != '\0');
        memcpy(boot, saved, sizeof(saved));
    }
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++)
        free(loaded[i]);
    test_current = "test_fat_bpb";
    /* Too small to hold a boot sector. */
    static uint8_t tiny[511];
    vb_memsource mem;
    vb_source src;
    vb_memsource_init(&mem, tiny, sizeof(tiny), &src);
    CHECK_ERR(fat_mount(&fs, &src), VB_EFORMAT);
    /* A whole partitioned disk is not a FAT volume. */
    CHECK_ERR(host_source_open(image_path("gpt.img"), &src), 0);
    CHECK_ERR(fat_mount(&fs, &src), VB_EFORMAT);
    host_source_close(&src);
}

TEST_MAIN(TEST_ENTRY(test_fat_mount), TEST_ENTRY(test_fat_files), TEST_ENTRY(test_fat_reads),
          TEST_ENTRY(test_fat_fragmented_and_batched), TEST_ENTRY(test_fat_listing),
          TEST_ENTRY(test_fat_lookup_errors), TEST_ENTRY(test_fat_corrupt_chains),
          TEST_ENTRY(test_fat_long_names), TEST_ENTRY(test_fat_bpb))
