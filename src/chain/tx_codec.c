/* Transaction codecs: the canonical RLP / EIP-2718 envelope forms of legacy
 * (EIP-155), EIP-2930, EIP-1559, EIP-4844 and EIP-7702 transactions, the EIP-4844
 * network form (blob wrapper, version 0 and the EIP-7594 cell-proof version 1),
 * and the transaction and signing hashes (execution-specs prague/transactions.py). */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/tx.h"

/* Number of RLP fields of each type's signed form. */
static const unsigned k_field_count[5] = {9, 11, 12, 14, 13};

static const uint8_t k_empty[1] = {0};

/* ---- decoding helpers ---- */

/* The next item of a list that must have one: ETHC_ERR_RLP_COUNT if absent. */
static int next_item(rlp_iter_t *it, rlp_item_t *item) {
  int rc = rlp_iter_next(it, item);
  if (rc == 1) return ETHC_OK;
  return rc == 0 ? ETHC_ERR_RLP_COUNT : -rc;
}

/* Splits a list into exactly n items. */
static int split_list(const rlp_item_t *list, rlp_item_t *items, size_t n) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  for (size_t i = 0; i < n; i++) {
    int rc = next_item(&it, &items[i]);
    if (rc) return rc;
  }
  rlp_item_t extra;
  int rc = rlp_iter_next(&it, &extra);
  if (rc < 0) return -rc;
  return rc == 0 ? ETHC_OK : ETHC_ERR_RLP_COUNT;
}

static int count_list(const rlp_item_t *list, size_t *n) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  int c = rlp_list_count(list);
  if (c < 0) return -c;
  *n = (size_t)c;
  return ETHC_OK;
}

static int get_to(const rlp_item_t *it, tx_t *tx, bool required) {
  if (it->is_list) return ETHC_ERR_RLP_TYPE;
  if (it->payload_len == 0) {
    if (required) return ETHC_ERR_RLP_SIZE;
    tx->has_to = false;
    memset(tx->to.bytes, 0, 20);
    return ETHC_OK;
  }
  tx->has_to = true;
  return rlp_get_fixed(it, tx->to.bytes, 20);
}

/* What the first pass learns about the variable-size fields. */
typedef struct {
  rlp_item_t data, access_list, blob_hashes, auths;
  bool has_access_list, has_blob_hashes, has_auths;
  size_t n_access, n_keys, n_blobs, n_auths;
} tx_lists_t;

/* Checks the shape of an access list and counts its entries and storage keys. */
static int scan_access_list(tx_lists_t *l) {
  int rc = count_list(&l->access_list, &l->n_access);
  if (rc) return rc;
  rlp_iter_t it;
  rlp_item_t entry, pair[2];
  rlp_iter_init(&it, &l->access_list);
  for (size_t i = 0; i < l->n_access; i++) {
    if ((rc = next_item(&it, &entry))) return rc;
    if ((rc = split_list(&entry, pair, 2))) return rc;
    size_t k;
    if ((rc = count_list(&pair[1], &k))) return rc;
    l->n_keys += k;
  }
  return ETHC_OK;
}

static int fill_access_list(const tx_lists_t *l, tx_access_entry_t *entries, ethc_hash_t *keys) {
  rlp_iter_t it, kit;
  rlp_item_t entry, pair[2], key;
  int rc;
  rlp_iter_init(&it, &l->access_list);
  for (size_t i = 0; i < l->n_access; i++) {
    if ((rc = next_item(&it, &entry))) return rc;
    if ((rc = split_list(&entry, pair, 2))) return rc;
    if ((rc = rlp_get_fixed(&pair[0], entries[i].address.bytes, 20))) return rc;
    entries[i].storage_keys = keys;
    entries[i].storage_keys_count = 0;
    rlp_iter_init(&kit, &pair[1]);
    int r;
    while ((r = rlp_iter_next(&kit, &key)) == 1) {
      if ((rc = rlp_get_fixed(&key, keys->bytes, 32))) return rc;
      keys++;
      entries[i].storage_keys_count++;
    }
    if (r < 0) return -r;
  }
  return ETHC_OK;
}

