/* Unit tests of core/volume/volume.c, the volume finder the loader and
 * `vmdk ls`/`vmdk get` share, on the real disks of mkimages-partfs.sh: a
 * partition named by index, label and PARTUUID; a bare filesystem (no
 * table); the first partition holding the path when the first one mounts
 * but lacks it; a corrupt filesystem skipped, then reported; a path on no
 * partition; a failing disk and a failing lookup that stop the search; and
 * the partition spec parser. */
#include "volume/volume.h"
#include "failsource.h"
#include "partfs_test.h"
#include "test.h"
#include "lib/util.h"

static volume vol;

/* A memory source over a whole image file (the buffer is kept). */
static void disk_of(const char *name, vb_source *ret_disk) {
    static vb_memsource mem[4];
    static unsigned next;
    size_t size;
    uint8_t *data = load_image(name, &size);
    vb_memsource_init(&mem[next++ % 4], data, size, ret_disk);
}

static void find(const vb_source *disk, const char *spec_text, const char *path, bool open_file,
                 int want_err, int want_index) {
    volume_spec spec = {VOLUME_PICK_AUTO, 0, NULL};
    if (spec_text)
        volume_spec_parse(spec_text, &spec);
    int r = volume_find(&vol, disk, &spec, path, open_file);
    if (r != want_err)
        fprintf(stderr, "find %s %s: %s\n", spec_text ? spec_text : "(auto)", path ? path : "",
                vol.diag ? vol.diag->text : "");
    CHECK_ERR(r, want_err);
    CHECK_U64(vol.entry ? vol.entry->index : 0, (uint64_t)want_index);
}

TEST(test_named) {
    vb_source disk;
    disk_of("gpt.img", &disk);
    find(&disk, "2", "/hello.txt", true, 0, 2);
    CHECK(vol.has_table && vol.mounted && !vol.whole_disk);
    CHECK_STR(fs_kind_name(&vol.fs), "FAT16");
    CHECK_U64(vol.file_src.size, 17); /* "Hello, vmdkboot!\n" */
    uint8_t buf[17];
    CHECK_ERR(vb_source_read(&vol.file_src, 0, buf, sizeof(buf)), 0);
    CHECK_MEM(buf, "Hello, vmdkboot!\n", 17);
    find(&disk, "label=fat32 part", "/hello.txt", false, 0, 3);
    CHECK_STR(fs_kind_name(&vol.fs), "FAT32");
    find(&disk, "uuid=aaaaaaaa-bbbb-cccc-dddd-000000000002", NULL, false, 0, 2);
    /* A named partition is taken even when it lacks the path. */
    find(&disk, "1", "/no-such-file", true, VB_ENOTFOUND, 1);
    CHECK(vol.mounted);
    /* No such partition. */
    find(&disk, "9", NULL, false, VB_ENOTFOUND, 0);
    CHECK(vol.has_table);
    CHECK_U64(vol.table.count, 4);
    CHECK_U64(vol.table.scheme, PART_SCHEME_GPT);
    find(&disk, "label=nope", NULL, false, VB_ENOTFOUND, 0);
    find(&disk, "x", NULL, false, VB_ENOTFOUND, 0);
    /* Partition 5 holds no filesystem. */
    find(&disk, "5", "/hello.txt", true, VB_EFORMAT, 5);
    CHECK(!vol.mounted && vol.diag && vol.diag->err == VB_EFORMAT);
}

TEST(test_no_table) {
    vb_source disk;
    disk_of("fat32.img", &disk);
    find(&disk, NULL, "/big.bin", true, 0, 0);
    CHECK(vol.whole_disk && !vol.has_table && vol.mounted);
    CHECK_U64(vol.file_src.size, 1024 * 1024 + 1234);
    find(&disk, NULL, "/no-such-file", true, VB_ENOTFOUND, 0);
    CHECK(vol.whole_disk && vol.mounted);
    /* A named partition on a disk without a table: the table's error. */
    find(&disk, "1", "/big.bin", true, VB_EFORMAT, 0);
    CHECK(!vol.whole_disk && !vol.has_table && vol.diag == &vol.table.diag);
    /* Issue 13: the read that looks for a GPT signature fails. Before, that
     * meant "no table" and the whole disk was mounted as if nothing had
     * happened; now the read's own error stops the search. */
    failsource f;
    vb_source failing;
    failsource_init(&f, &disk, 512, 513, VB_EIO, &failing);
    find(&failing, NULL, "/big.bin", true, VB_EIO, 0);
    CHECK(!vol.whole_disk && !vol.has_table && vol.diag == &vol.table.diag);
    CHECK_STR(vol.diag->text, "GPT signature: read of 8 bytes at offset 512 failed: I/O error");
    CHECK_ERR(vol.disk_err, VB_EIO);
}

