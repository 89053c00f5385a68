/* Unit tests of core/part/part.c, gpt.c and mbr.c: a GPT disk made by sgdisk and
 * an MBR disk with logical partitions made by sfdisk (mkimages-partfs.sh),
 * corrupt copies of them, and hand-built tables (4096-byte sectors, EBR
 * loops and limits). */
#include "lib/crc32.h"
#include "fs/fat.h"
#include "failsource.h"
#include "host_source.h"
#include "part/part.h"
#include "partfs_test.h"
#include "test.h"
#include "lib/util.h"

#define MIB (1024ull * 1024ull)

static bool contains(const char *text, const char *word) {
    return strstr(text, word) != NULL;
}

/* ---- the GPT disk made by sgdisk --------------------------------------- */

static const struct {
    uint32_t index;
    uint64_t start, size;
    const char *name, *uuid, *type;
} gpt_expected[] = {
    {1, 1 * MIB, 4 * MIB, "fat12 part", "aaaaaaaa-bbbb-cccc-dddd-000000000001",
     "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7"},
    {2, 5 * MIB, 24 * MIB,
     "D\xc3\xa4t\xc3\xa4 \xe2\x82\xac"
     "16",
     "aaaaaaaa-bbbb-cccc-dddd-000000000002", "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7"},
    {3, 29 * MIB, 40 * MIB, "fat32 part", "aaaaaaaa-bbbb-cccc-dddd-000000000003",
     "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"},
    {5, 69 * MIB, 1 * MIB, "linux", "aaaaaaaa-bbbb-cccc-dddd-000000000005",
     "0fc63daf-8483-4772-8e79-3d69d8477de4"},
};

static void check_gpt_table(const part_table *t) {
    CHECK_U64(t->scheme, PART_SCHEME_GPT);
    CHECK_U64(t->sector_size, 512);
    CHECK_U64(t->count, VB_ARRAY_SIZE(gpt_expected));
    char guid[VB_GUID_STR_LEN];
    vb_guid_format(&t->disk_guid, guid);
    CHECK_STR(guid, "11111111-2222-3333-4444-555555555555");
    for (size_t i = 0; i < VB_ARRAY_SIZE(gpt_expected) && i < t->count; i++) {
        const part_entry *e = &t->entries[i];
        CHECK_U64(e->index, gpt_expected[i].index);
        CHECK_U64(e->start, gpt_expected[i].start);
        CHECK_U64(e->size, gpt_expected[i].size);
        CHECK_STR(e->name, gpt_expected[i].name);
        CHECK_STR(e->uuid, gpt_expected[i].uuid);
        vb_guid_format(&e->type_guid, guid);
        CHECK_STR(guid, gpt_expected[i].type);
        CHECK_U64(e->mbr_type, 0);
        CHECK(!e->logical);
    }
}

TEST(test_gpt_sgdisk) {
    vb_source disk;
    CHECK_ERR(host_source_open(image_path("gpt.img"), &disk), 0);
    static part_table t;
    static const uint32_t sizes[] = {0, 512};
    for (size_t i = 0; i < VB_ARRAY_SIZE(sizes); i++) {
        CHECK_ERR(part_read(&t, &disk, sizes[i]), 0);
        check_gpt_table(&t);
        CHECK(!t.gpt_used_backup);
        CHECK_ERR(gpt_read(&t, &disk, sizes[i]), 0);
        check_gpt_table(&t);
    }
    /* The GPT's protective MBR is not an MBR. */
    CHECK_ERR(mbr_read(&t, &disk, 512), VB_EFORMAT);
    CHECK_U64(t.count, 0);
    CHECK(contains(t.diag.text, "protective"));
    host_source_close(&disk);
}

