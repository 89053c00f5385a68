/* test.h: a tiny table-driven unit-test harness for host tests.
 *
 * Each test file defines test functions with TEST(name) and lists them in
 * TEST_MAIN(...). CHECK* macros record a failure with file:line and go on;
 * the program exits 1 if anything failed. */
#ifndef VB_TEST_H
#define VB_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/error.h"

extern int test_failures;
extern const char *test_current;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, test_current,     \
                    #cond);                                                                        \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/* Compares two error codes and prints both names on mismatch. */
#define CHECK_ERR(got, want)                                                                       \
    do {                                                                                           \
        int got_ = (got), want_ = (want);                                                          \
        if (got_ != want_) {                                                                       \
            fprintf(stderr, "%s:%d: %s: %s = %s (%d), want %s (%d)\n", __FILE__, __LINE__,         \
                    test_current, #got, vb_err_name(got_), got_, vb_err_name(want_), want_);       \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_U64(got, want)                                                                       \
    do {                                                                                           \
        uint64_t got_ = (got), want_ = (want);                                                     \
        if (got_ != want_) {                                                                       \
            fprintf(stderr, "%s:%d: %s: %s = %" PRIu64 ", want %" PRIu64 "\n", __FILE__, __LINE__, \
                    test_current, #got, got_, want_);                                              \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (strcmp(got_, want_) != 0) {                                                            \
            fprintf(stderr, "%s:%d: %s: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__,           \
                    test_current, #got, got_, want_);                                              \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(got, want, n)                                                                    \
    do {                                                                                           \
        if (memcmp((got), (want), (n)) != 0) {                                                     \
            fprintf(stderr, "%s:%d: %s: %s differs from %s over %zu bytes\n", __FILE__, __LINE__,  \
                    test_current, #got, #want, (size_t)(n));                                       \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

#define TEST_ENTRY(fn)                                                                             \
    { #fn, fn }

#define TEST_MAIN(...)                                                                             \
    int test_failures;                                                                             \
    const char *test_current;                                                                      \
    int main(void) {                                                                               \
        static const test_case cases[] = {__VA_ARGS__};                                            \
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {                            \
            test_current = cases[i].name;                                                          \
            cases[i].fn();                                                                         \
        }                                                                                          \
        printf("%s: %zu tests, %d failures\n", __FILE__, sizeof(cases) / sizeof(cases[0]),         \
               test_failures);                                                                     \
        return test_failures ? 1 : 0;                                                              \
    }

#endif
