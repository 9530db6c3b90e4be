/* Minimal unit-test macros: CHECK records a failure with file:line and goes on;
 * check_summary() prints "N passed, N failed" and returns the exit status. */
#ifndef ETHC_CHECK_H
#define ETHC_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) check_passed++;                                               \
    else { check_failed++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
  } while (0)

#define CHECK_MSG(cond, ...)                                                \
  do {                                                                      \
    if (cond) check_passed++;                                               \
    else { check_failed++; fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
           fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); }             \
  } while (0)

#define CHECK_MEM(a, b, n) CHECK_MSG(memcmp((a), (b), (n)) == 0, "memory differs")

static inline int check_summary(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