static int fill_blob_hashes(const tx_lists_t *l, ethc_hash_t *hashes) {
  rlp_iter_t it;
  rlp_item_t h;
  int rc;
  rlp_iter_init(&it, &l->blob_hashes);
  for (size_t i = 0; i < l->n_blobs; i++) {
    if ((rc = next_item(&it, &h))) return rc;
    if ((rc = rlp_get_fixed(&h, hashes[i].bytes, 32))) return rc;
  }
  return ETHC_OK;
}

static int fill_auths(const tx_lists_t *l, tx_authorization_t *auths) {
  rlp_iter_t it;
  rlp_item_t a, f[6];
  int rc;
  rlp_iter_init(&it, &l->auths);
  for (size_t i = 0; i < l->n_auths; i++) {
    tx_authorization_t *x = &auths[i];
    uint64_t yp;
    if ((rc = next_item(&it, &a))) return rc;
    if ((rc = split_list(&a, f, 6))) return rc;
    if ((rc = rlp_get_u256(&f[0], &x->chain_id))) return rc;
    if ((rc = rlp_get_fixed(&f[1], x->address.bytes, 20))) return rc;
    if ((rc = rlp_get_u64(&f[2], &x->nonce))) return rc;
    if ((rc = rlp_get_u64(&f[3], &yp))) return rc;
    if (yp > 255) return ETHC_ERR_OVERFLOW;
    x->y_parity = (uint8_t)yp;
    if ((rc = rlp_get_u256(&f[4], &x->r))) return rc;
    if ((rc = rlp_get_u256(&f[5], &x->s))) return rc;
  }
  return ETHC_OK;
}

/* Legacy v: 27/28, or EIP-155 chain_id * 2 + 35/36 (chain id then derived). */
static void legacy_chain_id(tx_t *tx) {
  tx->has_chain_id = false;
  tx->chain_id = U256_ZERO;
  u256_t v = tx->v;
  if (u256_fits_u64(&v) && v.w[0] < 35) return;
  /* (v - 35) / 2 */
  u256_t c = v, k35 = u256_from_u64(35);
  u256_sub(&c, &c, &k35);
  for (int i = 0; i < 4; i++) c.w[i] = (c.w[i] >> 1) | (i < 3 ? c.w[i + 1] << 63 : 0);
  tx->has_chain_id = true;
  tx->chain_id = c;
}

/* Decodes the fields of `list` as a transaction of `type` (first pass: scalars and
 * shapes; second pass: one allocation for every array and the data). */

/* The next `size` bytes of `mem` from *off (NULL when mem is: no arithmetic on a
 * null pointer). */
static void *carve(uint8_t *mem, size_t *off, size_t size) {
  void *p = mem ? mem + *off : NULL;
  *off += size;
  return p;
}

