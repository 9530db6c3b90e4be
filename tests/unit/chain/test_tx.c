/* Unit tests for src/chain/tx_*.c: every transaction type through encode / decode /
 * sign / recover, the EIP-155 example, network blob wrappers (v0 and EIP-7594 v1),
 * EIP-7702 authorities, intrinsic gas and the floor per fork, every validity rule,
 * malformed input, and the txbytes of the EEST Prague/Osaka state tests. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "ethc/tx.h"

static const u256_t k_chain1 = {{1, 0, 0, 0}};

static size_t unhex(const char *h, uint8_t *out, size_t cap) {
  size_t n = 0;
  if (hex_decode(h, false, out, cap, &n) != 0) {
    fprintf(stderr, "bad hex in test: %s\n", h);
    abort();
  }
  return n;
}

static void key_of(uint8_t b, uint8_t key[32], ethc_address_t *addr) {
  memset(key, b, 32);
  uint8_t pub[64];
  ethc_secp256k1_pubkey_create(key, pub);
  ethc_secp256k1_pubkey_to_address(pub, addr);
}

/* ---- EIP-155's worked example ---- */
static void test_eip155_example(void) {
  static const char *signed_hex =
      "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef6134"
      "0bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3"
      "dc64214b297fb1966a3b6d83";
  uint8_t raw[256], h[32];
  size_t n = unhex(signed_hex, raw, sizeof raw);
  tx_t tx;
  CHECK(tx_decode(raw, n, &tx) == 0);
  CHECK(tx.type == TX_LEGACY && tx.nonce == 9 && tx.gas_limit == 21000 && tx.has_to);
  CHECK(tx.has_chain_id && u256_eq(&tx.chain_id, &k_chain1));
  CHECK(tx.gas_price.w[0] == 20000000000ull && tx.value.w[0] == 1000000000000000000ull);
  CHECK(u256_eq(&tx.max_fee_per_gas, &tx.gas_price) && u256_eq(&tx.max_priority_fee_per_gas, &tx.gas_price));
  ethc_hash_t sh;
  CHECK(tx_signing_hash(&tx, &sh) == 0);
  unhex("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", h, 32);
  CHECK_MEM(sh.bytes, h, 32);
  uint8_t key[32];
  ethc_address_t want, got;
  key_of(0x46, key, &want);
  CHECK(tx_recover_sender(&tx, EVM_SPURIOUS_DRAGON, &got) == 0 && ethc_address_eq(&got, &want));
  CHECK(tx_check(&tx, EVM_LONDON, &k_chain1, &got) == 0 && ethc_address_eq(&got, &want));
  /* EIP-155 v is not valid before Spurious Dragon */
  CHECK(tx_recover_sender(&tx, EVM_HOMESTEAD, &got) == ETHC_ERR_TX_SIGNATURE);
  CHECK(tx_validate(&tx, EVM_TANGERINE_WHISTLE, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  /* another chain */
  u256_t c5 = u256_from_u64(5);
  CHECK(tx_validate(&tx, EVM_LONDON, &c5) == ETHC_ERR_TX_CHAIN_ID);
  /* re-encoding and re-signing give the same bytes */
  bytes_buf_t b = {0};
  CHECK(tx_encode(&tx, &b) == 0 && b.len == n && memcmp(b.data, raw, n) == 0);
  bytes_buf_free(&b);
  tx_t t2 = tx;
  t2.owned = NULL;
  CHECK(tx_sign(&t2, key) == 0);
  CHECK(u256_eq(&t2.v, &tx.v) && u256_eq(&t2.r, &tx.r) && u256_eq(&t2.s, &tx.s));
  ethc_hash_t th;
  CHECK(tx_hash(&tx, &th) == 0);
  keccak256(raw, n, h);
  CHECK_MEM(th.bytes, h, 32);
  tx_free(&tx);
}

/* ---- round trips of every type ---- */

static ethc_hash_t g_keys[3];
static tx_access_entry_t g_al[2];
static ethc_hash_t g_blob_hashes[2];
static tx_authorization_t g_auths[2];
static uint8_t g_data[100];

static void fill_common(tx_t *tx, tx_type_t type) {
  memset(tx, 0, sizeof *tx);
  tx->type = type;
  tx->has_chain_id = type != TX_LEGACY;
  tx->chain_id = k_chain1;
  tx->nonce = 7;
  tx->gas_limit = 1000000;
  tx->has_to = true;
  memset(tx->to.bytes, 0xaa, 20);
  tx->value = u256_from_u64(12345);
  for (size_t i = 0; i < sizeof g_data; i++) g_data[i] = (uint8_t)(i % 3 ? i : 0);
  tx->data = g_data;
  tx->data_len = sizeof g_data;
  if (type == TX_LEGACY || type == TX_ACCESS_LIST) {
    tx->gas_price = tx->max_fee_per_gas = tx->max_priority_fee_per_gas = u256_from_u64(1000);
  } else {
    tx->max_fee_per_gas = tx->gas_price = u256_from_u64(2000);
    tx->max_priority_fee_per_gas = u256_from_u64(3);
  }
  if (type != TX_LEGACY) {
    for (int i = 0; i < 3; i++) memset(g_keys[i].bytes, 0x10 + i, 32);
    memset(g_al[0].address.bytes, 0x01, 20);
    g_al[0].storage_keys = g_keys;
    g_al[0].storage_keys_count = 2;
    memset(g_al[1].address.bytes, 0x02, 20);
    g_al[1].storage_keys = g_keys + 2;
    g_al[1].storage_keys_count = 1;
    tx->access_list = g_al;
    tx->access_list_count = 2;
  }
  if (type == TX_BLOB) {
    for (int i = 0; i < 2; i++) {
      memset(g_blob_hashes[i].bytes, 0x20 + i, 32);
      g_blob_hashes[i].bytes[0] = 0x01;
    }
    tx->blob_hashes = g_blob_hashes;
    tx->blob_hashes_count = 2;
    tx->max_fee_per_blob_gas = u256_from_u64(99);
  }
  if (type == TX_SET_CODE) {
    memset(g_auths, 0, sizeof g_auths);
    g_auths[0].chain_id = k_chain1;
    memset(g_auths[0].address.bytes, 0x33, 20);
    g_auths[0].nonce = 4;
    g_auths[1].chain_id = U256_ZERO;
    memset(g_auths[1].address.bytes, 0x44, 20);
    g_auths[1].nonce = 0;
    tx->authorizations = g_auths;
    tx->authorizations_count = 2;
  }
}

static bool same_tx(const tx_t *a, const tx_t *b) {
  bool ok = a->type == b->type && a->nonce == b->nonce && a->gas_limit == b->gas_limit && a->has_to == b->has_to &&
            ethc_address_eq(&a->to, &b->to) && u256_eq(&a->value, &b->value) && a->data_len == b->data_len &&
            memcmp(a->data, b->data, a->data_len) == 0 && u256_eq(&a->max_fee_per_gas, &b->max_fee_per_gas) &&
            u256_eq(&a->max_priority_fee_per_gas, &b->max_priority_fee_per_gas) &&
            a->access_list_count == b->access_list_count && a->blob_hashes_count == b->blob_hashes_count &&
            a->authorizations_count == b->authorizations_count && u256_eq(&a->v, &b->v) && u256_eq(&a->r, &b->r) &&
            u256_eq(&a->s, &b->s) && a->has_chain_id == b->has_chain_id &&
            (!a->has_chain_id || u256_eq(&a->chain_id, &b->chain_id));
  for (size_t i = 0; ok && i < a->access_list_count; i++) {
    ok = ethc_address_eq(&a->access_list[i].address, &b->access_list[i].address) &&
         a->access_list[i].storage_keys_count == b->access_list[i].storage_keys_count;
    for (size_t k = 0; ok && k < a->access_list[i].storage_keys_count; k++)
      ok = ethc_hash_eq(&a->access_list[i].storage_keys[k], &b->access_list[i].storage_keys[k]);
  }
  for (size_t i = 0; ok && i < a->blob_hashes_count; i++) ok = ethc_hash_eq(&a->blob_hashes[i], &b->blob_hashes[i]);
  for (size_t i = 0; ok && i < a->authorizations_count; i++) {
    const tx_authorization_t *x = &a->authorizations[i], *y = &b->authorizations[i];
    ok = u256_eq(&x->chain_id, &y->chain_id) && ethc_address_eq(&x->address, &y->address) && x->nonce == y->nonce &&
         x->y_parity == y->y_parity && u256_eq(&x->r, &y->r) && u256_eq(&x->s, &y->s);
  }
  if (a->type == TX_BLOB) ok = ok && u256_eq(&a->max_fee_per_blob_gas, &b->max_fee_per_blob_gas);
  return ok;
}

static void sign_auth(tx_authorization_t *a, const uint8_t key[32]) {
  bytes_buf_t b = {0};
  bytes_buf_push(&b, 0x05);
  size_t l = rlp_list_begin(&b);
  rlp_put_u256(&b, &a->chain_id);
  rlp_put_bytes(&b, a->address.bytes, 20);
  rlp_put_u64(&b, a->nonce);
  rlp_list_end(&b, l);
  uint8_t h[32], r[32], s[32];
  keccak256(b.data, b.len, h);
  bytes_buf_free(&b);
  int recid;
  ethc_secp256k1_sign(key, h, r, s, &recid);
  u256_from_be(&a->r, r);
  u256_from_be(&a->s, s);
  a->y_parity = (uint8_t)recid;
}

static void test_roundtrip_all_types(void) {
  uint8_t key[32];
  ethc_address_t addr, got;
  key_of(0x5a, key, &addr);
  static const evm_revision_t first_fork[5] = {EVM_FRONTIER, EVM_BERLIN, EVM_LONDON, EVM_CANCUN, EVM_PRAGUE};
  for (int t = 0; t <= 4; t++) {
    for (int protect = 0; protect < (t == 0 ? 2 : 1); protect++) {
      tx_t tx;
      fill_common(&tx, (tx_type_t)t);
      if (t == 0) tx.has_chain_id = protect;
      if (t == TX_SET_CODE) {
        sign_auth(&g_auths[0], key);
        sign_auth(&g_auths[1], key);
      }
      CHECK(tx_sign(&tx, key) == 0);
      bytes_buf_t b = {0};
      CHECK(tx_encode(&tx, &b) == 0);
      CHECK(t == 0 ? b.data[0] >= 0xc0 : b.data[0] == t);
      tx_t d;
      CHECK_MSG(tx_decode(b.data, b.len, &d) == 0, "type %d", t);
      CHECK_MSG(same_tx(&tx, &d), "type %d decoded differently", t);
      evm_revision_t rev = t == 0 && protect ? EVM_SPURIOUS_DRAGON : first_fork[t];
      CHECK_MSG(tx_check(&d, rev, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr), "type %d", t);
      CHECK(tx_check(&d, EVM_OSAKA, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr));
      if (rev > EVM_FRONTIER) CHECK_MSG(tx_validate(&d, (evm_revision_t)(rev - 1), &k_chain1) != 0, "type %d", t);
      /* the hash is keccak of the canonical bytes; block-body item form decodes too */
      ethc_hash_t h1;
      uint8_t h2[32];
      CHECK(tx_hash(&d, &h1) == 0);
      keccak256(b.data, b.len, h2);
      CHECK_MEM(h1.bytes, h2, 32);
      bytes_buf_t item = {0};
      if (t == 0) rlp_put_raw(&item, b.data, b.len);
      else rlp_put_bytes(&item, b.data, b.len);
      tx_t e;
      CHECK(tx_decode_item(item.data, item.len, &e) == 0 && same_tx(&tx, &e));
      tx_free(&e);
      bytes_buf_free(&item);
      /* the signing hash differs from the hash, and changing a field breaks the sender */
      ethc_hash_t sh;
      CHECK(tx_signing_hash(&d, &sh) == 0 && !ethc_hash_eq(&sh, &h1));
      d.nonce++;
      CHECK(tx_recover_sender(&d, EVM_OSAKA, &got) != 0 || !ethc_address_eq(&got, &addr));
      d.nonce--;
      /* EIP-7702 authorities */
      for (size_t i = 0; i < d.authorizations_count; i++) {
        ethc_address_t auth;
        CHECK(tx_authority_recover(&d.authorizations[i], &auth) == 0 && ethc_address_eq(&auth, &addr));
      }
      /* truncation anywhere fails; trailing bytes fail */
      for (size_t cut = 0; cut < b.len; cut++) {
        tx_t x;
        int rc = tx_decode(b.data, cut, &x);
        CHECK_MSG(rc != 0, "type %d cut %zu decoded", t, cut);
        if (!rc) tx_free(&x);
      }
      bytes_buf_push(&b, 0x00);
      tx_t x;
      CHECK(tx_decode(b.data, b.len, &x) == ETHC_ERR_RLP_TRAILING);
      bytes_buf_free(&b);
      tx_free(&d);
    }
  }
}

/* ---- signature rules ---- */
static void test_signature_rules(void) {
  uint8_t key[32];
  ethc_address_t addr, got;
  key_of(0x11, key, &addr);
  tx_t tx;
  fill_common(&tx, TX_LEGACY);
  tx.has_chain_id = false;
  CHECK(tx_sign(&tx, key) == 0);
  CHECK(tx_check(&tx, EVM_FRONTIER, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr));
  /* high s: the same signature with s' = n - s and the other parity */
  static const uint8_t N[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  u256_t n, hs;
  u256_from_be(&n, N);
  tx_t hi = tx;
  u256_sub(&hs, &n, &tx.s);
  hi.s = hs;
  hi.v = u256_from_u64(tx.v.w[0] == 27 ? 28 : 27);
  CHECK(tx_recover_sender(&hi, EVM_FRONTIER, &got) == 0 && ethc_address_eq(&got, &addr)); /* allowed before EIP-2 */
  CHECK(tx_recover_sender(&hi, EVM_HOMESTEAD, &got) == ETHC_ERR_TX_SIGNATURE);
  CHECK(tx_validate(&hi, EVM_HOMESTEAD, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  CHECK(tx_validate(&hi, EVM_FRONTIER, &k_chain1) == 0);
  /* r or s zero or >= n */
  tx_t bad = tx;
  bad.r = U256_ZERO;
  CHECK(tx_recover_sender(&bad, EVM_FRONTIER, &got) == ETHC_ERR_TX_SIGNATURE);
  bad = tx;
  bad.s = n;
  CHECK(tx_recover_sender(&bad, EVM_FRONTIER, &got) == ETHC_ERR_TX_SIGNATURE);
  bad = tx;
  bad.r = n;
  CHECK(tx_validate(&bad, EVM_FRONTIER, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  /* bad v for legacy: 0, 1, 26, 29, 35 with the wrong chain */
  static const uint64_t bad_v[] = {0, 1, 26, 29, 34};
  for (size_t i = 0; i < 5; i++) {
    bad = tx;
    bad.v = u256_from_u64(bad_v[i]);
    CHECK_MSG(tx_recover_sender(&bad, EVM_CANCUN, &got) == ETHC_ERR_TX_SIGNATURE, "v=%llu",
              (unsigned long long)bad_v[i]);
    CHECK(tx_validate(&bad, EVM_CANCUN, &k_chain1) != 0);
  }
  /* EIP-155 tx signed for chain 1: v 37/38; tampering with v to 39 gives chain 2 */
  tx_t p;
  fill_common(&p, TX_LEGACY);
  p.has_chain_id = true;
  CHECK(tx_sign(&p, key) == 0);
  CHECK(p.v.w[0] == 37 || p.v.w[0] == 38);
  CHECK(tx_check(&p, EVM_BYZANTIUM, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr));
  bad = p;
  bad.v = u256_from_u64(p.v.w[0] + 2);
  CHECK(tx_validate(&bad, EVM_BYZANTIUM, &k_chain1) == ETHC_ERR_TX_CHAIN_ID ||
        tx_validate(&bad, EVM_BYZANTIUM, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  /* decode derives the chain id from v */
  bytes_buf_t b = {0};
  tx_encode(&bad, &b);
  tx_t d;
  CHECK(tx_decode(b.data, b.len, &d) == 0 && d.has_chain_id && d.chain_id.w[0] == 2);
  CHECK(tx_validate(&d, EVM_BYZANTIUM, &k_chain1) == ETHC_ERR_TX_CHAIN_ID);
  tx_free(&d);
  bytes_buf_free(&b);
  /* typed: y parity only 0/1; wrong chain id */
  tx_t ty;
  fill_common(&ty, TX_DYNAMIC_FEE);
  CHECK(tx_sign(&ty, key) == 0);
  CHECK(tx_check(&ty, EVM_LONDON, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr));
  bad = ty;
  bad.v = u256_from_u64(27);
  CHECK(tx_recover_sender(&bad, EVM_LONDON, &got) == ETHC_ERR_TX_SIGNATURE);
  CHECK(tx_validate(&bad, EVM_LONDON, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  bad = ty;
  bad.v = u256_from_u64(2);
  CHECK(tx_validate(&bad, EVM_LONDON, &k_chain1) == ETHC_ERR_TX_SIGNATURE);
  u256_t c2 = u256_from_u64(2);
  CHECK(tx_validate(&ty, EVM_LONDON, &c2) == ETHC_ERR_TX_CHAIN_ID);
  /* typed transactions always require low s, even "before" Homestead rules */
  bad = ty;
  u256_sub(&bad.s, &n, &ty.s);
  bad.v = u256_from_u64(1 - ty.v.w[0]);
  CHECK(tx_recover_sender(&bad, EVM_LONDON, &got) == ETHC_ERR_TX_SIGNATURE);
  /* EIP-7702 authority rules */
  tx_authorization_t a = {0};
  a.chain_id = k_chain1;
  memset(a.address.bytes, 0x77, 20);
  a.nonce = 1;
  sign_auth(&a, key);
  ethc_address_t auth;
  CHECK(tx_authority_recover(&a, &auth) == 0 && ethc_address_eq(&auth, &addr));
  tx_authorization_t ab = a;
  ab.y_parity = 2;
  CHECK(tx_authority_recover(&ab, &auth) == ETHC_ERR_TX_SIGNATURE);
  ab = a;
  u256_sub(&ab.s, &n, &a.s);
  ab.y_parity ^= 1;
  CHECK(tx_authority_recover(&ab, &auth) == ETHC_ERR_TX_SIGNATURE);
  ab = a;
  ab.r = U256_ZERO;
  CHECK(tx_authority_recover(&ab, &auth) == ETHC_ERR_TX_SIGNATURE);
  ab = a;
  ab.nonce = 2;
  CHECK(tx_authority_recover(&ab, &auth) != 0 || !ethc_address_eq(&auth, &addr));
}

/* ---- intrinsic gas and validity rules ---- */
/* Each typed transaction before its fork has a class of its own. */
static void test_type_pre_fork(void) {
  static const struct {
    tx_type_t type;
    evm_revision_t before, from;
    tx_invalid_t cls;
  } cases[] = {
      {TX_ACCESS_LIST, EVM_ISTANBUL, EVM_BERLIN, TXE_TYPE_1_PRE_FORK},
      {TX_DYNAMIC_FEE, EVM_BERLIN, EVM_LONDON, TXE_TYPE_2_PRE_FORK},
      {TX_BLOB, EVM_SHANGHAI, EVM_CANCUN, TXE_TYPE_3_PRE_FORK},
      {TX_SET_CODE, EVM_CANCUN, EVM_PRAGUE, TXE_TYPE_4_PRE_FORK},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tx_t tx;
    fill_common(&tx, cases[i].type);
    CHECK(tx_rules_alone(&tx, cases[i].before) == cases[i].cls);
    CHECK(tx_rules_alone(&tx, cases[i].from) == TXE_NONE);
    CHECK(tx_type_pre_fork(cases[i].type) == cases[i].cls);
    CHECK(tx_invalid_code(cases[i].cls) == ETHC_ERR_TX_TYPE);
  }
}

static void test_gas_and_rules(void) {
  tx_t tx;
  memset(&tx, 0, sizeof tx);
  tx.type = TX_LEGACY;
  tx.has_to = true;
  CHECK(tx_intrinsic_gas(&tx, EVM_FRONTIER) == 21000);
  CHECK(tx_intrinsic_gas(&tx, EVM_OSAKA) == 21000);
  tx.has_to = false;
  CHECK(tx_intrinsic_gas(&tx, EVM_FRONTIER) == 21000); /* creation surcharge from Homestead */
  CHECK(tx_intrinsic_gas(&tx, EVM_HOMESTEAD) == 53000);
  uint8_t data[65];
  memset(data, 0, sizeof data);
  memset(data, 0xff, 10); /* 10 non-zero, 55 zero bytes, 3 words */
  tx.data = data;
  tx.data_len = sizeof data;
  CHECK(tx_intrinsic_gas(&tx, EVM_HOMESTEAD) == 53000 + 10 * 68 + 55 * 4);
  CHECK(tx_intrinsic_gas(&tx, EVM_ISTANBUL) == 53000 + 10 * 16 + 55 * 4);         /* EIP-2028 */
  CHECK(tx_intrinsic_gas(&tx, EVM_SHANGHAI) == 53000 + 10 * 16 + 55 * 4 + 3 * 2); /* EIP-3860 */
  tx.has_to = true;
  CHECK(tx_intrinsic_gas(&tx, EVM_SHANGHAI) == 21000 + 10 * 16 + 55 * 4);
  /* EIP-7623 floor: tokens = 55 + 4 * 10 = 95 */
  CHECK(tx_floor_data_gas(&tx, EVM_CANCUN) == 0);
  CHECK(tx_floor_data_gas(&tx, EVM_PRAGUE) == 21000 + 95 * 10);
  /* access list (Berlin) and authorizations (Prague) */
  tx_t al;
  fill_common(&al, TX_SET_CODE);
  al.data_len = 0;
  CHECK(tx_intrinsic_gas(&al, EVM_PRAGUE) == 21000 + 2 * 2400 + 3 * 1900 + 2 * 25000);
  CHECK(tx_blob_gas(&al) == 0);
  tx_t bl;
  fill_common(&bl, TX_BLOB);
  CHECK(tx_blob_gas(&bl) == 2 * 131072);
  CHECK(tx_max_blobs(EVM_SHANGHAI) == 0 && tx_max_blobs(EVM_CANCUN) == 6 && tx_max_blobs(EVM_PRAGUE) == 9 &&
        tx_max_blobs(EVM_OSAKA) == 6);

  /* type acceptance per fork */
  CHECK(tx_type_allowed(TX_LEGACY, EVM_FRONTIER));
  CHECK(!tx_type_allowed(TX_ACCESS_LIST, EVM_ISTANBUL) && tx_type_allowed(TX_ACCESS_LIST, EVM_BERLIN));
  CHECK(!tx_type_allowed(TX_DYNAMIC_FEE, EVM_BERLIN) && tx_type_allowed(TX_DYNAMIC_FEE, EVM_LONDON));
  CHECK(!tx_type_allowed(TX_BLOB, EVM_SHANGHAI) && tx_type_allowed(TX_BLOB, EVM_CANCUN));
  CHECK(!tx_type_allowed(TX_SET_CODE, EVM_CANCUN) && tx_type_allowed(TX_SET_CODE, EVM_PRAGUE));

  uint8_t key[32];
  ethc_address_t addr;
  key_of(0x22, key, &addr);
  tx_t t, x;
  /* EIP-2681 nonce cap */
  fill_common(&t, TX_DYNAMIC_FEE);
  t.nonce = UINT64_MAX - 1;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_LONDON, &k_chain1) == 0);
  t.nonce = UINT64_MAX;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_LONDON, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* priority fee above max fee (London) */
  fill_common(&t, TX_DYNAMIC_FEE);
  t.max_priority_fee_per_gas = u256_from_u64(2001);
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_LONDON, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* gas limit * fee overflow */
  fill_common(&t, TX_LEGACY);
  t.gas_price = t.max_fee_per_gas = t.max_priority_fee_per_gas = U256_MAX;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_LONDON, &k_chain1) == ETHC_ERR_OVERFLOW);
  t.gas_limit = 1;
  CHECK(tx_validate(&t, EVM_LONDON, &k_chain1) == ETHC_ERR_TX_INTRINSIC_GAS);
  /* intrinsic gas bound, then the Prague floor */
  fill_common(&t, TX_LEGACY);
  t.gas_limit = tx_intrinsic_gas(&t, EVM_CANCUN);
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == 0);
  x = t;
  x.gas_limit--;
  tx_sign(&x, key);
  CHECK(tx_validate(&x, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_INTRINSIC_GAS);
  CHECK(tx_floor_data_gas(&t, EVM_PRAGUE) > t.gas_limit);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == ETHC_ERR_TX_INTRINSIC_GAS);
  /* EIP-7825 gas cap in Osaka */
  fill_common(&t, TX_DYNAMIC_FEE);
  t.gas_limit = TX_MAX_GAS_LIMIT_OSAKA;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_OSAKA, &k_chain1) == 0);
  t.gas_limit++;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == 0);
  CHECK(tx_validate(&t, EVM_OSAKA, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* EIP-3860 init code size from Shanghai */
  static uint8_t big[TX_MAX_INITCODE_SIZE + 1];
  fill_common(&t, TX_DYNAMIC_FEE);
  t.has_to = false;
  t.data = big;
  t.data_len = TX_MAX_INITCODE_SIZE;
  t.gas_limit = 10000000;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_SHANGHAI, &k_chain1) == 0);
  t.data_len++;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_PARIS, &k_chain1) == 0);
  CHECK(tx_validate(&t, EVM_SHANGHAI, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* blobs: at least one, at most the fork's limit, version byte 0x01, no creation */
  static ethc_hash_t hashes[10];
  for (int i = 0; i < 10; i++) {
    memset(hashes[i].bytes, i, 32);
    hashes[i].bytes[0] = 0x01;
  }
  fill_common(&t, TX_BLOB);
  t.blob_hashes = hashes;
  t.blob_hashes_count = 6;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == 0);
  t.blob_hashes_count = 7;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_INVALID);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == 0);
  CHECK(tx_validate(&t, EVM_OSAKA, &k_chain1) == ETHC_ERR_TX_INVALID);
  t.blob_hashes_count = 10;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == ETHC_ERR_TX_INVALID);
  t.blob_hashes_count = 0;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_INVALID);
  t.blob_hashes_count = 1;
  hashes[0].bytes[0] = 0x02;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_INVALID);
  hashes[0].bytes[0] = 0x01;
  t.has_to = false;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* set code: non-empty list, no creation */
  fill_common(&t, TX_SET_CODE);
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == 0);
  CHECK(tx_validate(&t, EVM_CANCUN, &k_chain1) == ETHC_ERR_TX_TYPE);
  t.authorizations_count = 0;
  tx_sign(&t, key);
  CHECK(tx_validate(&t, EVM_PRAGUE, &k_chain1) == ETHC_ERR_TX_INVALID);
  /* a bad revision or NULLs */
  CHECK(tx_validate(&t, EVM_REVISION_COUNT, &k_chain1) == ETHC_ERR_INVALID);
  CHECK(tx_validate(NULL, EVM_PRAGUE, &k_chain1) == ETHC_ERR_INVALID);
}

