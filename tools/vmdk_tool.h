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
#include "vmdk/vmdk_layout.h"

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
    bool esp; /* entries --esp: IMAGE is a folder laid out like the ESP */
    bool stats;
    bool has_offset, has_length;
    uint64_t offset, length;
    vmdk_open_options open_options;
    /* create and convert (create.c, convert.c) */
    const char *type;   /* -t TYPE, or NULL */
    const char *format; /* -f FORMAT (convert's SRC), or NULL */
    const char *parent; /* --parent BASE (create), or NULL */
    bool force;         /* --force: overwrite DST and its extent files */
    int progress;       /* -p: 1, -q: 0, neither: -1 (on when stderr is a terminal) */
    unsigned jobs;      /* -j N: worker threads of cat and convert; 0: online CPUs */
    int level;          /* --level N (streamOptimized convert), -1 when not given */
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
int tool_cmd_ls(const tool_args *args);      /* fs.c */
int tool_cmd_get(const tool_args *args);     /* fs.c */
int tool_cmd_create(const tool_args *args);  /* create.c */
int tool_cmd_convert(const tool_args *args); /* convert.c */

/* Parses -t TYPE (NULL: monolithicSparse) into *ret; prints a usage error
 * and returns TOOL_EXIT_USAGE when unknown (the list of kinds names
 * streamOptimized too when stream) (create.c). */
int tool_create_type(const char *name, bool stream, vmdk_create_type *ret);

/* BYTES / SIZE: decimal or 0x hex, optional K/M/G/T (x1024^n) or s (x512)
 * (bytes.c). False when s is not such a number or it overflows. */
bool tool_parse_bytes(const char *s, uint64_t *ret);

/* What `vmdk convert` reads: a raw image or any VMDK chain (convert.c). */
typedef struct tool_input {
    const char *path;
    tool_image image;  /* a VMDK: open; disk != NULL */
    vb_source raw;     /* a raw image (image.disk == NULL) */
    uint64_t size;     /* bytes of the raw file, or the disk's capacity */
    uint64_t capacity; /* bytes the output holds: size rounded up to a sector */
} tool_input;

/* Opens args->image as the input of convert: a raw image when args->format
 * is "raw", else a VMDK ("vmdk" or no -f). Prints the one-line error and
 * returns TOOL_EXIT_IMAGE or TOOL_EXIT_USAGE, else 0 (input.c). */
int tool_input_open(tool_input *in, const tool_args *args);
void tool_input_close(tool_input *in);

/* Reads [offset, offset + len) of the input; a raw image's bytes past its
 * end (up to the sector) read as zeros. Returns 0 or a vb_err, after
 * printing the one-line error. */
int tool_input_read(tool_input *in, uint64_t offset, void *buf, size_t len);

/* The files a new disk is made of, created next to its top file
 * (sink.c) by the host opener's create: O_CREAT|O_EXCL (O_TRUNC with
 * force); every file created is remembered so a failed create or convert
 * removes them all. */
typedef struct tool_sinks {
    char folder[4096]; /* the top file's folder with its '/', or "" */
    bool force;
    int create_errno;                     /* errno of the last create that failed, or 0 */
    char create_path[4096 + VB_PATH_MAX]; /* and its path */
    char **created;                       /* paths of the files created (heap) */
    size_t created_count, created_cap;
    struct tool_sink_id *protect; /* files never to overwrite, even with force (heap) */
    size_t protect_count, protect_cap;
    host_opener host;   /* creates the files */
    vb_opener host_ops; /* its opener */
    vb_opener opener;   /* what the writer gets: create and close (ctx = this struct) */
} tool_sinks;

/* Roots the folder next to top_path. */
void tool_sinks_init(tool_sinks *sinks, const char *top_path, bool force);
/* Refuses, from now on, to create over the file at path (SRC and its
 * extents: --force must not truncate what convert reads). Missing files
 * are ignored. */
void tool_sinks_protect(tool_sinks *sinks, const char *path);
/* Prints the one-line error of a writer failure: the create errno when a
 * file could not be created, else the writer's detail. */
void tool_sinks_error(const tool_sinks *sinks, const char *top_path, int err, const char *detail);
/* Removes every file created (after a failure). */
void tool_sinks_remove(tool_sinks *sinks);
void tool_sinks_free(tool_sinks *sinks);

/* `vmdk convert -t streamOptimized` (convert_stream.c): SRC (a raw image
 * when src_raw, else any VMDK the reader opens) -> a new streamOptimized
 * DST; nothing is left at DST on failure. Returns an exit status. */
typedef struct tool_stream_options {
    unsigned jobs; /* -j: worker threads (0 = online CPUs) */
    int level;     /* --level: deflate level 0-12 (the usual choice: 6) */
    bool force;    /* overwrite an existing DST */
    bool progress; /* percentage on stderr */
    vmdk_open_options open_options;
} tool_stream_options;
int tool_convert_stream(const char *src, bool src_raw, const char *dst,
                        const tool_stream_options *options);

/* `vmdk cat` on every core for disks with compressed grains
 * (cat_stream.c): bytes [offset, end) to stdout, as tool_cmd_cat writes
 * them. Returns an exit status. */
bool tool_cat_stream_applies(const vmdk_disk *disk);
int tool_cat_stream(tool_image *image, const char *name, uint64_t offset, uint64_t end,
                    unsigned jobs);
int tool_cmd_entries(const tool_args *args); /* entries.c */

/* write.c */
int tool_cmd_write(const tool_args *args);

#endif
