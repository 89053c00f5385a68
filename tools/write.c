/* write.c: `vmdk write IMAGE --offset BYTES`: standard input written into
 * the virtual disk at BYTES through core/'s writer, then flushed and closed
 * cleanly (uncleanShutdown cleared). From a regular file the whole request
 * is checked against the capacity before anything is written; from a pipe
 * the length is only known at its end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "vmdk/vmdk_write.h"
#include "vmdk_tool.h"

#define WRITE_CHUNK (1024u * 1024u)

/* Something different on every run for the new CID. */
static uint32_t cid_seed(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ ((uint32_t)getpid() << 16);
}

/* Reads up to len bytes of stdin (less only at its end); -1 on error. */
static ssize_t read_input(uint8_t *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(STDIN_FILENO, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int write_input(tool_image *image, const tool_args *args, uint8_t *buf) {
    uint64_t offset = args->offset;
    for (;;) {
        ssize_t n = read_input(buf, WRITE_CHUNK);
        if (n < 0) {
            tool_error(args->image, VB_EIO, "cannot read standard input: %s", strerror(errno));
            return TOOL_EXIT_IMAGE;
        }
        if (n == 0)
            return TOOL_EXIT_OK;
        int err = vmdk_write(image->disk, offset, buf, (size_t)n);
        if (err) {
            tool_error(args->image, err, "%s", vmdk_detail(image->disk));
            return TOOL_EXIT_IMAGE;
        }
        offset += (uint64_t)n;
    }
}

int tool_cmd_write(const tool_args *args) {
    if (!args->has_offset)
        return tool_usage_error("write: --offset BYTES is required");
    if (args->has_length)
        return tool_usage_error("write: --length does not apply (the input's length is written)");
    tool_args rw = *args;
    rw.open_options.writable = true;
    rw.open_options.cid_seed = cid_seed();
    tool_image image;
    int status = tool_image_open(&image, &rw);
    if (status)
        return status;
    struct stat st;
    uint64_t len = 0; /* known only from a regular file */
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
        len = (uint64_t)st.st_size;
    if (args->offset > image.capacity || len > image.capacity - args->offset) {
        tool_error(args->image, VB_ERANGE,
                   "write of %llu bytes at offset %llu is past the capacity (%llu bytes)",
                   (unsigned long long)len, (unsigned long long)args->offset,
                   (unsigned long long)image.capacity);
        tool_image_close(&image);
        return TOOL_EXIT_IMAGE;
    }
    uint8_t *buf = malloc(WRITE_CHUNK);
    if (!buf) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        tool_image_close(&image);
        return TOOL_EXIT_IMAGE;
    }
    status = write_input(&image, args, buf);
    free(buf);
    int err = vmdk_close_flush(image.disk);
    if (err && status == TOOL_EXIT_OK) {
        tool_error(args->image, err, "%s", vmdk_detail(image.disk));
        status = TOOL_EXIT_IMAGE;
    }
    tool_image_close(&image);
    return status;
}
