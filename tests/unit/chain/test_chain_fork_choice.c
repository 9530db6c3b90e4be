/* The chain after the merge (src/chain/chain.c): with an explicit fork choice,
 * imported proof-of-stake blocks are stored but only chain_set_head moves the
 * head (forward, and back onto an ancestor), safe and finalized are recorded
 * and must be ancestors, new-head callbacks see every published head; headers
 * imported alone are validated and stored without moving anything and cannot
 * become the head; snapshots of any stored block read that block's state. On
 * the rpc-compat chain (proof of work, then the merge). */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/rlp.h"

#define MAX_BLOCKS 64

static const uint8_t *blk[MAX_BLOCKS + 1]; /* blk[n]: block n's RLP (1-based) */
static size_t blk_len[MAX_BLOCKS + 1];
static unsigned nblocks;

/* Block n's header: its RLP (into *raw) and hash. */
static void header_of(unsigned n, rlp_item_t *raw, ethc_hash_t *hash) {
  rlp_item_t b;
  chain_header_t h;
  CHECK(rlp_decode(blk[n], blk_len[n], &b) == 0 && rlp_decode_item(b.payload, b.payload_len, raw, NULL) == 0);
  CHECK(header_decode(raw->raw, raw->raw_len, &h) == 0 && header_hash(&h, hash) == 0);
}

typedef struct {
  unsigned calls;
  ethc_hash_t last;
} heads_t;

static void on_head(void *ctx, chain_snapshot_t *head) {
  heads_t *h = ctx;
  h->calls++;
  h->last = *chain_snapshot_hash(head);
}

/* The published head is block n, and its state reads as that block's. */
static void check_head(chain_t *c, unsigned n, const char *what) {
  rlp_item_t raw;
  ethc_hash_t want, root;
  chain_header_t genesis;
  if (n) header_of(n, &raw, &want);
  else CHECK(chain_read_header_by_number(c, 0, &genesis, &want) == 0);
  chain_snapshot_t *s = chain_snapshot_head(c);
  CHECK_MSG(chain_snapshot_header(s)->number == n && ethc_hash_eq(chain_snapshot_hash(s), &want), "%s: head #%llu",
            what, (unsigned long long)chain_snapshot_header(s)->number);
  state_t *st = chain_snapshot_state(s);
  CHECK(st && state_root(st, &root) == 0 && ethc_hash_eq(&root, &chain_snapshot_header(s)->state_root));
  state_free(st);
  chain_snapshot_release(s);
  uint64_t num;
  ethc_hash_t hash;
  CHECK(chain_read_head(c, &num, &hash) == 0 && num == n && ethc_hash_eq(&hash, &want));
}