static int decode_fields(tx_type_t type, const rlp_item_t *list, tx_t *tx) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  memset(tx, 0, sizeof *tx);
  tx->type = type;
  rlp_item_t f[14];
  unsigned n = k_field_count[type];
  int rc = split_list(list, f, n);
  if (rc) return rc;

  tx_lists_t l;
  memset(&l, 0, sizeof l);
  unsigned i = 0;
  if (type != TX_LEGACY) {
    if ((rc = rlp_get_u256(&f[i++], &tx->chain_id))) return rc;
    tx->has_chain_id = true;
  }
  if ((rc = rlp_get_u64(&f[i++], &tx->nonce))) return rc;
  if (type == TX_LEGACY || type == TX_ACCESS_LIST) {
    if ((rc = rlp_get_u256(&f[i++], &tx->gas_price))) return rc;
    tx->max_fee_per_gas = tx->max_priority_fee_per_gas = tx->gas_price;
  } else {
    if ((rc = rlp_get_u256(&f[i++], &tx->max_priority_fee_per_gas))) return rc;
    if ((rc = rlp_get_u256(&f[i++], &tx->max_fee_per_gas))) return rc;
    tx->gas_price = tx->max_fee_per_gas;
  }
  if ((rc = rlp_get_u64(&f[i++], &tx->gas_limit))) return rc;
  if ((rc = get_to(&f[i++], tx, type == TX_BLOB || type == TX_SET_CODE))) return rc;
  if ((rc = rlp_get_u256(&f[i++], &tx->value))) return rc;
  l.data = f[i++];
  if (l.data.is_list) return ETHC_ERR_RLP_TYPE;
  if (type != TX_LEGACY) {
    l.access_list = f[i++];
    l.has_access_list = true;
    if ((rc = scan_access_list(&l))) return rc;
  }
  if (type == TX_BLOB) {
    if ((rc = rlp_get_u256(&f[i++], &tx->max_fee_per_blob_gas))) return rc;
    l.blob_hashes = f[i++];
    l.has_blob_hashes = true;
    if ((rc = count_list(&l.blob_hashes, &l.n_blobs))) return rc;
  }
  if (type == TX_SET_CODE) {
    l.auths = f[i++];
    l.has_auths = true;
    if ((rc = count_list(&l.auths, &l.n_auths))) return rc;
  }
  if ((rc = rlp_get_u256(&f[i++], &tx->v))) return rc;
  if ((rc = rlp_get_u256(&f[i++], &tx->r))) return rc;
  if ((rc = rlp_get_u256(&f[i++], &tx->s))) return rc;
  if (type == TX_LEGACY) legacy_chain_id(tx);

  /* Second pass: every count is bounded by the input length, so no overflow. */
  size_t sz_entries = l.n_access * sizeof(tx_access_entry_t);
  size_t sz_auths = l.n_auths * sizeof(tx_authorization_t);
  size_t sz_keys = l.n_keys * sizeof(ethc_hash_t);
  size_t sz_blobs = l.n_blobs * sizeof(ethc_hash_t);
  size_t total = sz_entries + sz_auths + sz_keys + sz_blobs + l.data.payload_len;
  uint8_t *mem = NULL;
  if (total) {
    mem = malloc(total);
    if (!mem) return ETHC_ERR_NOMEM;
  }
  /* carved from the one block (all NULL when the transaction needs none) */
  size_t off = 0;
  tx_access_entry_t *entries = carve(mem, &off, sz_entries);
  tx_authorization_t *auths = carve(mem, &off, sz_auths);
  ethc_hash_t *keys = carve(mem, &off, sz_keys);
  ethc_hash_t *blobs = carve(mem, &off, sz_blobs);
  uint8_t *p = carve(mem, &off, 0);
  if (l.data.payload_len) {
    memcpy(p, l.data.payload, l.data.payload_len);
    tx->data = p;
  } else {
    tx->data = k_empty;
  }
  tx->data_len = l.data.payload_len;
  rc = ETHC_OK;
  if (l.has_access_list && (rc = fill_access_list(&l, entries, keys))) goto fail;
  if (l.has_blob_hashes && (rc = fill_blob_hashes(&l, blobs))) goto fail;
  if (l.has_auths && (rc = fill_auths(&l, auths))) goto fail;
  tx->access_list = l.n_access ? entries : NULL;
  tx->access_list_count = l.n_access;
  tx->blob_hashes = l.n_blobs ? blobs : NULL;
  tx->blob_hashes_count = l.n_blobs;
  tx->authorizations = l.n_auths ? auths : NULL;
  tx->authorizations_count = l.n_auths;
  tx->owned = mem;
  return ETHC_OK;
fail:
  free(mem);
  memset(tx, 0, sizeof *tx);
  return rc;
}

static int decode_typed(const uint8_t *data, size_t len, tx_t *tx) {
  uint8_t type = data[0];
  if (type < TX_ACCESS_LIST || type > TX_SET_CODE) return ETHC_ERR_TX_TYPE;
  rlp_item_t list;
  int rc = rlp_decode(data + 1, len - 1, &list);
  if (rc) return rc;
  return decode_fields((tx_type_t)type, &list, tx);
}

int tx_decode(const uint8_t *data, size_t len, tx_t *tx) {
  if (!data || !tx) return ETHC_ERR_INVALID;
  memset(tx, 0, sizeof *tx);
  if (len == 0) return ETHC_ERR_RLP_TRUNCATED;
  if (data[0] >= 0xc0) {
    rlp_item_t list;
    int rc = rlp_decode(data, len, &list);
    if (rc) return rc;
    return decode_fields(TX_LEGACY, &list, tx);
  }
  if (data[0] >= 0x80) return ETHC_ERR_RLP_TYPE; /* an RLP string is no transaction */
  return decode_typed(data, len, tx);
}

