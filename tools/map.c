/* map.c: `vmdk map`: the virtual disk as runs of data, zero and hole, in
 * the spirit of `qemu-img map`. Runs that core/ reports separately (it
 * clips at grain-table and extent boundaries) are merged when they continue
 * each other: same kind, link and extent and, for data, the next bytes of
 * the same file. */
#include <inttypes.h>
#include "vmdk_tool.h"

static const char *run_kind_name(vmdk_run_kind kind) {
    switch (kind) {
    case VMDK_RUN_DATA:
        return "data";
    case VMDK_RUN_ZERO:
        return "zero";
    case VMDK_RUN_HOLE:
        return "hole";
    case VMDK_RUN_NOACCESS:
        return "noaccess";
    }
    return "?";
}

static bool run_continues(const vmdk_run *a, const vmdk_run *b) {
    if (a->kind != b->kind || a->link != b->link || a->extent != b->extent)
        return false;
    if (a->offset + a->length != b->offset)
        return false;
    if (a->kind != VMDK_RUN_DATA)
        return true;
    /* Compressed grains have no file offset (0): they merge like holes. */
    if (a->file_offset == 0 && b->file_offset == 0)
        return true;
    return a->file_offset + a->length == b->file_offset;
}

static void print_run(const tool_args *args, const vmdk_disk *disk, const vmdk_run *run,
                      bool first) {
    const char *file =
        run->kind == VMDK_RUN_DATA ? tool_extent_file(disk, run->link, run->extent) : NULL;
    if (args->json) {
        printf("%s{\"offset\": %" PRIu64 ", \"length\": %" PRIu64
               ", \"kind\": \"%s\", \"link\": %u, \"extent\": %u",
               first ? "[" : ",\n", run->offset, run->length, run_kind_name(run->kind), run->link,
               run->extent);
        if (run->kind == VMDK_RUN_DATA) {
            printf(", \"file_offset\": %" PRIu64 ", \"file\": ", run->file_offset);
            tool_json_string(stdout, file);
        }
        putchar('}');
        return;
    }
    if (first)
        printf("%-18s  %-18s  %-4s  %4s  %6s  %-18s  %s\n", "offset", "length", "kind", "link",
               "extent", "file_offset", "file");
    printf("0x%016" PRIx64 "  0x%016" PRIx64 "  %-4s  %4u  %6u", run->offset, run->length,
           run_kind_name(run->kind), run->link, run->extent);
    if (run->kind == VMDK_RUN_DATA)
        printf("  0x%016" PRIx64 "  %s", run->file_offset, file ? file : "");
    putchar('\n');
}

int tool_cmd_map(const tool_args *args) {
    tool_image image;
    int status = tool_image_open(&image, args);
    if (status)
        return status;
    vmdk_run pending;
    bool have_pending = false, first = true;
    uint64_t offset = 0;
    while (offset < image.capacity) {
        vmdk_run run;
        int err = vmdk_map(image.disk, offset, &run);
        if (err) {
            tool_error(args->image, err, "%s", vmdk_detail(image.disk));
            status = TOOL_EXIT_IMAGE;
            break;
        }
        if (run.offset != offset || run.length == 0 || run.length > image.capacity - offset) {
            /* Guards the loop against a reader bug: never spin or overrun. */
            tool_error(args->image, VB_EINVAL,
                       "map at byte %" PRIu64 " returned run %" PRIu64 "+%" PRIu64, offset,
                       run.offset, run.length);
            status = TOOL_EXIT_IMAGE;
            break;
        }
        if (have_pending && run_continues(&pending, &run)) {
            pending.length += run.length;
        } else {
            if (have_pending)
                print_run(args, image.disk, &pending, first), first = false;
            pending = run;
            have_pending = true;
        }
        offset += run.length;
    }
    if (have_pending && status == TOOL_EXIT_OK)
        print_run(args, image.disk, &pending, first), first = false;
    if (args->json && status == TOOL_EXIT_OK)
        fputs(first ? "[]\n" : "]\n", stdout);
    if (fflush(stdout) != 0 || ferror(stdout))
        status = TOOL_EXIT_IMAGE;
    tool_image_close(&image);
    return status;
}
