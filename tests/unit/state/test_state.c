/* Unit tests for the in-memory world state (src/state): accounts, storage, the
 * journal (snapshot/revert of every kind of change), per-transaction sets, commit
 * with EIP-161 clearing, clone, and state/storage roots against known values. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/state.h"
#include "ethc/trie.h"

static ethc_address_t addr(const char *hex) {
  ethc_address_t a;
  hex_decode_fixed(hex, true, a.bytes, 20);
  return a;
}
static ethc_hash_t hash(const char *hex) {
  ethc_hash_t h;
  hex_decode_fixed(hex, true, h.bytes, 32);
  return h;
}

static void test_roots(void) {
  state_t *s = state_new();
  ethc_hash_t r;
  CHECK(state_root(s, &r) == 0);
  CHECK(ethc_hash_eq(&r, &STATE_EMPTY_ROOT));
  /* Pre-state of GeneralStateTests stExample/accessListExample (its Byzantium case is
   * an invalid tx, so the expected post root is the pre-state root). */
  ethc_address_t a = addr("0x095e7baea6a6c7c4c2dfeb977efac326af552d87");
  ethc_address_t b = addr("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  u256_t bal;
  u256_from_string(&bal, "0x0de0b6b3a7640000");
  uint8_t code[] = {0x60, 0x01, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00};
  CHECK(state_set_balance(s, &a, &bal) == 0);
  CHECK(state_set_code(s, &a, code, sizeof code) == 0);
  CHECK(state_set_balance(s, &b, &bal) == 0);
  state_commit(s, false);
  CHECK(state_root(s, &r) == 0);
  ethc_hash_t want = hash("0x23af372a0ccfd6a662f86652c982d9c769c0eb240428d6b124acd73a84057da5");
  CHECK(ethc_hash_eq(&r, &want));
  /* Storage: a single slot 0 = 1 gives the well-known root of {keccak(0): 0x01}. */
  u256_t k0 = U256_ZERO, one = U256_ONE;
  CHECK(state_set_storage(s, &a, &k0, &one, NULL, NULL) == 0);
  ethc_hash_t sr;
  CHECK(state_storage_root(s, &a, &sr) == 0);
  /* Compare with the trie builder fed by hand: keccak(be32(0)) -> rlp(1) = 0x01. */
  uint8_t kb[32] = {0}, hk[32];
  keccak256(kb, 32, hk);
  uint8_t v = 1;
  trie_kv_t p = {hk, 32, &v, 1};
  ethc_hash_t direct;
  CHECK(trie_root_of(&p, 1, direct.bytes) == 0);
  CHECK(ethc_hash_eq(&sr, &direct));
  CHECK(!ethc_hash_eq(&sr, &STATE_EMPTY_ROOT));
  /* Writing zero removes the slot from the trie. */
  u256_t zero = U256_ZERO;
  CHECK(state_set_storage(s, &a, &k0, &zero, NULL, NULL) == 0);
  CHECK(state_storage_root(s, &a, &sr) == 0);
  CHECK(ethc_hash_eq(&sr, &STATE_EMPTY_ROOT));
  state_free(s);
}

static void test_trie_known(void) {
  /* The state layer's roots come from the trie module's builder over 32-byte
   * keys. Two keys differing in the first nibble, values short: a branch at the
   * root. */
  uint8_t k[3][32];
  memset(k, 0, sizeof k);
  k[0][0] = 0x10;
  k[1][0] = 0x20;
  uint8_t v = 0x01;
  trie_kv_t p[3] = {{k[0], 32, &v, 1}, {k[1], 32, &v, 1}, {k[0], 32, &v, 1}};
  uint8_t r1[32], r2[32];
  CHECK(trie_root_of(p, 2, r1) == 0);
  /* Order of input does not matter; the root is neither empty nor the one-key root. */
  trie_kv_t q[2] = {p[1], p[0]};
  CHECK(trie_root_of(q, 2, r2) == 0);
  CHECK(memcmp(r1, r2, 32) == 0);
  CHECK(memcmp(r1, TRIE_EMPTY_ROOT, 32) != 0);
  CHECK(trie_root_of(p, 1, r2) == 0);
  CHECK(memcmp(r1, r2, 32) != 0);
  /* Duplicate keys are rejected, not crashed on. */
  trie_kv_t d[2] = {p[0], p[2]};
  CHECK(trie_root_of(d, 2, r1) == ETHC_ERR_INVALID);
}

