/* mkseeds.c: writes the handcrafted seed inputs of the fuzz harnesses:
 * small VMDK disks in fuzz_vmdk's multi-file format (built with the unit
 * tests' sparse image builder), a GPT with both copies, 512- and 4096-byte
 * sector GPTs, an MBR with an extended/logical chain, and a tiny FAT32
 * volume with long names, folders and a fragmented file. mkseeds.sh adds
 * seeds made by qemu-img, mkfs.fat + mtools and sgdisk.
 *
 * Usage: mkseeds CORPUS_DIR   (writes CORPUS_DIR/HARNESS/seed-NAME) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "lib/crc32.h"
#include "fuzz_util.h"
#include "stream_image.h"
#include "vmdk/vmdk.h"
#include "vmdk_image.h"

static const char *corpus;

/* ---- output ------------------------------------------------------------ */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void b_add(bytes *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void b_str(bytes *b, const char *s) {
    b_add(b, s, strlen(s));
}

/* Appends the next file of a multi-file input. */
static void b_file(bytes *b, const char *name, const void *data, size_t n) {
    b_str(b, FUZZ_FILE_SEP);
    b_str(b, name);
    b_str(b, "\n");
    b_add(b, data, n);
}

static void write_seed(const char *harness, const char *name, const void *data, size_t n) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", corpus, harness);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/seed-%s", corpus, harness, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* ---- VMDK -------------------------------------------------------------- */

/* A sparse extent image: grains listed in `data` get pattern data, those in
 * `zero` zeroed-grain entries; -1 ends each list. */
static uint8_t *sparse(const sparse_spec *spec, const int *data, const int *zero, size_t *ret_n) {
    sparse_builder b;
    sb_init(&b, spec);
    uint8_t g[4096];
    for (int i = 0; data && data[i] >= 0; i++) {
        pattern_fill(g, (size_t)spec->grain * 512, (uint64_t)data[i] + 7, 0);
        sb_put(&b, (uint64_t)data[i], g);
    }
    for (int i = 0; zero && zero[i] >= 0; i++)
        sb_put_zero(&b, (uint64_t)zero[i]);
    return sb_finish_file(&b, ret_n);
}

static const char *text(const char *fmt, ...) {
    static char buf[4][2048];
    static int k;
    char *out = buf[k++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof(buf[0]), fmt, ap);
    va_end(ap);
    return out;
}

#define NEWLINE VMDK_FLAG_NEWLINE_CHECK
#define RGD     VMDK_FLAG_REDUNDANT_GD
#define ZGTE    VMDK_FLAG_ZEROED_GTE

static const char *desc(const char *type, uint32_t cid, uint32_t parent_cid, const char *hint,
                        const char *extents) {
    return text("# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\nCID=%08x\nparentCID=%08x\n"
                "%s%s%screateType=\"%s\"\n\n# Extent description\n%s\n# The Disk Data Base\n"
                "#DDB\n\nddb.adapterType = \"ide\"\nddb.geometry.cylinders = \"1\"\n",
                cid, parent_cid, hint ? "parentFileNameHint=\"" : "", hint ? hint : "",
                hint ? "\"\n" : "", type, extents);
}

static void vmdk_seeds(void) {
    bytes b = {0};
    size_t n;
    uint8_t *img;

    /* monolithicSparse: embedded descriptor, redundant GD, zeroed grain. */
    {
        sparse_spec s = {
            IMG_KDMV,
            16,
            1,
            4,
            1,
            NEWLINE | RGD | ZGTE,
            true,
            desc("monolithicSparse", 0x1234abcd, 0xffffffff, NULL, "RW 16 SPARSE \"disk.vmdk\""),
            1};
        img = sparse(&s, (int[]){0, 1, 5, 6, 15, -1}, (int[]){3, -1}, &n);
        write_seed("vmdk", "monolithic-sparse", img, n);
        free(img);
    }
    /* A bare hosted sparse extent (no descriptor), version 3, partial last grain. */
    {
        sparse_spec s = {IMG_KDMV, 13, 2, 2, 3, 0, false, NULL, 0};
        img = sparse(&s, (int[]){0, 2, 6, -1}, NULL, &n);
        write_seed("vmdk", "bare-kdmv", img, n);
        free(img);
    }
    /* twoGbMaxExtentSparse: descriptor file plus two sparse extents. */
    {
        b.n = 0;
        b_str(&b, desc("twoGbMaxExtentSparse", 0xfffffffe, 0xffffffff, NULL,
                       "RW 8 SPARSE \"disk-s001.vmdk\"\nRW 8 SPARSE \"disk-s002.vmdk\""));
        sparse_spec s = {IMG_KDMV, 8, 1, 4, 1, NEWLINE, false, NULL, 0};
        img = sparse(&s, (int[]){1, 2, 7, -1}, NULL, &n);
        b_file(&b, "disk-s001.vmdk", img, n);
        free(img);
        img = sparse(&s, (int[]){0, -1}, NULL, &n);
        b_file(&b, "disk-s002.vmdk", img, n);
        free(img);
        write_seed("vmdk", "split-sparse", b.p, b.n);
        /* The same with reads of the second extent failing from its grain
         * tables on (I/O error paths). */
        uint8_t opts[10] = {4, 2};
        put_le32_at(opts, 2, 3 * 512);
        put_le32_at(opts, 6, 4096);
        b_file(&b, ".opts", opts, sizeof(opts));
        write_seed("vmdk", "split-sparse-io-error", b.p, b.n);
    }
    /* monolithicFlat with an offset, a ZERO and a NOACCESS extent. */
    {
        uint8_t flat[4096];
        pattern_fill(flat, sizeof(flat), 3, 0);
        b.n = 0;
        b_str(&b, desc("monolithicFlat", 0x11111111, 0xffffffff, NULL,
                       "RW 4 FLAT \"disk-flat.vmdk\" 2\nRDONLY 4 ZERO\nNOACCESS 2 FLAT "
                       "\"gone.vmdk\"\nRW 2 FLAT \"disk-flat.vmdk\""));
        b_file(&b, "disk-flat.vmdk", flat, sizeof(flat));
        write_seed("vmdk", "flat-zero-noaccess", b.p, b.n);
    }
    /* A bare COWD file. */
    {
        sparse_spec s = {IMG_COWD, 24, 1, 0, 0, 0, false, NULL, 0};
        img = sparse(&s, (int[]){0, 4, 23, -1}, NULL, &n);
        write_seed("vmdk", "bare-cowd", img, n);
        free(img);
    }
    /* vmfsSparse redo log (COWD, grain 2) over a vmfs flat base. */
    {
        uint8_t flat[8192];
        pattern_fill(flat, sizeof(flat), 5, 0);
        b.n = 0;
        b_str(&b, desc("vmfsSparse", 0x22222222, 0x33333333, "base.vmdk",
                       "RW 16 VMFSSPARSE \"disk-delta.vmdk\""));
        sparse_spec s = {IMG_COWD, 16, 2, 0, 0, 0, false, NULL, 0};
        img = sparse(&s, (int[]){1, 3, -1}, NULL, &n);
        b_file(&b, "disk-delta.vmdk", img, n);
        free(img);
        b_file(&b, "base.vmdk",
               desc("vmfs", 0x33333333, 0xffffffff, NULL, "RW 16 VMFS \"base-flat.vmdk\""),
               strlen(desc("vmfs", 0x33333333, 0xffffffff, NULL, "RW 16 VMFS \"base-flat.vmdk\"")));
        b_file(&b, "base-flat.vmdk", flat, sizeof(flat));
        write_seed("vmdk", "cowd-over-flat", b.p, b.n);
    }
    /* A chain of three monolithic sparse links in two folders. */
    {
        b.n = 0;
        sparse_spec s = {
            IMG_KDMV,
            16,
            1,
            8,
            2,
            NEWLINE | ZGTE,
            false,
            desc("monolithicSparse", 0xc1, 0xb1, "snap/mid.vmdk", "RW 16 SPARSE \"disk.vmdk\""),
            1};
        img = sparse(&s, (int[]){2, -1}, (int[]){4, -1}, &n);
        b_add(&b, img, n);
        free(img);
        s.descriptor =
            desc("monolithicSparse", 0xb1, 0xa1, "../base.vmdk", "RW 16 SPARSE \"mid.vmdk\"");
        img = sparse(&s, (int[]){3, 4, -1}, NULL, &n);
        b_file(&b, "snap/mid.vmdk", img, n);
        free(img);
        s.descriptor =
            desc("monolithicSparse", 0xa1, 0xffffffff, NULL, "RW 12 SPARSE \"base.vmdk\"");
        s.capacity = 12;
        img = sparse(&s, (int[]){0, 1, 2, 3, 11, -1}, NULL, &n);
        b_file(&b, "snap/../base.vmdk", img, n); /* paths are joined, not normalised */
        free(img);
        uint8_t opts = 1; /* allow_escape: "../base.vmdk" */
        b_file(&b, ".opts", &opts, 1);
        write_seed("vmdk", "chain-3", b.p, b.n);
    }
    /* A delta whose parent's CID does not match (ignore_cid set). */
    {
        b.n = 0;
        b_str(&b, desc("monolithicFlat", 0x5, 0x4, "parent.vmdk", "RW 8 FLAT \"a.bin\" 0"));
        uint8_t flat[4096];
        pattern_fill(flat, sizeof(flat), 9, 0);
        b_file(&b, "a.bin", flat, sizeof(flat));
        const char *p = desc("monolithicFlat", 0x7, 0xffffffff, NULL, "RW 8 FLAT \"b.bin\" 0");
        b_file(&b, "parent.vmdk", p, strlen(p));
        pattern_fill(flat, sizeof(flat), 10, 0);
        b_file(&b, "b.bin", flat, sizeof(flat));
        uint8_t opts = 2;
        b_file(&b, ".opts", &opts, 1);
        write_seed("vmdk", "cid-mismatch", b.p, b.n);
    }
    /* streamOptimized, VMware layout (footer, GT/GD markers, EOS): zlib
     * grains, a partial last grain; raw deflate in reverse order; the real
     * gdOffset in the header too (the qemu-img layout's path); and the same
     * file without its footer (marker walk). */
    {
        uint8_t raw[15 * 512];
        memset(raw, 0, sizeof(raw));
        pattern_fill(raw, 4 * 512, 11, 0);
        pattern_fill(raw + 10 * 512, 3 * 512, 12, 0);
        memcpy(raw + 14 * 512, "last partial grain", 18);
        stream_spec ss = {15,    2,     3,           4,    6,    false, false,
                          false, false, "disk.vmdk", NULL, NULL, NULL};
        stream_layout sl;
        stream_build(&ss, raw, &img, &n, &sl);
        write_seed("vmdk", "stream-vmware", img, n);
        write_seed("vmdk", "stream-no-footer", img, n - 1536);
        put_le64_at(img, 56, sl.gd);
        write_seed("vmdk", "stream-header-gd", img, n);
        free(img);
        stream_layout_free(&sl);
        ss.raw_deflate = true;
        ss.reverse = true;
        ss.pad_last_grain = true;
        stream_build(&ss, raw, &img, &n, &sl);
        write_seed("vmdk", "stream-raw-reverse", img, n);
        free(img);
        stream_layout_free(&sl);
    }
    free(b.p);

    /* Descriptor-only seeds. */
    static const char *const descs[] = {
        "# Disk DescriptorFile\r\nversion=1\r\nCID=fffffffe\r\nparentCID=ffffffff\r\n"
        "createType=monolithicFlat # unquoted\r\nRW 2048 FLAT \"a b.vmdk\" 0 extra \"x\"\r\n"
        "RDONLY 10 ZERO\r\nNOACCESS 5 VMFSRAW \"raw.vmdk\"\r\nddb.uuid = \"60 00 C2\"\r\n",
        "version=3\nCID=1\nparentCID=2\nparentFileNameHint=\"dir/parent.vmdk\"\n"
        "createType=\"custom\"\nRW 100 VMFSRDM \"rdm.vmdk\" 7\nRW 1 VMFSSPARSE \"s.vmdk\"\n",
        "CID=0\ncreateType=\"streamOptimized\"\nRW 4096 SPARSE \"x.vmdk\"\nrw 1 sesparse \"y\"\n",
    };
    for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
        write_seed("descriptor", text("handmade-%zu", i), descs[i], strlen(descs[i]));
}

/* ---- partition tables ---------------------------------------------------- */

static void put_guid(uint8_t *p, uint8_t seed) {
    for (int i = 0; i < 16; i++)
        p[i] = (uint8_t)(seed * 17 + i);
}

/* A GPT disk of `sectors` sectors of ss bytes with `count` entries of 128
 * bytes (both copies, valid CRCs) and three partitions. */
static uint8_t *gpt_disk(uint32_t ss, uint64_t sectors, uint32_t count, size_t *ret_n) {
    size_t n = (size_t)(ss * sectors);
    uint8_t *d = calloc(1, n);
    uint64_t entry_sectors = ((uint64_t)count * 128 + ss - 1) / ss;
    uint64_t last = sectors - 1;
    /* Protective MBR. */
    uint8_t *pe = d + 446;
    pe[4] = 0xEE;
    put_le32_at(pe, 8, 1);
    put_le32_at(pe, 12, (uint32_t)(sectors - 1));
    d[510] = 0x55;
    d[511] = 0xAA;
    uint8_t *entries = calloc(1, (size_t)(entry_sectors * ss));
    static const char *const names[] = {"EFI system", "root", "Dätä"};
    for (int i = 0; i < 3; i++) {
        uint8_t *e = entries + i * 128;
        put_guid(e, (uint8_t)(i == 0 ? 0xC1 : 0x10 + i)); /* type */
        put_guid(e + 16, (uint8_t)(0x40 + i));            /* unique */
        uint64_t first = 2 + entry_sectors + (uint64_t)i * 2;
        put_le64_at(e, 32, first);
        put_le64_at(e, 40, first + (i == 2 ? 0 : 1));
        put_le64_at(e, 48, i == 1 ? 4 : 0);
        const char *nm = names[i];
        for (int k = 0, u = 0; nm[k] && u < 36; u++) {
            unsigned c = (unsigned char)nm[k++];
            if (c >= 0xC0) /* two-byte UTF-8 only, enough here */
                c = ((c & 0x1F) << 6) | ((unsigned char)nm[k++] & 0x3F);
            e[56 + 2 * u] = (uint8_t)c;
            e[57 + 2 * u] = (uint8_t)(c >> 8);
        }
    }
    uint32_t ecrc = crc32_compute(entries, (size_t)count * 128);
    for (int copy = 0; copy < 2; copy++) {
        uint64_t my = copy ? last : 1, alt = copy ? 1 : last;
        uint64_t elba = copy ? last - entry_sectors : 2;
        uint8_t *h = d + my * ss;
        memcpy(h, "EFI PART", 8);
        put_le32_at(h, 8, 0x00010000);
        put_le32_at(h, 12, 92);
        put_le64_at(h, 24, my);
        put_le64_at(h, 32, alt);
        put_le64_at(h, 40, 2 + entry_sectors);
        put_le64_at(h, 48, last - entry_sectors - 1);
        put_guid(h + 56, 0x77);
        put_le64_at(h, 72, elba);
        put_le32_at(h, 80, count);
        put_le32_at(h, 84, 128);
        put_le32_at(h, 88, ecrc);
        put_le32_at(h, 16, crc32_compute(h, 92));
        memcpy(d + elba * ss, entries, (size_t)count * 128);
    }
    free(entries);
    *ret_n = n;
    return d;
}

static void part_seeds(void) {
    size_t n;
    uint8_t *d = gpt_disk(512, 16, 4, &n);
    write_seed("part", "gpt-512", d, n);
    /* The same with a damaged primary header: the backup is used. */
    d[512 + 20] ^= 0xFF;
    write_seed("part", "gpt-bad-primary", d, n);
    free(d);
    d = gpt_disk(4096, 12, 32, &n);
    write_seed("part", "gpt-4096", d, 3 * 4096); /* MBR, header, entries: the rest is zeros */
    free(d);

    /* MBR: a bootable FAT primary, an extended partition with two logicals. */
    uint8_t m[512 * 24];
    memset(m, 0, sizeof(m));
    struct {
        uint8_t status, type;
        uint32_t start, size;
    } prim[] = {{0x80, 0x0C, 2, 4}, {0, 0x05, 8, 16}, {0, 0x83, 6, 2}};
    put_le32_at(m, 440, 0x12345678);
    for (int i = 0; i < 3; i++) {
        uint8_t *e = m + 446 + 16 * i;
        e[0] = prim[i].status;
        e[4] = prim[i].type;
        put_le32_at(e, 8, prim[i].start);
        put_le32_at(e, 12, prim[i].size);
    }
    m[510] = 0x55;
    m[511] = 0xAA;
    /* EBR at 8: logical at 8+1 size 3, next EBR at extended+6. */
    uint8_t *ebr = m + 8 * 512;
    ebr[446 + 4] = 0x83;
    put_le32_at(ebr + 446, 8, 1);
    put_le32_at(ebr + 446, 12, 3);
    ebr[462 + 4] = 0x05;
    put_le32_at(ebr + 462, 8, 6);
    put_le32_at(ebr + 462, 12, 4);
    ebr[510] = 0x55;
    ebr[511] = 0xAA;
    ebr = m + 14 * 512;
    ebr[446 + 4] = 0x07;
    put_le32_at(ebr + 446, 8, 1);
    put_le32_at(ebr + 446, 12, 2);
    ebr[510] = 0x55;
    ebr[511] = 0xAA;
    write_seed("part", "mbr-logical", m, sizeof(m));
}

/* ---- FAT32 ----------------------------------------------------------------- */

static uint8_t lfn_checksum(const uint8_t *short_name) {
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
    return sum;
}

/* Writes a directory entry (and the long-name entries before it when
 * long_name is set) at *slot; advances *slot. */
static void dirent(uint8_t **slot, const char *short11, const char *long_name, uint8_t attr,
                   uint32_t cluster, uint32_t size) {
    if (long_name) {
        size_t len = strlen(long_name);
        int parts = (int)((len + 1 + 12) / 13);
        for (int p = parts; p >= 1; p--) {
            uint8_t *e = *slot;
            *slot += 32;
            memset(e, 0xFF, 32);
            e[0] = (uint8_t)(p | (p == parts ? 0x40 : 0));
            e[11] = 0x0F;
            e[12] = 0;
            e[13] = lfn_checksum((const uint8_t *)short11);
            e[26] = e[27] = 0;
            static const int off[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
            for (int k = 0; k < 13; k++) {
                size_t i = (size_t)(p - 1) * 13 + (size_t)k;
                if (i < len) {
                    e[off[k]] = (uint8_t)long_name[i];
                    e[off[k] + 1] = 0;
                } else if (i == len) {
                    e[off[k]] = e[off[k] + 1] = 0;
                }
            }
        }
    }
    uint8_t *e = *slot;
    *slot += 32;
    memset(e, 0, 32);
    memcpy(e, short11, 11);
    e[11] = attr;
    e[20] = (uint8_t)(cluster >> 16);
    e[21] = (uint8_t)(cluster >> 24);
    e[26] = (uint8_t)cluster;
    e[27] = (uint8_t)(cluster >> 8);
    put_le32_at(e, 28, size);
}

static void fat32_seed(void) {
    enum { RESERVED = 2, FATS = 2, FAT_SECTORS = 1, DATA = 16 };
    const uint32_t total = RESERVED + FATS * FAT_SECTORS + DATA;
    uint8_t v[512 * (RESERVED + FATS * FAT_SECTORS + DATA)];
    memset(v, 0, sizeof(v));
    uint8_t *bs = v;
    bs[0] = 0xEB;
    bs[1] = 0x58;
    bs[2] = 0x90;
    memcpy(bs + 3, "mkseeds ", 8);
    bs[11] = 0x00; /* 512 bytes per sector */
    bs[12] = 0x02;
    bs[13] = 1; /* sectors per cluster */
    bs[14] = RESERVED;
    bs[16] = FATS;
    bs[21] = 0xF8;
    put_le32_at(bs, 32, total);
    put_le32_at(bs, 36, FAT_SECTORS);
    put_le32_at(bs, 44, 2); /* root cluster */
    bs[66] = 0x29;
    put_le32_at(bs, 67, 0xCAFE1234);
    memcpy(bs + 71, "TINY FAT32 ", 11);
    memcpy(bs + 82, "FAT32   ", 8);
    bs[510] = 0x55;
    bs[511] = 0xAA;
    /* FAT: 2 root, 3 EFI, 4 BOOT, 5 KERNEL -> 8 -> 9, 10 BOOTX64 -> 11,
     * 12 "A long file name.txt". */
    uint32_t fat[128] = {0x0FFFFFF8, 0x0FFFFFFF, 0x0FFFFFFF, 0x0FFFFFFF, 0x0FFFFFFF, 8};
    fat[8] = 9;
    fat[9] = 0x0FFFFFFF;
    fat[10] = 11;
    fat[11] = 0x0FFFFFFF;
    fat[12] = 0x0FFFFFFF;
    for (int f = 0; f < FATS; f++)
        for (int i = 0; i < 128; i++)
            put_le32_at(v, (size_t)(RESERVED + f * FAT_SECTORS) * 512 + (size_t)i * 4, fat[i]);
    uint8_t *data = v + (RESERVED + FATS * FAT_SECTORS) * 512;
#define CLUSTER(c) (data + ((c)-2) * 512)
    uint8_t *slot = CLUSTER(2);
    dirent(&slot, "TINY FAT32 ", NULL, 0x08, 0, 0);
    dirent(&slot, "EFI        ", NULL, 0x10, 3, 0);
    dirent(&slot, "KERNEL     ", NULL, 0x20, 5, 1300);
    dirent(&slot, "ALONGF~1TXT", "A long file name.txt", 0x20, 12, 21);
    slot[0] = 0xE5; /* a deleted entry */
    memcpy(slot + 1, "ELETED TXT", 10);
    slot += 32;
    slot = CLUSTER(3);
    dirent(&slot, ".          ", NULL, 0x10, 3, 0);
    dirent(&slot, "..         ", NULL, 0x10, 0, 0);
    dirent(&slot, "BOOT       ", NULL, 0x10, 4, 0);
    slot = CLUSTER(4);
    dirent(&slot, ".          ", NULL, 0x10, 4, 0);
    dirent(&slot, "..         ", NULL, 0x10, 3, 0);
    dirent(&slot, "BOOTX64 EFI", NULL, 0x20, 10, 700);
    for (uint32_t c = 5; c <= 11; c++)
        if (c != 6 && c != 7)
            pattern_fill(CLUSTER(c), 512, c, 0);
    memcpy(CLUSTER(12), "a file with a long name", 21);
#undef CLUSTER
    write_seed("fat", "fat32-tiny", v, sizeof(v));
}

/* ---- inflate: streams made by zlib ------------------------------------------- */

/* Compresses src with zlib at (level, strategy), raw or wrapped, prefixed
 * with fuzz_inflate's capacity byte (0: the full capacity). */
static void deflate_seed(const char *name, const uint8_t *src, size_t n, int level, int strategy,
                         bool raw) {
    static uint8_t out[1 << 17];
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, raw ? -15 : 15, 8, strategy) != Z_OK)
        abort();
    out[0] = 0;
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = out + 1;
    z.avail_out = sizeof(out) - 1;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    write_seed("inflate", name, out, 1 + z.total_out);
    deflateEnd(&z);
}

