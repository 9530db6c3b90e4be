/* The conformance run's test chain: see ethtest_chain.h. */
#include "ethtest_chain.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state.h"
#include "ethc/trie.h"
#include "ethc/u256.h"

static const uint8_t EMPTY_CODE[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                       0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                       0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static int load_genesis(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/genesis.json", dir);
  state_t *st = state_new();
  chain_header_t h;
  int rc = st ? genesis_load_file(path, &c->config, st, &h, err, errlen) : -1;
  state_free(st);
  if (rc) return -1;
  c->header[0] = h;
  if (header_encode(&h, &c->genesis_rlp) || header_hash(&h, &c->hash[0])) return -1;
  c->header_rlp[0] = bytes_view(c->genesis_rlp.data, c->genesis_rlp.len);
  return 0;
}

static int load_blocks(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/chain.rlp", dir);
  size_t len;
  c->raw = bytes_read_file(path, &len);
  if (!c->raw) return snprintf(err, errlen, "cannot read %s", path), -1;
  size_t count = 0;
  for (size_t off = 0, n; off < len; off += n) {
    rlp_item_t it;
    if (rlp_decode_item(c->raw + off, len - off, &it, &n)) return snprintf(err, errlen, "bad chain.rlp"), -1;
    count++;
  }
  c->n = count + 1;
  c->hash = calloc(c->n, sizeof *c->hash);
  c->header = calloc(c->n, sizeof *c->header);
  c->header_rlp = calloc(c->n, sizeof *c->header_rlp);
  c->tx_count = calloc(c->n, sizeof *c->tx_count);
  if (!c->hash || !c->header || !c->header_rlp || !c->tx_count) return -1;
  size_t i = 1;
  for (size_t off = 0, n; off < len; off += n, i++) {
    rlp_item_t blk, hdr, txs;
    rlp_iter_t itr;
    rlp_decode_item(c->raw + off, len - off, &blk, &n);
    rlp_iter_init(&itr, &blk);
    if (rlp_iter_next(&itr, &hdr) != 1 || rlp_iter_next(&itr, &txs) != 1 ||
        header_decode(hdr.raw, hdr.raw_len, &c->header[i]) || header_hash(&c->header[i], &c->hash[i]) ||
        c->header[i].number != i)
      return snprintf(err, errlen, "bad block %zu in chain.rlp", i), -1;
    c->header_rlp[i] = bytes_view(hdr.raw, hdr.raw_len);
    c->tx_count[i] = (size_t)rlp_list_count(&txs);
  }
  return 0;
}

static int hexfield(const cJSON *o, const char *name, uint8_t *out, size_t n) {
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(f) && !hex_decode_fixed(f->valuestring, false, out, n) ? 0 : -1;
}

static int numfield(const cJSON *o, const char *name, u256_t *out) {
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
  char buf[32];
  if (cJSON_IsNumber(f)) snprintf(buf, sizeof buf, "%.0f", f->valuedouble);
  const char *s = cJSON_IsString(f) ? f->valuestring : cJSON_IsNumber(f) ? buf : NULL;
  return s && u256_from_string(out, s) ? 0 : -1;
}

static int cmp_acc(const void *a, const void *b) {
  return memcmp(((const et_account_t *)a)->key.bytes, ((const et_account_t *)b)->key.bytes, 32);
}

static int load_state(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/headstate.json", dir);
  size_t len;
  uint8_t *text = bytes_read_file(path, &len);
  if (!text) return snprintf(err, errlen, "cannot read %s", path), -1;
  cJSON *j = cJSON_ParseWithLength((const char *)text, len);
  free(text);
  const cJSON *accs = cJSON_GetObjectItemCaseSensitive(j, "accounts");
  if (!accs || hexfield(j, "root", c->head_root.bytes, 32)) {
    cJSON_Delete(j);
    return snprintf(err, errlen, "bad headstate.json"), -1;
  }
  c->acc = calloc((size_t)cJSON_GetArraySize(accs) + 1, sizeof *c->acc);
  const cJSON *a;
  int rc = c->acc ? 0 : -1;
  cJSON_ArrayForEach(a, accs) {
    if (rc) break;
    et_account_t *e = &c->acc[c->n_acc++];
    u256_t nonce, bal;
    rc = hexfield(a, "key", e->key.bytes, 32) || hexfield(a, "address", e->address, 20) ||
         hexfield(a, "codeHash", e->code_hash.bytes, 32) || hexfield(a, "root", e->storage_root.bytes, 32) ||
         numfield(a, "nonce", &nonce) || numfield(a, "balance", &bal);
    if (rc) break;
    e->has_code = memcmp(e->code_hash.bytes, EMPTY_CODE, 32) != 0;
    e->has_storage = memcmp(e->storage_root.bytes, TRIE_EMPTY_ROOT, 32) != 0;
    size_t l = rlp_list_begin(&e->full);
    rlp_put_u256(&e->full, &nonce), rlp_put_u256(&e->full, &bal);
    rlp_put_bytes(&e->full, e->storage_root.bytes, 32), rlp_put_bytes(&e->full, e->code_hash.bytes, 32);
    rlp_list_end(&e->full, l);
    l = rlp_list_begin(&e->slim);
    rlp_put_u256(&e->slim, &nonce), rlp_put_u256(&e->slim, &bal);
    rlp_put_bytes(&e->slim, e->storage_root.bytes, e->has_storage ? 32 : 0);
    rlp_put_bytes(&e->slim, e->code_hash.bytes, e->has_code ? 32 : 0);
    rlp_list_end(&e->slim, l);
  }
  cJSON_Delete(j);
  if (rc) return snprintf(err, errlen, "bad account in headstate.json"), -1;
  qsort(c->acc, c->n_acc, sizeof *c->acc, cmp_acc);
  return 0;
}

static int cmp_sender(const void *a, const void *b) {
  return memcmp(((const et_sender_t *)a)->address, ((const et_sender_t *)b)->address, 20);
}

/* accounts.json: {address: {key}}; nonces and balances from the head state. */
static int load_senders(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/accounts.json", dir);
  size_t len;
  uint8_t *text = bytes_read_file(path, &len);
  if (!text) return snprintf(err, errlen, "cannot read %s", path), -1;
  cJSON *j = cJSON_ParseWithLength((const char *)text, len);
  free(text);
  c->senders = calloc((size_t)cJSON_GetArraySize(j) + 1, sizeof *c->senders);
  const cJSON *a;
  int rc = c->senders && cJSON_IsObject(j) ? 0 : -1;
  cJSON_ArrayForEach(a, j) {
    if (rc) break;
    et_sender_t *s = &c->senders[c->n_senders++];
    if (hex_decode_fixed(a->string, true, s->address, 20) || hexfield(a, "key", s->key, 32)) rc = -1;
    const et_account_t *acc = rc ? NULL : et_chain_account(c, s->address);
    if (!acc) {
      rc = -1;
      break;
    }
    rlp_item_t l, f;
    rlp_iter_t it;
    uint64_t nonce = 0;
    if (rlp_decode(acc->full.data, acc->full.len, &l)) rc = -1;
    rlp_iter_init(&it, &l);
    if (rc || rlp_iter_next(&it, &f) != 1 || rlp_get_u64(&f, &nonce) || rlp_iter_next(&it, &f) != 1 ||
        rlp_get_u256(&f, &s->balance))
      rc = -1;
    s->nonce = nonce;
  }
  cJSON_Delete(j);
  if (rc) return snprintf(err, errlen, "bad accounts.json"), -1;
  qsort(c->senders, c->n_senders, sizeof *c->senders, cmp_sender);
  return 0;
}

/* txinfo.json's "tx-largereceipt" (a block number), as go-ethereum's
 * txInfo.LargeReceiptBlock; an absent file or key leaves it unset. */
static int load_txinfo(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/txinfo.json", dir);
  size_t len;
  uint8_t *text = bytes_read_file(path, &len);
  if (!text) return 0;
  cJSON *j = cJSON_ParseWithLength((const char *)text, len);
  free(text);
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "tx-largereceipt");
  int rc = j ? 0 : -1;
  if (cJSON_IsNumber(b) && b->valuedouble >= 0 && b->valuedouble < (double)c->n) {
    c->has_large_receipt_block = true;
    c->large_receipt_block = (uint64_t)b->valuedouble;
  } else if (b && !cJSON_IsNull(b)) {
    rc = -1;
  }
  cJSON_Delete(j);
  return rc ? snprintf(err, errlen, "bad txinfo.json"), -1 : 0;
}

