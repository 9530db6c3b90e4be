/* `ethc test block PATH...`: the BlockchainTests runner (ethereum-tests docs
 * "Blockchain Tests", plus the EEST `config` object with chainid and blobSchedule).
 * One case per test: the genesis from genesisRLP and pre, every block imported in
 * order into a block tree (side branches, fork choice by total difficulty before
 * the merge and by arrival after it), invalid blocks rejected with the expected
 * class, then lastblockhash and the post state compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ethc/tracer.h"
#include "ethc/block.h"
#include "ethc/block_exec.h"
#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/ethash.h"
#include "ethc/evm.h"
#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/tx.h"
#include "exception_names.h"
#include "json_state.h"
#include "runner.h"

/* ---- networks (go-ethereum tests/init.go names) ---- */

#define RANK_PARIS 100 /* the merge: terminal total difficulty 0 (or as the name says) */

static const struct {
  const char *name;
  int fork; /* chain_fork_t, -1 for Frontier, RANK_PARIS for the merge */
} network_forks[] = {
    {"Frontier", -1},
    {"Homestead", FORK_HOMESTEAD},
    {"Dao", FORK_DAO},
    {"EIP150", FORK_TANGERINE_WHISTLE},
    {"TangerineWhistle", FORK_TANGERINE_WHISTLE},
    {"EIP158", FORK_SPURIOUS_DRAGON},
    {"SpuriousDragon", FORK_SPURIOUS_DRAGON},
    {"Byzantium", FORK_BYZANTIUM},
    {"Constantinople", FORK_CONSTANTINOPLE},
    {"ConstantinopleFix", FORK_PETERSBURG},
    {"Petersburg", FORK_PETERSBURG},
    {"Istanbul", FORK_ISTANBUL},
    {"MuirGlacier", FORK_MUIR_GLACIER},
    {"Berlin", FORK_BERLIN},
    {"London", FORK_LONDON},
    {"ArrowGlacier", FORK_ARROW_GLACIER},
    {"GrayGlacier", FORK_GRAY_GLACIER},
    {"Paris", RANK_PARIS},
    {"Merge", RANK_PARIS},
    {"Shanghai", FORK_SHANGHAI},
    {"Cancun", FORK_CANCUN},
    {"Prague", FORK_PRAGUE},
    {"Osaka", FORK_OSAKA},
    {"BPO1", FORK_BPO1},
    {"BPO2", FORK_BPO2},
    {"BPO3", FORK_BPO3},
    {"BPO4", FORK_BPO4},
    {"BPO5", FORK_BPO5},
};

/* Position in the fork order (the merge sits between Gray Glacier and Shanghai). */
static int fork_rank(int fork) {
  if (fork == RANK_PARIS) return FORK_MERGE_NETSPLIT;
  return fork;
}

static int find_fork(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof network_forks / sizeof network_forks[0]; i++)
    if (strlen(network_forks[i].name) == len && strncmp(network_forks[i].name, name, len) == 0)
      return network_forks[i].fork;
  return -2;
}

static void activate_upto(chain_config_t *c, int from_rank, int to_rank, uint64_t at_block, uint64_t at_time,
                          bool dao) {
  for (int f = 0; f < FORK_COUNT; f++) {
    if (f <= from_rank || f > to_rank) continue;
    if (f == FORK_MERGE_NETSPLIT) {
      c->has_ttd = true; /* terminal total difficulty: set by the caller */
      continue;
    }
    if (f == FORK_DAO && !dao) continue;
    c->activation[f] = f >= FORK_FIRST_TIMED ? at_time : at_block;
    if (f == FORK_DAO) c->dao_fork_support = true;
  }
}

/* Fills `c` for a test network name: "Cancun", "FrontierToHomesteadAt5",
 * "ShanghaiToCancunAtTime15k", "ArrowGlacierToParisAtDiffC0000", ... */