/* ---- malformed encodings ---- */

/* Encodes `n` legacy-shaped fields where field `which` is replaced by raw bytes. */
static void put_legacy_with(bytes_buf_t *b, int which, const uint8_t *raw, size_t raw_len, int nfields) {
  size_t l = rlp_list_begin(b);
  uint8_t to[20];
  memset(to, 0xcc, 20);
  for (int i = 0; i < nfields; i++) {
    if (i == which) {
      rlp_put_raw(b, raw, raw_len);
      continue;
    }
    switch (i) {
      case 3: rlp_put_bytes(b, to, 20); break;
      case 5: rlp_put_bytes(b, (const uint8_t *)"\x01\x02", 2); break;
      case 6: rlp_put_u64(b, 27); break;
      case 7:
      case 8: rlp_put_u64(b, 0x1234); break;
      default: rlp_put_u64(b, 21000); break;
    }
  }
  rlp_list_end(b, l);
}

static int decode_legacy_with(int which, const char *raw_hex, int nfields) {
  uint8_t raw[64];
  size_t n = raw_hex ? unhex(raw_hex, raw, sizeof raw) : 0;
  bytes_buf_t b = {0};
  put_legacy_with(&b, which, raw, n, nfields);
  tx_t tx;
  int rc = tx_decode(b.data, b.len, &tx);
  if (!rc) tx_free(&tx);
  bytes_buf_free(&b);
  return rc;
}

