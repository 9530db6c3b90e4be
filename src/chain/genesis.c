/* genesis.json (geth's format): config, alloc and header fields -> chain config,
 * state and the genesis header (Yellow Paper 4.3.4 genesis; defaults of EIP-1559
 * initial base fee, EIP-4895/4844/4788/7685 empty values at a fork active at 0). */
#include "chain/genesis_json.h"
#include "ethc/genesis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"

#define INITIAL_BASE_FEE 1000000000ULL /* EIP-1559 */

static int fail(char *err, size_t errlen, const char *field) {
  snprintf(err, errlen, "%s", field);
  return ETHC_ERR_JSON;
}

static bool get_u256(const cJSON *obj, const char *key, u256_t *out, bool *present) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (present) *present = v && !cJSON_IsNull(v);
  if (!v || cJSON_IsNull(v)) return true;
  if (cJSON_IsNumber(v)) {
    if (v->valuedouble < 0 || v->valuedouble > 9007199254740992.0) return false;
    *out = u256_from_u64((uint64_t)v->valuedouble);
    return true;
  }
  return cJSON_IsString(v) && u256_from_string(out, v->valuestring);
}

static bool get_u64(const cJSON *obj, const char *key, uint64_t *out, bool *present) {
  u256_t v = u256_from_u64(*out);
  if (!get_u256(obj, key, &v, present) || !u256_fits_u64(&v)) return false;
  *out = v.w[0];
  return true;
}

static bool get_fixed(const cJSON *obj, const char *key, uint8_t *out, size_t n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v || cJSON_IsNull(v)) return true;
  return cJSON_IsString(v) && hex_decode_fixed(v->valuestring, false, out, n) == 0;
}

/* A 32-byte storage key or value: hex of up to 32 bytes, left-padded. */
static bool parse_word(const char *s, u256_t *out) {
  uint8_t buf[32];
  size_t len;
  if (hex_decode(s, false, buf, sizeof buf, &len) == 0) return u256_from_be_bytes(out, buf, len);
  return u256_from_string(out, s); /* odd-length hex like "0x1" */
}

static int load_alloc(const cJSON *alloc, state_t *st, char *err, size_t errlen) {
  const cJSON *acct;
  cJSON_ArrayForEach(acct, alloc) {
    ethc_address_t a;
    char field[160];
    snprintf(field, sizeof field, "alloc.%.60s", acct->string);
    if (hex_decode_fixed(acct->string, false, a.bytes, 20) || !cJSON_IsObject(acct)) return fail(err, errlen, field);
    u256_t balance = U256_ZERO;
    uint64_t nonce = 0;
    size_t base = strlen(field);
    snprintf(field + base, sizeof field - base, ".balance");
    if (!get_u256(acct, "balance", &balance, NULL)) return fail(err, errlen, field);
    snprintf(field + base, sizeof field - base, ".nonce");
    if (!get_u64(acct, "nonce", &nonce, NULL)) return fail(err, errlen, field);
    if (state_set_balance(st, &a, &balance) || state_set_nonce(st, &a, nonce)) return ETHC_ERR_NOMEM;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(acct, "code");
    if (code && !cJSON_IsNull(code)) {
      uint8_t *bytes;
      size_t len;
      snprintf(field + base, sizeof field - base, ".code");
      if (!cJSON_IsString(code) || hex_decode_alloc(code->valuestring, false, &bytes, &len))
        return fail(err, errlen, field);
      int rc = state_set_code(st, &a, bytes, len);
      free(bytes);
      if (rc) return rc;
    }
    const cJSON *storage = cJSON_GetObjectItemCaseSensitive(acct, "storage"), *slot;
    cJSON_ArrayForEach(slot, storage) {
      u256_t k, v;
      snprintf(field + base, sizeof field - base, ".storage.%.66s", slot->string);
      if (!parse_word(slot->string, &k) || !cJSON_IsString(slot) || !parse_word(slot->valuestring, &v))
        return fail(err, errlen, field);
      if (!u256_is_zero(&v) && state_set_storage(st, &a, &k, &v, NULL, NULL)) return ETHC_ERR_NOMEM;
    }
  }
  return ETHC_OK;
}

int genesis_alloc_from_json(const cJSON *alloc, state_t *st, char *err, size_t errlen) {
  if (!cJSON_IsObject(alloc)) return fail(err, errlen, "alloc: expected an object");
  int rc = load_alloc(alloc, st, err, errlen);
  if (rc) return rc;
  state_commit(st, false);
  return ETHC_OK;
}

