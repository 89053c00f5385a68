/* output.c: what every subcommand of the host tool prints through: the
 * one-line error, the usage error, and full writes to a file descriptor. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vmdk_tool.h"

uint64_t tool_bytes_out;

void tool_error(const char *file, int err, const char *fmt, ...) {
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "vmdk: %s: %s: ", file, vb_err_name(err));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int tool_usage_error(const char *fmt, ...) {
    va_list ap;
    fputs("vmdk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try 'vmdk --help')\n", stderr);
    return TOOL_EXIT_USAGE;
}

int tool_write_stdout(const void *buf, size_t len) {
    const char *p = buf;
    while (len) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* A reader that went away (head, less) is not worth a message. */
            if (n == 0 || errno != EPIPE)
                fprintf(stderr, "vmdk: stdout: write failed: %s\n",
                        n ? strerror(errno) : "no progress");
            return -1;
        }
        p += n;
        len -= (size_t)n;
        tool_bytes_out += (uint64_t)n;
    }
    return 0;
}