static void test_malformed(void) {
  CHECK(decode_legacy_with(-1, NULL, 9) == 0);
  CHECK(decode_legacy_with(-1, NULL, 8) == ETHC_ERR_RLP_COUNT);                 /* too few fields */
  CHECK(decode_legacy_with(-1, NULL, 10) == ETHC_ERR_RLP_COUNT);                /* too many */
  CHECK(decode_legacy_with(0, "820001", 9) == ETHC_ERR_RLP_NONCANONICAL);       /* nonce with leading zero */
  CHECK(decode_legacy_with(0, "00", 9) == ETHC_ERR_RLP_NONCANONICAL);           /* integer 0 as 0x00 */
  CHECK(decode_legacy_with(0, "89010000000000000000", 9) == ETHC_ERR_OVERFLOW); /* nonce 2^64 */
  CHECK(decode_legacy_with(0, "88ffffffffffffffff", 9) == 0);                   /* nonce 2^64-1 decodes */
  CHECK(decode_legacy_with(2, "89010000000000000000", 9) == ETHC_ERR_OVERFLOW); /* gas 2^64 */
  CHECK(decode_legacy_with(1, "a1010000000000000000000000000000000000000000000000000000000000000000", 9) ==
        ETHC_ERR_OVERFLOW);                                   /* gas price 2^256 */
  CHECK(decode_legacy_with(4, "c0", 9) == ETHC_ERR_RLP_TYPE); /* value as list */
  CHECK(decode_legacy_with(5, "c0", 9) == ETHC_ERR_RLP_TYPE); /* data as list */
  CHECK(decode_legacy_with(3, "8100", 9) != 0);               /* non-canonical single byte */
  CHECK(decode_legacy_with(3, "93cccccccccccccccccccccccccccccccccccccc", 9) == ETHC_ERR_RLP_SIZE); /* 19-byte to */
  CHECK(decode_legacy_with(3, "95cccccccccccccccccccccccccccccccccccccccccc", 9) == ETHC_ERR_RLP_SIZE);
  CHECK(decode_legacy_with(3, "80", 9) == 0); /* creation */
  CHECK(decode_legacy_with(8, "a1010000000000000000000000000000000000000000000000000000000000000000", 9) ==
        ETHC_ERR_OVERFLOW); /* s over 256 bits */
  CHECK(decode_legacy_with(6, "c0", 9) == ETHC_ERR_RLP_TYPE);

  tx_t tx;
  uint8_t buf[8];
  CHECK(tx_decode(buf, 0, &tx) == ETHC_ERR_RLP_TRUNCATED);
  buf[0] = 0x80;
  CHECK(tx_decode(buf, 1, &tx) == ETHC_ERR_RLP_TYPE); /* a string, not a list */
  buf[0] = 0x05;
  buf[1] = 0xc0;
  CHECK(tx_decode(buf, 2, &tx) == ETHC_ERR_TX_TYPE); /* unknown type 5 */
  buf[0] = 0x00;
  CHECK(tx_decode(buf, 2, &tx) == ETHC_ERR_TX_TYPE); /* type 0 envelope */
  buf[0] = 0x7f;
  CHECK(tx_decode(buf, 2, &tx) == ETHC_ERR_TX_TYPE);
  buf[0] = 0x02;
  CHECK(tx_decode(buf, 1, &tx) == ETHC_ERR_RLP_TRUNCATED);
  CHECK(tx_decode(buf, 2, &tx) == ETHC_ERR_RLP_COUNT); /* empty field list */
  buf[1] = 0x80;
  CHECK(tx_decode(buf, 2, &tx) == ETHC_ERR_RLP_TYPE);
  CHECK(tx_decode(NULL, 2, &tx) == ETHC_ERR_INVALID);

  /* typed: empty `to` is a creation for 1/2 but invalid for 3/4; malformed lists */
  uint8_t key[32];
  ethc_address_t addr;
  key_of(0x33, key, &addr);
  for (int t = 1; t <= 4; t++) {
    tx_t s;
    fill_common(&s, (tx_type_t)t);
    s.has_to = false;
    bytes_buf_t b = {0};
    tx_encode(&s, &b);
    int rc = tx_decode(b.data, b.len, &tx);
    if (t <= 2) {
      CHECK(rc == 0 && !tx.has_to);
      tx_free(&tx);
    } else {
      CHECK_MSG(rc == ETHC_ERR_RLP_SIZE, "type %d creation decoded: %d", t, rc);
    }
    bytes_buf_free(&b);
  }
  /* access-list entry with 19-byte address / 31-byte key / 3 items / y parity 256 */
  {
    tx_t s;
    fill_common(&s, TX_SET_CODE);
    bytes_buf_t b = {0};
    tx_encode(&s, &b);
    CHECK(tx_decode(b.data, b.len, &tx) == 0);
    tx_free(&tx);
    /* find the first access-list address (0x01 * 20) and shrink it by patching the header */
    uint8_t pat[21];
    pat[0] = 0x94;
    memset(pat + 1, 0x01, 20);
    uint8_t *p = memmem(b.data, b.len, pat, 21);
    CHECK(p != NULL);
    if (p) {
      p[0] = 0x93; /* 19-byte string followed by a stray byte: shapes break */
      CHECK(tx_decode(b.data, b.len, &tx) != 0);
      p[0] = 0x94;
    }
    uint8_t kpat[33];
    kpat[0] = 0xa0;
    memset(kpat + 1, 0x10, 32);
    p = memmem(b.data, b.len, kpat, 33);
    CHECK(p != NULL);
    if (p) {
      p[0] = 0x9f;
      CHECK(tx_decode(b.data, b.len, &tx) != 0);
      p[0] = 0xa0;
    }
    bytes_buf_free(&b);
    /* authorization with y_parity 256 (out of uint8) */
    g_auths[0].y_parity = 0;
    bytes_buf_t c = {0};
    c.len = 0;
    bytes_buf_push(&c, 0x04);
    size_t l = rlp_list_begin(&c);
    rlp_put_u64(&c, 1);
    rlp_put_u64(&c, 0);
    rlp_put_u64(&c, 1);
    rlp_put_u64(&c, 1);
    rlp_put_u64(&c, 100000);
    rlp_put_bytes(&c, s.to.bytes, 20);
    rlp_put_u64(&c, 0);
    rlp_put_bytes(&c, NULL, 0);
    size_t al = rlp_list_begin(&c);
    rlp_list_end(&c, al);
    size_t auths = rlp_list_begin(&c);
    size_t a1 = rlp_list_begin(&c);
    rlp_put_u64(&c, 1);
    rlp_put_bytes(&c, s.to.bytes, 20);
    rlp_put_u64(&c, 0);
    rlp_put_u64(&c, 256);
    rlp_put_u64(&c, 5);
    rlp_put_u64(&c, 5);
    rlp_list_end(&c, a1);
    rlp_list_end(&c, auths);
    rlp_put_u64(&c, 0);
    rlp_put_u64(&c, 1);
    rlp_put_u64(&c, 1);
    rlp_list_end(&c, l);
    CHECK(tx_decode(c.data, c.len, &tx) == ETHC_ERR_OVERFLOW);
    bytes_buf_free(&c);
  }
}