TEST(test_part_lookup) {
    vb_source disk;
    CHECK_ERR(host_source_open(image_path("gpt.img"), &disk), 0);
    static part_table t;
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    static const struct {
        char by; /* 'i'ndex, 'l'abel, 'u'uid */
        const char *key;
        uint32_t index;
        uint32_t want; /* index found, 0 = none */
    } cases[] = {
        {'i', NULL, 1, 1},
        {'i', NULL, 3, 3},
        {'i', NULL, 4, 0},
        {'i', NULL, 5, 5},
        {'i', NULL, 0, 0},
        {'l', "fat32 part", 0, 3},
        {'l',
         "D\xc3\xa4t\xc3\xa4 \xe2\x82\xac"
         "16",
         0, 2},
        {'l', "FAT32 PART", 0, 0}, /* labels are exact */
        {'l', "fat32", 0, 0},
        {'l', "", 0, 0},
        {'u', "aaaaaaaa-bbbb-cccc-dddd-000000000005", 0, 5},
        {'u', "AAAAAAAA-BBBB-CCCC-DDDD-000000000002", 0, 2},
        {'u', "aaaaaaaa-bbbb-cccc-dddd-000000000004", 0, 0},
        {'u', "aaaaaaaa-bbbb-cccc-dddd-00000000000", 0, 0},
        {'u', "", 0, 0},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        const part_entry *e = cases[i].by == 'i'   ? part_find_index(&t, cases[i].index)
                              : cases[i].by == 'l' ? part_find_label(&t, cases[i].key)
                                                   : part_find_uuid(&t, cases[i].key);
        CHECK_U64(e ? e->index : 0, cases[i].want);
    }
    host_source_close(&disk);
}

/* Mounts the FAT in a partition and reads hello.txt. */
static void check_partition_fat(const vb_source *disk, const part_entry *e, fat_type type) {
    static fat_fs fs;
    static fat_file file;
    vb_slice slice;
    vb_source part, src;
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_ERR(part_open(e, disk, &slice, &part), 0);
    CHECK_U64(part.size, e->size);
    CHECK_ERR(fat_mount(&fs, &part), 0);
    CHECK_U64(fs.type, type);
    CHECK_ERR(fat_lookup(&fs, "/hello.txt", &file, &src), 0);
    char buf[32] = {0};
    CHECK_U64(src.size, 17);
    CHECK_ERR(vb_source_read(&src, 0, buf, 17), 0);
    CHECK_STR(buf, "Hello, vmdkboot!\n");
}

TEST(test_part_open_fat) {
    vb_source disk;
    CHECK_ERR(host_source_open(image_path("gpt.img"), &disk), 0);
    static part_table t;
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    check_partition_fat(&disk, part_find_index(&t, 1), FAT_TYPE_12);
    check_partition_fat(&disk,
                        part_find_label(&t, "D\xc3\xa4t\xc3\xa4 \xe2\x82\xac"
                                            "16"),
                        FAT_TYPE_16);
    check_partition_fat(&disk, part_find_uuid(&t, "AAAAAAAA-BBBB-CCCC-DDDD-000000000003"),
                        FAT_TYPE_32);
    host_source_close(&disk);

    CHECK_ERR(host_source_open(image_path("mbr.img"), &disk), 0);
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    check_partition_fat(&disk, part_find_index(&t, 1), FAT_TYPE_12);
    check_partition_fat(&disk, part_find_index(&t, 6), FAT_TYPE_16);
    host_source_close(&disk);
}

/* ---- the MBR disk made by sfdisk --------------------------------------- */

TEST(test_mbr_sfdisk) {
    static const struct {
        uint32_t index;
        uint64_t lba, sectors;
        uint8_t type;
        bool bootable, logical;
        const char *uuid;
    } want[] = {
        {1, 2048, 8192, 0x01, true, false, "12345678-01"},
        {5, 12288, 2048, 0x83, false, true, "12345678-05"},
        {6, 16384, 49152, 0x06, false, true, "12345678-06"},
        {7, 67584, 2048, 0x82, false, true, "12345678-07"},
    };
    vb_source disk;
    CHECK_ERR(host_source_open(image_path("mbr.img"), &disk), 0);
    static part_table t;
    for (int pass = 0; pass < 2; pass++) {
        CHECK_ERR(pass ? mbr_read(&t, &disk, 512) : part_read(&t, &disk, 0), 0);
        CHECK_U64(t.scheme, PART_SCHEME_MBR);
        CHECK_U64(t.mbr_signature, 0x12345678);
        CHECK_U64(t.count, VB_ARRAY_SIZE(want));
        for (size_t i = 0; i < VB_ARRAY_SIZE(want) && i < t.count; i++) {
            const part_entry *e = &t.entries[i];
            CHECK_U64(e->index, want[i].index);
            CHECK_U64(e->start, want[i].lba * 512);
            CHECK_U64(e->size, want[i].sectors * 512);
            CHECK_U64(e->mbr_type, want[i].type);
            CHECK(e->bootable == want[i].bootable);
            CHECK(e->logical == want[i].logical);
            CHECK_STR(e->uuid, want[i].uuid);
            CHECK_STR(e->name, "");
        }
    }
    CHECK(part_find_uuid(&t, "12345678-06") == &t.entries[2]);
    CHECK(part_find_index(&t, 2) == NULL); /* the extended partition is not listed */
    CHECK_ERR(gpt_read(&t, &disk, 512), VB_EFORMAT);
    host_source_close(&disk);
}

