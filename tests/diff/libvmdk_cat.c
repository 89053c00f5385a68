/* libvmdk_cat.c: the second oracle. Dumps the whole virtual disk of a VMDK
 * to stdout through libvmdk (Debian libvmdk-dev), so the differential tests
 * and the benchmark can compare vmdkboot's reader with an independent one.
 * Optional OFFSET LENGTH (bytes) dump only that window.
 * Exit 0 on success, 1 when libvmdk cannot open or read the image. */
#include <errno.h>
#include <libgen.h>
#include <libvmdk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

static int fail(const char *image, const char *what, libvmdk_error_t *error) {
    char text[512] = "";
    if (error) {
        libvmdk_error_sprint(error, text, sizeof(text));
        libvmdk_error_free(&error);
    }
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
    fprintf(stderr, "libvmdk_cat: %s: %s: %s\n", image, what, text);
    return 1;
}

static int write_all(const char *p, size_t len) {
    while (len) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv) {
    libvmdk_handle_t *handle = NULL;
    libvmdk_error_t *error = NULL;
    size64_t size = 0;
    unsigned long long first = 0, count = ~0ull;
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: libvmdk_cat IMAGE [OFFSET LENGTH] > raw\n");
        return 2;
    }
    if (argc == 4) {
        first = strtoull(argv[2], NULL, 0);
        count = strtoull(argv[3], NULL, 0);
    }
    const char *image = argv[1];
    char *copy = strdup(image);
    const char *folder = dirname(copy);
    if (libvmdk_handle_initialize(&handle, &error) != 1)
        return fail(image, "initialize", error);
    if (libvmdk_handle_open(handle, image, LIBVMDK_OPEN_READ, &error) != 1)
        return fail(image, "open", error);
    if (libvmdk_handle_set_extent_data_files_path(handle, folder, strlen(folder), &error) != 1)
        return fail(image, "extent path", error);
    if (libvmdk_handle_open_extent_data_files(handle, &error) != 1)
        return fail(image, "open extents", error);
    if (libvmdk_handle_get_media_size(handle, &size, &error) != 1)
        return fail(image, "media size", error);
    if (first > size || count > size - first)
        count = first > size ? 0 : size - first;
    size64_t end = first + count;
    char *buf = malloc(CHUNK);
    if (!buf)
        return fail(image, "out of memory", NULL);
    for (size64_t done = first; done < end;) {
        size_t want = end - done < CHUNK ? (size_t)(end - done) : CHUNK;
        ssize_t got =
            libvmdk_handle_read_buffer_at_offset(handle, buf, want, (off64_t)done, &error);
        if (got != (ssize_t)want)
            return fail(image, "read", error);
        if (write_all(buf, want) < 0) {
            fprintf(stderr, "libvmdk_cat: write: %s\n", strerror(errno));
            return 1;
        }
        done += want;
    }
    free(buf);
    free(copy);
    /* For the benchmark: read system calls made (libvmdk's reads). */
    if (getenv("LIBVMDK_CAT_STATS")) {
        char line[128];
        FILE *io = fopen("/proc/self/io", "r");
        while (io && fgets(line, sizeof(line), io))
            if (strncmp(line, "syscr:", 6) == 0)
                fprintf(stderr, "libvmdk_cat: stats: %llu read calls, %llu bytes out\n",
                        strtoull(line + 6, NULL, 10), (unsigned long long)(end - first));
        if (io)
            fclose(io);
    }
    libvmdk_handle_close(handle, NULL);
    libvmdk_handle_free(&handle, NULL);
    return 0;
}
