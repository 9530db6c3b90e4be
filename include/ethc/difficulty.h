/* Proof-of-work difficulty adjustment: Frontier, Homestead (EIP-2), Byzantium
 * (EIP-100) formulas and the difficulty-bomb delays of EIP-649, EIP-1234, EIP-2384,
 * EIP-3554, EIP-4345 and EIP-5133. */
#ifndef ETHC_DIFFICULTY_H
#define ETHC_DIFFICULTY_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  DIFFICULTY_FRONTIER = 0,
  DIFFICULTY_HOMESTEAD, /* EIP-2 */
  DIFFICULTY_BYZANTIUM, /* EIP-100: uncles count, 9 s step */
} difficulty_formula_t;

typedef struct {
  difficulty_formula_t formula;
  uint64_t bomb_delay; /* blocks subtracted from the number for the bomb */
} difficulty_rules_t;

/* The rules of a named fork as the DifficultyTests and chain configs name them:
 * Frontier, Homestead, Byzantium, Constantinople, MuirGlacier, Istanbul, Berlin,
 * London, ArrowGlacier, GrayGlacier (and Paris, which keeps GrayGlacier's). */
bool difficulty_rules_for_fork(const char *name, difficulty_rules_t *out);

typedef struct {
  uint64_t number; /* of the block being computed */
  uint64_t timestamp;
  uint64_t parent_timestamp;
  u256_t parent_difficulty;
  bool parent_has_uncles; /* parent's ommers hash is not the empty-list hash */
} difficulty_input_t;

void difficulty_calc(u256_t *out, const difficulty_rules_t *rules, const difficulty_input_t *in);

#ifdef __cplusplus
}
#endif

#endif