/* ---- corrupt copies of the sgdisk GPT ---------------------------------- */

static uint8_t *gpt_disk;
static size_t gpt_disk_size;

/* Recomputes the entry-array CRC (when the array lies in the disk) and the
 * header CRC of the header at lba, as a tool that writes a bad table would. */
static void gpt_fix_crcs(uint8_t *disk, size_t disk_size, uint64_t lba, uint32_t ss) {
    uint8_t *h = disk + lba * ss;
    uint64_t entries = vb_le64(h + 72) * ss;
    uint64_t bytes = (uint64_t)vb_le32(h + 80) * vb_le32(h + 84);
    if (vb_range_ok(entries, bytes, disk_size))
        vb_put_le32(h + 88, crc32_compute(disk + entries, (size_t)bytes));
    uint32_t header_size = VB_MIN(vb_le32(h + 12), ss);
    vb_put_le32(h + 16, 0);
    vb_put_le32(h + 16, crc32_compute(h, header_size));
}

static uint64_t gpt_last_lba(void) {
    return gpt_disk_size / 512 - 1;
}

/* Mutators: each damages the header at lba (and fixes CRCs or not). */
typedef void (*gpt_mutator)(uint64_t lba);

/* The simple damage: up to two header fields (4 or 8 bytes wide at off;
 * width 0 ends the list) set to a value, then the CRCs fixed. */
typedef struct gpt_field {
    uint32_t off, width;
    uint64_t value;
} gpt_field;

static void set_fields(uint64_t lba, const gpt_field *set) {
    for (int k = 0; k < 2 && set[k].width; k++) {
        uint8_t *p = gpt_disk + lba * 512 + set[k].off;
        if (set[k].width == 4)
            vb_put_le32(p, (uint32_t)set[k].value);
        else
            vb_put_le64(p, set[k].value);
    }
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}

/* Header fields: size 12, first usable LBA 40, entry array LBA 72, entry
 * count 80, entry size 84. 2^25 entries x 128 bytes = 2^32: zero in 32-bit
 * arithmetic. 16384 x 128 = 2 MiB: inside the disk, over
 * VB_GPT_ARRAY_BYTES_MAX. */
#define COUNT_OVERFLOW                                                                             \
    {                                                                                              \
        { 80, 4, 0x02000000 }                                                                      \
    }
#define COUNT_HUGE                                                                                 \
    {                                                                                              \
        {80, 4, 0xFFFFFFFF}, {                                                                     \
            84, 4, 4096                                                                            \
        }                                                                                          \
    }
#define OVER_LIMIT                                                                                 \
    {                                                                                              \
        {80, 4, 16384}, {                                                                          \
            72, 8, 2                                                                               \
        }                                                                                          \
    }

static void mut_header_crc(uint64_t lba) {
    gpt_disk[lba * 512 + 56] ^= 1; /* disk GUID byte, CRC left stale */
}
static void mut_entries_crc(uint64_t lba) {
    uint64_t entries = vb_le64(gpt_disk + lba * 512 + 72);
    gpt_disk[entries * 512 + 56] ^= 1; /* a name byte, array CRC left stale */
}
static void mut_signature(uint64_t lba) {
    memcpy(gpt_disk + lba * 512, "NOT PART", 8);
}
static void mut_my_lba(uint64_t lba) {
    vb_put_le64(gpt_disk + lba * 512 + 24, lba + 7);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}
static void mut_entries_lba_past_end(uint64_t lba) {
    vb_put_le64(gpt_disk + lba * 512 + 72, gpt_last_lba() - 1);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}
/* Partition 3 of the array the header at lba points to. */
static uint8_t *entry3(uint64_t lba) {
    return gpt_disk + vb_le64(gpt_disk + lba * 512 + 72) * 512 + 2 * 128;
}
static void mut_part_past_end(uint64_t lba) {
    vb_put_le64(entry3(lba) + 40, gpt_last_lba() + 1);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}
static void mut_part_huge(uint64_t lba) {
    vb_put_le64(entry3(lba) + 32, 0xFFFFFFFFFFFFFF00ull);
    vb_put_le64(entry3(lba) + 40, 0xFFFFFFFFFFFFFFFFull);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}
static void mut_part_reversed(uint64_t lba) {
    vb_put_le64(entry3(lba) + 32, 200000);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, lba, 512);
}

