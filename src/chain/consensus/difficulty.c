/* Proof-of-work difficulty (Yellow Paper 4.3.4; EIP-2, EIP-100, and the bomb delays
 * of EIP-649 Byzantium 3M, EIP-1234 Constantinople 5M, EIP-2384 Muir Glacier 9M,
 * EIP-3554 London 9.7M, EIP-4345 Arrow Glacier 10.7M, EIP-5133 Gray Glacier 11.4M). */
#include "ethc/difficulty.h"

#include <string.h>

#define MIN_DIFFICULTY 131072
#define BOMB_PERIOD 100000

static const struct {
  const char *name;
  difficulty_rules_t rules;
} fork_rules[] = {
    {"Frontier", {DIFFICULTY_FRONTIER, 0}},
    {"Homestead", {DIFFICULTY_HOMESTEAD, 0}},
    {"EIP150", {DIFFICULTY_HOMESTEAD, 0}},
    {"EIP158", {DIFFICULTY_HOMESTEAD, 0}},
    {"Byzantium", {DIFFICULTY_BYZANTIUM, 3000000}},
    {"Constantinople", {DIFFICULTY_BYZANTIUM, 5000000}},
    {"ConstantinopleFix", {DIFFICULTY_BYZANTIUM, 5000000}},
    {"Petersburg", {DIFFICULTY_BYZANTIUM, 5000000}},
    {"Istanbul", {DIFFICULTY_BYZANTIUM, 5000000}},
    {"MuirGlacier", {DIFFICULTY_BYZANTIUM, 9000000}},
    {"Berlin", {DIFFICULTY_BYZANTIUM, 9000000}},
    {"London", {DIFFICULTY_BYZANTIUM, 9700000}},
    {"ArrowGlacier", {DIFFICULTY_BYZANTIUM, 10700000}},
    {"GrayGlacier", {DIFFICULTY_BYZANTIUM, 11400000}},
    {"Paris", {DIFFICULTY_BYZANTIUM, 11400000}},
    {"Merge", {DIFFICULTY_BYZANTIUM, 11400000}},
};

bool difficulty_rules_for_fork(const char *name, difficulty_rules_t *out) {
  for (size_t i = 0; i < sizeof fork_rules / sizeof fork_rules[0]; i++)
    if (strcmp(fork_rules[i].name, name) == 0) {
      *out = fork_rules[i].rules;
      return true;
    }
  return false;
}

void difficulty_calc(u256_t *out, const difficulty_rules_t *rules, const difficulty_input_t *in) {
  const u256_t *pd = &in->parent_difficulty;
  u256_t step, divisor = u256_from_u64(2048);
  u256_div(&step, pd, &divisor);
  uint64_t dt = in->timestamp > in->parent_timestamp ? in->timestamp - in->parent_timestamp : 0;

  /* sigma: the multiple of parent/2048 added (positive) or removed (negative). */
  int64_t sigma;
  switch (rules->formula) {
    case DIFFICULTY_FRONTIER: sigma = dt < 13 ? 1 : -1; break;
    case DIFFICULTY_HOMESTEAD: sigma = 1 - (int64_t)(dt / 10 < 1000 ? dt / 10 : 1000); break;
    default: sigma = (in->parent_has_uncles ? 2 : 1) - (int64_t)(dt / 9 < 1000 ? dt / 9 : 1000); break;
  }
  if (sigma < -99) sigma = -99;

  u256_t diff = *pd, delta;
  if (sigma >= 0) {
    u256_t k = u256_from_u64((uint64_t)sigma);
    u256_mul(&delta, &step, &k);
    u256_add(&diff, &diff, &delta);
  } else {
    u256_t k = u256_from_u64((uint64_t)-sigma);
    u256_mul(&delta, &step, &k);
    if (u256_lt(&diff, &delta)) diff = U256_ZERO;
    else u256_sub(&diff, &diff, &delta);
  }
  u256_t min = u256_from_u64(MIN_DIFFICULTY);
  if (u256_lt(&diff, &min)) diff = min;

  /* The bomb: 2^(period - 2) once the (delayed) period exceeds 1. */
  uint64_t fake = in->number > rules->bomb_delay ? in->number - rules->bomb_delay : 0;
  uint64_t period = fake / BOMB_PERIOD;
  if (period > 1 && period - 2 < 256) {
    u256_t bomb = U256_ZERO;
    bomb.w[(period - 2) / 64] = 1ULL << ((period - 2) % 64);
    u256_add(&diff, &diff, &bomb);
  }
  *out = diff;
}
