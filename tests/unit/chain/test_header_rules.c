/* Unit tests of header validation: every header of the two test chains in
 * ../shared (PoW with difficulty checks, the merge, then Shanghai..BPO2 with base
 * fee and excess blob gas) validates against its parent; tampered headers fail
 * with the right class. */
#include <stdlib.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/block.h"
#include "ethc/consensus.h"
#include "ethc/tx.h"
#include "ethc/genesis.h"
#include "ethc/rlp.h"


static void tamper_checks(const chain_config_t *c, const chain_header_t *h, const chain_header_t *parent, bool pos) {
  chain_header_t x = *h;
  x.number++;
  CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_NUMBER);
  x = *h;
  x.timestamp = parent->timestamp;
  CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_TIMESTAMP);
  x = *h;
  x.gas_limit = parent->gas_limit + parent->gas_limit / 1024 + 1;
  CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_GAS_LIMIT);
  x = *h;
  x.extra_len = 33;
  CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_EXTRA_DATA);
  x = *h;
  x.gas_used = x.gas_limit + 1;
  CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_GAS_USED_OVER_LIMIT);
  if (h->has_base_fee) {
    x = *h;
    u256_t one = U256_ONE;
    u256_add(&x.base_fee, &x.base_fee, &one);
    CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_BASE_FEE);
  }
  if (h->has_blob_gas) {
    x = *h;
    x.excess_blob_gas += 131072;
    CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_EXCESS_BLOB_GAS);
    x = *h;
    x.has_requests_hash = !x.has_requests_hash;
    CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_FIELDS);
  }
  x = *h;
  if (pos) {
    x.difficulty = U256_ONE;
    CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_POS_DIFFICULTY);
  } else {
    u256_t one = U256_ONE;
    u256_add(&x.difficulty, &x.difficulty, &one);
    CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_DIFFICULTY);
    if (c->has_ttd) {
      /* a proof-of-stake difficulty before the terminal total difficulty */
      x.difficulty = U256_ZERO;
      CHECK(header_validate(c, &x, parent, pos, false) == BLOCK_ERR_POS_BEFORE_TTD);
    }
    /* these test chains carry no real seals: the seal check must reject them */
    CHECK(header_validate(c, h, parent, pos, true) == BLOCK_ERR_POW);
  }
}

static void check_chain(const char *shared, const char *dir, uint64_t want_blocks) {
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/%s/chain.rlp", shared, dir);
  if (!check_need(path, "a test chain")) return;
  snprintf(path, sizeof path, "%s/%s/genesis.json", shared, dir);
  if (!check_need(path, "a test chain")) return;
  chain_config_t c;
  chain_header_t parent, h;
  state_t *st = state_new();
  CHECK_MSG(genesis_load_file(path, &c, st, &parent, err, sizeof err) == 0, "%s", err);
  state_free(st);
  snprintf(path, sizeof path, "%s/%s/chain.rlp", shared, dir);
  size_t len, off = 0;
  uint8_t *data = bytes_read_file(path, &len);
  CHECK_MSG(data != NULL, "cannot read %s", path);
  if (!data) return;
  u256_t td = parent.difficulty;
  uint64_t valid = 0, pos_blocks = 0;
  bool tampered_pow = false, tampered_pos = false;
  while (off < len) {
    rlp_item_t item;
    size_t used;
    if (rlp_decode_item(data + off, len - off, &item, &used)) break;
    chain_block_t b;
    if (block_decode(data + off, used, &b)) break;
    h = b.header;
    block_free(&b);
    bool pos = c.has_ttd && !u256_lt(&td, &c.terminal_total_difficulty);
    block_error_t e = header_validate(&c, &h, &parent, pos, false);
    CHECK_MSG(e == BLOCK_VALID, "%s block %llu: %s", dir, (unsigned long long)h.number, block_error_message(e));
    if (e == BLOCK_VALID) valid++;
    pos_blocks += pos;
    if ((!pos && !tampered_pow && h.number > 1) || (pos && !tampered_pos && h.has_blob_gas)) {
      tamper_checks(&c, &h, &parent, pos);
      if (pos) tampered_pos = true;
      else tampered_pow = true;
    }
    u256_add(&td, &td, &h.difficulty);
    parent = h;
    off += used;
  }
  free(data);
  CHECK_MSG(valid == want_blocks, "%s: %llu valid headers", dir, (unsigned long long)valid);
  printf("%s: %llu headers valid (%llu proof of stake)\n", dir, (unsigned long long)valid,
         (unsigned long long)pos_blocks);
}

int main(void) {
  const char *shared = check_shared_dir();
  check_chain(shared, "rpc-compat", 54);
  check_chain(shared, "chains/ethtest", 600);
  return check_summary();
}