/* The mutators only touch the GPT structures: the first and last 64 KiB. */
static void restore_gpt_metadata(const uint8_t *pristine) {
    size_t edge = 64 * 1024;
    memcpy(gpt_disk, pristine, edge);
    memcpy(gpt_disk + gpt_disk_size - edge, pristine + gpt_disk_size - edge, edge);
}

TEST(test_gpt_corrupt) {
    static const struct {
        const char *what;
        gpt_mutator mutate; /* NULL: set the fields */
        bool both;          /* damage the backup too */
        int err;            /* 0: read succeeds */
        bool backup;        /* ...using the backup */
        const char *why;    /* in the detail */
        gpt_field set[2];
    } cases[] = {
        {"primary header CRC", mut_header_crc, false, 0, true, NULL},
        {"primary entries CRC", mut_entries_crc, false, 0, true, NULL},
        {"primary signature", mut_signature, false, 0, true, NULL},
        {"primary MyLBA", mut_my_lba, false, 0, true, NULL},
        {"primary count overflow", NULL, false, 0, true, NULL, COUNT_OVERFLOW},
        {"both header CRCs", mut_header_crc, true, VB_ECHECKSUM, false, "CRC"},
        {"both entries CRCs", mut_entries_crc, true, VB_ECHECKSUM, false, "entry array"},
        {"both signatures", mut_signature, true, VB_EFORMAT, false, "no GPT header"},
        {"both MyLBA", mut_my_lba, true, VB_ECORRUPT, false, "says it is at"},
        {"count x size overflow", NULL, true, VB_ECORRUPT, false, "outside the disk",
         COUNT_OVERFLOW},
        {"huge count", NULL, true, VB_ECORRUPT, false, "outside the disk", COUNT_HUGE},
        {"entry size 100", NULL, true, VB_ECORRUPT, false, "128 x 2^n", {{84, 4, 100}}},
        {"entry size 0", NULL, true, VB_ECORRUPT, false, "128 x 2^n", {{84, 4, 0}}},
        {"entry size 2^31",
         NULL,
         true,
         VB_EUNSUPPORTED,
         false,
         "entry size",
         {{84, 4, 0x80000000}}},
        {"array over limit", NULL, true, VB_ELIMIT, false, "limit", OVER_LIMIT},
        {"entries past end", mut_entries_lba_past_end, true, VB_ECORRUPT, false, "outside"},
        {"header size 1000", NULL, true, VB_ECORRUPT, false, "header size", {{12, 4, 1000}}},
        {"usable range", NULL, true, VB_ECORRUPT, false, "usable", {{40, 8, 1000000}}},
        {"partition past end", mut_part_past_end, true, VB_ECORRUPT, false, "past end of disk"},
        {"partition LBA overflow", mut_part_huge, true, VB_ECORRUPT, false, "past end of disk"},
        {"partition reversed", mut_part_reversed, true, VB_ECORRUPT, false, "first LBA"},
    };
    gpt_disk = load_image("gpt.img", &gpt_disk_size);
    uint8_t *pristine = malloc(gpt_disk_size);
    memcpy(pristine, gpt_disk, gpt_disk_size);
    static part_table t;
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].what;
        for (int copy = 0; copy < (cases[i].both ? 2 : 1); copy++) {
            uint64_t lba = copy ? gpt_last_lba() : 1;
            if (cases[i].mutate)
                cases[i].mutate(lba);
            else
                set_fields(lba, cases[i].set);
        }
        vb_memsource mem;
        vb_source disk;
        vb_memsource_init(&mem, gpt_disk, gpt_disk_size, &disk);
        int r = part_read(&t, &disk, 0);
#if defined(VB_FUZZ_NO_CHECKSUM) && VB_FUZZ_NO_CHECKSUM
        if (cases[i].err == VB_ECHECKSUM || cases[i].mutate == mut_header_crc ||
            cases[i].mutate == mut_entries_crc) {
            restore_gpt_metadata(pristine);
            continue;
        }