static bool network_config(const char *name, chain_config_t *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  c->chain_id = U256_ONE;
  for (int f = 0; f < FORK_COUNT; f++) c->activation[f] = CHAIN_NEVER;
  c->blob[FORK_CANCUN] = (chain_blob_schedule_t){3, 6, 3338477};
  c->blob[FORK_PRAGUE] = (chain_blob_schedule_t){6, 9, 5007716};
  c->blob[FORK_OSAKA] = (chain_blob_schedule_t){6, 9, 5007716};
  c->blob[FORK_BPO1] = (chain_blob_schedule_t){10, 15, 8346193};
  c->blob[FORK_BPO2] = (chain_blob_schedule_t){14, 21, 11684671};
  /* go-ethereum's test configs use mainnet's deposit contract */
  static const ethc_address_t deposit = {{0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                                          0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xfa}};
  c->has_deposit_contract = true;
  c->deposit_contract = deposit;

  const char *to = strstr(name, "To");
  if (!to) {
    int f = find_fork(name, strlen(name));
    if (f == -2) return false;
    activate_upto(c, -1, fork_rank(f), 0, 0, false);
    return true;
  }
  int a = find_fork(name, (size_t)(to - name));
  const char *b = to + 2, *at = strstr(b, "At");
  if (a == -2 || !at) return false;
  int bf = find_fork(b, (size_t)(at - b));
  if (bf == -2) return false;
  activate_upto(c, -1, fork_rank(a), 0, 0, false);
  at += 2;
  uint64_t block = 0, time = 0;
  u256_t ttd = U256_ZERO;
  if (strncmp(at, "Time", 4) == 0) {
    char *end;
    time = strtoull(at + 4, &end, 10);
    if (*end == 'k') time *= 1000;
  } else if (strncmp(at, "Diff", 4) == 0) {
    /* the terminal total difficulty in hex, e.g. "DiffC0000" */
    char buf[80];
    snprintf(buf, sizeof buf, "0x%s", at + 4);
    char *p = strstr(buf, "And");
    if (p) *p = 0;
    if (!u256_from_string(&ttd, buf)) return false;
  } else {
    block = strtoull(at, NULL, 10);
  }
  activate_upto(c, fork_rank(a), fork_rank(bf), block, time, bf == FORK_DAO);
  c->terminal_total_difficulty = ttd;
  return true;
}

/* The EEST `config` object: chainid and blobSchedule {"Cancun": {target, max,
 * baseFeeUpdateFraction}, ...}. */
static const char *apply_config(chain_config_t *c, const cJSON *cfg) {
  if (!cfg) return NULL;
  if (json_get(cfg, "chainid") && !jstate_u256(cfg, "chainid", &c->chain_id)) return "config.chainid";
  const cJSON *bs = json_get(cfg, "blobSchedule"), *e;
  cJSON_ArrayForEach(e, bs) {
    int f = -2;
    for (size_t i = 0; i < sizeof network_forks / sizeof network_forks[0]; i++)
      if (e->string && strcasecmp(network_forks[i].name, e->string) == 0) f = network_forks[i].fork;
    if (f < FORK_CANCUN || f >= FORK_COUNT) continue;
    chain_blob_schedule_t s;
    if (!jstate_u64(e, "target", &s.target) || !jstate_u64(e, "max", &s.max) ||
        !jstate_u64(e, "baseFeeUpdateFraction", &s.update_fraction))
      return "config.blobSchedule";
    c->blob[f] = s;
  }
  return NULL;
}

/* ---- the block tree ---- */

typedef struct node {
  ethc_hash_t hash;
  chain_header_t header;
  u256_t td;
  bool pos; /* a proof-of-stake block */
  state_t *state;
  struct node *parent;
  ethc_hash_t *ommer_hashes;
  size_t ommer_count;
} node_t;

typedef struct {
  const chain_config_t *config;
  bool check_seal;
  node_t **nodes;
  size_t count, cap;
  node_t *head;
  evm_t *vm;
  FILE *trace;
} tree_t;

static node_t *tree_find(const tree_t *t, const ethc_hash_t *h) {
  for (size_t i = t->count; i-- > 0;)
    if (ethc_hash_eq(&t->nodes[i]->hash, h)) return t->nodes[i];
  return NULL;
}

static int tree_add(tree_t *t, node_t *n) {
  if (t->count == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16;
    node_t **p = realloc(t->nodes, cap * sizeof *p);
    if (!p) return ETHC_ERR_NOMEM;
    t->nodes = p;
    t->cap = cap;
  }
  t->nodes[t->count++] = n;
  return 0;
}

static void node_free(node_t *n) {
  if (!n) return;
  state_free(n->state);
  free(n->ommer_hashes);
  free(n);
}

static void tree_free(tree_t *t) {
  for (size_t i = 0; i < t->count; i++) node_free(t->nodes[i]);
  free(t->nodes);
}

static bool ttd_reached(const chain_config_t *c, const u256_t *td) {
  return c->has_ttd && !u256_lt(td, &c->terminal_total_difficulty);
}

static int lookup_hash(void *ctx, uint64_t number, ethc_hash_t *out) {
  for (const node_t *n = ctx; n; n = n->parent)
    if (n->header.number == number) {
      *out = n->hash;
      return 0;
    }
  return ETHC_ERR_NOT_FOUND;
}

