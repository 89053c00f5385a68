/* input.c: what `vmdk convert` reads: a raw image (pread) or any VMDK the
 * reader opens (chains flattened by vmdk_read). A raw image whose size is
 * not a whole number of sectors reads as zeros up to the next sector. */
#include <errno.h>
#include <string.h>
#include "lib/util.h"
#include "vmdk_tool.h"

static int open_raw(tool_input *in) {
    errno = 0;
    int err = host_source_open(in->path, &in->raw);
    if (err) {
        int e = errno;
        tool_error(in->path, err, "cannot open: %s",
                   err == VB_EINVAL ? "not a file"
                   : e              ? strerror(e)
                                    : vb_err_message(err));
        return TOOL_EXIT_IMAGE;
    }
    in->size = in->raw.size;
    return 0;
}

int tool_input_open(tool_input *in, const tool_args *args) {
    memset(in, 0, sizeof(*in));
    in->path = args->image;
    const char *format = args->format ? args->format : "vmdk";
    if (strcmp(format, "raw") != 0 && strcmp(format, "vmdk") != 0)
        return tool_usage_error("-f: unknown format '%s' (raw or vmdk)", format);
    int status = open_raw(in);
    if (status || strcmp(format, "raw") == 0)
        goto done;
    /* Probe first, so a raw image named without -f gets a hint. */
    int kind = vmdk_probe(&in->raw);
    host_source_close(&in->raw);
    in->raw = (vb_source){0};
    if (kind < 0) {
        tool_error(in->path, kind, "not a VMDK file%s",
                   args->format ? "" : " (a raw image needs -f raw)");
        return TOOL_EXIT_IMAGE;
    }
    tool_args image_args = *args;
    status = tool_image_open(&in->image, &image_args);
    if (status)
        return status;
    in->size = in->image.capacity;
done:
    if (status)
        return status;
    in->capacity = in->size + (512 - in->size % 512) % 512;
    return 0;
}

void tool_input_close(tool_input *in) {
    if (in->image.disk || in->image.top_open)
        tool_image_close(&in->image);
    if (in->raw.ctx)
        host_source_close(&in->raw);
    in->raw = (vb_source){0};
}

int tool_input_read(tool_input *in, uint64_t offset, void *buf, size_t len) {
    int err;
    if (in->image.disk) {
        err = vmdk_read(in->image.disk, offset, buf, len);
        if (err)
            tool_error(in->path, err, "%s", vmdk_detail(in->image.disk));
        return err;
    }
    /* Raw: the bytes past the file's end (its last partial sector) are zeros. */
    size_t have = offset >= in->size ? 0 : (size_t)VB_MIN((uint64_t)len, in->size - offset);
    err = have ? vb_source_read(&in->raw, offset, buf, have) : 0;
    if (err) {
        tool_error(in->path, err, "read of %zu bytes at byte %llu failed", have,
                   (unsigned long long)offset);
        return err;
    }
    memset((char *)buf + have, 0, len - have);
    return 0;
}
