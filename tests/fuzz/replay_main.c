/* replay_main.c: a main() for the harnesses outside libFuzzer, so the
 * committed corpus and regression inputs are replayed under the plain gcc
 * host build with ASan + UBSan. Arguments are files or folders (every
 * regular file inside, not recursive). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;

static void replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        exit(1);
    }
    /* A copy of exactly n bytes, so ASan sees reads past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    memcpy(exact, data, n);
    free(data);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    replayed++;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            replay_file(argv[i]);
            continue;
        }
        struct dirent **names;
        int count = scandir(argv[i], &names, NULL, alphasort);
        if (count < 0) {
            perror(argv[i]);
            return 1;
        }
        for (int j = 0; j < count; j++) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], names[j]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                replay_file(path);
            free(names[j]);
        }
        free(names);
    }
    printf("replayed %lu inputs\n", replayed);
    return 0;
}