/* Imports one block RLP. BLOCK_VALID when it was added (or already known); for
 * BLOCK_ERR_TX, *txe is the class of the invalid transaction. */
static block_error_t import_block(tree_t *t, const uint8_t *rlp, size_t len, char *reason, size_t rlen,
                                  tx_invalid_t *txe) {
  chain_block_t b;
  reason[0] = 0;
  block_error_t e = block_decode_classified(t->config, rlp, len, &b, txe, reason, rlen);
  if (e) return e;
  node_t *n = NULL;
  ethc_hash_t hash;
  header_hash(&b.header, &hash);
  if (tree_find(t, &hash)) goto done; /* known */
  node_t *parent = tree_find(t, &b.header.parent_hash);
  if (!parent) {
    e = BLOCK_ERR_UNKNOWN_PARENT;
    goto done;
  }
  const bool pos = ttd_reached(t->config, &parent->td);
  e = header_validate(t->config, &b.header, &parent->header, pos, t->check_seal);
  if (e) {
    snprintf(reason, rlen, "header: %s", block_error_message(e));
    goto done;
  }
  if (!pos && b.ommer_count) {
    block_ancestor_t anc[7];
    size_t na = 0;
    for (node_t *a = parent; a && na < 7; a = a->parent, na++) {
      anc[na].hash = a->hash;
      anc[na].header = &a->header;
      anc[na].ommer_hashes = a->ommer_hashes;
      anc[na].ommer_count = a->ommer_count;
    }
    e = block_validate_ommers(t->config, &b, &hash, anc, na, t->check_seal, reason, rlen, NULL);
    if (e) goto done;
  }

  n = calloc(1, sizeof *n);
  if (!n || !(n->state = state_clone(parent->state))) {
    snprintf(reason, rlen, "out of memory");
    e = BLOCK_ERR_STATE_ROOT;
    goto done;
  }
  n->hash = hash;
  n->header = b.header;
  n->parent = parent;
  n->pos = pos;
  u256_add(&n->td, &parent->td, &b.header.difficulty);
  if (b.ommer_count) {
    n->ommer_hashes = calloc(b.ommer_count, sizeof *n->ommer_hashes);
    if (!n->ommer_hashes) {
      e = BLOCK_ERR_STATE_ROOT;
      goto done;
    }
    for (size_t i = 0; i < b.ommer_count; i++) header_hash(&b.ommers[i], &n->ommer_hashes[i]);
    n->ommer_count = b.ommer_count;
  }
  evm_eip3155_t eip3155 = {ethc_write_stdio, t->trace};
  block_exec_opts_t opts = {
      .config = t->config,
      .rev = chain_config_revision(t->config, b.header.number, b.header.timestamp, pos),
      .post_merge = pos,
      .block_hash = lookup_hash,
      .block_hash_ctx = parent,
      .tracer = t->trace ? &evm_eip3155_tracer : NULL,
      .tracer_ctx = &eip3155,
  };
  block_exec_result_t res;
  if ((e = block_check_rlp_size(opts.rev, len)) != BLOCK_VALID) {
    snprintf(reason, rlen, "block RLP of %zu bytes", len);
    goto done;
  }
  e = block_execute(n->state, t->vm, &b, &opts, &res);
  if (e) snprintf(reason, rlen, "%s", res.reason);
  if (e == BLOCK_ERR_TX) *txe = res.tx_invalid;
  block_exec_result_free(&res);
  if (e) goto done;
  if (tree_add(t, n) != 0) {
    e = BLOCK_ERR_STATE_ROOT;
    goto done;
  }
  if (pos || u256_gt(&n->td, &t->head->td)) t->head = n;
  n = NULL;
done:
  node_free(n);
  block_free(&b);
  return e;
}

/* ---- one test ---- */

/* Adds the Ethash seal of a header to a batch. */
static void add_seal(ethash_verify_item_t *items, size_t *n, size_t cap, const chain_header_t *h) {
  if (*n == cap) return;
  ethash_verify_item_t *it = &items[*n];
  ethc_hash_t seal;
  if (header_seal_hash(h, &seal) != 0) return;
  it->block_number = h->number;
  memcpy(it->header_hash, seal.bytes, 32);
  it->nonce = header_nonce_u64(h);
  memcpy(it->mix_hash, h->mix_hash.bytes, 32);
  it->difficulty = h->difficulty;
  (*n)++;
}

/* Verifies the seals of every block (and ommer) of a test in one interleaved batch
 * (ethash_verify_batch); header validation then finds the results remembered. */
