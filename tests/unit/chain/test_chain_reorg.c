/* Reorganisations of the on-disk chain (src/chain/chain.c): on the rpc-compat chain,
 * a heavier proof-of-work sibling (an earlier timestamp, so a higher difficulty)
 * takes the head and the original branch takes it back once it is heavier again;
 * after the merge a newer imported sibling takes the head (EIP-3675 fork choice by
 * arrival) and the original branch takes it back. The state follows every switch
 * (each block executes on its parent's state), the canonical index moves with the
 * head, and so does the transaction index (a transaction of both siblings is found
 * in the canonical one), and in the end the exported canonical chain is the
 * original file. */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/difficulty.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/rlp.h"

#define MAX_BLOCKS 64

static const uint8_t *blk[MAX_BLOCKS + 1]; /* blk[n]: block n's RLP (1-based) */
static size_t blk_len[MAX_BLOCKS + 1];
static unsigned nblocks;

static chain_header_t header_of(unsigned n) {
  chain_header_t h;
  memset(&h, 0, sizeof h);
  rlp_item_t b, hdr;
  bool framed = rlp_decode(blk[n], blk_len[n], &b) == 0 && rlp_decode_item(b.payload, b.payload_len, &hdr, NULL) == 0;
  CHECK_MSG(framed, "block %u is not an RLP list with a header", n);
  if (framed) CHECK(header_decode(hdr.raw, hdr.raw_len, &h) == 0);
  return h;
}

/* Block n with header h instead of its own (same body); appended to `out`. */
static void rebuild(unsigned n, const chain_header_t *h, bytes_buf_t *out) {
  rlp_item_t b, hdr;
  size_t hdr_used;
  /* hdr and hdr_used are set only when both decodes succeed: stop otherwise */
  bool framed =
      rlp_decode(blk[n], blk_len[n], &b) == 0 && rlp_decode_item(b.payload, b.payload_len, &hdr, &hdr_used) == 0;
  CHECK_MSG(framed, "block %u is not an RLP list with a header", n);
  if (!framed) return;
  bytes_buf_t body = {0};
  CHECK(header_encode(h, &body) == 0);
  rlp_put_raw(&body, b.payload + hdr_used, b.payload_len - hdr_used);
  size_t start = rlp_list_begin(out);
  rlp_put_raw(out, body.data, body.len);
  CHECK(rlp_list_end(out, start) == 0);
  bytes_buf_free(&body);
}

static void import_ok(chain_t *c, const uint8_t *rlp, size_t len, bool head_expected, const char *what) {
  chain_import_result_t r;
  int rc = chain_import_block(c, rlp, len, &r);
  CHECK_MSG(rc == 0, "%s: %s", what, r.reason);
  CHECK_MSG(r.new_head == head_expected, "%s: new_head %d", what, r.new_head);
}

/* The first transaction of block n (whose sibling has the same body) is found by
 * hash in the block `want` and nowhere else. */
static void check_tx_in(chain_t *c, unsigned n, const ethc_hash_t *want, const char *what) {
  chain_block_t b;
  CHECK(block_decode(blk[n], blk_len[n], &b) == 0);
  CHECK_MSG(b.tx_count > 0, "block %u has no transactions (%s)", n, what);
  if (b.tx_count > 0) {
    ethc_hash_t th;
    CHECK(tx_hash(&b.txs[0], &th) == 0);
    chain_read_tx_t t;
    int rc = chain_read_tx_by_hash(c, &th, &t);
    CHECK_MSG(rc == 0 && ethc_hash_eq(&t.block_hash, want) && t.index == 0, "%s: %s", what, ethc_strerror(rc));
    chain_read_tx_free(&t);
    chain_read_receipts_t rs;
    const chain_read_receipt_t *rec;
    rc = chain_read_receipt_by_tx(c, &th, &rs, &rec);
    CHECK_MSG(rc == 0 && ethc_hash_eq(&rec->block_hash, want), "%s: %s", what, ethc_strerror(rc));
    chain_read_receipts_free(&rs);
  }
  block_free(&b);
}

static void check_head(chain_t *c, uint64_t number, const ethc_hash_t *hash, const char *what) {
  uint64_t n;
  ethc_hash_t h, canon;
  chain_head(c, &n, &h);
  CHECK_MSG(n == number && ethc_hash_eq(&h, hash), "%s: head #%llu", what, (unsigned long long)n);
  CHECK_MSG(chaindb_get_canonical(chain_db(c), number, &canon) == 0 && ethc_hash_eq(&canon, hash),
            "%s: canonical #%llu", what, (unsigned long long)number);
  /* the published head is the head block, and its state's root is the header's */
  chain_snapshot_t *snap = chain_snapshot_head(c);
  CHECK_MSG(ethc_hash_eq(chain_snapshot_hash(snap), hash), "%s: head snapshot", what);
  state_t *st = chain_snapshot_state(snap);
  ethc_hash_t root;
  chain_header_t hh;
  bytes_buf_t raw = {0};
  CHECK(st && state_root(st, &root) == 0);
  CHECK(chaindb_get_header(chain_db(c), number, hash, &raw) == 0 && header_decode(raw.data, raw.len, &hh) == 0);
  CHECK_MSG(ethc_hash_eq(&root, &hh.state_root), "%s: head state root", what);
  bytes_buf_free(&raw);
  state_free(st);
  chain_snapshot_release(snap);
}

