/* State proofs from an untrusted server (EIP-1186 eth_getProof): the account
 * at an address in the state trie, storage slots in the account's storage
 * trie, and code against the code hash (Yellow Paper 4.1, appendix D). The
 * Merkle walk itself is the trie layer's trie_verify_secure_proof. */
#include <stdlib.h>
#include <string.h>

#include "chain/verify_internal.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state.h"
#include "ethc/trie.h"

static void empty_account(verify_account_t *a) {
  memset(a, 0, sizeof *a);
  a->storage_root = STATE_EMPTY_ROOT;
  a->code_hash = STATE_EMPTY_CODE_HASH;
}

static int decode_account(const bytes_view_t *v, verify_account_t *a) {
  rlp_item_t list, f[4];
  if (rlp_decode_strict(v->data, v->len, &list) || rlp_list_items(&list, f, 4) || rlp_get_u64(&f[0], &a->nonce) ||
      rlp_get_u256(&f[1], &a->balance) || rlp_get_fixed(&f[2], a->storage_root.bytes, 32) ||
      rlp_get_fixed(&f[3], a->code_hash.bytes, 32))
    return ETHC_ERR_INVALID;
  return 0;
}

int verify_account_proof(const ethc_hash_t *state_root, const ethc_address_t *address, const bytes_view_t *nodes,
                         size_t count, verify_account_t *out, verify_err_t *err) {
  empty_account(out);
  bytes_view_t v;
  int rc = trie_verify_secure_proof(state_root->bytes, address->bytes, 20, nodes, count, &v);
  if (rc == ETHC_ERR_NOT_FOUND) return 0;
  if (rc) return verify_fail(err, ETHC_ERR_INVALID, "account proof: does not match the state root");
  if (decode_account(&v, out)) {
    empty_account(out);
    return verify_fail(err, ETHC_ERR_INVALID, "account proof: the proven account is not a valid account RLP");
  }
  out->exists = true;
  return 0;
}

int verify_storage_proof(const ethc_hash_t *storage_root, const uint8_t slot[32], const bytes_view_t *nodes,
                         size_t count, u256_t *value, verify_err_t *err) {
  *value = u256_from_u64(0);
  bytes_view_t v;
  int rc = trie_verify_secure_proof(storage_root->bytes, slot, 32, nodes, count, &v);
  if (rc == ETHC_ERR_NOT_FOUND) return 0;
  if (rc) return verify_fail(err, ETHC_ERR_INVALID, "storage proof: does not match the storage root");
  /* the trie holds RLP(value) with the value minimal and never zero */
  rlp_item_t item;
  if (rlp_decode_strict(v.data, v.len, &item) || rlp_get_u256(&item, value) || u256_is_zero(value)) {
    *value = u256_from_u64(0);
    return verify_fail(err, ETHC_ERR_INVALID, "storage proof: the proven value is not a valid storage RLP");
  }
  return 0;
}

int verify_code(const ethc_hash_t *code_hash, const uint8_t *code, size_t len, verify_err_t *err) {
  uint8_t h[32];
  keccak256(code, len, h);
  if (memcmp(h, code_hash->bytes, 32) != 0)
    return verify_fail(err, ETHC_ERR_INVALID, "code: keccak256 of the %zu code bytes is not the code hash", len);
  return 0;
}

void verify_proof_result_free(verify_proof_result_t *r) {
  free(r->slots);
  memset(r, 0, sizeof *r);
}

static const ethc_hash_t ZERO_HASH;

/* The JSON's claimed 32-byte field equals the proven one (or, for an absent
 * account, is zero). */
static int check_hash(const cJSON *res, const char *name, const ethc_hash_t *proven, bool absent, verify_err_t *err) {
  ethc_hash_t claimed;
  if (vj_fixed(vj_str(res, name), claimed.bytes, 32))
    return verify_fail(err, ETHC_ERR_JSON, "%s: missing or not 32 bytes of hex", name);
  if (memcmp(&claimed, proven, 32) == 0 || (absent && memcmp(&claimed, &ZERO_HASH, 32) == 0)) return 0;
  char want[67], got[67];
  hex_encode(proven->bytes, 32, want);
  hex_encode(claimed.bytes, 32, got);
  return verify_fail(err, ETHC_ERR_INVALID, "%s: the JSON claims %s, the proof shows %s", name, got, want);
}

static int check_quantity(const cJSON *res, const char *name, const u256_t *proven, verify_err_t *err) {
  u256_t claimed;
  if (vj_quantity(vj_str(res, name), &claimed))
    return verify_fail(err, ETHC_ERR_JSON, "%s: missing or not a hex quantity", name);
  if (u256_eq(&claimed, proven)) return 0;
  char want[67], got[67];
  u256_to_hex(proven, want);
  u256_to_hex(&claimed, got);
  return verify_fail(err, ETHC_ERR_INVALID, "%s: the JSON claims %s, the proof shows %s", name, got, want);
}

/* A storage key: 32 bytes of data, or (as geth accepts and answers) a shorter
 * hex string, left-padded with zeros. */