static void verify_seals_ahead(const cJSON *blocks) {
  enum { MAX_SEALS = 512 };
  ethash_verify_item_t *items = malloc(MAX_SEALS * sizeof *items);
  int *results = malloc(MAX_SEALS * sizeof *results);
  size_t n = 0;
  const cJSON *blk;
  cJSON_ArrayForEach(blk, blocks) {
    const char *hex = json_str(blk, "rlp");
    uint8_t *rlp = NULL;
    size_t len;
    chain_block_t b;
    if (!items || !results || !hex || hex_decode_alloc(hex, true, &rlp, &len) != 0) continue;
    if (block_decode(rlp, len, &b) == 0) {
      add_seal(items, &n, MAX_SEALS, &b.header);
      for (size_t k = 0; k < b.ommer_count; k++) add_seal(items, &n, MAX_SEALS, &b.ommers[k]);
      block_free(&b);
    }
    free(rlp);
  }
  if (n) ethash_verify_batch(items, n, results);
  free(items);
  free(results);
}

static evm_t *the_vm;

/* The expected exception of a block for `network`, "" when it must be rejected
 * without a named class (a block without blockHeader), NULL when it is valid. */
static const char *expected_exception(const cJSON *blk, const char *network) {
  const cJSON *e;
  cJSON_ArrayForEach(e, blk) {
    if (!e->string || strncmp(e->string, "expectException", 15) != 0 || !cJSON_IsString(e)) continue;
    const char *suffix = e->string + 15;
    if (!*suffix || strcmp(suffix, "ALL") == 0 || strcmp(suffix, network) == 0) return e->valuestring;
  }
  if (!json_get(blk, "blockHeader")) return "";
  return NULL;
}

typedef struct {
  block_error_t e;
  tx_invalid_t txe;
} rejection_t;

static bool rejection_matches(const void *ctx, const char *name) {
  const rejection_t *x = ctx;
  return x->e == BLOCK_ERR_TX ? exception_tx_matches(x->txe, name) : exception_block_matches(x->e, name);
}

static bool name_known(const void *ctx, const char *name) {
  (void)ctx;
  return exception_block_name_known(name) || exception_tx_name_known(name);
}

/* Whether the rejection (block class `e`, and for BLOCK_ERR_TX the transaction's
 * class `txe`) satisfies one of the '|'-separated names (runner_names_match). */
static bool matches_any(block_error_t e, tx_invalid_t txe, const char *names, char *unknown, size_t ulen) {
  unknown[0] = 0;
  if (!*names) return true;
  rejection_t x = {e, txe};
  return runner_names_match(names, rejection_matches, name_known, &x, unknown, ulen);
}