static void test_journal(void) {
  state_t *s = state_new();
  ethc_address_t a = addr("0x1000000000000000000000000000000000000001");
  ethc_address_t c = addr("0x2000000000000000000000000000000000000002");
  u256_t ten = u256_from_u64(10), three = u256_from_u64(3), v;
  CHECK(!state_exists(s, &a));
  CHECK(state_is_dead(s, &a));
  CHECK(state_set_balance(s, &a, &ten) == 0);
  CHECK(state_exists(s, &a));
  state_commit(s, true);
  ethc_hash_t root0;
  CHECK(state_root(s, &root0) == 0);

  size_t snap = state_snapshot(s);
  CHECK(state_sub_balance(s, &a, &three) == 0);
  CHECK(state_sub_balance(s, &a, &ten) == ETHC_ERR_INVALID);
  state_get_balance(s, &a, &v);
  CHECK(v.w[0] == 7);
  CHECK(state_add_balance(s, &c, &three) == 0);
  CHECK(state_set_nonce(s, &a, 5) == 0);
  uint8_t code[] = {0x00};
  CHECK(state_set_code(s, &a, code, 1) == 0);
  CHECK(state_has_collision(s, &a));
  u256_t key = u256_from_u64(7), prev, orig;
  CHECK(state_set_storage(s, &a, &key, &ten, &prev, &orig) == 0);
  CHECK(u256_is_zero(&prev) && u256_is_zero(&orig));
  CHECK(state_set_storage(s, &a, &key, &three, &prev, &orig) == 0);
  CHECK(prev.w[0] == 10 && u256_is_zero(&orig));
  CHECK(!state_warm_account(s, &c));
  CHECK(state_warm_account(s, &c));
  CHECK(!state_warm_slot(s, &a, &key));
  CHECK(state_warm_slot(s, &a, &key));
  CHECK(state_set_transient(s, &a, &key, &ten) == 0);
  state_get_transient(s, &a, &key, &v);
  CHECK(v.w[0] == 10);
  ethc_hash_t topic = {{1}};
  CHECK(state_add_log(s, &a, code, 1, &topic, 1) == 0);
  CHECK(state_add_log(s, &a, code, 1, &topic, 5) == ETHC_ERR_INVALID);
  CHECK(state_mark_destructed(s, &a));
  CHECK(!state_mark_destructed(s, &a));
  size_t n;
  state_logs(s, &n);
  CHECK(n == 1);

  state_revert(s, snap);
  state_get_balance(s, &a, &v);
  CHECK(v.w[0] == 10);
  CHECK(!state_exists(s, &c));
  CHECK(state_get_nonce(s, &a) == 0);
  CHECK(state_get_code_size(s, &a) == 0);
  CHECK(!state_has_collision(s, &a));
  state_get_storage(s, &a, &key, &v);
  CHECK(u256_is_zero(&v));
  CHECK(!state_warm_account(s, &c));
  CHECK(!state_warm_slot(s, &a, &key));
  state_get_transient(s, &a, &key, &v);
  CHECK(u256_is_zero(&v));
  state_logs(s, &n);
  CHECK(n == 0);
  CHECK(!state_is_destructed(s, &a));
  ethc_hash_t r;
  CHECK(state_root(s, &r) == 0);
  CHECK(ethc_hash_eq(&r, &root0));

  /* Original values survive several writes and become current at commit. */
  CHECK(state_set_storage(s, &a, &key, &ten, NULL, NULL) == 0);
  state_commit(s, true);
  CHECK(state_set_storage(s, &a, &key, &three, NULL, NULL) == 0);
  state_get_original_storage(s, &a, &key, &v);
  CHECK(v.w[0] == 10);
  state_get_storage(s, &a, &key, &v);
  CHECK(v.w[0] == 3);
  state_commit(s, true);
  state_get_original_storage(s, &a, &key, &v);
  CHECK(v.w[0] == 3);
  /* Warm sets and transient storage do not survive commit. */
  CHECK(!state_warm_slot(s, &a, &key));
  state_commit(s, true);
  CHECK(!state_warm_slot(s, &a, &key));

  /* Delete and revert restores storage and code. */
  snap = state_snapshot(s);
  CHECK(state_delete_account(s, &a) == 0);
  CHECK(!state_exists(s, &a));
  state_get_storage(s, &a, &key, &v);
  CHECK(u256_is_zero(&v));
  state_revert(s, snap);
  state_get_storage(s, &a, &key, &v);
  CHECK(v.w[0] == 3);
  /* Create keeps the balance and clears the rest; EIP-6780 flag set. */
  CHECK(state_create_account(s, &a) == 0);
  CHECK(state_created_in_tx(s, &a));
  state_get_balance(s, &a, &v);
  CHECK(v.w[0] == 10);
  state_get_storage(s, &a, &key, &v);
  CHECK(u256_is_zero(&v));
  state_commit(s, true);
  CHECK(!state_created_in_tx(s, &a));
  state_free(s);
}

