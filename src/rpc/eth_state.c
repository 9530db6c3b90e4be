/* The state reads of execution-apis (src/eth/state.yaml): eth_getBalance,
 * eth_getTransactionCount, eth_getCode, eth_getStorageAt, eth_getStorageValues
 * and eth_getProof (EIP-1186). Each reads one snapshot of the block its
 * parameter names (the request's head for the tags that mean it); a read that
 * fails is an error, never a made-up zero. */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/keccak.h"
#include "ethc/state.h"
#include "ethc/state_base.h"
#include "ethc/trie.h"
#include "rpc/rpc_internal.h"

#define PROOF_MAX_KEYS 1024
#define STORAGE_VALUES_MAX 1024

/* A storage key as geth takes it: hex of at most 32 bytes (odd length and short
 * keys accepted, left-padded). *was_full: it had all 32 bytes. */
static int parse_slot(rpc_call_t *c, int i, const cJSON *v, u256_t *out, bool *was_full) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: json: cannot unmarshal non-string into Go value", i);
  const char *s = v->valuestring;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  size_t n = strlen(s);
  if (n > 64)
    return rpc_fail(c, RPC_INVALID_PARAMS, "unable to decode storage key: hex string too long, want at most 32 bytes");
  char hex[67] = "0x";
  size_t pad = 64 - n;
  memset(hex + 2, '0', pad);
  memcpy(hex + 2 + pad, s, n + 1);
  uint8_t be[32];
  if (hex_decode(hex, true, be, 32, NULL))
    return rpc_fail(c, RPC_INVALID_PARAMS, "unable to decode storage key: invalid hex string");
  u256_from_be(out, be);
  if (was_full) *was_full = n == 64;
  return 0;
}

/* The overlay of the block named by parameter `i` (absent: latest). */
static state_t *open_state(rpc_call_t *c, const cJSON *params, int i) {
  rpc_block_ref_t ref;
  chain_snapshot_t *snap;
  if (rpc_parse_block_ref_opt(c, params, i, &ref) || rpc_snapshot(c, &ref, &snap)) return NULL;
  state_t *st = chain_snapshot_state(snap);
  chain_snapshot_release(snap); /* the overlay reads through the chain's state_db */
  if (!st) rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  return st;
}

/* Frees st; fails the call when one of its reads failed. */
static int close_state(rpc_call_t *c, state_t *st) {
  int rc = state_error(st);
  state_free(st);
  if (!rc) return 0;
  if (rc == ETHC_ERR_MISSING_NODE) return rpc_fail(c, RPC_SERVER_ERROR, "missing trie node (state not available)");
  return rpc_fail_chain(c, rc);
}

/* The account `a` at the block params[i] names, read straight from the
 * snapshot's base: one read needs no overlay state. As an overlay's load, the
 * account's code must be readable too. Returns 0 (an absent account as zero),
 * or fails the call as close_state does. */
static int read_account(rpc_call_t *c, const cJSON *params, int i, const ethc_address_t *a, state_account_t *out) {
  rpc_block_ref_t ref;
  chain_snapshot_t *snap;
  if (rpc_parse_block_ref_opt(c, params, i, &ref) || rpc_snapshot(c, &ref, &snap)) return -1;
  state_base_t base;
  chain_snapshot_base(snap, &base);
  int rc = base.get_account(base.ctx, &base.root, a, out);
  if (rc == ETHC_ERR_NOT_FOUND) {
    memset(out, 0, sizeof *out);
    rc = 0;
  } else if (!rc && !ethc_hash_eq(&out->code_hash, &STATE_EMPTY_CODE_HASH)) {
    bytes_buf_t code = {0};
    rc = base.get_code(base.ctx, &out->code_hash, &code);
    bytes_buf_free(&code);
  }
  chain_snapshot_release(snap);
  if (!rc) return 0;
  if (rc == ETHC_ERR_MISSING_NODE) return rpc_fail(c, RPC_SERVER_ERROR, "missing trie node (state not available)");
  return rpc_fail_chain(c, rc);
}

static int eth_getBalance(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &a)) return -1;
  state_account_t acc;
  if (read_account(c, params, 1, &a, &acc)) return -1;
  jw_qty256(c->w, &acc.balance);
  return 0;
}

