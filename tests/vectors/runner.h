/* Framework shared by the official-vector runners (`ethc test SUITE PATH...`):
 * walks files, parses JSON, applies the skip file, prints failures and the
 * closing line "N passed, N failed, N skipped" (or one JSON object per case). */
#ifndef ETHC_RUNNER_H
#define ETHC_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ethc/tx.h"

typedef struct runner runner_t;

/* Runs every case of one parsed file. `root` is the parsed JSON (owned by the
 * framework). Report each case with runner_skip / runner_pass / runner_fail. */
typedef void (*runner_file_fn)(runner_t *r, const char *path, const cJSON *root);

/* The options a suite honours beyond the common ones (--json, --run, --skip-file,
 * --verbose); the others are refused with that suite. */
enum {
  RUNNER_OPT_FORK = 1 << 0,  /* --fork */
  RUNNER_OPT_TRACE = 1 << 1, /* --trace */
  RUNNER_OPT_INDEX = 1 << 2, /* --index (the suite calls runner_index_filtered) */
  RUNNER_OPT_DUMP = 1 << 3,  /* --dump (the suite reads r->dump) */
  /* The suite applies --run itself (runner_selected on the test's name) rather
   * than runner_skip on each case's name. */
  RUNNER_OWN_RUN = 1 << 4,
  /* A case is a directory holding steps.yaml (consensus-spec-tests' light_client
   * format): the walk collects those directories and run_file gets root NULL. */
  RUNNER_CASE_DIRS = 1 << 5,
};

typedef struct runner_suite {
  const char *name; /* "rlp", "trie", "tx", "state", ... */
  runner_file_fn run_file;
  bool array_root; /* files hold a JSON array (else an object, checked by the runner) */
  unsigned opts;   /* RUNNER_OPT_* */
  struct runner_suite *next;
} runner_suite_t;

void runner_register_suite(runner_suite_t *s);

#define RUNNER_SUITE_OF(name_, fn_, array_root_, opts_)                  \
  static void __attribute__((constructor)) runner_register_##fn_(void) { \
    static runner_suite_t s = {name_, fn_, array_root_, opts_, 0};       \
    runner_register_suite(&s);                                           \
  }
/* A suite whose files hold a JSON object of tests (most), or an array (precompile). */
#define RUNNER_SUITE(name_, fn_, opts_) RUNNER_SUITE_OF(name_, fn_, false, opts_)
#define RUNNER_SUITE_ARRAY(name_, fn_, opts_) RUNNER_SUITE_OF(name_, fn_, true, opts_)

struct runner {
  const runner_suite_t *suite;
  bool json;                    /* --json: one object per case on stdout */
  bool trace;                   /* --trace: EIP-3155 trace to stderr (state, vm, block) */
  bool dump;                    /* --dump: a failing case's post state as JSON on stderr (state) */
  const char *fork;             /* --fork NAME: run only this fork (NULL = all) */
  long long index;              /* --index N: only post entry N of each fork (-1 = all) */
  struct runner_select *select; /* --run REGEX (NULL = every test) */
  size_t passed, failed, skipped;
  struct skip_rule *skips;          /* from the skip file */
  struct runner_progress *progress; /* status line / --verbose lines on stderr */
};

/* True when `fork` is excluded by --fork (the case is then not counted at all). */
bool runner_fork_filtered(const runner_t *r, const char *fork);
/* True when --index excludes post entry `index` (not counted at all). */
bool runner_index_filtered(const runner_t *r, size_t index);
/* Whether --run's regular expression matches the test name (true without --run).
 * Suites with RUNNER_OWN_RUN call it; for the others runner_skip does. */
bool runner_selected(const runner_t *r, const char *name);
/* True when the case is excluded by --run (not counted at all; suites without
 * RUNNER_OWN_RUN) or the skip file lists it: it is then counted as skipped (with
 * its reason printed in --json mode); either way the caller must not run it. */
bool runner_skip(runner_t *r, const char *path, const char *name, const char *fork);
void runner_pass(runner_t *r, const char *path, const char *name, const char *fork);
/* Records a failure; `fmt` says what differed. */
void runner_fail(runner_t *r, const char *path, const char *name, const char *fork, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Expected exceptions: `names` is '|'-separated alternatives. True when
 * matches(ctx, name) holds for one; otherwise `unknown` (ulen bytes) lists the
 * names known(name) rejects, which always fail: future vectors surface gaps. */
typedef bool (*runner_name_fn)(const void *ctx, const char *name);
bool runner_names_match(const char *names, runner_name_fn matches, runner_name_fn known, const void *ctx, char *unknown,
                        size_t ulen);

/* runner_names_match for a transaction rejected with class `c`. */
bool runner_tx_names_match(tx_invalid_t c, const char *names, char *unknown, size_t ulen);

/* Helpers for JSON fields: a member or NULL; the string value of a member or NULL. */
const cJSON *json_get(const cJSON *obj, const char *key);
const char *json_str(const cJSON *obj, const char *key);

#endif