#endif
        CHECK_ERR(r, cases[i].err);
        if (r == 0) {
            check_gpt_table(&t);
            CHECK(t.gpt_used_backup == cases[i].backup);
        } else {
            CHECK_U64(t.count, 0);
            if (!contains(t.diag.text, cases[i].why))
                fprintf(stderr, "%s: detail \"%s\" lacks \"%s\"\n", cases[i].what, t.diag.text,
                        cases[i].why);
            CHECK(contains(t.diag.text, cases[i].why));
            CHECK_U64(t.diag.err, cases[i].err);
        }
        restore_gpt_metadata(pristine);
    }
    test_current = "test_gpt_corrupt";
    CHECK_MEM(gpt_disk, pristine, gpt_disk_size);

    /* A backup found only through the primary's AlternateLBA (as on a disk
     * that has grown): move the backup header into free space before it,
     * and break the primary's entry array. The last LBA holds no header. */
    uint64_t last = gpt_last_lba(), moved = 145000;
    memcpy(gpt_disk + moved * 512, gpt_disk + last * 512, 512);
    memset(gpt_disk + last * 512, 0, 512);
    vb_put_le64(gpt_disk + moved * 512 + 24, moved);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, moved, 512);
    vb_put_le64(gpt_disk + 512 + 32, moved);
    gpt_fix_crcs(gpt_disk, gpt_disk_size, 1, 512);
    mut_entries_crc(1);
    vb_memsource mem;
    vb_source disk;
    vb_memsource_init(&mem, gpt_disk, gpt_disk_size, &disk);
#if !(defined(VB_FUZZ_NO_CHECKSUM) && VB_FUZZ_NO_CHECKSUM)
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    check_gpt_table(&t);
    CHECK(t.gpt_used_backup);
#endif
    free(pristine);
    free(gpt_disk);
}

/* ---- hand-built tables -------------------------------------------------- */

/* Writes a GPT with one partition per (first, last) pair onto disk, with
 * sector size ss and 128 entries of 128 bytes. */
static void build_gpt(uint8_t *disk, size_t size, uint32_t ss, const uint64_t (*parts)[2],
                      int nparts) {
    uint64_t sectors = size / ss;
    uint32_t array_sectors = 128 * 128 / ss;
    memset(disk, 0, size);
    /* Protective MBR. */
    disk[446 + 4] = 0xEE;
    vb_put_le32(disk + 446 + 8, 1);
    vb_put_le32(disk + 446 + 12, (uint32_t)VB_MIN(sectors - 1, 0xFFFFFFFFu));
    disk[510] = 0x55;
    disk[511] = 0xAA;
    for (int copy = 0; copy < 2; copy++) {
        uint64_t lba = copy ? sectors - 1 : 1;
        uint64_t entries = copy ? sectors - 1 - array_sectors : 2;
        for (int i = 0; i < nparts; i++) {
            uint8_t *e = disk + entries * ss + i * 128;
            memset(e, 0x11, 16); /* type */
            memset(e + 16, 0x20 + i, 16);
            vb_put_le64(e + 32, parts[i][0]);
            vb_put_le64(e + 40, parts[i][1]);
            e[56] = 'p';
            e[58] = (uint8_t)('1' + i);
        }
        uint8_t *h = disk + lba * ss;
        memcpy(h, "EFI PART", 8);
        vb_put_le32(h + 8, 0x00010000);
        vb_put_le32(h + 12, 92);
        vb_put_le64(h + 24, lba);
        vb_put_le64(h + 32, copy ? 1 : sectors - 1);
        vb_put_le64(h + 40, 2 + array_sectors);
        vb_put_le64(h + 48, sectors - 2 - array_sectors);
        vb_put_le64(h + 72, entries);
        vb_put_le32(h + 80, 128);
        vb_put_le32(h + 84, 128);
        gpt_fix_crcs(disk, size, lba, ss);
    }
}

TEST(test_gpt_4096) {
    static uint8_t disk_data[1 << 20];
    static const uint64_t parts[][2] = {{10, 99}, {100, 200}};
    build_gpt(disk_data, sizeof(disk_data), 4096, parts, 2);
    vb_memsource mem;
    vb_source disk;
    vb_memsource_init(&mem, disk_data, sizeof(disk_data), &disk);
    static part_table t;
    static const uint32_t sizes[] = {0, 4096};
    for (size_t i = 0; i < VB_ARRAY_SIZE(sizes); i++) {
        CHECK_ERR(part_read(&t, &disk, sizes[i]), 0);
        CHECK_U64(t.sector_size, 4096);
        CHECK_U64(t.count, 2);
        CHECK_U64(t.entries[0].start, 10 * 4096);
        CHECK_U64(t.entries[0].size, 90 * 4096);
        CHECK_U64(t.entries[1].start, 100 * 4096);
        CHECK_U64(t.entries[1].size, 101 * 4096);
        CHECK_STR(t.entries[1].name, "p2");
        CHECK_STR(t.entries[1].uuid, "21212121-2121-2121-2121-212121212121");
    }
    /* Read as 512-byte sectors there is no GPT header anywhere. */
    CHECK_ERR(part_read(&t, &disk, 512), VB_EFORMAT);
    CHECK_ERR(part_read(&t, &disk, 1024), VB_EINVAL);
    /* Backup only, found at the last 4096-byte LBA. */
    memset(disk_data + 4096, 0, 4096);
    CHECK_ERR(gpt_read(&t, &disk, 4096), 0);
    CHECK(t.gpt_used_backup);
    CHECK_U64(t.count, 2);
    /* Partition ending exactly at the last LBA fits; one more does not. */
    static const uint64_t edge[][2] = {{10, 255}};
    build_gpt(disk_data, sizeof(disk_data), 4096, edge, 1);
    CHECK_ERR(part_read(&t, &disk, 4096), 0);
    static const uint64_t past[][2] = {{10, 256}};
    build_gpt(disk_data, sizeof(disk_data), 4096, past, 1);
    CHECK_ERR(part_read(&t, &disk, 4096), VB_ECORRUPT);
    CHECK(contains(t.diag.text, "past end of disk"));
}