int genesis_from_json(const cJSON *doc, chain_config_t *config, state_t *st, chain_header_t *h, char *err,
                      size_t errlen) {
  if (!cJSON_IsObject(doc)) return fail(err, errlen, "genesis: expected an object");
  int rc = chain_config_from_json(cJSON_GetObjectItemCaseSensitive(doc, "config"), config, err, errlen);
  if (rc) return rc;
  memset(h, 0, sizeof *h);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->tx_root = HEADER_EMPTY_TRIE_ROOT;
  h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  bool has;
  if (!get_u64(doc, "number", &h->number, NULL)) return fail(err, errlen, "number");
  if (!get_u64(doc, "timestamp", &h->timestamp, NULL)) return fail(err, errlen, "timestamp");
  if (!get_u64(doc, "gasLimit", &h->gas_limit, NULL)) return fail(err, errlen, "gasLimit");
  if (!get_u64(doc, "gasUsed", &h->gas_used, NULL)) return fail(err, errlen, "gasUsed");
  if (!get_u256(doc, "difficulty", &h->difficulty, NULL)) return fail(err, errlen, "difficulty");
  if (!get_fixed(doc, "parentHash", h->parent_hash.bytes, 32)) return fail(err, errlen, "parentHash");
  if (!get_fixed(doc, "mixHash", h->mix_hash.bytes, 32)) return fail(err, errlen, "mixHash");
  if (!get_fixed(doc, "coinbase", h->coinbase.bytes, 20)) return fail(err, errlen, "coinbase");
  uint64_t nonce = 0;
  if (!get_u64(doc, "nonce", &nonce, NULL)) return fail(err, errlen, "nonce");
  for (int i = 0; i < 8; i++) h->nonce[i] = (uint8_t)(nonce >> (56 - 8 * i));
  const cJSON *extra = cJSON_GetObjectItemCaseSensitive(doc, "extraData");
  if (extra && !cJSON_IsNull(extra) &&
      (!cJSON_IsString(extra) || hex_decode(extra->valuestring, false, h->extra, sizeof h->extra, &h->extra_len)))
    return fail(err, errlen, "extraData");

  uint64_t n = h->number, t = h->timestamp;
  if (chain_fork_active(config, FORK_LONDON, n, t)) {
    h->has_base_fee = true;
    h->base_fee = u256_from_u64(INITIAL_BASE_FEE);
    if (!get_u256(doc, "baseFeePerGas", &h->base_fee, NULL)) return fail(err, errlen, "baseFeePerGas");
  }
  if (chain_fork_active(config, FORK_SHANGHAI, n, t)) {
    h->has_withdrawals_root = true;
    h->withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
  }
  if (chain_fork_active(config, FORK_CANCUN, n, t)) {
    h->has_blob_gas = h->has_parent_beacon_root = true;
    if (!get_u64(doc, "blobGasUsed", &h->blob_gas_used, &has)) return fail(err, errlen, "blobGasUsed");
    if (!get_u64(doc, "excessBlobGas", &h->excess_blob_gas, &has)) return fail(err, errlen, "excessBlobGas");
  }
  if (chain_fork_active(config, FORK_PRAGUE, n, t)) {
    /* EIP-7685: sha256 of no requests */
    static const uint8_t empty_requests[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                               0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                               0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    h->has_requests_hash = true;
    memcpy(h->requests_hash.bytes, empty_requests, 32);
  }
  const cJSON *alloc = cJSON_GetObjectItemCaseSensitive(doc, "alloc");
  if (alloc && !cJSON_IsObject(alloc)) return fail(err, errlen, "alloc");
  if ((rc = load_alloc(alloc, st, err, errlen))) return rc;
  state_commit(st, false);
  return state_root(st, &h->state_root);
}

/* Line and column (both from 1; the column counts bytes) of offset `at` in `text`. */
static void position(const char *text, size_t at, unsigned long *line, unsigned long *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < at; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

int genesis_from_text(const char *text, size_t len, const char *name, chain_config_t *config, state_t *st,
                      chain_header_t *h, char *err, size_t errlen) {
  const char *end = NULL;
  cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
  if (!doc) {
    size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
    /* cJSON points at the last byte when the text ends early: say so instead */
    size_t rest = at;
    while (rest < len && (text[rest] == ' ' || text[rest] == '\t' || text[rest] == '\n' || text[rest] == '\r')) rest++;
    bool early_end = rest >= len;
    if (early_end) at = len;
    unsigned long line, col;
    position(text, at, &line, &col);
    snprintf(err, errlen, "%s:%lu:%lu: malformed JSON%s", name, line, col,
             len == 0    ? " (the file is empty)"
             : early_end ? " (unexpected end of file)"
                         : "");
    return ETHC_ERR_JSON;
  }
  char why[200] = "";
  int rc = genesis_from_json(doc, config, st, h, why, sizeof why);
  cJSON_Delete(doc);
  if (rc) snprintf(err, errlen, "%s: %s", name, why[0] ? why : "invalid genesis");
  return rc;
}

int genesis_load_file(const char *path, chain_config_t *config, state_t *st, chain_header_t *h, char *err,
                      size_t errlen) {
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    snprintf(err, errlen, "cannot read %s", path);
    return ETHC_ERR_IO;
  }
  int rc = genesis_from_text(text, len, path, config, st, h, err, errlen);
  free(text);
  return rc;
}