/* ---- network form with blobs ---- */
static void test_network_form(void) {
  uint8_t key[32];
  ethc_address_t addr, got;
  key_of(0x44, key, &addr);
  static uint8_t blobs[2][TX_BLOB_SIZE];
  static uint8_t comms[2][48];
  static uint8_t proofs[2 * TX_CELLS_PER_EXT_BLOB][48];
  const uint8_t *blob_ptrs[2] = {blobs[0], blobs[1]};
  ethc_hash_t vh[2];
  for (int i = 0; i < 2; i++) {
    memset(blobs[i], 0x10 + i, 64);
    memset(comms[i], 0xc0 + i, 48);
    hash_sha256(comms[i], 48, vh[i].bytes);
    vh[i].bytes[0] = 0x01;
  }
  for (size_t i = 0; i < 2 * TX_CELLS_PER_EXT_BLOB; i++) memset(proofs[i], (int)i, 48);
  tx_t tx;
  fill_common(&tx, TX_BLOB);
  tx.blob_hashes = vh;
  tx.blob_hashes_count = 2;
  CHECK(tx_sign(&tx, key) == 0);
  bytes_buf_t canon = {0};
  tx_encode(&tx, &canon);
  ethc_hash_t h0;
  tx_hash(&tx, &h0);
  for (uint8_t version = 0; version <= 1; version++) {
    tx_sidecar_t sc = {0};
    sc.wrapper_version = version;
    sc.blobs_count = 2;
    sc.blobs = blob_ptrs;
    sc.commitments_count = 2;
    sc.commitments = (const uint8_t(*)[48])comms;
    sc.proofs_count = version ? 2 * TX_CELLS_PER_EXT_BLOB : 2;
    sc.proofs = (const uint8_t(*)[48])proofs;
    bytes_buf_t b = {0};
    CHECK(tx_encode_network(&tx, &sc, &b) == 0);
    tx_t d;
    tx_sidecar_t ds;
    CHECK_MSG(tx_decode_network(b.data, b.len, &d, &ds) == 0, "version %u", version);
    CHECK(same_tx(&tx, &d));
    CHECK(ds.wrapper_version == version && ds.blobs_count == 2 && ds.commitments_count == 2 &&
          ds.proofs_count == sc.proofs_count);
    if (ds.blobs_count == 2) {
      CHECK(memcmp(ds.blobs[1], blobs[1], TX_BLOB_SIZE) == 0);
      CHECK_MEM(ds.commitments[1], comms[1], 48);
      CHECK_MEM(ds.proofs[ds.proofs_count - 1], proofs[ds.proofs_count - 1], 48);
    }
    ethc_hash_t h1;
    CHECK(tx_hash(&d, &h1) == 0 && ethc_hash_eq(&h0, &h1)); /* the hash ignores the sidecar */
    CHECK(tx_check(&d, EVM_CANCUN, &k_chain1, &got) == 0 && ethc_address_eq(&got, &addr));
    bytes_buf_t re = {0};
    CHECK(tx_encode_network(&d, &ds, &re) == 0 && re.len == b.len && memcmp(re.data, b.data, b.len) == 0);
    bytes_buf_free(&re);
    tx_free(&d);
    tx_sidecar_free(&ds);
    /* the network form is not the canonical form, and needs a sidecar */
    CHECK(tx_decode(b.data, b.len, &d) != 0);
    CHECK(tx_decode_network(b.data, b.len, &d, NULL) == ETHC_ERR_TX_TYPE);
    bytes_buf_free(&b);

    /* count mismatches and a wrong commitment */
    sc.proofs_count = version ? 2 * TX_CELLS_PER_EXT_BLOB - 1 : 1;
    tx_encode_network(&tx, &sc, &b);
    CHECK(tx_decode_network(b.data, b.len, &d, &ds) == ETHC_ERR_TX_INVALID);
    bytes_buf_free(&b);
    sc.proofs_count = version ? 2 * TX_CELLS_PER_EXT_BLOB : 2;
    sc.blobs_count = 1;
    tx_encode_network(&tx, &sc, &b);
    CHECK(tx_decode_network(b.data, b.len, &d, &ds) == ETHC_ERR_TX_INVALID);
    bytes_buf_free(&b);
    sc.blobs_count = 2;
    comms[1][0] ^= 1;
    tx_encode_network(&tx, &sc, &b);
    CHECK(tx_decode_network(b.data, b.len, &d, &ds) == ETHC_ERR_TX_INVALID);
    comms[1][0] ^= 1;
    bytes_buf_free(&b);
    /* truncation of the wrapper */
    tx_encode_network(&tx, &sc, &b);
    CHECK(tx_decode_network(b.data, b.len - 1, &d, &ds) != 0);
    CHECK(tx_decode_network(b.data, 100, &d, &ds) != 0);
    bytes_buf_free(&b);
  }
  /* wrapper version 2 is unknown */
  {
    bytes_buf_t b = {0};
    bytes_buf_push(&b, 0x03);
    size_t l = rlp_list_begin(&b);
    rlp_put_raw(&b, canon.data + 1, canon.len - 1);
    rlp_put_u64(&b, 2);
    size_t x = rlp_list_begin(&b);
    rlp_list_end(&b, x);
    x = rlp_list_begin(&b);
    rlp_list_end(&b, x);
    x = rlp_list_begin(&b);
    rlp_list_end(&b, x);
    rlp_list_end(&b, l);
    tx_t d;
    tx_sidecar_t ds;
    CHECK(tx_decode_network(b.data, b.len, &d, &ds) == ETHC_ERR_TX_INVALID);
    bytes_buf_free(&b);
    /* the canonical 14-field form is not a pooled transaction */
    CHECK(tx_decode_network(canon.data, canon.len, &d, &ds) == ETHC_ERR_RLP_COUNT);
  }
  /* non-blob types pass through the network decoder unchanged */
  {
    tx_t t1, d;
    tx_sidecar_t ds;
    fill_common(&t1, TX_DYNAMIC_FEE);
    tx_sign(&t1, key);
    bytes_buf_t b = {0};
    CHECK(tx_encode_network(&t1, NULL, &b) == 0);
    CHECK(tx_decode_network(b.data, b.len, &d, &ds) == 0 && same_tx(&t1, &d) && ds.blobs_count == 0);
    tx_free(&d);
    bytes_buf_free(&b);
  }
  bytes_buf_free(&canon);
}

