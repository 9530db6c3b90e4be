/* Merkle Patricia trie root of a set of 32-byte keys built in one pass over the
 * sorted keys (Yellow Paper appendix D: leaf/extension/branch nodes, hex-prefix
 * encoding, nodes under 32 bytes embedded in their parent). */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state.h"

static inline unsigned nibble(const uint8_t *key, unsigned i) {
  return (i & 1) ? (key[i >> 1] & 0x0f) : (key[i >> 1] >> 4);
}

/* Hex-prefix encoding (appendix C) of nibbles [from, to) of key as an RLP string. */
static int put_hex_prefix(bytes_buf_t *b, const uint8_t *key, unsigned from, unsigned to, bool leaf) {
  uint8_t tmp[33];
  size_t n = 0;
  unsigned count = to - from;
  uint8_t flag = leaf ? 2 : 0;
  unsigned i = from;
  if (count & 1) {
    tmp[n++] = (uint8_t)(((flag | 1) << 4) | nibble(key, i));
    i++;
  } else {
    tmp[n++] = (uint8_t)(flag << 4);
  }
  for (; i < to; i += 2) tmp[n++] = (uint8_t)((nibble(key, i) << 4) | nibble(key, i + 1));
  return rlp_put_bytes(b, tmp, n);
}

static int node_rlp(const state_trie_pair_t *p, size_t n, unsigned depth, bytes_buf_t *out);

/* Appends the reference to the node over p[0..n): its RLP when shorter than 32
 * bytes, else the RLP string of its hash. */
static int put_ref(const state_trie_pair_t *p, size_t n, unsigned depth, bytes_buf_t *out) {
  bytes_buf_t nb = {0};
  int rc = node_rlp(p, n, depth, &nb);
  if (rc == 0) {
    if (nb.len < 32) {
      rc = bytes_buf_append(out, nb.data, nb.len);
    } else {
      uint8_t h[32];
      keccak256(nb.data, nb.len, h);
      rc = rlp_put_bytes(out, h, 32);
    }
  }
  bytes_buf_free(&nb);
  return rc;
}

static int node_rlp(const state_trie_pair_t *p, size_t n, unsigned depth, bytes_buf_t *out) {
  int rc;
  if (n > 1 && depth >= 64) return ETHC_ERR_INVALID; /* duplicate keys */
  size_t list = rlp_list_begin(out);
  if (n == 1) {
    if ((rc = put_hex_prefix(out, p[0].key, depth, 64, true))) return rc;
    if ((rc = rlp_put_bytes(out, p[0].value, p[0].value_len))) return rc;
    return rlp_list_end(out, list);
  }
  /* Common prefix of the first and last key (sorted) is the prefix of all. */
  unsigned common = depth;
  while (common < 64 && nibble(p[0].key, common) == nibble(p[n - 1].key, common)) common++;
  if (common > depth) {
    if ((rc = put_hex_prefix(out, p[0].key, depth, common, false))) return rc;
    if ((rc = put_ref(p, n, common, out))) return rc;
    return rlp_list_end(out, list);
  }
  size_t i = 0;
  for (unsigned nib = 0; nib < 16; nib++) {
    size_t j = i;
    while (j < n && nibble(p[j].key, depth) == nib) j++;
    if (j == i) rc = bytes_buf_push(out, 0x80);
    else rc = put_ref(p + i, j - i, depth + 1, out);
    if (rc) return rc;
    i = j;
  }
  if ((rc = bytes_buf_push(out, 0x80))) return rc;
  return rlp_list_end(out, list);
}

static int cmp_pair(const void *a, const void *b) {
  return memcmp(((const state_trie_pair_t *)a)->key, ((const state_trie_pair_t *)b)->key, 32);
}

int state_trie_root(state_trie_pair_t *pairs, size_t n, ethc_hash_t *out) {
  if (n == 0) {
    *out = STATE_EMPTY_ROOT;
    return ETHC_OK;
  }
  if (n > 1) qsort(pairs, n, sizeof *pairs, cmp_pair);
  bytes_buf_t nb = {0};
  int rc = node_rlp(pairs, n, 0, &nb);
  if (rc == 0) keccak256(nb.data, nb.len, out->bytes);
  bytes_buf_free(&nb);
  return rc;
}