int tx_decode_item(const uint8_t *item, size_t len, tx_t *tx) {
  if (!item || !tx) return ETHC_ERR_INVALID;
  memset(tx, 0, sizeof *tx);
  rlp_item_t it;
  int rc = rlp_decode(item, len, &it);
  if (rc) return rc;
  if (it.is_list) return decode_fields(TX_LEGACY, &it, tx);
  /* A typed transaction wrapped in an RLP string. */
  if (it.payload_len == 0) return ETHC_ERR_RLP_TRUNCATED;
  if (it.payload[0] >= 0x80) return ETHC_ERR_TX_TYPE;
  return decode_typed(it.payload, it.payload_len, tx);
}

void tx_free(tx_t *tx) {
  if (!tx) return;
  free(tx->owned);
  tx->owned = NULL;
}

void tx_sidecar_free(tx_sidecar_t *sc) {
  if (!sc) return;
  free(sc->owned);
  memset(sc, 0, sizeof *sc);
}

/* ---- network form ---- */

/* Fills the sidecar from the wrapper's blobs, commitments and proofs lists. */
static int decode_sidecar(const rlp_item_t *blobs, const rlp_item_t *comms, const rlp_item_t *proofs, uint8_t version,
                          const tx_t *tx, tx_sidecar_t *sc) {
  size_t nb, nc, np;
  int rc;
  if ((rc = count_list(blobs, &nb)) || (rc = count_list(comms, &nc)) || (rc = count_list(proofs, &np))) return rc;
  /* The counts must agree with each other and with the versioned hashes. */
  if (nb != tx->blob_hashes_count || nc != nb) return ETHC_ERR_TX_INVALID;
  if (version == 0 ? np != nb : np != nb * TX_CELLS_PER_EXT_BLOB) return ETHC_ERR_TX_INVALID;
  size_t sz_ptrs = nb * sizeof(uint8_t *);
  size_t total = sz_ptrs + (nc + np) * 48;
  uint8_t *mem = malloc(total ? total : 1);
  if (!mem) return ETHC_ERR_NOMEM;
  const uint8_t **ptrs = (const uint8_t **)mem;
  uint8_t(*c)[48] = (uint8_t(*)[48])(mem + sz_ptrs);
  uint8_t(*pr)[48] = c + nc;
  rlp_iter_t it;
  rlp_item_t x;
  rlp_iter_init(&it, blobs);
  for (size_t i = 0; i < nb; i++) {
    if ((rc = next_item(&it, &x))) goto fail;
    if (x.is_list) {
      rc = ETHC_ERR_RLP_TYPE;
      goto fail;
    }
    if (x.payload_len != TX_BLOB_SIZE) {
      rc = ETHC_ERR_RLP_SIZE;
      goto fail;
    }
    ptrs[i] = x.payload;
  }
  rlp_iter_init(&it, comms);
  for (size_t i = 0; i < nc; i++) {
    if ((rc = next_item(&it, &x)) || (rc = rlp_get_fixed(&x, c[i], 48))) goto fail;
    /* versioned hash = 0x01 || sha256(commitment)[1..32] */
    uint8_t h[32];
    if ((rc = hash_sha256(c[i], 48, h))) goto fail;
    h[0] = TX_BLOB_COMMITMENT_VERSION_KZG;
    if (memcmp(h, tx->blob_hashes[i].bytes, 32) != 0) {
      rc = ETHC_ERR_TX_INVALID;
      goto fail;
    }
  }
  rlp_iter_init(&it, proofs);
  for (size_t i = 0; i < np; i++)
    if ((rc = next_item(&it, &x)) || (rc = rlp_get_fixed(&x, pr[i], 48))) goto fail;
  sc->wrapper_version = version;
  sc->blobs_count = nb;
  sc->blobs = (const uint8_t *const *)ptrs;
  sc->commitments_count = nc;
  sc->commitments = (const uint8_t(*)[48])c;
  sc->proofs_count = np;
  sc->proofs = (const uint8_t(*)[48])pr;
  sc->owned = mem;
  return ETHC_OK;
fail:
  free(mem);
  return rc;
}

