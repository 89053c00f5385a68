/* Unit tests of core/fs/fs.c, the filesystem dispatch: FAT and ext2/3/4
 * volumes (from mkimages-partfs.sh and mkimages-ext4.sh) mounted, listed
 * and read through one API; a GPT disk with a FAT and an ext4 partition;
 * sources holding neither; calls on an unmounted volume. */
#include "fs/fs.h"
#include "failsource.h"
#include "host_source.h"
#include "image_files.h"
#include "part/part.h"
#include "test.h"
#include "lib/util.h"

static fs_volume vol;
static fs_file file;
static fs_dir dir;

/* Reads the whole file at path and compares it with the host file want. */
static void check_file(const char *path, const char *want_path) {
    vb_source f;
    int r = fs_lookup(&vol, path, &file, &f);
    if (r)
        fprintf(stderr, "%s: %s\n", path, fs_diag(&vol)->text);
    CHECK_ERR(r, 0);
    if (r)
        return;
    FILE *h = fopen(want_path, "rb");
    CHECK(h != NULL);
    if (!h)
        return;
    uint8_t *want = malloc(f.size + 1), *got = malloc(f.size + 1);
    CHECK_U64(fread(want, 1, f.size + 1, h), f.size);
    fclose(h);
    CHECK_ERR(vb_source_read(&f, 0, got, f.size), 0);
    CHECK_MEM(got, want, f.size);
    free(want);
    free(got);
}

/* Lists the root; returns how many entries, checks one name is there. */
static unsigned list_root(const char *must, bool must_dir) {
    fs_dirent e;
    unsigned n = 0, seen = 0;
    int r;
    CHECK_ERR(fs_opendir(&vol, "/", &dir), 0);
    while ((r = fs_readdir(&dir, &e)) == 1) {
        n++;
        if (strcmp(e.name, must) == 0) {
            seen++;
            CHECK(e.is_dir == must_dir);
        }
    }
    CHECK_ERR(r, 0);
    CHECK_U64(seen, 1);
    return n;
}

TEST(test_fs_fat) {
    vb_source src;
    fs_dirent e;
    CHECK_ERR(host_source_open(PARTFS_IMAGE("fat16.img"), &src), 0);
    CHECK_ERR(fs_mount(&vol, &src), 0);
    CHECK_U64(vol.kind, FS_KIND_FAT);
    CHECK_STR(fs_kind_name(&vol), "FAT16");
    check_file("HELLO.TXT", PARTFS_IMAGE("src/hello.txt"));
    check_file("\\Long Folder Name\\sub dir\\data.bin",
               PARTFS_IMAGE("src/Long Folder Name/sub dir/data.bin"));
    CHECK_ERR(fs_stat(&vol, "many", &e), 0);
    CHECK(e.is_dir && !e.is_symlink);
    CHECK_ERR(fs_stat(&vol, "big.bin", &e), 0);
    CHECK_U64(e.size, 1024 * 1024 + 1234);
    list_root("Long Folder Name", true);
    CHECK_ERR(fs_lookup(&vol, "nope", &file, &src), VB_ENOTFOUND);
    CHECK_STR(vb_err_name(fs_diag(&vol)->err), "ENOTFOUND");
    host_source_close(&src);
}

TEST(test_fs_ext4) {
    vb_source src;
    fs_dirent e;
    CHECK_ERR(host_source_open(EXT4_IMAGE("ext4.img"), &src), 0);
    CHECK_ERR(fs_mount(&vol, &src), 0);
    CHECK_U64(vol.kind, FS_KIND_EXT4);
    CHECK_STR(fs_kind_name(&vol), "ext4");
    check_file("/boot/vmlinuz", EXT4_IMAGE("src/boot/vmlinuz-6.1"));
    check_file("initrd.img", EXT4_IMAGE("src/boot/initrd.img-6.1"));
    CHECK_ERR(fs_stat(&vol, "/vmlinuz", &e), 0);
    CHECK(!e.is_dir && !e.is_symlink);
    CHECK_U64(e.size, 3 * 1024 * 1024 + 17);
    CHECK_ERR(fs_stat(&vol, "boot", &e), 0);
    CHECK(e.is_dir);
    CHECK_U64(e.size, 0);
    CHECK_U64(list_root("boot", true), 23);
    CHECK_ERR(fs_lookup(&vol, "HELLO.TXT", &file, &src), VB_ENOTFOUND);
    CHECK_STR(vb_err_name(fs_diag(&vol)->err), "ENOTFOUND");
    host_source_close(&src);

    CHECK_ERR(host_source_open(EXT4_IMAGE("ext3-1k.img"), &src), 0);
    CHECK_ERR(fs_mount(&vol, &src), 0);
    CHECK_STR(fs_kind_name(&vol), "ext3");
    check_file("boot/vmlinuz", EXT4_IMAGE("src/boot/vmlinuz-6.1"));
    host_source_close(&src);
}

