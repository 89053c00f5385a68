/* image.c: opening the image a subcommand works on, through core/ and
 * platform/host/; the failure is reported here, once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_memory.h"
#include "vmdk_tool.h"

int tool_image_open(tool_image *image, const tool_args *args) {
    memset(image, 0, sizeof(*image));
    image->path = args->image;
    errno = 0;
    int err = args->open_options.writable ? host_source_open_rw(args->image, &image->top)
                                          : host_source_open(args->image, &image->top);
    if (err) {
        int e = errno;
        tool_error(args->image, err, "cannot open: %s",
                   err == VB_EINVAL ? "not a file"
                   : e              ? strerror(e)
                                    : vb_err_message(err));
        return TOOL_EXIT_IMAGE;
    }
    image->top_open = true;
    image->disk = calloc(1, sizeof(*image->disk));
    if (!image->disk) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        tool_image_close(image);
        return TOOL_EXIT_IMAGE;
    }
    host_opener_init(&image->folder, args->image, &image->opener);
    vmdk_open_options options = args->open_options;
    host_allocator_init(&options.memory); /* streamOptimized buffers */
    err = vmdk_open(image->disk, &image->top, host_basename(args->image), &image->opener, &options);
    if (err) {
        tool_error(args->image, err, "%s", vmdk_detail(image->disk));
        tool_image_close(image);
        return TOOL_EXIT_IMAGE;
    }
    image->capacity = vmdk_capacity(image->disk);
    return 0;
}

void tool_image_close(tool_image *image) {
    if (image->disk) {
        vmdk_close(image->disk);
        free(image->disk);
        image->disk = NULL;
    }
    if (image->top_open)
        host_source_close(&image->top);
    image->top_open = false;
}