int tx_decode_network(const uint8_t *data, size_t len, tx_t *tx, tx_sidecar_t *sidecar) {
  if (!data || !tx) return ETHC_ERR_INVALID;
  memset(tx, 0, sizeof *tx);
  if (sidecar) memset(sidecar, 0, sizeof *sidecar);
  if (len == 0) return ETHC_ERR_RLP_TRUNCATED;
  if (data[0] != TX_BLOB) return tx_decode(data, len, tx);
  if (!sidecar) return ETHC_ERR_TX_TYPE;
  rlp_item_t outer, f[5];
  int rc = rlp_decode(data + 1, len - 1, &outer);
  if (rc) return rc;
  if (!outer.is_list) return ETHC_ERR_RLP_TYPE;
  int n = rlp_list_count(&outer);
  if (n < 0) return -n;
  if (n != 4 && n != 5) return ETHC_ERR_RLP_COUNT; /* the canonical 14-field form is not pooled */
  if ((rc = split_list(&outer, f, (size_t)n))) return rc;
  uint8_t version = 0;
  unsigned k = 1;
  if (n == 5) {
    uint64_t v;
    if ((rc = rlp_get_u64(&f[1], &v))) return rc;
    if (v != 1) return ETHC_ERR_TX_INVALID; /* only EIP-7594 version 1 has a version field */
    version = 1;
    k = 2;
  }
  if ((rc = decode_fields(TX_BLOB, &f[0], tx))) return rc;
  if ((rc = decode_sidecar(&f[k], &f[k + 1], &f[k + 2], version, tx, sidecar))) {
    tx_free(tx);
    memset(tx, 0, sizeof *tx);
    return rc;
  }
  return ETHC_OK;
}

/* ---- encoding ---- */

static int put_to(bytes_buf_t *b, const tx_t *tx) {
  return tx->has_to ? rlp_put_bytes(b, tx->to.bytes, 20) : rlp_put_bytes(b, NULL, 0);
}

static int put_access_list(bytes_buf_t *b, const tx_t *tx) {
  size_t l = rlp_list_begin(b);
  int rc = ETHC_OK;
  for (size_t i = 0; i < tx->access_list_count && !rc; i++) {
    const tx_access_entry_t *e = &tx->access_list[i];
    size_t el = rlp_list_begin(b);
    rc = rlp_put_bytes(b, e->address.bytes, 20);
    size_t kl = rlp_list_begin(b);
    for (size_t k = 0; k < e->storage_keys_count && !rc; k++) rc = rlp_put_bytes(b, e->storage_keys[k].bytes, 32);
    if (!rc) rc = rlp_list_end(b, kl);
    if (!rc) rc = rlp_list_end(b, el);
  }
  return rc ? rc : rlp_list_end(b, l);
}

static int put_auths(bytes_buf_t *b, const tx_t *tx) {
  size_t l = rlp_list_begin(b);
  int rc = ETHC_OK;
  for (size_t i = 0; i < tx->authorizations_count && !rc; i++) {
    const tx_authorization_t *a = &tx->authorizations[i];
    size_t al = rlp_list_begin(b);
    if (!rc) rc = rlp_put_u256(b, &a->chain_id);
    if (!rc) rc = rlp_put_bytes(b, a->address.bytes, 20);
    if (!rc) rc = rlp_put_u64(b, a->nonce);
    if (!rc) rc = rlp_put_u64(b, a->y_parity);
    if (!rc) rc = rlp_put_u256(b, &a->r);
    if (!rc) rc = rlp_put_u256(b, &a->s);
    if (!rc) rc = rlp_list_end(b, al);
  }
  return rc ? rc : rlp_list_end(b, l);
}

/* Appends the RLP list of tx's fields: with the signature (`sign` false), or the
 * signing form (no signature; legacy EIP-155 adds chain_id, 0, 0). */
