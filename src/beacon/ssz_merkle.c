/* SSZ merkleization (consensus-specs ssz/simple-serialize.md, "Merkleization") and
 * Merkle branches with generalized indices (ssz/merkle-proofs.md): SHA-256 over
 * 32-byte chunks, a cached table of zero-subtree roots for the padding. */
#include <pthread.h>
#include <string.h>

#include "ethc/hash.h"
#include "ethc/ssz.h"

#define ZERO_DEPTH 64
static uint8_t zero_hashes[ZERO_DEPTH][32];
static pthread_once_t zero_once = PTHREAD_ONCE_INIT;

void ssz_hash_pair(const uint8_t a[32], const uint8_t b[32], uint8_t out[32]) {
  uint8_t buf[64];
  memcpy(buf, a, 32);
  memcpy(buf + 32, b, 32);
  (void)hash_sha256(buf, 64, out);
}

static void build_zero_hashes(void) {
  memset(zero_hashes[0], 0, 32);
  for (unsigned i = 1; i < ZERO_DEPTH; i++) ssz_hash_pair(zero_hashes[i - 1], zero_hashes[i - 1], zero_hashes[i]);
}

const uint8_t *ssz_zero_hash(unsigned depth) {
  pthread_once(&zero_once, build_zero_hashes);
  return zero_hashes[depth < ZERO_DEPTH ? depth : ZERO_DEPTH - 1];
}

static unsigned ceil_log2(size_t n) {
  unsigned d = 0;
  while (((size_t)1 << d) < n) d++;
  return d;
}

/* Root of the subtree of depth `depth` whose leaves start at chunk `first`; chunks
 * at or beyond n are zero, so a subtree wholly past n is a cached zero root. */
static void subtree_root(const uint8_t (*chunks)[32], size_t n, size_t first, unsigned depth, uint8_t out[32]) {
  if (first >= n) {
    memcpy(out, ssz_zero_hash(depth), 32);
    return;
  }
  if (depth == 0) {
    memcpy(out, chunks[first], 32);
    return;
  }
  uint8_t l[32], r[32];
  subtree_root(chunks, n, first, depth - 1, l);
  subtree_root(chunks, n, first + ((size_t)1 << (depth - 1)), depth - 1, r);
  ssz_hash_pair(l, r, out);
}

void ssz_merkleize(const uint8_t (*chunks)[32], size_t n, size_t limit, uint8_t out[32]) {
  size_t width = limit ? limit : n;
  if (width < n) width = n;
  subtree_root(chunks, n, 0, ceil_log2(width ? width : 1), out);
}

void ssz_mix_in_length(const uint8_t root[32], uint64_t len, uint8_t out[32]) {
  uint8_t l[32] = {0};
  for (int i = 0; i < 8; i++) l[i] = (uint8_t)(len >> (8 * i));
  ssz_hash_pair(root, l, out);
}

unsigned ssz_gindex_depth(uint64_t gindex) {
  unsigned d = 0;
  while (gindex > 1) {
    gindex >>= 1;
    d++;
  }
  return d;
}

uint64_t ssz_gindex_subtree_index(uint64_t gindex) {
  unsigned d = ssz_gindex_depth(gindex);
  return d >= 64 ? gindex : gindex % ((uint64_t)1 << d);
}

bool ssz_is_valid_merkle_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], unsigned depth, uint64_t index,
                                const uint8_t root[32]) {
  uint8_t v[32];
  memcpy(v, leaf, 32);
  for (unsigned i = 0; i < depth; i++) {
    if (i < 64 && ((index >> i) & 1)) ssz_hash_pair(branch[i], v, v);
    else ssz_hash_pair(v, branch[i], v);
  }
  return memcmp(v, root, 32) == 0;
}

bool ssz_is_valid_gindex_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], uint64_t gindex,
                                const uint8_t root[32]) {
  if (gindex == 0) return false;
  return ssz_is_valid_merkle_branch(leaf, branch, ssz_gindex_depth(gindex), ssz_gindex_subtree_index(gindex), root);
}