static void test_clearing(void) {
  state_t *s = state_new();
  ethc_address_t e = addr("0x3000000000000000000000000000000000000003");
  ethc_address_t rip = addr("0x0000000000000000000000000000000000000003");
  ethc_address_t d = addr("0x4000000000000000000000000000000000000004");
  u256_t zero = U256_ZERO, one = U256_ONE;
  CHECK(state_set_balance(s, &e, &zero) == 0);
  CHECK(state_set_balance(s, &rip, &zero) == 0);
  CHECK(state_set_balance(s, &d, &one) == 0);
  state_commit(s, true);
  CHECK(state_exists(s, &e) && state_is_empty(s, &e));
  /* Touched-then-reverted: the account survives; RIPEMD-160 stays touched. */
  size_t snap = state_snapshot(s);
  state_touch(s, &e);
  state_touch(s, &rip);
  state_revert(s, snap);
  state_mark_destructed(s, &d);
  state_commit(s, true);
  CHECK(state_exists(s, &e));
  CHECK(!state_exists(s, &rip));
  CHECK(!state_exists(s, &d));
  /* Without clearing (pre-Spurious Dragon) touched empty accounts stay. */
  state_touch(s, &e);
  state_commit(s, false);
  CHECK(state_exists(s, &e));
  state_touch(s, &e);
  state_commit(s, true);
  CHECK(!state_exists(s, &e));
  state_free(s);
}

static void test_clone(void) {
  state_t *s = state_new();
  ethc_address_t a = addr("0x1000000000000000000000000000000000000001");
  u256_t key = U256_ONE, v = u256_from_u64(42);
  uint8_t code[] = {0x60, 0x00};
  CHECK(state_set_code(s, &a, code, 2) == 0);
  CHECK(state_set_storage(s, &a, &key, &v, NULL, NULL) == 0);
  state_commit(s, true);
  ethc_hash_t r1, r2;
  CHECK(state_root(s, &r1) == 0);
  state_t *c = state_clone(s);
  CHECK(c != NULL);
  CHECK(state_root(c, &r2) == 0);
  CHECK(ethc_hash_eq(&r1, &r2));
  u256_t nv = u256_from_u64(1);
  CHECK(state_set_storage(c, &a, &key, &nv, NULL, NULL) == 0);
  CHECK(state_delete_account(c, &a) == 0);
  state_commit(c, true);
  state_free(c);
  u256_t got;
  state_get_storage(s, &a, &key, &got);
  CHECK(got.w[0] == 42);
  CHECK(state_get_code_size(s, &a) == 2);
  CHECK(state_root(s, &r2) == 0);
  CHECK(ethc_hash_eq(&r1, &r2));
  state_free(s);
}

