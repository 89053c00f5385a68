/* error.h: the one error enum of core/, and the detail line that goes with it.
 *
 * Every core function returns 0 or a negative vb_err. The object that failed
 * keeps a one-line human-readable detail in a vb_diag, written by vb_fail(). */
#ifndef VB_ERROR_H
#define VB_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "vb_config.h"

typedef enum vb_err {
    VB_OK = 0,
    VB_EIO = -1,          /* the platform failed to read */
    VB_ECORRUPT = -2,     /* metadata is inconsistent or points out of range */
    VB_EUNSUPPORTED = -3, /* valid but a feature we do not implement */
    VB_ELIMIT = -4,       /* a compile-time limit in vb_config.h was exceeded */
    VB_ENOTFOUND = -5,    /* a named file, partition or entry does not exist */
    VB_ERANGE = -6,       /* a read outside the source */
    VB_EINVAL = -7,       /* bad argument from the caller */
    VB_EFORMAT = -8,      /* not the expected format (bad magic, not a VMDK) */
    VB_ENOACCESS = -9,    /* a NOACCESS extent was read */
    VB_EPATH = -10,       /* a path escapes its folder (absolute or "..") */
    VB_EDESCRIPTOR = -11, /* descriptor text does not parse */
    VB_EDEFLATE = -12,    /* compressed data is invalid */
    VB_ECHECKSUM = -13,   /* a CRC or Adler-32 does not match */
    VB_ECID = -14,        /* a parent's CID does not match the child's parentCID */
    VB_ELOOP = -15,       /* a chain loops: VMDK parents, FAT clusters, MBR EBRs */
    VB_ETRUNCATED = -16,  /* data ends before a structure it must hold */
    VB_EREADONLY = -17,   /* a write to something that cannot be written */
    VB_EEXIST = -18,      /* a file to be created exists already */
} vb_err;

#define VB_ERR_COUNT 19

/* Stable short name ("EIO", "ECORRUPT", ...) and message of a code. */
const char *vb_err_name(int err);
const char *vb_err_message(int err);

typedef struct vb_diag {
    int err;                  /* last error, or 0 */
    char text[VB_DETAIL_MAX]; /* one line, NUL-terminated, no newline */
} vb_diag;

/* Records err and a printf-style detail in diag (which may be NULL) and
 * returns err, so failures read: return vb_fail(d, VB_ECORRUPT, "...", x); */
int vb_fail(vb_diag *diag, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records a failed read of len bytes at offset in `what` (a file name, or
 * the structure being read) as "WHAT: read of LEN bytes at OFFSET failed:
 * MESSAGE", keeping the read's own code. Returns err. */
int vb_fail_read(vb_diag *diag, int err, const char *what, uint64_t offset, uint64_t len);

/* Clears diag to "no error". */
void vb_diag_clear(vb_diag *diag);

/* Minimal freestanding snprintf: %s %c %d %u %x %X %% with optional width,
 * '0' pad and the l / ll / z modifiers. Always NUL-terminates when cap > 0.
 * Returns the number of characters written (truncated output counts only
 * what fits). */
size_t vb_format(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t vb_vformat(char *buf, size_t cap, const char *fmt, va_list ap);

#endif