/* ---- EEST Prague/Osaka state-test transactions ---- */

static bool stateless_exception(const char *e) {
  static const char *const list[] = {"INTRINSIC_GAS_TOO_LOW",
                                     "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST",
                                     "GAS_LIMIT_EXCEEDS_MAXIMUM",
                                     "TYPE_3_TX_BLOB_COUNT_EXCEEDED",
                                     "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED",
                                     "TYPE_4_TX_CONTRACT_CREATION",
                                     "TYPE_4_EMPTY_AUTHORIZATION_LIST",
                                     "TYPE_4_TX_PRE_FORK",
                                     "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS",
                                     "TYPE_3_TX_ZERO_BLOBS",
                                     "TYPE_3_TX_CONTRACT_CREATION",
                                     "TYPE_3_TX_PRE_FORK",
                                     "TYPE_1_TX_PRE_FORK",
                                     "TYPE_2_TX_PRE_FORK",
                                     "NONCE_IS_MAX",
                                     "INITCODE_SIZE_EXCEEDED",
                                     "INVALID_CHAINID",
                                     "TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH"};
  for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
    if (strstr(e, list[i])) return true;
  return false;
}

static size_t g_eest_cases;

static void eest_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *text = malloc((size_t)n + 1);
  size_t got = fread(text, 1, (size_t)n, f);
  text[got] = 0;
  fclose(f);
  cJSON *root = cJSON_Parse(text);
  free(text);
  cJSON *test;
  cJSON_ArrayForEach(test, root) {
    const cJSON *txj = cJSON_GetObjectItem(test, "transaction");
    const cJSON *cfg = cJSON_GetObjectItem(test, "config");
    const cJSON *cid = cJSON_GetObjectItem(cfg, "chainid");
    u256_t chain_id = k_chain1;
    if (cJSON_IsString(cid)) u256_from_string(&chain_id, cid->valuestring);
    ethc_address_t want_sender;
    const cJSON *snd = cJSON_GetObjectItem(txj, "sender");
    bool have_sender = cJSON_IsString(snd) && hex_decode_fixed(snd->valuestring, false, want_sender.bytes, 20) == 0;
    const cJSON *fork;
    cJSON_ArrayForEach(fork, cJSON_GetObjectItem(test, "post")) {
      evm_revision_t rev;
      if (!evm_revision_from_name(fork->string, &rev)) continue;
      const cJSON *post;
      cJSON_ArrayForEach(post, fork) {
        const cJSON *tb = cJSON_GetObjectItem(post, "txbytes");
        if (!cJSON_IsString(tb)) continue;
        const cJSON *exj = cJSON_GetObjectItem(post, "expectException");
        const char *exc = cJSON_IsString(exj) ? exj->valuestring : NULL;
        uint8_t *raw;
        size_t len;
        if (hex_decode_alloc(tb->valuestring, false, &raw, &len) != 0) continue;
        g_eest_cases++;
        tx_t tx;
        ethc_address_t sender;
        int rc = tx_decode(raw, len, &tx);
        bool decoded = rc == 0;
        if (!rc) {
          bytes_buf_t b = {0};
          CHECK_MSG(tx_encode(&tx, &b) == 0 && b.len == len && memcmp(b.data, raw, len) == 0, "%s: re-encoding differs",
                    test->string);
          bytes_buf_free(&b);
          rc = tx_check(&tx, rev, &chain_id, &sender);
        }
        if (exc && stateless_exception(exc)) {
          CHECK_MSG(rc != 0, "%s %s: expected %s but accepted", test->string, fork->string, exc);
        } else {
          CHECK_MSG(rc == 0, "%s %s: rejected (%s)", test->string, fork->string, ethc_strerror(rc));
          if (!rc && have_sender) CHECK_MSG(ethc_address_eq(&sender, &want_sender), "%s: wrong sender", test->string);
          /* authorities whose signer is given must recover to it */
          const cJSON *auths = cJSON_GetObjectItem(txj, "authorizationList");
          if (!rc && cJSON_IsArray(auths) && (size_t)cJSON_GetArraySize(auths) == tx.authorizations_count) {
            for (size_t i = 0; i < tx.authorizations_count; i++) {
              const cJSON *sj = cJSON_GetObjectItem(cJSON_GetArrayItem(auths, (int)i), "signer");
              ethc_address_t want, a;
              if (!cJSON_IsString(sj) || hex_decode_fixed(sj->valuestring, false, want.bytes, 20)) continue;
              if (tx_authority_recover(&tx.authorizations[i], &a) == 0)
                CHECK_MSG(ethc_address_eq(&a, &want), "%s: authority %zu differs", test->string, i);
            }
          }
        }
        if (decoded) tx_free(&tx);
        free(raw);
      }
    }
  }
  cJSON_Delete(root);
}

static void eest_walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) eest_walk(p);
    else if (strstr(e->d_name, ".json")) eest_file(p);
  }
  closedir(d);
}

static void test_eest_vectors(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/eest/state_tests", check_shared_dir());
  if (!check_need(dir, "execution-spec-tests state tests")) return;
  eest_walk(dir);
  printf("EEST state-test transactions checked: %zu\n", g_eest_cases);
}

int main(void) {
  test_eip155_example();
  test_roundtrip_all_types();
  test_signature_rules();
  test_gas_and_rules();
  test_type_pre_fork();
  test_malformed();
  test_network_form();
  test_eest_vectors();
  return check_summary();
}