static void test_many(void) {
  /* Enough accounts and slots to force several table growths. */
  state_t *s = state_new();
  ethc_address_t a = {{0}};
  for (uint32_t i = 0; i < 2000; i++) {
    memcpy(a.bytes + 16, &i, 4);
    u256_t b = u256_from_u64(i + 1);
    CHECK_MSG(state_set_balance(s, &a, &b) == 0, "i=%u", i);
    if (i < 50) {
      for (uint32_t k = 0; k < 100; k++) {
        u256_t key = u256_from_u64(k), val = u256_from_u64(k * i + 1);
        CHECK(state_set_storage(s, &a, &key, &val, NULL, NULL) == 0);
      }
    }
  }
  state_commit(s, true);
  int bad = 0;
  for (uint32_t i = 0; i < 2000; i++) {
    memcpy(a.bytes + 16, &i, 4);
    u256_t b;
    state_get_balance(s, &a, &b);
    if (b.w[0] != i + 1) bad++;
  }
  CHECK(bad == 0);
  ethc_hash_t r;
  CHECK(state_root(s, &r) == 0);
  state_free(s);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd64(void) {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return rng_state;
}

static int copy_slot(void *ctx, const u256_t *key, const u256_t *value) {
  void **c = ctx;
  return state_set_storage(c[0], c[1], key, value, NULL, NULL);
}

static int copy_account(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance, const uint8_t *code,
                        size_t code_size) {
  void **c = ctx;
  state_t *from = c[0], *to = c[1];
  int rc = state_set_nonce(to, a, nonce) | state_set_balance(to, a, balance) | state_set_code(to, a, code, code_size);
  void *sc[2] = {to, (void *)a};
  return rc ? rc : state_foreach_slot(from, a, copy_slot, sc);
}

/* Storage roots kept incrementally across many commits, reverts, resets and clones
 * (one "block" a round) always equal those of a fresh state built from scratch. */
static void test_incremental_storage_roots(void) {
  state_t *st = state_new();
  ethc_address_t who[3] = {addr("0x00000000000000000000000000000000000000a1"),
                           addr("0x00000000000000000000000000000000000000a2"),
                           addr("0x00000000000000000000000000000000000000a3")};
  int agree = 0, rounds = 40;
  u256_t one = u256_from_u64(1);
  for (int a = 0; a < 3; a++) CHECK(state_set_balance(st, &who[a], &one) == 0);
  for (int round = 0; round < rounds; round++) {
    for (int op = 0; op < 60; op++) {
      const ethc_address_t *a = &who[rnd64() % 3];
      u256_t key = u256_from_u64(rnd64() % 200), val = u256_from_u64(rnd64() % 3 == 0 ? 0 : rnd64());
      size_t snap = state_snapshot(st);
      CHECK(state_set_storage(st, a, &key, &val, NULL, NULL) == 0);
      ethc_address_t other = {{0}};
      other.bytes[19] = (uint8_t)(rnd64() % 12); /* accounts come and go */
      uint64_t pick = rnd64() % 10;
      if (pick == 0) CHECK(state_delete_account(st, &other) == 0);
      else if (pick < 4) {
        u256_t b = u256_from_u64(rnd64() % 4);
        CHECK(state_set_balance(st, &other, &b) == 0);
      } else if (pick == 4) CHECK(state_set_nonce(st, &other, rnd64() % 3) == 0);
      else if (pick == 5) state_touch(st, &other); /* empty and touched: cleared at commit */
      if (rnd64() % 5 == 0) state_revert(st, snap);
    }
    if (round % 13 == 12) { /* an account destroyed and re-created */
      CHECK(state_delete_account(st, &who[0]) == 0);
      CHECK(state_set_balance(st, &who[0], &one) == 0);
    }
    state_commit(st, round % 4 == 3); /* EIP-161 clearing now and then */
    ethc_hash_t got, want, sroot;
    if (round % 2) CHECK(state_storage_root(st, &who[1], &sroot) == 0); /* roots asked between commits too */
    state_t *fresh = state_new();
    void *c[2] = {st, fresh};
    state_foreach_account(st, copy_account, c);
    state_commit(fresh, false);
    if (state_root(st, &got) == 0 && state_root(fresh, &want) == 0 && ethc_hash_eq(&got, &want)) agree++;
    state_free(fresh);
    if (round % 3 == 2) { /* the next block works on a clone */
      state_t *next = state_clone(st);
      CHECK(next != NULL);
      if (next) {
        state_free(st);
        st = next;
      }
    }
  }
  CHECK_MSG(agree == rounds, "%d of %d rounds agree", agree, rounds);
  state_free(st);

  /* an empty account only touched, then cleared at commit, leaves the kept trie */
  state_t *a = state_new(), *b = state_new();
  ethc_address_t e = addr("0x00000000000000000000000000000000000000e1"),
                 f = addr("0x00000000000000000000000000000000000000f1");
  u256_t zero = U256_ZERO;
  ethc_hash_t ra, rb;
  CHECK(state_set_balance(a, &e, &zero) == 0);
  CHECK(state_set_balance(a, &f, &one) == 0);
  CHECK(state_set_balance(b, &f, &one) == 0);
  state_commit(a, false);
  state_commit(b, false);
  CHECK(state_root(a, &ra) == 0); /* one-shot */
  CHECK(state_root(a, &ra) == 0); /* the kept trie from now on */
  state_touch(a, &e);
  state_commit(a, true);
  CHECK(!state_exists(a, &e));
  CHECK(state_root(a, &ra) == 0 && state_root(b, &rb) == 0 && ethc_hash_eq(&ra, &rb));
  state_free(a);
  state_free(b);
}

/* state_foreach_new_slot_key hands each key over once, after it first holds a
 * non-zero value, across table growths, reverts, clones and a failing callback
 * (whose unvisited slots come again on the next call). */
typedef struct {
  int seen[400];
  int calls, fail_every;
} key_log_t;

static int log_key(void *ctx, const u256_t *key, const u256_t *value) {
  key_log_t *l = ctx;
  if (l->fail_every && ++l->calls % l->fail_every == 0) return ETHC_ERR_NOMEM;
  CHECK(!u256_is_zero(value));
  l->seen[key->w[0]]++;
  return 0;
}

static void test_new_slot_keys(void) {
  state_t *st = state_new();
  ethc_address_t a = addr("0x00000000000000000000000000000000000000b1");
  key_log_t log = {{0}, 0, 0};
  int once = 1, all = 1;
  for (int round = 0; round < 30; round++) {
    for (int op = 0; op < 20; op++) {
      size_t snap = state_snapshot(st);
      u256_t key = u256_from_u64(rnd64() % (uint64_t)(10 + 13 * round)), /* the map keeps growing */
          val = u256_from_u64(rnd64() % 3 == 0 ? 0 : rnd64());
      CHECK(state_set_storage(st, &a, &key, &val, NULL, NULL) == 0);
      if (rnd64() % 6 == 0) state_revert(st, snap);
    }
    state_commit(st, false);
    ethc_hash_t r;
    if (round % 2) CHECK(state_storage_root(st, &a, &r) == 0);
    log.fail_every = round % 3 ? 0 : 3;
    log.calls = 0;
    if (log.fail_every) CHECK(state_foreach_new_slot_key(st, &a, log_key, &log) != 0 || log.calls < 3);
    log.fail_every = 0;
    CHECK(state_foreach_new_slot_key(st, &a, log_key, &log) == 0);
    for (uint64_t k = 0; k < 400; k++) {
      u256_t key = u256_from_u64(k), v;
      state_get_storage(st, &a, &key, &v);
      if (log.seen[k] > 1) once = 0;
      if (!u256_is_zero(&v) && log.seen[k] != 1) all = 0;
    }
    if (round % 5 == 4) { /* the next block works on a clone */
      state_t *next = state_clone(st);
      CHECK(next != NULL);
      if (next) {
        state_free(st);
        st = next;
      }
    }
  }
  CHECK_MSG(once, "a key was handed over twice");
  CHECK_MSG(all, "a non-zero slot's key was never handed over");
  state_free(st);
}

int main(void) {
  test_new_slot_keys();
  test_incremental_storage_roots();
  test_roots();
  test_trie_known();
  test_journal();
  test_clearing();
  test_clone();
  test_many();
  return check_summary();
}