TEST(test_fs_gpt_disk) {
    static part_table table;
    vb_source disk, p;
    vb_slice slice;
    CHECK_ERR(host_source_open(EXT4_IMAGE("disk.img"), &disk), 0);
    CHECK_ERR(part_read(&table, &disk, 0), 0);
    CHECK_U64(table.count, 2);
    if (table.count != 2)
        return;
    CHECK_ERR(part_open(part_find_index(&table, 1), &disk, &slice, &p), 0);
    CHECK_ERR(fs_mount(&vol, &p), 0);
    CHECK_STR(fs_kind_name(&vol), "FAT16");
    check_file("hello.txt", EXT4_IMAGE("src/hello.txt"));
    CHECK_ERR(part_open(part_find_label(&table, "root"), &disk, &slice, &p), 0);
    CHECK_ERR(fs_mount(&vol, &p), 0);
    CHECK_STR(fs_kind_name(&vol), "ext4");
    CHECK_STR(vol.u.ext4.label, "root");
    check_file("/boot/vmlinuz", EXT4_IMAGE("src/boot/vmlinuz-6.1"));
    check_file("/boot/initrd.img", EXT4_IMAGE("src/boot/initrd.img-6.1"));
    CHECK_U64(list_root("lost+found", true), 2);
    host_source_close(&disk);
}

/* An ext2/3/4 superblock magic with a block size over 64 KiB. */
static void put_bad_ext4_super(uint8_t *buf) {
    buf[1024 + 0x38] = 0x53;
    buf[1024 + 0x39] = 0xEF;
    buf[1024 + 0x18] = 9;
}

TEST(test_fs_neither) {
    static uint8_t buf[65536];
    vb_memsource m;
    vb_source src;
    fs_dirent e;
    memset(buf, 0, sizeof(buf));
    vb_memsource_init(&m, buf, sizeof(buf), &src);
    CHECK_ERR(fs_mount(&vol, &src), VB_EFORMAT);
    CHECK_U64(vol.kind, FS_KIND_NONE);
    CHECK_STR(fs_kind_name(&vol), "none");
    CHECK_STR(fs_diag(&vol)->text, "no FAT or ext2/3/4 filesystem (not FAT: no 0x55AA boot sector "
                                   "signature; not ext2/3/4: no 0xEF53 superblock magic)");
    CHECK_ERR(fs_diag(&vol)->err, VB_EFORMAT);
    CHECK_ERR(fs_lookup(&vol, "x", &file, &src), VB_EINVAL);
    CHECK_ERR(fs_opendir(&vol, "", &dir), VB_EINVAL);
    CHECK_ERR(fs_stat(&vol, "", &e), VB_EINVAL);
    /* An ext2/3/4 superblock that fails its checks: ext4's error. */
    put_bad_ext4_super(buf);
    CHECK_ERR(fs_mount(&vol, &src), VB_ECORRUPT);
    CHECK_STR(fs_diag(&vol)->text, "block size 1024 << 9 (at most 64 KiB)");
    CHECK_ERR(fs_diag(&vol)->err, VB_ECORRUPT);
    /* A FAT-looking boot sector that fails its checks: FAT's error. */
    memset(buf, 0, sizeof(buf));
    buf[510] = 0x55;
    buf[511] = 0xAA;
    buf[11] = 0x00; /* 512 bytes per sector */
    buf[12] = 0x02;
    buf[13] = 1;    /* sectors per cluster */
    buf[14] = 1;    /* reserved */
    buf[16] = 2;    /* FATs */
    buf[17] = 16;   /* root entries */
    buf[19] = 0x80; /* 128 sectors, more than the source */
    buf[20] = 0x00;
    buf[21] = 0xF8;
    buf[22] = 1; /* FAT size */
    vb_memsource_init(&m, buf, 8192, &src);
    CHECK_ERR(fs_mount(&vol, &src), VB_ECORRUPT);
    CHECK_STR(fs_diag(&vol)->text, "filesystem of 65536 bytes larger than its source (8192)");
    CHECK_ERR(fs_diag(&vol)->err, VB_ECORRUPT);
    /* Both signatures match and both fail: FAT's detail is kept, not the
     * ext2/3/4 probe's, though that probe reused the memory of FAT's. */
    put_bad_ext4_super(buf);
    CHECK_ERR(fs_mount(&vol, &src), VB_ECORRUPT);
    CHECK_STR(fs_diag(&vol)->text, "filesystem of 65536 bytes larger than its source (8192)");
    CHECK_ERR(fs_diag(&vol)->err, VB_ECORRUPT);
}

/* Issue 13: a read that fails while a filesystem is probed is that read's
 * error with its offset and length, not "no FAT or ext2/3/4 filesystem". */
TEST(test_fs_probe_read_errors) {
    static uint8_t buf[8192];
    memset(buf, 0, sizeof(buf));
    vb_memsource m;
    vb_source src, failing;
    vb_memsource_init(&m, buf, sizeof(buf), &src);
    failsource f;
    failsource_init(&f, &src, 0, 1, VB_EIO, &failing);
    CHECK_ERR(fs_mount(&vol, &failing), VB_EIO);
    CHECK_STR(fs_diag(&vol)->text,
              "FAT boot sector: read of 512 bytes at offset 0 failed: I/O error");
    failsource_init(&f, &src, 1500, 1501, VB_ERANGE, &failing);
    CHECK_ERR(fs_mount(&vol, &failing), VB_ERANGE);
    CHECK_STR(fs_diag(&vol)->text,
              "ext2/3/4 superblock: read of 1024 bytes at offset 1024 failed: read out of range");
}

TEST_MAIN(TEST_ENTRY(test_fs_fat), TEST_ENTRY(test_fs_ext4), TEST_ENTRY(test_fs_gpt_disk),
          TEST_ENTRY(test_fs_neither), TEST_ENTRY(test_fs_probe_read_errors))
