/* `ethc test pow PATH...`: PoWTests (ethereum/tests ethash_tests.json), one case per
 * test: epoch sizes and seed, the light cache's hash, the header's seal hash, and
 * hashimoto-light's mix digest and result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/ethash.h"
#include "ethc/keccak.h"
#include "ethc/header.h"
#include "runner.h"

/* The seal hash (header without mix hash and nonce), block number and nonce. */
static int seal_hash(const uint8_t *rlp, size_t len, uint8_t out[32], uint64_t *number, uint64_t *nonce) {
  chain_header_t h;
  int err = header_decode(rlp, len, &h);
  if (err) return err;
  *number = h.number;
  *nonce = header_nonce_u64(&h);
  return header_seal_hash(&h, (ethc_hash_t *)out);
}

static void run_pow_case(runner_t *r, const char *path, const char *name, const cJSON *t) {
  uint8_t *header = NULL, mix[32], seed[32], header_hash[32], result[32], cache_hash[32];
  size_t header_len;
  const char *hs = json_str(t, "header");
  const cJSON *cs = json_get(t, "cache_size"), *fs = json_get(t, "full_size");
  if (!hs || hex_decode_alloc(hs, false, &header, &header_len) || !cJSON_IsNumber(cs) || !cJSON_IsNumber(fs) ||
      hex_decode_fixed(json_str(t, "mixHash") ? json_str(t, "mixHash") : "", false, mix, 32) ||
      hex_decode_fixed(json_str(t, "seed") ? json_str(t, "seed") : "", false, seed, 32) ||
      hex_decode_fixed(json_str(t, "header_hash") ? json_str(t, "header_hash") : "", false, header_hash, 32) ||
      hex_decode_fixed(json_str(t, "result") ? json_str(t, "result") : "", false, result, 32) ||
      hex_decode_fixed(json_str(t, "cache_hash") ? json_str(t, "cache_hash") : "", false, cache_hash, 32)) {
    runner_fail(r, path, name, NULL,
                "missing or malformed field (header, mixHash, seed, header_hash, result, "
                "cache_hash, cache_size, full_size)");
    free(header);
    return;
  }
  uint8_t got_hash[32], got_seed[32], got_mix[32], got_final[32], got_cache_hash[32];
  uint64_t number = 0, nonce = 0;
  int err = seal_hash(header, header_len, got_hash, &number, &nonce);
  free(header);
  if (err) {
    runner_fail(r, path, name, NULL, "header: %s", ethc_strerror(err));
    return;
  }
  int epoch = (int)(number / ETHASH_EPOCH_LENGTH);
  ethash_seed(epoch, got_seed);
  const ethash_cache_t *cache = ethash_cache_acquire(epoch);
  if (!cache) {
    runner_fail(r, path, name, NULL, "cannot build the light cache of epoch %d", epoch);
    return;
  }
  keccak256((const uint8_t *)cache->items, cache->num_items * 64, got_cache_hash);
  ethash_hash(cache, got_hash, nonce, got_mix, got_final);
  ethash_cache_release(cache);
  if (ethash_cache_size(epoch) != (uint64_t)cs->valuedouble) runner_fail(r, path, name, NULL, "cache size differs");
  else if (ethash_dataset_size(epoch) != (uint64_t)fs->valuedouble)
    runner_fail(r, path, name, NULL, "full size differs");
  else if (memcmp(got_seed, seed, 32)) runner_fail(r, path, name, NULL, "seed differs");
  else if (memcmp(got_hash, header_hash, 32)) runner_fail(r, path, name, NULL, "header hash differs");
  else if (memcmp(got_cache_hash, cache_hash, 32)) runner_fail(r, path, name, NULL, "cache hash differs");
  else if (memcmp(got_mix, mix, 32)) runner_fail(r, path, name, NULL, "mix hash differs");
  else if (memcmp(got_final, result, 32)) runner_fail(r, path, name, NULL, "result differs");
  else runner_pass(r, path, name, NULL);
}

static void run_pow_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *t;
  cJSON_ArrayForEach(t, root) {
    if (!cJSON_IsObject(t) || t->string[0] == '_') continue;
    if (runner_skip(r, path, t->string, NULL)) continue;
    run_pow_case(r, path, t->string, t);
  }
}
RUNNER_SUITE("pow", run_pow_file, 0)