TEST(test_first_holding_path) {
    vb_source disk;
    disk_of("vol.img", &disk);
    /* Partition 1 (an empty FAT12) mounts but lacks the file: 2 holds it. */
    find(&disk, NULL, "/boot/KERNEL", true, 0, 2);
    CHECK(vol.first_skipped == NULL);
    CHECK_STR(fs_kind_name(&vol.fs), "FAT16");
    find(&disk, NULL, "/boot", false, 0, 2);
    /* Without a path: the first partition that mounts. */
    find(&disk, NULL, NULL, false, 0, 1);
    find(&disk, NULL, "/", false, 0, 1);
    /* On no partition; partition 5 of gpt.img (no filesystem) is no failure. */
    find(&disk, NULL, "/no-such-file", true, VB_ENOTFOUND, 0);
    CHECK(vol.first_skipped == NULL && !vol.mounted);
    disk_of("gpt.img", &disk);
    find(&disk, NULL, "/no-such-file", false, VB_ENOTFOUND, 0);
    CHECK(vol.first_skipped == NULL && vol.any_mounted);
}

TEST(test_corrupt_skipped) {
    vb_source disk;
    disk_of("vol-bad.img", &disk);
    find(&disk, NULL, "/boot/KERNEL", true, 0, 2);
    CHECK(vol.first_skipped && vol.first_skipped->index == 1);
    CHECK_ERR(vol.skipped.err, VB_ECORRUPT);
    CHECK_STR(vol.skipped.text, "FAT12/16 with no root directory entries");
    find(&disk, NULL, "/no-such-file", true, VB_ENOTFOUND, 0);
    CHECK(vol.first_skipped && vol.first_skipped->index == 1);
    CHECK_ERR(vol.skipped.err, VB_ECORRUPT);
    find(&disk, NULL, NULL, false, 0, 2);
    /* Named, the failure is the result. */
    find(&disk, "1", "/boot/KERNEL", true, VB_ECORRUPT, 1);
    CHECK(!vol.mounted);
    CHECK_STR(vol.diag->text, "FAT12/16 with no root directory entries");
}

TEST(test_stops) {
    vb_source disk;
    disk_of("gpt.img", &disk);
    /* A failure inside a filesystem other than "no such file" stops. */
    find(&disk, NULL, "/many/../hello.txt", true, VB_EPATH, 1);
    CHECK(vol.mounted && vol.disk_err == 0);
    find(&disk, NULL, "/Long Folder Name", true, VB_EINVAL, 1); /* a folder, not a file */
    find(&disk, NULL, "/Long Folder Name", false, 0, 1);
    /* A failure of the disk itself stops, though partition 2 holds it:
     * reads fail from the middle of partition 1 (FAT12 at 1 MiB). */
    failsource fail;
    vb_source failing;
    failsource_init(&fail, &disk, 1024 * 1024 + 4096, UINT64_MAX, VB_EIO, &failing);
    find(&failing, NULL, "/hello.txt", true, VB_EIO, 1);
    CHECK_ERR(vol.disk_err, VB_EIO);
    /* Reads fail from partition 2 on: 1 is tried, then 2 stops the search. */
    fail.from = 5 * 1024 * 1024 + 512;
    find(&failing, NULL, "/no-such-file", true, VB_EIO, 2);
    CHECK_ERR(vol.disk_err, VB_EIO);
    /* The table itself unreadable. */
    fail.from = 512;
    find(&failing, NULL, "/hello.txt", true, VB_EIO, 0);
    CHECK(!vol.has_table && !vol.whole_disk && vol.diag == &vol.table.diag);
}

TEST(test_spec_parse) {
    static const struct {
        const char *text;
        volume_pick pick;
        uint32_t index;
        const char *name;
    } cases[] = {
        {"1", VOLUME_PICK_INDEX, 1, NULL},
        {"4294967295", VOLUME_PICK_INDEX, 4294967295u, NULL},
        {"4294967296", VOLUME_PICK_INDEX, 0, NULL},
        {"0", VOLUME_PICK_INDEX, 0, NULL},
        {"", VOLUME_PICK_INDEX, 0, NULL},
        {"2x", VOLUME_PICK_INDEX, 0, NULL},
        {"-1", VOLUME_PICK_INDEX, 0, NULL},
        {"label=ESP", VOLUME_PICK_LABEL, 0, "ESP"},
        {"label=", VOLUME_PICK_LABEL, 0, ""},
        {"uuid=12345678-06", VOLUME_PICK_UUID, 0, "12345678-06"},
        {"LABEL=x", VOLUME_PICK_INDEX, 0, NULL},
        {"label", VOLUME_PICK_INDEX, 0, NULL},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        volume_spec spec;
        volume_spec_parse(cases[i].text, &spec);
        CHECK_U64(spec.pick, cases[i].pick);
        CHECK_U64(spec.index, cases[i].index);
        if (cases[i].name)
            CHECK_STR(spec.name, cases[i].name);
        else
            CHECK(spec.name == NULL);
    }
}

TEST_MAIN(TEST_ENTRY(test_named), TEST_ENTRY(test_no_table), TEST_ENTRY(test_first_holding_path),
          TEST_ENTRY(test_corrupt_skipped), TEST_ENTRY(test_stops), TEST_ENTRY(test_spec_parse))
