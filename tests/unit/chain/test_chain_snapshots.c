/* Head snapshots (chain.h) read by several threads while the main thread
 * imports the ethtest chain (600 blocks) and then reorganises it (the head set
 * back to block 300 and forward again): each reader takes the published head,
 * opens an overlay of its state and reads accounts (balance, nonce, code), each
 * answer checked against an EIP-1186 proof of the account verified against the
 * snapshot header's state root, so a torn or mixed read fails; then it changes
 * the overlay and computes a new root, which must differ and leave the snapshot
 * as it was. Also built with -fsanitize=thread (label tsan), where any data race
 * between readers, the shared node cache and the import fails the test. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

#define THREADS 3
#define MAX_ADDRS 64

static chain_t *chain;
static atomic_bool done;
static ethc_address_t addrs[MAX_ADDRS];
static size_t naddrs;

typedef struct {
  unsigned id;
  long rounds, accounts, present;
  long bad;
  char first_bad[200];
} reader_t;

static void bad(reader_t *r, const char *what, int rc) {
  if (!r->bad++) snprintf(r->first_bad, sizeof r->first_bad, "%s: %s", what, ethc_strerror(rc));
}

/* The overlay's view of `a` agrees with a proof against the snapshot's root. */
static void check_account(reader_t *r, chain_snapshot_t *snap, state_t *st, const ethc_address_t *a) {
  state_base_t base;
  chain_snapshot_base(snap, &base);
  trie_proof_t proof = {0};
  const ethc_hash_t *root = &chain_snapshot_header(snap)->state_root;
  int rc = trie_prove_from_store(root->bytes, &base.nodes, true, a->bytes, 20, &proof);
  if (rc) return bad(r, "prove", rc);
  bytes_view_t leaf;
  rc = trie_verify_secure_proof(root->bytes, a->bytes, 20, proof.nodes, proof.count, &leaf);
  u256_t balance;
  state_get_balance(st, a, &balance);
  uint64_t nonce = state_get_nonce(st, a);
  ethc_hash_t code_hash;
  state_get_code(st, a, NULL, &code_hash);
  if (rc == ETHC_ERR_NOT_FOUND) {
    if (state_exists(st, a)) bad(r, "present in the overlay, absent in the proof", 0);
  } else if (rc) {
    bad(r, "verify", rc);
  } else {
    rlp_item_t acct, f[4];
    uint64_t pn;
    u256_t pb;
    ethc_hash_t pc;
    if (rlp_decode(leaf.data, leaf.len, &acct) || rlp_list_items(&acct, f, 4) || rlp_get_u64(&f[0], &pn) ||
        rlp_get_u256(&f[1], &pb) || rlp_get_fixed(&f[3], pc.bytes, 32))
      bad(r, "leaf", 0);
    else if (pn != nonce || !u256_eq(&pb, &balance) || !ethc_hash_eq(&pc, &code_hash))
      bad(r, "the overlay disagrees with the proof", 0);
    r->present++;
  }
  r->accounts++;
  trie_proof_free(&proof);
}

static void *reader(void *arg) {
  reader_t *r = arg;
  uint64_t s = 0x9e3779b97f4a7c15ull * (r->id + 1);
  bool last = false;
  while (!last) {
    last = atomic_load(&done); /* one more round after the import ended */
    chain_snapshot_t *snap = chain_snapshot_head(chain);
    const chain_header_t *h = chain_snapshot_header(snap);
    state_t *st = chain_snapshot_state(snap);
    if (!st) {
      bad(r, "overlay", ETHC_ERR_NOMEM);
      chain_snapshot_release(snap);
      break;
    }
    for (int i = 0; i < 8 && naddrs; i++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      check_account(r, snap, st, &addrs[s % naddrs]);
    }
    /* a change on the overlay: a new root, the snapshot's untouched */
    u256_t one = u256_from_u64(1);
    ethc_hash_t root;
    if (naddrs && state_add_balance(st, &addrs[0], &one)) bad(r, "add balance", 0);
    state_commit(st, true);
    int rc = state_root(st, &root);
    if (rc) bad(r, "root", rc);
    else if (ethc_hash_eq(&root, &h->state_root)) bad(r, "the change did not change the root", 0);
    if (state_error(st)) bad(r, "overlay error", state_error(st));
    state_free(st);
    st = chain_snapshot_state(snap);
    if (st && state_root(st, &root) == 0 && !ethc_hash_eq(&root, &h->state_root)) bad(r, "snapshot changed", 0);
    state_free(st);
    chain_snapshot_release(snap);
    r->rounds++;
  }
  return NULL;
}

