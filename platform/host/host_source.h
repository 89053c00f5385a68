/* host_source.h: POSIX byte sources (pread) and a directory opener for the
 * host tool, tests, fuzzers and benchmarks. errno is converted to vb_err
 * here and nowhere else. */
#ifndef VB_HOST_SOURCE_H
#define VB_HOST_SOURCE_H

#include <stdbool.h>
#include "lib/source.h"

/* errno value -> vb_err (ENOENT -> VB_ENOTFOUND, others -> VB_EIO, ...). */
int host_errno_to_vb(int errnum);

/* Opens path read-only as a source (malloc'd context); block devices work
 * too. Returns 0 or a vb_err. */
int host_source_open(const char *path, vb_source *ret_source);
/* Opens path for reading and writing (pwrite, fdatasync); a file that may
 * not be written (permissions, read-only filesystem) is VB_EREADONLY. */
int host_source_open_rw(const char *path, vb_source *ret_source);
void host_source_close(vb_source *source);
/* The errno of the first write or flush that failed on a host source (0:
 * none), for messages that name the system's reason. */
int host_source_errno(const vb_source *source);

/* Counts of platform read calls and bytes over all host sources, for
 * benchmarks ("read calls per MiB"). */
typedef struct host_read_stats {
    unsigned long long calls;
    unsigned long long bytes;
} host_read_stats;
extern host_read_stats host_stats;

/* An opener rooted at a folder: open(path) opens folder/path (open_rw for
 * writing, create for a new file: pwrite, fdatasync). Core has
 * already refused escaping paths unless the caller allowed them; absolute
 * paths (allowed only then) are opened as they are. */
typedef struct host_opener {
    char folder[4096];
    bool overwrite; /* create truncates a file that exists (else VB_EEXIST) */
    unsigned mode;  /* permissions of created files, before the umask */
    int errnum;     /* errno of the last create that failed, or 0 */
} host_opener;

/* Roots the opener at the folder of file_path and fills *ret_opener
 * (create: no overwrite, mode 0666). */
void host_opener_init(host_opener *ho, const char *file_path, vb_opener *ret_opener);

/* The last path component of file_path (pointer into it). */
const char *host_basename(const char *file_path);

#endif
