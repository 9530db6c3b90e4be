/* JSON helpers of the vector runners (ethereum-tests formats): numbers, addresses,
 * words, world states from "pre"/"postState" objects and their comparison, and
 * block headers from the blockchain tests' JSON form (Yellow Paper 4.3 fields). */
#include "json_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/genesis_json.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "runner.h"

bool jstate_parse_u256(const char *s, u256_t *out) {
  if (!s) return false;
  if (strncmp(s, "0x:bigint ", 10) == 0) s += 10;
  return u256_from_string(out, s);
}

bool jstate_u256(const cJSON *obj, const char *key, u256_t *out) { return jstate_parse_u256(json_str(obj, key), out); }

bool jstate_u64(const cJSON *obj, const char *key, uint64_t *out) {
  u256_t v;
  if (!jstate_u256(obj, key, &v) || !u256_fits_u64(&v)) return false;
  *out = v.w[0];
  return true;
}

bool jstate_parse_addr(const char *s, ethc_address_t *out) {
  return s && hex_decode_fixed(s, true, out->bytes, 20) == 0;
}

bool jstate_parse_word(const char *s, ethc_hash_t *out) {
  u256_t v;
  if (!jstate_parse_u256(s, &v)) return false;
  u256_to_be(&v, out->bytes);
  return true;
}

bool jstate_parse_hash(const char *s, ethc_hash_t *out) { return s && hex_decode_fixed(s, true, out->bytes, 32) == 0; }

const char *jstate_load(state_t *st, const cJSON *obj) {
  /* The library's loader (that of genesis files, `ethc run --prestate` and `ethc
   * bench evm`), so that the runners test what the tools read. */
  static _Thread_local char err[160];
  int rc = genesis_alloc_from_json(obj, st, err, sizeof err);
  if (rc == ETHC_ERR_NOMEM) return "out of memory";
  return rc ? err : NULL;
}

/* ---- comparison ---- */

typedef struct {
  const cJSON *storage;
  const ethc_address_t *addr;
  char *msg;
  size_t len;
  bool differs;
} slot_ctx_t;

static int check_slot(void *ctx, const u256_t *key, const u256_t *value) {
  slot_ctx_t *c = ctx;
  const cJSON *e;
  cJSON_ArrayForEach(e, c->storage) {
    u256_t k;
    if (jstate_parse_u256(e->string, &k) && u256_eq(&k, key)) return 0; /* compared from the other side */
  }
  char a[43], kh[67], vh[67];
  hex_encode(c->addr->bytes, 20, a);
  u256_to_hex(key, kh);
  u256_to_hex(value, vh);
  snprintf(c->msg, c->len, "account %s: unexpected storage %s = %s", a, kh, vh);
  c->differs = true;
  return 1;
}

typedef struct {
  const cJSON *expected;
  char *msg;
  size_t len;
  bool differs;
} acc_ctx_t;

static int check_extra(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *bal, const uint8_t *code,
                       size_t code_size) {
  (void)nonce, (void)bal, (void)code, (void)code_size;
  acc_ctx_t *c = ctx;
  const cJSON *e;
  cJSON_ArrayForEach(e, c->expected) {
    ethc_address_t x;
    if (jstate_parse_addr(e->string, &x) && ethc_address_eq(&x, a)) return 0;
  }
  char h[43];
  hex_encode(a->bytes, 20, h);
  char bh[67];
  u256_to_hex(bal, bh);
  snprintf(c->msg, c->len, "unexpected account %s (nonce %llu, balance %s, %zu code bytes)", h,
           (unsigned long long)nonce, bh, code_size);
  c->differs = true;
  return 1;
}

