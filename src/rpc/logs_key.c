/* The cache key of an eth_getLogs result (render_cache.h): keccak256 over the
 * published head's hash and the whole filter, each field at a fixed width
 * (counts before lists), so that two filters never share an encoding. */
#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "rpc/render_cache.h"

static int put_u64(bytes_buf_t *b, uint64_t v) {
  uint8_t be[8];
  for (int i = 0; i < 8; i++) be[i] = (uint8_t)(v >> (56 - 8 * i));
  return bytes_buf_append(b, be, 8);
}

bool rpc_logs_key(const ethc_hash_t *head, const chain_log_filter_t *f, ethc_hash_t *key) {
  bytes_buf_t b = {0};
  int err = bytes_buf_append(&b, head->bytes, 32);
  err |= put_u64(&b, f->from_block) | put_u64(&b, f->to_block) | put_u64(&b, f->max_results);
  err |= bytes_buf_push(&b, f->block_hash != NULL);
  if (f->block_hash) err |= bytes_buf_append(&b, f->block_hash->bytes, 32);
  err |= put_u64(&b, f->address_count);
  for (size_t i = 0; i < f->address_count; i++) err |= bytes_buf_append(&b, f->addresses[i].bytes, 20);
  err |= put_u64(&b, f->topic_count);
  for (size_t t = 0; t < f->topic_count && t < 4; t++) {
    err |= put_u64(&b, f->topics[t].count);
    for (size_t i = 0; i < f->topics[t].count; i++) err |= bytes_buf_append(&b, f->topics[t].hashes[i].bytes, 32);
  }
  if (!err) keccak256(b.data, b.len, key->bytes);
  bytes_buf_free(&b);
  return !err;
}
