/* vmdk_tool.h: what the subcommands of the host tool `vmdk` share: the
 * opened image, error reporting, exit codes, output helpers and JSON string
 * escaping. Everything printed by the tool goes through here. */
#ifndef VB_VMDK_TOOL_H
#define VB_VMDK_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "host_source.h"
#include "vmdk/vmdk.h"

/* Exit statuses (documented in README.md). */
enum {
    TOOL_EXIT_OK = 0,    /* success; for `check`: no problem found */
    TOOL_EXIT_IMAGE = 1, /* bad or unsupported image, I/O error, problems found */
    TOOL_EXIT_USAGE = 2, /* bad command line */
};

/* Parsed command line shared by every subcommand. */
typedef struct tool_args {
    const char *command;
    const char *image; /* IMAGE as typed by the user */
    const char *extra[4];
    int extra_count;
    bool json;
    bool stats;
    bool has_offset, has_length;
    uint64_t offset, length;
    vmdk_open_options open_options;
} tool_args;

/* An open image: the top file, its folder opener and the disk. */
typedef struct tool_image {
    const char *path;
    vb_source top;
    bool top_open;
    host_opener folder;
    vb_opener opener;
    vmdk_disk *disk;   /* heap: the struct is large */
    uint64_t capacity; /* of the disk, bytes */
} tool_image;

/* Opens args->image (image.c); on failure prints the one-line error and returns
 * TOOL_EXIT_IMAGE, else 0. */
int tool_image_open(tool_image *image, const tool_args *args);
void tool_image_close(tool_image *image);

/* Prints "vmdk: FILE: ENAME: detail" on stderr. */
void tool_error(const char *file, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints "vmdk: message" plus a hint to run --help; returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of buf to stdout, retrying short writes and EINTR, and counts
 * it in tool_bytes_out. Returns 0, or -1 after a one-line message (none
 * when the reader went away: EPIPE). */
int tool_write_stdout(const void *buf, size_t len);

/* Prints s as a JSON string literal (with quotes) to out: escapes '"', '\\'
 * and control characters, passes valid UTF-8 through and writes each byte
 * of invalid UTF-8 as \u00XX, so the output is always valid JSON. */
void tool_json_string(FILE *out, const char *s);

/* Extent number `extent` of link `link`, or NULL when out of range; and
 * the file it reads (a monolithic file: the link's own path, since such
 * files get renamed). */
const vmdk_extent *tool_extent(const vmdk_disk *disk, unsigned link, unsigned extent);
const char *tool_extent_file(const vmdk_disk *disk, unsigned link, unsigned extent);

/* Bytes of disk content written by cat (for --stats). */
extern uint64_t tool_bytes_out;

/* Subcommands: each returns an exit status. */
int tool_cmd_info(const tool_args *args);
int tool_cmd_cat(const tool_args *args);
int tool_cmd_map(const tool_args *args);
int tool_cmd_check(const tool_args *args);
int tool_cmd_ls(const tool_args *args);  /* fs.c */
int tool_cmd_get(const tool_args *args); /* fs.c */

/* write.c */
int tool_cmd_write(const tool_args *args);

#endif