TEST(test_gpt_small_disks) {
    static uint8_t data[2048];
    vb_memsource mem;
    vb_source disk;
    static part_table t;
    static const struct {
        size_t size;
        int err;
    } cases[] = {{0, VB_EFORMAT}, {511, VB_EFORMAT}, {512, VB_EFORMAT}, {1024, VB_EFORMAT}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        memset(data, 0, sizeof(data));
        memcpy(data + 512, "EFI PART", 8);
        vb_memsource_init(&mem, data, cases[i].size, &disk);
        CHECK_ERR(part_read(&t, &disk, 0), cases[i].err);
        CHECK_ERR(gpt_read(&t, &disk, 0), VB_EFORMAT);
    }
}

/* An MBR entry: status, type, first LBA, sectors. */
static void mbr_entry(uint8_t *sector, int slot, uint8_t status, uint8_t type, uint32_t lba,
                      uint32_t sectors) {
    uint8_t *e = sector + 446 + 16 * slot;
    e[0] = status;
    e[4] = type;
    vb_put_le32(e + 8, lba);
    vb_put_le32(e + 12, sectors);
    sector[510] = 0x55;
    sector[511] = 0xAA;
}

/* A 4 MiB disk: primary 1 at LBA 64, extended 2 at LBA 1024 with n EBRs
 * 16 sectors apart, each holding an 8-sector logical partition. */
static void build_mbr(uint8_t *disk, int n) {
    memset(disk, 0, 4 * MIB);
    vb_put_le32(disk + 440, 0xCAFEF00D);
    mbr_entry(disk, 0, 0x80, 0x0C, 64, 512);
    mbr_entry(disk, 1, 0x00, 0x0F, 1024, 4096);
    for (int i = 0; i < n; i++) {
        uint8_t *ebr = disk + (1024 + 16 * i) * 512;
        mbr_entry(ebr, 0, 0, 0x83, 1, 8);
        if (i + 1 < n)
            mbr_entry(ebr, 1, 0, 0x05, 16 * (i + 1), 9);
    }
}

