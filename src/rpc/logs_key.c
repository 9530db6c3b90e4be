/* The cache key of an eth_getLogs result (render_cache.h): keccak256 over the
 * published head's hash and the whole filter, each field at a fixed width
 * (counts before lists), so that two filters never share an encoding. */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "rpc/render_cache.h"

static uint8_t *put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
  return p + 8;
}

static uint8_t *put(uint8_t *p, const void *b, size_t n) {
  memcpy(p, b, n);
  return p + n;
}

bool rpc_logs_key(const ethc_hash_t *head, const chain_log_filter_t *f, ethc_hash_t *key) {
  size_t topics = f->topic_count < 4 ? f->topic_count : 4;
  size_t need = 32 + 3 * 8 + 1 + (f->block_hash ? 32 : 0) + 8 + f->address_count * 20 + 8;
  for (size_t t = 0; t < topics; t++) need += 8 + f->topics[t].count * 32;
  uint8_t small[1024]; /* the common filter's encoding: no allocation */
  uint8_t *buf = need <= sizeof small ? small : malloc(need);
  if (!buf) return false;
  uint8_t *p = put(buf, head->bytes, 32);
  p = put_u64(put_u64(put_u64(p, f->from_block), f->to_block), f->max_results);
  *p++ = f->block_hash != NULL;
  if (f->block_hash) p = put(p, f->block_hash->bytes, 32);
  p = put_u64(p, f->address_count);
  for (size_t i = 0; i < f->address_count; i++) p = put(p, f->addresses[i].bytes, 20);
  p = put_u64(p, f->topic_count);
  for (size_t t = 0; t < topics; t++) {
    p = put_u64(p, f->topics[t].count);
    for (size_t i = 0; i < f->topics[t].count; i++) p = put(p, f->topics[t].hashes[i].bytes, 32);
  }
  keccak256(buf, (size_t)(p - buf), key->bytes);
  if (buf != small) free(buf);
  return true;
}