const char *jstate_diff(state_t *st, const cJSON *obj, char *msg, size_t len) {
  const cJSON *acc;
  cJSON_ArrayForEach(acc, obj) {
    ethc_address_t a;
    char ah[43];
    if (!jstate_parse_addr(acc->string, &a)) {
      snprintf(msg, len, "bad address %s in the expected state", acc->string ? acc->string : "?");
      return msg;
    }
    hex_encode(a.bytes, 20, ah);
    if (!state_exists(st, &a)) {
      snprintf(msg, len, "account %s missing", ah);
      return msg;
    }
    u256_t want, got;
    uint64_t n;
    if (!jstate_u64(acc, "nonce", &n) || n != state_get_nonce(st, &a)) {
      snprintf(msg, len, "account %s: nonce %llu, expected %s", ah, (unsigned long long)state_get_nonce(st, &a),
               json_str(acc, "nonce") ? json_str(acc, "nonce") : "?");
      return msg;
    }
    state_get_balance(st, &a, &got);
    if (!jstate_u256(acc, "balance", &want) || !u256_eq(&want, &got)) {
      char gh[67];
      u256_to_hex(&got, gh);
      snprintf(msg, len, "account %s: balance %s, expected %s", ah, gh,
               json_str(acc, "balance") ? json_str(acc, "balance") : "?");
      return msg;
    }
    const char *code = json_str(acc, "code");
    uint8_t *c = NULL;
    size_t cn = 0;
    if (code && code[0] && strcmp(code, "0x") != 0 && hex_decode_alloc(code, true, &c, &cn) != 0) cn = SIZE_MAX;
    size_t have;
    const uint8_t *hc = state_get_code(st, &a, &have, NULL);
    bool same = cn == have && (have == 0 || memcmp(c, hc, have) == 0);
    free(c);
    if (!same) {
      snprintf(msg, len, "account %s: code differs (%zu bytes, expected %zu)", ah, have, cn);
      return msg;
    }
    const cJSON *storage = json_get(acc, "storage");
    const cJSON *slot;
    cJSON_ArrayForEach(slot, storage) {
      u256_t k, v, have_v;
      if (!jstate_parse_u256(slot->string, &k) ||
          !jstate_parse_u256(cJSON_IsString(slot) ? slot->valuestring : NULL, &v)) {
        snprintf(msg, len, "account %s: bad storage entry", ah);
        return msg;
      }
      state_get_storage(st, &a, &k, &have_v);
      if (!u256_eq(&v, &have_v)) {
        char kh[67], vh[67];
        u256_to_hex(&k, kh);
        u256_to_hex(&have_v, vh);
        snprintf(msg, len, "account %s: storage %s = %s, expected %s", ah, kh, vh, slot->valuestring);
        return msg;
      }
    }
    slot_ctx_t sc = {storage, &a, msg, len, false};
    state_foreach_slot(st, &a, check_slot, &sc);
    if (sc.differs) return msg;
  }
  acc_ctx_t ac = {obj, msg, len, false};
  state_foreach_account(st, check_extra, &ac);
  return ac.differs ? msg : NULL;
}

/* ---- headers ---- */

static bool field_hash(const cJSON *o, const char *k, ethc_hash_t *out) {
  return jstate_parse_hash(json_str(o, k), out);
}

static bool field_u64(const cJSON *o, const char *k, uint64_t *out) { return jstate_u64(o, k, out); }

const char *jstate_header(const cJSON *o, chain_header_t *h) {
  memset(h, 0, sizeof *h);
  if (!field_hash(o, "parentHash", &h->parent_hash)) return "parentHash";
  if (!field_hash(o, "uncleHash", &h->ommers_hash)) return "uncleHash";
  if (!jstate_parse_addr(json_str(o, "coinbase"), &h->coinbase)) return "coinbase";
  if (!field_hash(o, "stateRoot", &h->state_root)) return "stateRoot";
  if (!field_hash(o, "transactionsTrie", &h->tx_root)) return "transactionsTrie";
  if (!field_hash(o, "receiptTrie", &h->receipts_root)) return "receiptTrie";
  const char *s = json_str(o, "bloom");
  if (!s || hex_decode_fixed(s, true, h->bloom, 256) != 0) return "bloom";
  if (!jstate_u256(o, "difficulty", &h->difficulty)) return "difficulty";
  if (!field_u64(o, "number", &h->number)) return "number";
  if (!field_u64(o, "gasLimit", &h->gas_limit)) return "gasLimit";
  if (!field_u64(o, "gasUsed", &h->gas_used)) return "gasUsed";
  if (!field_u64(o, "timestamp", &h->timestamp)) return "timestamp";
  s = json_str(o, "extraData");
  if (!s || hex_decode(s, true, h->extra, sizeof h->extra, &h->extra_len) != 0) return "extraData";
  if (!field_hash(o, "mixHash", &h->mix_hash)) return "mixHash";
  s = json_str(o, "nonce");
  if (!s || hex_decode_fixed(s, true, h->nonce, 8) != 0) return "nonce";
  if (json_get(o, "baseFeePerGas")) {
    h->has_base_fee = true;
    if (!jstate_u256(o, "baseFeePerGas", &h->base_fee)) return "baseFeePerGas";
  }
  if (json_get(o, "withdrawalsRoot")) {
    h->has_withdrawals_root = true;
    if (!field_hash(o, "withdrawalsRoot", &h->withdrawals_root)) return "withdrawalsRoot";
  }
  if (json_get(o, "blobGasUsed")) {
    h->has_blob_gas = true;
    if (!field_u64(o, "blobGasUsed", &h->blob_gas_used)) return "blobGasUsed";
    if (!field_u64(o, "excessBlobGas", &h->excess_blob_gas)) return "excessBlobGas";
  }
  if (json_get(o, "parentBeaconBlockRoot")) {
    h->has_parent_beacon_root = true;
    if (!field_hash(o, "parentBeaconBlockRoot", &h->parent_beacon_root)) return "parentBeaconBlockRoot";
  }
  if (json_get(o, "requestsHash")) {
    h->has_requests_hash = true;
    if (!field_hash(o, "requestsHash", &h->requests_hash)) return "requestsHash";
  }
  return NULL;
}