TEST(test_mbr_built) {
    static uint8_t data[4 * MIB];
    vb_memsource mem;
    vb_source disk;
    vb_memsource_init(&mem, data, sizeof(data), &disk);
    static part_table t;

    build_mbr(data, 3);
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    CHECK_U64(t.count, 4);
    CHECK_U64(t.entries[0].index, 1);
    CHECK_STR(t.entries[0].uuid, "cafef00d-01");
    CHECK_U64(t.entries[3].index, 7);
    CHECK_U64(t.entries[3].start, (1024 + 32 + 1) * 512);
    CHECK_U64(t.entries[3].size, 8 * 512);
    CHECK_STR(t.entries[3].uuid, "cafef00d-07");

    /* The most EBRs allowed, then one more. */
    build_mbr(data, VB_MBR_LOGICAL_MAX);
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    CHECK_U64(t.count, 1 + VB_MBR_LOGICAL_MAX);
    build_mbr(data, VB_MBR_LOGICAL_MAX + 1);
    CHECK_ERR(part_read(&t, &disk, 0), VB_ELIMIT);

    static const struct {
        const char *what;
        int ebr;  /* EBR to change (-1: the MBR) */
        int slot; /* entry in it */
        uint8_t status, type;
        uint32_t lba, sectors;
        int err;
        const char *why;
    } cases[] = {
        {"link to itself", 1, 1, 0, 0x05, 16, 9, VB_ELOOP, "loops"},
        {"link to the first EBR", 2, 1, 0, 0x05, 0, 9, VB_ELOOP, "loops"},
        {"link past the extended partition", 1, 1, 0, 0x05, 5000, 9, VB_ECORRUPT, "outside"},
        {"link far past the end", 1, 1, 0, 0x85, 0xFFFFFFFF, 9, VB_ECORRUPT, "outside"},
        {"logical past the end of disk", 2, 0, 0, 0x83, 8000, 8, VB_ECORRUPT, "past end"},
        {"logical LBA overflow", 2, 0, 0, 0x83, 0xFFFFFFFF, 0xFFFFFFFF, VB_ECORRUPT, "past end"},
        {"primary past the end of disk", -1, 2, 0, 0x83, 8000, 400, VB_ECORRUPT, "past end"},
        {"extended past the end of disk", -1, 1, 0, 0x05, 1024, 0xFFFF0000, VB_ECORRUPT,
         "past end"},
        {"bad status byte", -1, 3, 0x12, 0x83, 10, 10, VB_EFORMAT, "status"},
        {"empty logical is skipped", 1, 0, 0, 0x00, 0, 0, 0, NULL},
        {"zero-size primary is skipped", -1, 2, 0, 0x83, 100, 0, 0, NULL},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].what;
        build_mbr(data, 3);
        uint8_t *sector = cases[i].ebr < 0 ? data : data + (1024 + 16 * cases[i].ebr) * 512;
        mbr_entry(sector, cases[i].slot, cases[i].status, cases[i].type, cases[i].lba,
                  cases[i].sectors);
        int r = part_read(&t, &disk, 0);
        CHECK_ERR(r, cases[i].err);
        if (r) {
            CHECK_U64(t.count, 0);
            CHECK(contains(t.diag.text, cases[i].why));
        }
    }
    test_current = "test_mbr_built";
    build_mbr(data, 3);
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    data[(1024 + 16) * 512 + 510] = 0; /* EBR 2 without signature */
    CHECK_ERR(part_read(&t, &disk, 0), VB_ECORRUPT);
    CHECK(contains(t.diag.text, "signature"));
    data[510] = 0; /* no MBR signature: no partition table at all */
    CHECK_ERR(part_read(&t, &disk, 0), VB_EFORMAT);
    CHECK_ERR(mbr_read(&t, &disk, 0), VB_EFORMAT);
    /* 4096-byte sectors: LBAs count 4096-byte units. */
    build_mbr(data, 2);
    mbr_entry(data, 1, 0, 0x00, 0, 0);
    CHECK_ERR(mbr_read(&t, &disk, 4096), 0);
    CHECK_U64(t.entries[0].start, 64 * 4096);
    CHECK_U64(t.entries[0].size, 512 * 4096);
    CHECK_ERR(mbr_read(&t, &disk, 100), VB_EINVAL);
}

/* A filesystem without a partition table, and an MBR listing nothing, are
 * "no partition table" (the loader then tries the whole disk as FAT). */
TEST(test_no_partition_table) {
    static part_table t;
    static const char *const images[] = {"fat12.img", "fat16.img", "fat32.img"};
    for (size_t i = 0; i < VB_ARRAY_SIZE(images); i++) {
        vb_source disk;
        CHECK_ERR(host_source_open(image_path(images[i]), &disk), 0);
        CHECK_ERR(part_read(&t, &disk, 0), VB_EFORMAT);
        CHECK(contains(t.diag.text, "FAT boot sector"));
        CHECK_ERR(mbr_read(&t, &disk, 512), VB_EFORMAT);
        host_source_close(&disk);
    }
    static uint8_t data[64 * 1024];
    vb_memsource mem;
    vb_source disk;
    vb_memsource_init(&mem, data, sizeof(data), &disk);
    data[510] = 0x55;
    data[511] = 0xAA;
    CHECK_ERR(part_read(&t, &disk, 0), VB_EFORMAT);
    CHECK(contains(t.diag.text, "all four entries are empty"));
    mbr_entry(data, 3, 0, 0x83, 8, 8);
    CHECK_ERR(part_read(&t, &disk, 0), 0);
    CHECK_U64(t.count, 1);
    CHECK_U64(t.entries[0].index, 4);
}

/* Issue 13: a read that fails while the table is probed is the read's own
 * error with the offset and length, never "no partition table" (which
 * would make the loader try the whole disk as a filesystem). */