static void run_test(runner_t *r, const char *path, const char *name, const cJSON *test) {
  const char *network = json_str(test, "network");
  if (!network) network = "?";
  if (runner_fork_filtered(r, network)) return;
  if (runner_skip(r, path, name, network)) return;

  chain_config_t config;
  tree_t t;
  memset(&t, 0, sizeof t);
  char msg[512] = "";
  const char *err;
  node_t *g = NULL;
  chain_block_t gb;
  memset(&gb, 0, sizeof gb);
  uint8_t *grlp = NULL;

  if (!network_config(network, &config)) {
    runner_fail(r, path, name, network, "unknown network %s", network);
    return;
  }
  if ((err = apply_config(&config, json_get(test, "config")))) {
    runner_fail(r, path, name, network, "malformed test: %s", err);
    return;
  }
  if (!the_vm) the_vm = evm_create();
  if (!the_vm) {
    runner_fail(r, path, name, network, "cannot create the EVM");
    return;
  }
  t.config = &config;
  t.vm = the_vm;
  t.trace = r->trace ? stderr : NULL;
  const char *seal = json_str(test, "sealEngine");
  t.check_seal = seal && strcmp(seal, "Ethash") == 0;

  /* genesis */
  g = calloc(1, sizeof *g);
  if (!g || !(g->state = state_new())) {
    runner_fail(r, path, name, network, "out of memory");
    goto out;
  }
  if ((err = jstate_load(g->state, json_get(test, "pre")))) {
    runner_fail(r, path, name, network, "malformed test: pre %s", err);
    goto out;
  }
  const char *ghex = json_str(test, "genesisRLP");
  if (ghex) {
    size_t n;
    int rc;
    if (hex_decode_alloc(ghex, true, &grlp, &n) != 0 || (rc = block_decode(grlp, n, &gb)) != 0) {
      runner_fail(r, path, name, network, "cannot decode genesisRLP");
      goto out;
    }
    g->header = gb.header;
  } else if ((err = jstate_header(json_get(test, "genesisBlockHeader"), &g->header))) {
    runner_fail(r, path, name, network, "malformed test: genesisBlockHeader.%s", err);
    goto out;
  }
  header_hash(&g->header, &g->hash);
  ethc_hash_t want;
  if (!jstate_parse_hash(json_str(json_get(test, "genesisBlockHeader"), "hash"), &want) ||
      !ethc_hash_eq(&want, &g->hash)) {
    runner_fail(r, path, name, network, "genesis hash differs from genesisBlockHeader.hash");
    goto out;
  }
  ethc_hash_t root;
  if (state_root(g->state, &root) != 0) {
    runner_fail(r, path, name, network, "out of memory computing the pre-state root");
    goto out;
  }
  if (!ethc_hash_eq(&root, &g->header.state_root)) {
    runner_fail(r, path, name, network, "pre-state root differs from the genesis state root");
    goto out;
  }
  g->td = g->header.difficulty;
  g->pos = false;
  if (tree_add(&t, g) != 0) {
    runner_fail(r, path, name, network, "out of memory");
    goto out;
  }
  t.head = g;
  g = NULL;

  if (t.check_seal) verify_seals_ahead(json_get(test, "blocks"));

  /* blocks */
  size_t i = 0;
  const cJSON *blk;
  cJSON_ArrayForEach(blk, json_get(test, "blocks")) {
    const char *hex = json_str(blk, "rlp");
    const char *expect = expected_exception(blk, network);
    uint8_t *rlp = NULL;
    size_t n = 0;
    char reason[256];
    block_error_t e;
    tx_invalid_t txe = TXE_NONE;
    if (!hex || hex_decode_alloc(hex, true, &rlp, &n) != 0) {
      e = BLOCK_ERR_RLP;
      snprintf(reason, sizeof reason, "rlp is not hex");
    } else {
      e = import_block(&t, rlp, n, reason, sizeof reason, &txe);
    }
    free(rlp);
    if (expect && e == BLOCK_VALID) {
      runner_fail(r, path, name, network, "block %zu: imported, but expected %s", i, *expect ? expect : "a failure");
      goto out;
    }
    if (!expect && e != BLOCK_VALID) {
      runner_fail(r, path, name, network, "block %zu: rejected (%s: %s)", i, block_error_message(e), reason);
      goto out;
    }
    char unknown[256];
    if (expect && !matches_any(e, txe, expect, unknown, sizeof unknown)) {
      const char *got = e == BLOCK_ERR_TX ? exception_tx_names(txe) : "";
      runner_fail(r, path, name, network, "block %zu: rejected as \"%s%s%s\" [%s] (%s), expected %s%s%s", i,
                  block_error_message(e), e == BLOCK_ERR_TX ? ": " : "",
                  e == BLOCK_ERR_TX ? tx_invalid_message(txe) : "", got, reason, expect,
                  *unknown ? "; unknown exception name " : "", unknown);
      goto out;
    }
    i++;
  }

  /* results */
  if (!jstate_parse_hash(json_str(test, "lastblockhash"), &want)) {
    runner_fail(r, path, name, network, "malformed test: lastblockhash");
    goto out;
  }
  if (!ethc_hash_eq(&want, &t.head->hash)) {
    char a[67], b[67];
    hex_encode(t.head->hash.bytes, 32, a);
    hex_encode(want.bytes, 32, b);
    runner_fail(r, path, name, network, "head %s (number %llu), expected lastblockhash %s", a,
                (unsigned long long)t.head->header.number, b);
    goto out;
  }
  const cJSON *post = json_get(test, "postState");
  if (post) {
    if (jstate_diff(t.head->state, post, msg, sizeof msg)) {
      runner_fail(r, path, name, network, "post state: %s", msg);
      goto out;
    }
  } else if (jstate_parse_hash(json_str(test, "postStateHash"), &want)) {
    if (state_root(t.head->state, &root) != 0 || !ethc_hash_eq(&root, &want)) {
      runner_fail(r, path, name, network, "post state root differs from postStateHash");
      goto out;
    }
  } else {
    runner_fail(r, path, name, network, "malformed test: no postState");
    goto out;
  }
  runner_pass(r, path, name, network);
out:
  node_free(g);
  block_free(&gb);
  free(grlp);
  tree_free(&t);
}

static void run_block_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *test;
  cJSON_ArrayForEach(test, root) {
    if (!test->string || test->string[0] == '_' || !cJSON_IsObject(test)) continue;
    run_test(r, path, test->string, test);
  }
}

RUNNER_SUITE("block", run_block_file, RUNNER_OPT_FORK | RUNNER_OPT_TRACE)
