/* Block header codec (Yellow Paper 4.3 and appendix B; trailing fields per EIP-1559,
 * EIP-4895, EIP-4844, EIP-4788, EIP-7685) and the header and seal hashes. */
#include "ethc/header.h"

#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"

const ethc_hash_t HEADER_EMPTY_OMMERS_HASH = {{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                               0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                               0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};
const ethc_hash_t HEADER_EMPTY_TRIE_ROOT = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                             0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                             0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

#define BASE_FIELDS 15
#define MAX_FIELDS 21

int header_decode_item(const void *item_ptr, chain_header_t *h) {
  const rlp_item_t *list = item_ptr;
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  rlp_item_t f[MAX_FIELDS + 1];
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  int n = 0, rc;
  while ((rc = rlp_iter_next(&it, &f[n])) == 1)
    if (++n > MAX_FIELDS) return ETHC_ERR_RLP_COUNT;
  if (rc < 0) return -rc;
  if (n < BASE_FIELDS) return ETHC_ERR_RLP_COUNT;
  memset(h, 0, sizeof *h);
  bytes_view_t extra;
  int err;
  if ((err = rlp_get_fixed(&f[0], h->parent_hash.bytes, 32)) ||
      (err = rlp_get_fixed(&f[1], h->ommers_hash.bytes, 32)) || (err = rlp_get_fixed(&f[2], h->coinbase.bytes, 20)) ||
      (err = rlp_get_fixed(&f[3], h->state_root.bytes, 32)) || (err = rlp_get_fixed(&f[4], h->tx_root.bytes, 32)) ||
      (err = rlp_get_fixed(&f[5], h->receipts_root.bytes, 32)) || (err = rlp_get_fixed(&f[6], h->bloom, 256)) ||
      (err = rlp_get_u256(&f[7], &h->difficulty)) || (err = rlp_get_u64(&f[8], &h->number)) ||
      (err = rlp_get_u64(&f[9], &h->gas_limit)) || (err = rlp_get_u64(&f[10], &h->gas_used)) ||
      (err = rlp_get_u64(&f[11], &h->timestamp)) || (err = rlp_get_bytes(&f[12], &extra)) ||
      (err = rlp_get_fixed(&f[13], h->mix_hash.bytes, 32)) || (err = rlp_get_fixed(&f[14], h->nonce, 8)))
    return err;
  if (extra.len > HEADER_MAX_EXTRA) return ETHC_ERR_RLP_SIZE;
  memcpy(h->extra, extra.data, extra.len);
  h->extra_len = extra.len;
  if (n > 15) {
    if ((err = rlp_get_u256(&f[15], &h->base_fee))) return err;
    h->has_base_fee = true;
  }
  if (n > 16) {
    if ((err = rlp_get_fixed(&f[16], h->withdrawals_root.bytes, 32))) return err;
    h->has_withdrawals_root = true;
  }
  if (n == 18) return ETHC_ERR_RLP_COUNT; /* blob gas used without excess blob gas */
  if (n > 18) {
    if ((err = rlp_get_u64(&f[17], &h->blob_gas_used)) || (err = rlp_get_u64(&f[18], &h->excess_blob_gas))) return err;
    h->has_blob_gas = true;
  }
  if (n > 19) {
    if ((err = rlp_get_fixed(&f[19], h->parent_beacon_root.bytes, 32))) return err;
    h->has_parent_beacon_root = true;
  }
  if (n > 20) {
    if ((err = rlp_get_fixed(&f[20], h->requests_hash.bytes, 32))) return err;
    h->has_requests_hash = true;
  }
  return ETHC_OK;
}

int header_decode(const uint8_t *rlp, size_t len, chain_header_t *h) {
  rlp_item_t item;
  int err = rlp_decode(rlp, len, &item);
  return err ? err : header_decode_item(&item, h);
}

/* Encodes the fields; `sealed` = false leaves out mix hash and nonce. */
static int encode(const chain_header_t *h, bool sealed, bytes_buf_t *b) {
  size_t start = rlp_list_begin(b);
  int err = 0;
  err |= rlp_put_bytes(b, h->parent_hash.bytes, 32);
  err |= rlp_put_bytes(b, h->ommers_hash.bytes, 32);
  err |= rlp_put_bytes(b, h->coinbase.bytes, 20);
  err |= rlp_put_bytes(b, h->state_root.bytes, 32);
  err |= rlp_put_bytes(b, h->tx_root.bytes, 32);
  err |= rlp_put_bytes(b, h->receipts_root.bytes, 32);
  err |= rlp_put_bytes(b, h->bloom, 256);
  err |= rlp_put_u256(b, &h->difficulty);
  err |= rlp_put_u64(b, h->number);
  err |= rlp_put_u64(b, h->gas_limit);
  err |= rlp_put_u64(b, h->gas_used);
  err |= rlp_put_u64(b, h->timestamp);
  err |= rlp_put_bytes(b, h->extra, h->extra_len);
  if (sealed) {
    err |= rlp_put_bytes(b, h->mix_hash.bytes, 32);
    err |= rlp_put_bytes(b, h->nonce, 8);
  }
  if (h->has_base_fee) err |= rlp_put_u256(b, &h->base_fee);
  if (h->has_withdrawals_root) err |= rlp_put_bytes(b, h->withdrawals_root.bytes, 32);
  if (h->has_blob_gas) {
    err |= rlp_put_u64(b, h->blob_gas_used);
    err |= rlp_put_u64(b, h->excess_blob_gas);
  }
  if (h->has_parent_beacon_root) err |= rlp_put_bytes(b, h->parent_beacon_root.bytes, 32);
  if (h->has_requests_hash) err |= rlp_put_bytes(b, h->requests_hash.bytes, 32);
  if (err) return ETHC_ERR_NOMEM;
  return rlp_list_end(b, start);
}

int header_encode(const chain_header_t *h, bytes_buf_t *out) { return encode(h, true, out); }

static int hash_of(const chain_header_t *h, bool sealed, ethc_hash_t *out) {
  bytes_buf_t b = {0};
  int err = encode(h, sealed, &b);
  if (!err) keccak256(b.data, b.len, out->bytes);
  bytes_buf_free(&b);
  return err;
}

int header_hash(const chain_header_t *h, ethc_hash_t *out) { return hash_of(h, true, out); }
int header_seal_hash(const chain_header_t *h, ethc_hash_t *out) { return hash_of(h, false, out); }

uint64_t header_nonce_u64(const chain_header_t *h) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | h->nonce[i];
  return v;
}