static void load_addresses(const char *path) {
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  cJSON *doc = text ? cJSON_ParseWithLength(text, len) : NULL;
  const cJSON *accounts = cJSON_GetObjectItem(doc, "accounts"), *a;
  cJSON_ArrayForEach(a, accounts) {
    if (naddrs < MAX_ADDRS && hex_decode_fixed(a->string, true, addrs[naddrs].bytes, 20) == 0) naddrs++;
  }
  cJSON_Delete(doc);
  free(text);
  /* and some that never exist */
  for (int i = 0; i < 4 && naddrs < MAX_ADDRS; i++) {
    memset(&addrs[naddrs], 0xd0 + i, 20);
    naddrs++;
  }
}

int main(void) {
  const char *shared = check_shared_dir();
  char headstate[1024];
  snprintf(headstate, sizeof headstate, "%s/chains/ethtest/headstate.json", shared);
  if (!check_need(headstate, "the ethtest chain")) return check_summary();
  load_addresses(headstate);
  CHECK(naddrs > 10);
  test_chain_t t;
  chain_open_opts_t o = {.fakepow = true, .state_cache_bytes = 1 << 20};
  if (!(chain = test_chain_open(&t, "chains/ethtest", &o))) {
    test_chain_remove(&t);
    return check_summary();
  }

  reader_t readers[THREADS];
  pthread_t threads[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    memset(&readers[i], 0, sizeof readers[i]);
    readers[i].id = i;
    CHECK(pthread_create(&threads[i], NULL, reader, &readers[i]) == 0);
  }
  unsigned imported = test_chain_import_file(chain, t.blocks);
  CHECK(imported == 600);
  ethc_hash_t h300 = {{0}}, h600 = {{0}};
  CHECK(chain_read_canonical_hash(chain, 300, &h300) == 0 && chain_read_canonical_hash(chain, 600, &h600) == 0);
  /* reorganisations while the readers read */
  for (int i = 0; i < 3 && imported == 600; i++) {
    CHECK(chain_set_head(chain, &h300, NULL, NULL) == 0);
    chain_snapshot_t *s = chain_snapshot_head(chain);
    CHECK(chain_snapshot_header(s)->number == 300);
    chain_snapshot_release(s);
    CHECK(chain_set_head(chain, &h600, NULL, NULL) == 0);
  }
  atomic_store(&done, true);
  long rounds = 0, accounts = 0, present = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK_MSG(readers[i].bad == 0, "reader %u: %ld bad answers, first: %s", i, readers[i].bad, readers[i].first_bad);
    rounds += readers[i].rounds;
    accounts += readers[i].accounts;
    present += readers[i].present;
  }
  trie_cache_stats_t stats;
  state_db_cache_stats(chain_state_db(chain), &stats);
  printf(
      "%u blocks imported, 6 reorganisations; %ld reader rounds, %ld accounts read (%ld present) and proved; "
      "node cache %llu hits, %llu misses, %zu bytes\n",
      imported, rounds, accounts, present, (unsigned long long)stats.hits, (unsigned long long)stats.misses,
      stats.bytes);
  CHECK(rounds >= THREADS && present > 0 && accounts > present);
  test_chain_remove(&t);
  return check_summary();
}