TEST(test_read_errors) {
    static uint8_t data[4 * MIB];
    static part_table t;
    vb_memsource mem;
    vb_source disk, failing;
    vb_memsource_init(&mem, data, sizeof(data), &disk);
    build_mbr(data, 3);
    static const struct {
        uint64_t from;
        int err;
        const char *detail;
    } cases[] = {
        {0, VB_EIO, "sector 0: read of 512 bytes at offset 0 failed: I/O error"},
        /* Before issue 13 this read failing meant "no GPT": the MBR was used. */
        {512, VB_EIO, "GPT signature: read of 8 bytes at offset 512 failed: I/O error"},
        {512, VB_ETRUNCATED, "GPT signature: read of 8 bytes at offset 512 failed: truncated"},
        {1024 * 512, VB_EIO,
         "EBR at LBA 1024: read of 512 bytes at offset 524288 failed: I/O error"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        failsource f;
        failsource_init(&f, &disk, cases[i].from, cases[i].from + 1, cases[i].err, &failing);
        CHECK_ERR(part_read(&t, &failing, 0), cases[i].err);
        CHECK_STR(t.diag.text, cases[i].detail);
        CHECK_U64(t.count, 0);
    }
    /* A disk too small to hold byte 4096 has no GPT signature there: that
     * is "absent", not a read error. */
    static uint8_t tiny[2048];
    tiny[510] = 0x55;
    tiny[511] = 0xAA;
    mbr_entry(tiny, 0, 0, 0x83, 1, 2);
    vb_source small;
    vb_memsource_init(&mem, tiny, sizeof(tiny), &small);
    CHECK_ERR(part_read(&t, &small, 0), 0);
    CHECK_U64(t.count, 1);
}

TEST(test_guid_text) {
    static const struct {
        const char *text;
        bool ok;
        uint8_t first, fourth, ninth;
        const char *formatted;
    } cases[] = {
        {"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", true, 0x28, 0xC1, 0xBA,
         "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"},
        {"c12a7328-f81f-11d2-ba4b-00a0c93ec93b", true, 0x28, 0xC1, 0xBA,
         "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"},
        {"00000000-0000-0000-0000-000000000000", true, 0, 0, 0,
         "00000000-0000-0000-0000-000000000000"},
        {"c12a7328-f81f-11d2-ba4b-00a0c93ec93", false, 0, 0, 0, NULL},
        {"c12a7328-f81f-11d2-ba4b-00a0c93ec93bb", false, 0, 0, 0, NULL},
        {"c12a7328f81f-11d2-ba4b-00a0c93ec93b0", false, 0, 0, 0, NULL},
        {"c12a7328-f81f-11d2-ba4b_00a0c93ec93b", false, 0, 0, 0, NULL},
        {"g12a7328-f81f-11d2-ba4b-00a0c93ec93b", false, 0, 0, 0, NULL},
        {"c12a7328-f81f-11d2-ba4b-00a0c93ec9 b", false, 0, 0, 0, NULL},
        {"", false, 0, 0, 0, NULL},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        vb_guid g;
        memset(&g, 0x5A, sizeof(g));
        bool ok = vb_guid_parse(cases[i].text, strlen(cases[i].text), &g);
        CHECK(ok == cases[i].ok);
        if (!ok) {
            CHECK_U64(g.bytes[0], 0x5A); /* untouched on failure */
            continue;
        }
        CHECK_U64(g.bytes[0], cases[i].first);
        CHECK_U64(g.bytes[3], cases[i].fourth);
        CHECK_U64(g.bytes[8], cases[i].ninth);
        char out[VB_GUID_STR_LEN];
        vb_guid_format(&g, out);
        CHECK_STR(out, cases[i].formatted);
    }
    CHECK_STR(part_scheme_name(PART_SCHEME_GPT), "gpt");
    CHECK_STR(part_scheme_name(PART_SCHEME_MBR), "mbr");
    CHECK_STR(part_scheme_name(PART_SCHEME_NONE), "none");
}

TEST_MAIN(TEST_ENTRY(test_gpt_sgdisk), TEST_ENTRY(test_part_lookup), TEST_ENTRY(test_part_open_fat),
          TEST_ENTRY(test_mbr_sfdisk), TEST_ENTRY(test_gpt_corrupt), TEST_ENTRY(test_gpt_4096),
          TEST_ENTRY(test_gpt_small_disks), TEST_ENTRY(test_mbr_built),
          TEST_ENTRY(test_no_partition_table), TEST_ENTRY(test_read_errors),
          TEST_ENTRY(test_guid_text))