static int put_fields(bytes_buf_t *b, const tx_t *tx, bool signing) {
  if ((unsigned)tx->type > TX_SET_CODE) return ETHC_ERR_TX_TYPE;
  size_t l = rlp_list_begin(b);
  int rc = ETHC_OK;
  tx_type_t t = tx->type;
  if (t != TX_LEGACY) rc = rlp_put_u256(b, &tx->chain_id);
  if (!rc) rc = rlp_put_u64(b, tx->nonce);
  if (t == TX_LEGACY || t == TX_ACCESS_LIST) {
    if (!rc) rc = rlp_put_u256(b, &tx->gas_price);
  } else {
    if (!rc) rc = rlp_put_u256(b, &tx->max_priority_fee_per_gas);
    if (!rc) rc = rlp_put_u256(b, &tx->max_fee_per_gas);
  }
  if (!rc) rc = rlp_put_u64(b, tx->gas_limit);
  if (!rc) rc = put_to(b, tx);
  if (!rc) rc = rlp_put_u256(b, &tx->value);
  if (!rc) rc = rlp_put_bytes(b, tx->data_len ? tx->data : NULL, tx->data_len);
  if (t != TX_LEGACY && !rc) rc = put_access_list(b, tx);
  if (t == TX_BLOB) {
    if (!rc) rc = rlp_put_u256(b, &tx->max_fee_per_blob_gas);
    size_t hl = rlp_list_begin(b);
    for (size_t i = 0; i < tx->blob_hashes_count && !rc; i++) rc = rlp_put_bytes(b, tx->blob_hashes[i].bytes, 32);
    if (!rc) rc = rlp_list_end(b, hl);
  }
  if (t == TX_SET_CODE && !rc) rc = put_auths(b, tx);
  if (!signing) {
    if (!rc) rc = rlp_put_u256(b, &tx->v);
    if (!rc) rc = rlp_put_u256(b, &tx->r);
    if (!rc) rc = rlp_put_u256(b, &tx->s);
  } else if (t == TX_LEGACY && tx->has_chain_id) {
    if (!rc) rc = rlp_put_u256(b, &tx->chain_id);
    if (!rc) rc = rlp_put_u64(b, 0);
    if (!rc) rc = rlp_put_u64(b, 0);
  }
  return rc ? rc : rlp_list_end(b, l);
}

static int encode_form(const tx_t *tx, bytes_buf_t *out, bool signing) {
  if (!tx || !out) return ETHC_ERR_INVALID;
  if ((unsigned)tx->type > TX_SET_CODE) return ETHC_ERR_TX_TYPE;
  if (tx->type != TX_LEGACY) {
    int rc = bytes_buf_push(out, (uint8_t)tx->type);
    if (rc) return rc;
  }
  return put_fields(out, tx, signing);
}

int tx_encode(const tx_t *tx, bytes_buf_t *out) { return encode_form(tx, out, false); }

int tx_encode_network(const tx_t *tx, const tx_sidecar_t *sc, bytes_buf_t *out) {
  if (!tx || !out) return ETHC_ERR_INVALID;
  if (tx->type != TX_BLOB || !sc) return tx_encode(tx, out);
  if (sc->wrapper_version > 1) return ETHC_ERR_INVALID;
  int rc = bytes_buf_push(out, TX_BLOB);
  if (rc) return rc;
  size_t l = rlp_list_begin(out);
  rc = put_fields(out, tx, false);
  if (!rc && sc->wrapper_version == 1) rc = rlp_put_u64(out, 1);
  size_t bl = rlp_list_begin(out);
  for (size_t i = 0; i < sc->blobs_count && !rc; i++) rc = rlp_put_bytes(out, sc->blobs[i], TX_BLOB_SIZE);
  if (!rc) rc = rlp_list_end(out, bl);
  size_t cl = rlp_list_begin(out);
  for (size_t i = 0; i < sc->commitments_count && !rc; i++) rc = rlp_put_bytes(out, sc->commitments[i], 48);
  if (!rc) rc = rlp_list_end(out, cl);
  size_t pl = rlp_list_begin(out);
  for (size_t i = 0; i < sc->proofs_count && !rc; i++) rc = rlp_put_bytes(out, sc->proofs[i], 48);
  if (!rc) rc = rlp_list_end(out, pl);
  return rc ? rc : rlp_list_end(out, l);
}

static int hash_form(const tx_t *tx, ethc_hash_t *out, bool signing) {
  if (!out) return ETHC_ERR_INVALID;
  bytes_buf_t b = {0};
  int rc = encode_form(tx, &b, signing);
  if (!rc) keccak256(b.data, b.len, out->bytes);
  bytes_buf_free(&b);
  return rc;
}

int tx_hash(const tx_t *tx, ethc_hash_t *out) { return hash_form(tx, out, false); }

int tx_signing_hash(const tx_t *tx, ethc_hash_t *out) { return hash_form(tx, out, true); }