static int eth_getTransactionCount(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &a)) return -1;
  state_account_t acc;
  if (read_account(c, params, 1, &a, &acc)) return -1;
  uint64_t nonce = acc.nonce;
  /* "pending": the pool's transactions that continue the account's nonce */
  const cJSON *tag = rpc_param(params, 1);
  if (cJSON_IsString(tag) && !strcmp(tag->valuestring, "pending") && c->srv->txpool.pending_nonce)
    nonce = c->srv->txpool.pending_nonce(c->srv->txpool.ctx, &a, nonce);
  jw_qty(c->w, nonce);
  return 0;
}

static int eth_getCode(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &a)) return -1;
  state_t *st = open_state(c, params, 1);
  if (!st) return -1;
  size_t n = 0;
  const uint8_t *code = state_get_code(st, &a, &n, NULL);
  if (state_error(st)) return close_state(c, st);
  jw_data(c->w, code, n); /* an EIP-7702 delegation is its designator, as stored */
  state_free(st);
  return 0;
}

static void write_word(jw_t *w, const u256_t *v) {
  uint8_t be[32];
  u256_to_be(v, be);
  jw_data(w, be, 32);
}

static int eth_getStorageAt(rpc_call_t *c, const cJSON *params) {
  const cJSON *v0, *v1;
  ethc_address_t a;
  u256_t key, val;
  if (rpc_need(c, params, 0, &v0) || rpc_parse_addr(c, 0, v0, &a)) return -1;
  if (rpc_need(c, params, 1, &v1) || parse_slot(c, 1, v1, &key, NULL)) return -1;
  state_t *st = open_state(c, params, 2);
  if (!st) return -1;
  state_get_storage(st, &a, &key, &val);
  if (close_state(c, st)) return -1;
  write_word(c->w, &val);
  return 0;
}

/* {address: [slot, ...], ...}: the values in the same shape. */
static int eth_getStorageValues(rpc_call_t *c, const cJSON *params) {
  const cJSON *req, *acct, *slot;
  if (rpc_need(c, params, 0, &req)) return -1;
  if (!cJSON_IsObject(req))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: json: cannot unmarshal non-object into Go value");
  size_t total = 0;
  cJSON_ArrayForEach(acct, req) {
    ethc_address_t a;
    cJSON key = {.type = cJSON_String, .valuestring = acct->string};
    if (rpc_parse_addr(c, 0, &key, &a)) return -1;
    if (!cJSON_IsArray(acct))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: json: cannot unmarshal non-array into Go value");
    total += (size_t)cJSON_GetArraySize(acct);
  }
  if (!req->child) return rpc_fail(c, RPC_INVALID_PARAMS, "empty request");
  if (total > STORAGE_VALUES_MAX) return rpc_fail(c, RPC_INVALID_PARAMS, "too many slots (max %d)", STORAGE_VALUES_MAX);
  state_t *st = open_state(c, params, 1);
  if (!st) return -1;
  jw_obj_begin(c->w);
  cJSON_ArrayForEach(acct, req) {
    ethc_address_t a;
    cJSON key = {.type = cJSON_String, .valuestring = acct->string};
    (void)rpc_parse_addr(c, 0, &key, &a);
    char name[43];
    hex_encode(a.bytes, 20, name);
    jw_key(c->w, name);
    jw_arr_begin(c->w);
    cJSON_ArrayForEach(slot, acct) {
      u256_t k, val;
      if (parse_slot(c, 0, slot, &k, NULL)) {
        state_free(st);
        return -1;
      }
      state_get_storage(st, &a, &k, &val);
      write_word(c->w, &val);
    }
    jw_arr_end(c->w);
  }
  jw_obj_end(c->w);
  return close_state(c, st);
}

static void write_proof(jw_t *w, const trie_proof_t *p) {
  jw_arr_begin(w);
  for (size_t i = 0; i < p->count; i++) jw_data(w, p->nodes[i].data, p->nodes[i].len);
  jw_arr_end(w);
}