int main(void) {
  const char *shared = check_shared_dir();
  char genesis[1024], chainfile[1024], dir[] = "ethc-reorg-XXXXXX";
  snprintf(genesis, sizeof genesis, "%s/rpc-compat/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/rpc-compat/chain.rlp", shared);
  if (!check_need(genesis, "the rpc-compat test chain") || !check_need(chainfile, "the rpc-compat test chain"))
    return check_summary();
  CHECK(mkdtemp(dir) != NULL);
  size_t len;
  uint8_t *data = bytes_read_file(chainfile, &len);
  CHECK(data != NULL);
  if (!data) return check_summary();
  nblocks = test_chain_split(data, len, blk, blk_len, MAX_BLOCKS);
  CHECK(nblocks == 54);

  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis, .fakepow = true};
  chain_t *c = NULL;
  char err[512];
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (!c || nblocks != 54) return check_summary();

  /* ---- proof of work: a heavier sibling of block 5 ---- */
  const unsigned pow_n = 5;
  for (unsigned n = 1; n <= pow_n; n++) import_ok(c, blk[n], blk_len[n], true, "first blocks");
  chain_header_t parent = header_of(pow_n - 1), orig = header_of(pow_n), sib = orig;
  sib.timestamp = parent.timestamp + 1; /* sooner after its parent: a higher difficulty */
  difficulty_rules_t rules;
  rules = chain_config_difficulty_rules(chain_config(c), pow_n);
  difficulty_input_t in = {pow_n, sib.timestamp, parent.timestamp, parent.difficulty,
                           !ethc_hash_eq(&parent.ommers_hash, &HEADER_EMPTY_OMMERS_HASH)};
  difficulty_calc(&sib.difficulty, &rules, &in);
  CHECK(u256_lt(&orig.difficulty, &sib.difficulty));
  bytes_buf_t sib_rlp = {0};
  rebuild(pow_n, &sib, &sib_rlp);
  ethc_hash_t orig_hash, sib_hash;
  header_hash(&orig, &orig_hash);
  header_hash(&sib, &sib_hash);
  import_ok(c, sib_rlp.data, sib_rlp.len, true, "heavier PoW sibling");
  check_head(c, pow_n, &sib_hash, "after the heavier sibling");
  check_tx_in(c, pow_n, &sib_hash, "after the heavier sibling");
  /* the original branch grows: one block more outweighs the sibling */
  import_ok(c, blk[pow_n + 1], blk_len[pow_n + 1], true, "original branch, next block");
  chain_header_t next = header_of(pow_n + 1);
  ethc_hash_t next_hash, canon;
  header_hash(&next, &next_hash);
  check_head(c, pow_n + 1, &next_hash, "back on the original branch");
  CHECK(chaindb_get_canonical(chain_db(c), pow_n, &canon) == 0 && ethc_hash_eq(&canon, &orig_hash));
  check_tx_in(c, pow_n, &orig_hash, "back on the original branch");
  /* a lighter sibling (the original one again, re-imported) is known and changes nothing */
  chain_import_result_t r;
  CHECK(chain_import_block(c, sib_rlp.data, sib_rlp.len, &r) == 0 && r.known && !r.new_head);

  /* ---- proof of stake: a sibling of block 41 imported after it ---- */
  const unsigned pos_n = 41;
  for (unsigned n = pow_n + 2; n <= pos_n; n++) import_ok(c, blk[n], blk_len[n], true, "up to the PoS block");
  chain_header_t pos = header_of(pos_n), pos_sib = pos;
  CHECK(u256_is_zero(&pos.difficulty));
  memcpy(pos_sib.extra, "ethc reorg test", 15);
  pos_sib.extra_len = 15;
  bytes_buf_t pos_rlp = {0};
  rebuild(pos_n, &pos_sib, &pos_rlp);
  ethc_hash_t pos_hash, pos_sib_hash;
  header_hash(&pos, &pos_hash);
  header_hash(&pos_sib, &pos_sib_hash);
  import_ok(c, pos_rlp.data, pos_rlp.len, true, "PoS sibling");
  check_head(c, pos_n, &pos_sib_hash, "after the PoS sibling");
  check_tx_in(c, pos_n, &pos_sib_hash, "after the PoS sibling");
  import_ok(c, blk[pos_n + 1], blk_len[pos_n + 1], true, "original PoS branch");
  chain_header_t pos_next = header_of(pos_n + 1);
  header_hash(&pos_next, &next_hash);
  check_head(c, pos_n + 1, &next_hash, "back on the original PoS branch");
  CHECK(chaindb_get_canonical(chain_db(c), pos_n, &canon) == 0 && ethc_hash_eq(&canon, &pos_hash));
  check_tx_in(c, pos_n, &pos_hash, "back on the original PoS branch");

  for (unsigned n = pos_n + 2; n <= nblocks; n++) import_ok(c, blk[n], blk_len[n], true, "the rest");
  chain_header_t last = header_of(nblocks);
  ethc_hash_t last_hash;
  header_hash(&last, &last_hash);
  check_head(c, nblocks, &last_hash, "end");
  chain_close(c);

  /* reopened: the same head and state; the canonical chain is the original file */
  o.genesis_path = NULL;
  c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (c) {
    check_head(c, nblocks, &last_hash, "reopened");
    char *exported = NULL;
    size_t exported_len = 0;
    FILE *mem = open_memstream(&exported, &exported_len);
    CHECK(mem && chain_export(c, ethc_write_stdio, mem, 1, UINT64_MAX) == 0);
    if (mem) fclose(mem);
    CHECK(exported_len == len && exported && memcmp(exported, data, len) == 0);
    free(exported);
    chain_close(c);
  }
  bytes_buf_free(&sib_rlp);
  bytes_buf_free(&pos_rlp);
  free(data);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