static void inflate_seeds(void) {
    static uint8_t text[6000], noise[3000], zeros[20000];
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (uint8_t)("vmdkboot inflates grains of streamOptimized disks. "[i % 51]);
    pattern_fill(noise, sizeof(noise), 42, 0);
    memset(zeros, 0, sizeof(zeros));
    deflate_seed("text-zlib-9", text, sizeof(text), 9, Z_DEFAULT_STRATEGY, false);
    deflate_seed("text-raw-1", text, sizeof(text), 1, Z_DEFAULT_STRATEGY, true);
    deflate_seed("text-fixed", text, 700, 6, Z_FIXED, false);
    deflate_seed("text-huffman-only", text, 700, 6, Z_HUFFMAN_ONLY, true);
    deflate_seed("noise-stored", noise, sizeof(noise), 0, Z_DEFAULT_STRATEGY, false);
    deflate_seed("noise-zlib-6", noise, sizeof(noise), 6, Z_DEFAULT_STRATEGY, false);
    deflate_seed("zeros-rle", zeros, sizeof(zeros), 9, Z_RLE, true);
    deflate_seed("empty", zeros, 0, 6, Z_DEFAULT_STRATEGY, false);
}

/* ---- loader configuration --------------------------------------------------------- */

static void cfg_seeds(void) {
    static const char *const confs[] = {
        "timeout 3                  # seconds\ndefault rescue\n\nentry rescue\n"
        "    title     Rescue system\n    disk      \\images\\rescue.vmdk\n"
        "    partition 1\n    kernel    /boot/vmlinuz\n    initrd    /boot/initrd.img\n"
        "    initrd    /boot/extra.img\n    options   console=ttyS0 quiet root=/dev/sda1#x\n",
        "timeout 0\r\nentry a\r\ndisk partuuid=AAAAAAAA-BBBB-CCCC-DDDD-000000000001\r\n"
        "partition uuid=12345678-05\r\nkernel \\EFI\\linux\r\nentry b\r\n"
        "Title B\r\ndisk partlabel=recovery\r\npartition label=root fs\r\nKERNEL vmlinuz\r\n"
        "options\r\nentry a\r\ndisk x\r\nkernel y\r\nbogus key\r\n",
        "# only comments and a bad timeout\ntimeout 99999\ndefault nowhere\nkernel early\n",
        "entry u\ntitle Caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x92\xbe\ndisk /d.vmdk\nkernel /k\n"
        "options bad\xc3 \xed\xa0\x80 \xc0\xaf end\n",
        "timeout 2\ndefault chain\nentry chain\ntitle Image's own loader\ndisk \\d.vmdk\n"
        "partition 1\nefi \\EFI\\BOOT\\BOOTX64.EFI\noptions --x y\nramdisk no\n"
        "entry whole\ndisk d.vmdk\nkernel /vmlinuz\ninitrd /i\nramdisk YES\noptions "
        "root=/dev/pmem0p2\n",
        "entry both\ndisk d\nkernel k\nefi e\nentry ei\ndisk d\ninitrd i\nefi e\nramdisk maybe\n"
        "entry none\ndisk d\nramdisk\nefi /a\nefi /b\nramdisk no\nramdisk yes\n",
    };
    for (size_t i = 0; i < sizeof(confs) / sizeof(confs[0]); i++)
        write_seed("cfg", text("handmade-%zu", i), confs[i], strlen(confs[i]));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds CORPUS_DIR\n");
        return 2;
    }
    corpus = argv[1];
    mkdir(corpus, 0755);
    vmdk_seeds();
    part_seeds();
    fat32_seed();
    inflate_seeds();
    cfg_seeds();
    return 0;
}