static int proof_fail(rpc_call_t *c, int rc) {
  if (rc == ETHC_ERR_MISSING_NODE) return rpc_fail(c, RPC_SERVER_ERROR, "missing trie node (state not available)");
  return rpc_fail_chain(c, rc);
}

/* EIP-1186: the account's proof in the state trie and each slot's in its storage trie. */
static int eth_getProof(rpc_call_t *c, const cJSON *params) {
  const cJSON *v0, *v1, *k;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v0) || rpc_parse_addr(c, 0, v0, &a)) return -1;
  if (rpc_need(c, params, 1, &v1)) return -1;
  if (!cJSON_IsArray(v1))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument 1: json: cannot unmarshal non-array into Go value of type []string");
  if (cJSON_GetArraySize(v1) > PROOF_MAX_KEYS)
    return rpc_fail(c, RPC_INVALID_PARAMS, "too many storage keys (max %d)", PROOF_MAX_KEYS);
  cJSON_ArrayForEach(k, v1) {
    u256_t key;
    if (parse_slot(c, 1, k, &key, NULL)) return -1;
  }
  rpc_block_ref_t ref;
  chain_snapshot_t *snap;
  if (rpc_parse_block_ref_opt(c, params, 2, &ref) || rpc_snapshot(c, &ref, &snap)) return -1;
  state_base_t base;
  chain_snapshot_base(snap, &base);
  chain_snapshot_release(snap); /* the base stays valid until chain_close */
  state_account_t acc;
  int rc = base.get_account(base.ctx, &base.root, &a, &acc);
  if (rc == ETHC_ERR_NOT_FOUND) {
    memset(&acc, 0, sizeof acc);
    acc.storage_root = HEADER_EMPTY_TRIE_ROOT;
    keccak256(NULL, 0, acc.code_hash.bytes);
  } else if (rc) {
    return proof_fail(c, rc);
  }
  trie_proof_t proof = {0};
  rc = trie_prove_from_store(base.root.bytes, &base.nodes, true, a.bytes, 20, &proof);
  if (rc) return trie_proof_free(&proof), proof_fail(c, rc);
  jw_obj_begin(c->w);
  jw_kaddr(c->w, "address", &a);
  jw_key(c->w, "accountProof");
  write_proof(c->w, &proof);
  jw_kqty256(c->w, "balance", &acc.balance);
  jw_khash(c->w, "codeHash", &acc.code_hash);
  jw_kqty(c->w, "nonce", acc.nonce);
  jw_khash(c->w, "storageHash", &acc.storage_root);
  jw_key(c->w, "storageProof");
  jw_arr_begin(c->w);
  cJSON_ArrayForEach(k, v1) {
    u256_t key, val;
    bool full;
    uint8_t be[32];
    (void)parse_slot(c, 1, k, &key, &full);
    u256_to_be(&key, be);
    rc = base.get_storage(base.ctx, &a, &acc.storage_root, &key, &val);
    if (!rc) rc = trie_prove_from_store(acc.storage_root.bytes, &base.nodes, true, be, 32, &proof);
    if (rc) return trie_proof_free(&proof), proof_fail(c, rc);
    jw_obj_begin(c->w);
    /* the key as given: a full 32-byte key as such, a shorter one as a quantity (geth) */
    if (full) jw_kdata(c->w, "key", be, 32);
    else jw_kqty256(c->w, "key", &key);
    jw_kqty256(c->w, "value", &val);
    jw_key(c->w, "proof");
    write_proof(c->w, &proof);
    jw_obj_end(c->w);
  }
  jw_arr_end(c->w);
  jw_obj_end(c->w);
  trie_proof_free(&proof);
  return 0;
}

const rpc_method_t rpc_methods_state[] = {
    {"eth_getBalance", RPC_NS_ETH, eth_getBalance, 2},
    {"eth_getCode", RPC_NS_ETH, eth_getCode, 2},
    {"eth_getStorageAt", RPC_NS_ETH, eth_getStorageAt, 3},
    {"eth_getStorageValues", RPC_NS_ETH, eth_getStorageValues, 2},
    {"eth_getTransactionCount", RPC_NS_ETH, eth_getTransactionCount, 2},
    {"eth_getProof", RPC_NS_ETH, eth_getProof, 3},
    {0},
};