int main(void) {
  const char *shared = check_shared_dir();
  char genesis[1024], chainfile[1024], dir[] = "ethc-forkchoice-XXXXXX", d1[64], d2[64], err[512];
  snprintf(genesis, sizeof genesis, "%s/rpc-compat/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/rpc-compat/chain.rlp", shared);
  if (!check_need(genesis, "the rpc-compat test chain") || !check_need(chainfile, "the rpc-compat test chain"))
    return check_summary();
  CHECK(mkdtemp(dir) != NULL);
  snprintf(d1, sizeof d1, "%s/full", dir);
  snprintf(d2, sizeof d2, "%s/headers", dir);
  size_t len;
  uint8_t *data = bytes_read_file(chainfile, &len);
  CHECK(data != NULL);
  if (!data) return check_summary();
  nblocks = test_chain_split(data, len, blk, blk_len, MAX_BLOCKS);
  CHECK(nblocks == 54);

  /* ---- full blocks, explicit fork choice ---- */
  chain_open_opts_t o = {.datadir = d1, .genesis_path = genesis, .fakepow = true, .explicit_fork_choice = true};
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (!c) return check_summary();
  heads_t heads = {0};
  CHECK(chain_on_new_head(c, on_head, &heads) == 0);
  unsigned last_pow = 0;
  for (unsigned n = 1; n <= nblocks; n++) {
    chain_import_result_t r;
    CHECK_MSG(chain_import_block(c, blk[n], blk_len[n], &r) == 0, "block %u: %s", n, r.reason);
    if (r.new_head) last_pow = n;
  }
  CHECK_MSG(last_pow > 1 && last_pow < nblocks, "the head stopped at #%u", last_pow);
  check_head(c, last_pow, "after import");
  CHECK(heads.calls == last_pow);
  ethc_hash_t hn, h40, h45, h_last;
  rlp_item_t raw;
  header_of(nblocks, &raw, &h_last);
  header_of(45, &raw, &h45);
  header_of(40, &raw, &h40);
  /* forward to the last block, with safe and finalized */
  CHECK(chain_set_head(c, &h_last, &h45, &h40) == 0);
  check_head(c, nblocks, "set to the last block");
  CHECK(heads.calls == last_pow + 1 && ethc_hash_eq(&heads.last, &h_last));
  ethc_hash_t got;
  CHECK(chain_read_safe(c, &got) == 0 && ethc_hash_eq(&got, &h45));
  CHECK(chain_read_finalized(c, &got) == 0 && ethc_hash_eq(&got, &h40));
  for (unsigned n = 1; n <= nblocks; n++) {
    header_of(n, &raw, &hn);
    CHECK_MSG(chain_read_canonical_hash(c, n, &got) == 0 && ethc_hash_eq(&got, &hn), "canonical #%u", n);
  }
  /* back to block 45: the blocks above leave the canonical chain */
  CHECK(chain_set_head(c, &h45, NULL, NULL) == 0);
  check_head(c, 45, "set back to #45");
  CHECK(chain_read_canonical_hash(c, 46, &got) == ETHC_ERR_NOT_FOUND);
  /* safe must be an ancestor of the head; unknown blocks are not found */
  CHECK(chain_set_head(c, &h45, &h_last, NULL) == ETHC_ERR_INVALID);
  ethc_hash_t unknown = h45;
  unknown.bytes[3] ^= 0x40;
  CHECK(chain_set_head(c, &unknown, NULL, NULL) == ETHC_ERR_NOT_FOUND);
  check_head(c, 45, "after refused inputs");
  /* a snapshot of any stored block reads its own state */
  chain_snapshot_t *s40 = NULL;
  CHECK(chain_snapshot_at(c, &h40, &s40) == 0 && s40);
  if (s40) {
    state_t *st = chain_snapshot_state(s40);
    ethc_hash_t root;
    CHECK(st && state_root(st, &root) == 0 && ethc_hash_eq(&root, &chain_snapshot_header(s40)->state_root));
    state_free(st);
    chain_snapshot_release(s40);
  }
  chain_close(c);

  /* ---- headers alone ---- */
  chain_open_opts_t o2 = {.datadir = d2, .genesis_path = genesis, .fakepow = true};
  c = NULL;
  CHECK_MSG(chain_open(&o2, &c, err, sizeof err) == 0, "%s", err);
  if (!c) return check_summary();
  for (unsigned n = 1; n <= nblocks; n++) {
    chain_import_result_t r;
    header_of(n, &raw, &hn);
    CHECK_MSG(
        chain_import_header(c, raw.raw, raw.raw_len, &r) == 0 && !r.known && !r.new_head && ethc_hash_eq(&r.hash, &hn),
        "header %u: %s", n, r.reason);
  }
  check_head(c, 0, "headers move nothing");
  chain_header_t h;
  CHECK(chain_read_header_by_hash(c, &h_last, &h) == 0 && h.number == nblocks);
  CHECK(chain_set_head(c, &h_last, NULL, NULL) == ETHC_ERR_NOT_FOUND); /* no state */
  /* a header whose parent is unknown, and a tampered one, are refused */
  {
    chain_import_result_t r;
    chain_header_t bad;
    header_of(3, &raw, &hn);
    CHECK(header_decode(raw.raw, raw.raw_len, &bad) == 0);
    bad.gas_limit = bad.gas_limit * 2;
    bytes_buf_t enc = {0};
    CHECK(header_encode(&bad, &enc) == 0);
    CHECK(chain_import_header(c, enc.data, enc.len, &r) == ETHC_ERR_INVALID && r.error != BLOCK_VALID);
    bad.parent_hash.bytes[0] ^= 1;
    enc.len = 0;
    CHECK(header_encode(&bad, &enc) == 0);
    CHECK(chain_import_header(c, enc.data, enc.len, &r) == ETHC_ERR_INVALID && r.error == BLOCK_ERR_UNKNOWN_PARENT);
    bytes_buf_free(&enc);
  }
  /* the full blocks still import after their headers */
  for (unsigned n = 1; n <= 3; n++) {
    chain_import_result_t r;
    CHECK_MSG(chain_import_block(c, blk[n], blk_len[n], &r) == 0 && !r.known && r.new_head, "block %u: %s", n,
              r.reason);
  }
  check_head(c, 3, "blocks after headers");
  chain_close(c);
  free(data);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
