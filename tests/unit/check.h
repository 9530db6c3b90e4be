/* Minimal unit-test macros: CHECK records a failure with file:line and goes on;
 * check_summary() prints "N passed, N failed" and returns the exit status.
 * Tests that need files from ../shared (vectors, test chains) ask check_need()
 * first: a missing file makes the test end as skipped, not failed. */
#ifndef ETHC_CHECK_H
#define ETHC_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The exit status ctest reports as skipped (SKIP_RETURN_CODE in CMakeLists.txt). */
#define CHECK_SKIP_CODE 77

static int check_passed, check_failed, check_skipped;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) check_passed++;                                                  \
    else {                                                                     \
      check_failed++;                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_MSG(cond, ...)                                                   \
  do {                                                                         \
    if (cond) check_passed++;                                                  \
    else {                                                                     \
      check_failed++;                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
    }                                                                          \
  } while (0)

#define CHECK_MEM(a, b, n) CHECK_MSG(memcmp((a), (b), (n)) == 0, "memory differs")

/* True when `path` (a file or directory the test needs, e.g. under $ETHC_SHARED)
 * can be read. Otherwise prints "SKIPPED: PATH not found (WHAT)" and records the
 * skip: the caller leaves out what needed it, and check_summary() then returns
 * CHECK_SKIP_CODE unless a check failed. */
static inline bool check_need(const char *path, const char *what) {
  if (access(path, R_OK) == 0) return true;
  printf("SKIPPED: %s not found (%s)\n", path, what);
  check_skipped++;
  return false;
}

/* The directory of the shared vectors and test chains: $ETHC_SHARED (ctest sets it)
 * or ../shared relative to the current directory. */
static inline const char *check_shared_dir(void) {
  const char *d = getenv("ETHC_SHARED");
  return d && *d ? d : "../shared";
}

static inline int check_summary(void) {
  printf("%d passed, %d failed%s\n", check_passed, check_failed, check_skipped ? ", skipped (files missing)" : "");
  return check_failed ? 1 : check_skipped ? CHECK_SKIP_CODE : 0;
}

#endif
