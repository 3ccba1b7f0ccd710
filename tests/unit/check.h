/* check.h: the few macros the C unit tests share. A failed check prints
 * where and what, counts, and the test goes on; main returns non-zero if
 * anything failed, so ctest reports it. */
#ifndef CS_CHECK_H
#define CS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        check_count++;                                                              \
        if (!(cond)) {                                                              \
            check_failures++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

#define CHECK_INT(actual, expected)                                                  \
    do {                                                                             \
        long long check_a_ = (long long)(actual), check_e_ = (long long)(expected); \
        check_count++;                                                               \
        if (check_a_ != check_e_) {                                                  \
            check_failures++;                                                        \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, \
                    #actual, check_a_, check_e_);                                    \
        }                                                                            \
    } while (0)

#define CHECK_STR(actual, expected)                                                 \
    do {                                                                            \
        const char *check_a_ = (actual), *check_e_ = (expected);                    \
        check_count++;                                                              \
        if (strcmp(check_a_, check_e_) != 0) {                                      \
            check_failures++;                                                       \
            fprintf(stderr, "%s:%d: %s\n  got:      %s\n  expected: %s\n", __FILE__, \
                    __LINE__, #actual, check_a_, check_e_);                         \
        }                                                                           \
    } while (0)

/* Prints the closing line and gives main's return value. */
static inline int check_report(const char *suite) {
    printf("%s: %d checks, %d failed\n", suite, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
