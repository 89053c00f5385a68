/* test_source_write.c: the write side of byte sources (core/lib/source.h)
 * and the opener's create, in every implementation the writers use: the
 * range rule of vb_source_write (a write may start past the end; the gap
 * reads as zeros), the test memdir, and the host opener over real files
 * (pwrite, O_EXCL / O_TRUNC, the errno kept for messages). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host_source.h"
#include "memdir.h"
#include "test.h"

static const uint8_t zeros[70000];

/* Writes "xyz" at 70000 into an empty writable source, then "ab" at 2:
 * the source grows to 70003, and what was never written reads as zeros. */
static void check_gap(vb_source *src) {
    static uint8_t back[70003];
    CHECK_U64(src->size, 0);
    CHECK_ERR(vb_source_write(src, 70000, "xyz", 3), 0);
    CHECK_U64(src->size, 70003);
    CHECK_ERR(vb_source_write(src, 2, "ab", 2), 0);
    CHECK_U64(src->size, 70003);
    CHECK_ERR(vb_source_flush(src), 0);
    memset(back, 0xee, sizeof(back));
    CHECK_ERR(vb_source_read(src, 0, back, sizeof(back)), 0);
    CHECK_MEM(back, zeros, 2);
    CHECK_MEM(back + 2, "ab", 2);
    CHECK_MEM(back + 4, zeros, 70000 - 4);
    CHECK_MEM(back + 70000, "xyz", 3);
    CHECK_ERR(vb_source_read(src, 70000, back, 4), VB_ERANGE);
}

TEST(test_write_rule) {
    /* No write side: read-only. Overflow: out of range, nothing written. */
    vb_memsource mem;
    vb_source ro;
    vb_memsource_init(&mem, "abc", 3, &ro);
    CHECK_ERR(vb_source_write(&ro, 0, "x", 1), VB_EREADONLY);
    CHECK_ERR(vb_source_flush(&ro), VB_EREADONLY);
    memdir d;
    memdir_init(&d);
    vb_opener o;
    memdir_opener(&d, &o);
    vb_source src;
    CHECK_ERR(o.create(o.ctx, "a.bin", &src), 0);
    CHECK_ERR(vb_source_write(&src, UINT64_MAX, "x", 2), VB_ERANGE);
    CHECK_ERR(vb_source_write(&src, UINT64_MAX - 1, "x", 0), 0); /* nothing to write */
    CHECK_U64(src.size, 0);
    CHECK_U64(d.writes, 0);
    check_gap(&src);
    CHECK_U64(memdir_find(&d, "a.bin")->size, 70003);
    o.close(o.ctx, &src);
    /* create refuses a name that exists; open_rw follows the same rule. */
    CHECK_ERR(o.create(o.ctx, "a.bin", &src), VB_EEXIST);
    memdir_add(&d, "b.bin", "", 0);
    CHECK_ERR(o.open_rw(o.ctx, "b.bin", &src), 0);
    check_gap(&src);
    o.close(o.ctx, &src);
    CHECK_U64(d.creates, 1);
    CHECK_U64(d.closes, 2);
    memdir_free(&d);
}

TEST(test_host_create) {
    char dir[] = "/tmp/vb-source-write-XXXXXX", top[64], file[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(top, sizeof(top), "%s/top.vmdk", dir);
    snprintf(file, sizeof(file), "%s/new.bin", dir);
    mode_t old_mask = umask(022);
    host_opener ho;
    vb_opener o;
    host_opener_init(&ho, top, &o);
    vb_source src;
    CHECK_ERR(o.create(o.ctx, "new.bin", &src), 0);
    check_gap(&src);
    CHECK_U64(host_source_errno(&src), 0);
    o.close(o.ctx, &src);
    struct stat st;
    CHECK(stat(file, &st) == 0 && st.st_size == 70003 && (st.st_mode & 0777) == 0644);
    /* An existing file: VB_EEXIST and its errno, the file untouched. */
    CHECK_ERR(o.create(o.ctx, "new.bin", &src), VB_EEXIST);
    CHECK_U64(ho.errnum, EEXIST);
    CHECK(stat(file, &st) == 0 && st.st_size == 70003);
    /* Told to overwrite: truncated to an empty source. */
    ho.overwrite = true;
    ho.mode = 0600;
    CHECK_ERR(o.create(o.ctx, "new.bin", &src), 0);
    CHECK_U64(ho.errnum, 0);
    CHECK(stat(file, &st) == 0 && st.st_size == 0);
    check_gap(&src);
    o.close(o.ctx, &src);
    /* open_rw of a file that exists keeps the rule; mode applies to new files. */
    CHECK_ERR(o.create(o.ctx, "other.bin", &src), 0);
    o.close(o.ctx, &src);
    snprintf(file, sizeof(file), "%s/other.bin", dir);
    CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_ERR(o.open_rw(o.ctx, "other.bin", &src), 0);
    check_gap(&src);
    o.close(o.ctx, &src);
    /* A folder that does not exist: the errno stays for the message. */
    snprintf(top, sizeof(top), "%s/nodir/top.vmdk", dir);
    host_opener_init(&ho, top, &o);
    CHECK_ERR(o.create(o.ctx, "top.vmdk", &src), VB_ENOTFOUND);
    CHECK_U64(ho.errnum, ENOENT);
    umask(old_mask);
    unlink(file);
    snprintf(file, sizeof(file), "%s/new.bin", dir);
    unlink(file);
    CHECK(rmdir(dir) == 0);
}

TEST_MAIN(TEST_ENTRY(test_write_rule), TEST_ENTRY(test_host_create))
