/* `ethc test difficulty PATH...`: DifficultyTests (ethereum/tests), one case per
 * (file, fork, case): the difficulty computed from the parent must match. */
#include <stdio.h>
#include <string.h>

#include "ethc/difficulty.h"
#include "runner.h"

static bool field_u256(const cJSON *c, const char *key, u256_t *out) {
  const char *s = json_str(c, key);
  return s && u256_from_string(out, s);
}

static bool field_u64(const cJSON *c, const char *key, uint64_t *out) {
  u256_t v;
  if (!field_u256(c, key, &v) || !u256_fits_u64(&v)) return false;
  *out = v.w[0];
  return true;
}

static void run_case(runner_t *r, const char *path, const char *fork, const difficulty_rules_t *rules, const char *name,
                     const cJSON *c) {
  difficulty_input_t in = {0};
  u256_t expected, uncles, got;
  if (!field_u64(c, "currentBlockNumber", &in.number) || !field_u64(c, "currentTimestamp", &in.timestamp) ||
      !field_u64(c, "parentTimestamp", &in.parent_timestamp) ||
      !field_u256(c, "parentDifficulty", &in.parent_difficulty) || !field_u256(c, "parentUncles", &uncles) ||
      !field_u256(c, "currentDifficulty", &expected)) {
    runner_fail(r, path, name, fork,
                "missing or malformed field (currentBlockNumber, currentTimestamp, "
                "parentTimestamp, parentDifficulty, parentUncles, currentDifficulty)");
    return;
  }
  in.parent_has_uncles = !u256_is_zero(&uncles);
  difficulty_calc(&got, rules, &in);
  if (u256_eq(&got, &expected)) {
    runner_pass(r, path, name, fork);
  } else {
    char a[67], b[67];
    u256_to_hex(&got, a);
    u256_to_hex(&expected, b);
    runner_fail(r, path, name, fork, "difficulty %s, expected %s", a, b);
  }
}

static void run_difficulty_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *test;
  cJSON_ArrayForEach(test, root) {
    if (!cJSON_IsObject(test) || test->string[0] == '_') continue;
    const cJSON *forkobj;
    cJSON_ArrayForEach(forkobj, test) {
      const char *fork = forkobj->string;
      if (fork[0] == '_' || !cJSON_IsObject(forkobj) || runner_fork_filtered(r, fork)) continue;
      difficulty_rules_t rules;
      bool known = difficulty_rules_for_fork(fork, &rules);
      const cJSON *c;
      cJSON_ArrayForEach(c, forkobj) {
        if (runner_skip(r, path, c->string, fork)) continue;
        if (!known) runner_fail(r, path, c->string, fork, "unknown fork '%s'", fork);
        else run_case(r, path, fork, &rules, c->string, c);
      }
    }
  }
}
RUNNER_SUITE("difficulty", run_difficulty_file, RUNNER_OPT_FORK)