int et_chain_load(et_chain_t *c, const char *dir, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  if (load_blocks(c, dir, err, errlen) || load_genesis(c, dir, err, errlen) || load_state(c, dir, err, errlen) ||
      load_senders(c, dir, err, errlen) || load_txinfo(c, dir, err, errlen))
    return -1;
  if (memcmp(c->hash[0].bytes, c->header[1].parent_hash.bytes, 32))
    return snprintf(err, errlen, "genesis.json does not match chain.rlp"), -1;
  forkid_schedule(&c->config, &c->hash[0], c->header[0].timestamp, &c->forks);
  return 0;
}

forkid_t et_chain_forkid(const et_chain_t *c) {
  const chain_header_t *h = &c->header[c->n - 1];
  return forkid_at(&c->forks, h->number, h->timestamp);
}

const et_account_t *et_chain_account(const et_chain_t *c, const uint8_t addr[20]) {
  for (size_t i = 0; i < c->n_acc; i++)
    if (!memcmp(c->acc[i].address, addr, 20)) return &c->acc[i];
  return NULL;
}

void et_chain_free(et_chain_t *c) {
  for (size_t i = 0; i < c->n_acc; i++) bytes_buf_free(&c->acc[i].slim), bytes_buf_free(&c->acc[i].full);
  free(c->acc);
  free(c->senders);
  free(c->hash);
  free(c->header);
  free(c->header_rlp);
  free(c->tx_count);
  free(c->raw);
  bytes_buf_free(&c->genesis_rlp);
  memset(c, 0, sizeof *c);
}