static int parse_slot(const char *s, uint8_t slot[32]) {
  uint8_t buf[32];
  size_t len = 0;
  memset(slot, 0, 32);
  if (!s || s[0] != '0' || s[1] != 'x') return ETHC_ERR_JSON;
  size_t digits = strlen(s + 2);
  if (digits == 0 || digits > 64) return ETHC_ERR_JSON;
  if (digits % 2 == 0) {
    if (hex_decode(s, true, buf, 32, &len)) return ETHC_ERR_JSON;
  } else { /* an odd count: a quantity-like key ("0x0") */
    char even[68] = "0x0";
    memcpy(even + 3, s + 2, digits + 1);
    if (hex_decode(even, true, buf, 32, &len)) return ETHC_ERR_JSON;
  }
  memcpy(slot + 32 - len, buf, len);
  return 0;
}

static int verify_one_slot(const ethc_hash_t *storage_root, const cJSON *sp, size_t i, verify_slot_t *out,
                           verify_err_t *err) {
  if (!cJSON_IsObject(sp)) return verify_fail(err, ETHC_ERR_JSON, "storageProof[%zu]: not an object", i);
  if (parse_slot(vj_str(sp, "key"), out->slot))
    return verify_fail(err, ETHC_ERR_JSON, "storageProof[%zu].key: missing or not hex of at most 32 bytes", i);
  u256_t claimed;
  if (vj_quantity(vj_str(sp, "value"), &claimed))
    return verify_fail(err, ETHC_ERR_JSON, "storageProof[%zu].value: missing or not a hex quantity", i);
  vj_list_t nodes;
  int rc = vj_bytes_list(cJSON_GetObjectItemCaseSensitive(sp, "proof"), &nodes);
  if (rc == ETHC_ERR_NOMEM) return verify_fail(err, rc, "out of memory");
  if (rc) return verify_fail(err, rc, "storageProof[%zu].proof: missing or not an array of hex", i);
  verify_err_t inner;
  rc = verify_storage_proof(storage_root, out->slot, nodes.items, nodes.count, &out->value, &inner);
  vj_list_free(&nodes);
  if (rc) return verify_fail(err, rc, "storageProof[%zu]: %s", i, inner.msg);
  if (!u256_eq(&claimed, &out->value)) {
    char want[67], got[67];
    u256_to_hex(&out->value, want);
    u256_to_hex(&claimed, got);
    return verify_fail(err, ETHC_ERR_INVALID, "storageProof[%zu].value: the JSON claims %s, the proof shows %s", i, got,
                       want);
  }
  return 0;
}

static int verify_account_json(const ethc_hash_t *state_root, const ethc_address_t *address, const cJSON *res,
                               verify_proof_result_t *out, verify_err_t *err) {
  if (vj_fixed(vj_str(res, "address"), out->address.bytes, 20))
    return verify_fail(err, ETHC_ERR_JSON, "address: missing or not 20 bytes of hex");
  if (address && !ethc_address_eq(address, &out->address))
    return verify_fail(err, ETHC_ERR_INVALID, "address: the JSON is for another address");
  vj_list_t nodes;
  int rc = vj_bytes_list(cJSON_GetObjectItemCaseSensitive(res, "accountProof"), &nodes);
  if (rc == ETHC_ERR_NOMEM) return verify_fail(err, rc, "out of memory");
  if (rc) return verify_fail(err, rc, "accountProof: missing or not an array of hex");
  rc = verify_account_proof(state_root, &out->address, nodes.items, nodes.count, &out->account, err);
  vj_list_free(&nodes);
  if (rc) return rc;
  const verify_account_t *a = &out->account;
  u256_t nonce = u256_from_u64(a->nonce);
  if ((rc = check_quantity(res, "nonce", &nonce, err)) || (rc = check_quantity(res, "balance", &a->balance, err)) ||
      (rc = check_hash(res, "storageHash", &a->storage_root, !a->exists, err)) ||
      (rc = check_hash(res, "codeHash", &a->code_hash, !a->exists, err)))
    return rc;
  return 0;
}

int verify_get_proof_json(const ethc_hash_t *state_root, const ethc_address_t *address, const struct cJSON *result,
                          verify_proof_result_t *out, verify_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!cJSON_IsObject(result)) return verify_fail(err, ETHC_ERR_JSON, "result: not an object");
  int rc = verify_account_json(state_root, address, result, out, err);
  const cJSON *sps = cJSON_GetObjectItemCaseSensitive(result, "storageProof");
  if (!rc && !cJSON_IsArray(sps)) rc = verify_fail(err, ETHC_ERR_JSON, "storageProof: missing or not an array");
  if (!rc) {
    out->slots = calloc((size_t)cJSON_GetArraySize(sps) + 1, sizeof *out->slots);
    if (!out->slots) rc = verify_fail(err, ETHC_ERR_NOMEM, "out of memory");
  }
  const cJSON *sp;
  if (!rc) cJSON_ArrayForEach(sp, sps) {
      rc = verify_one_slot(&out->account.storage_root, sp, out->slot_count, &out->slots[out->slot_count], err);
      if (rc) break;
      out->slot_count++;
    }
  if (rc) verify_proof_result_free(out);
  return rc;
}
