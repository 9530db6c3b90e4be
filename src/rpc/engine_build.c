/* Payload building for the engine API (execution-apis src/engine: paris.md
 * engine_forkchoiceUpdatedV1 with payloadAttributes and engine_getPayloadV1;
 * shanghai.md V2; cancun.md V3; prague.md V4; osaka.md V5) and for
 * testing_buildBlockV1 (testing.c): the payload attributes read into
 * block_attrs_t, the pool's pending transactions added in inclusion order,
 * the built block written as an ExecutionPayload envelope, and the payloads
 * a forkchoiceUpdated started, kept under their 8-byte payloadId until
 * engine_getPayload asks for them.
 *
 * A payload is built at once, when forkchoiceUpdated asks for it (the block
 * builder of ethc/block_builder.h on the new head, with the pool's pending
 * transactions), not improved afterwards. Threads: the store has its own
 * mutex; building runs outside it (a builder reads the chain's stored state,
 * thread-safe against the importer). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "rpc/engine.h"

#define MAX_WITHDRAWALS 65536
#define KEPT_PAYLOADS 16 /* the most recent ones; an older id is then unknown */

/* ---- payload attributes ---- */

int engine_build_attrs(rpc_call_t *c, const cJSON *o, block_attrs_t *a, chain_withdrawal_t **wd) {
  *wd = NULL;
  if (!cJSON_IsObject(o))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: payload attributes object wanted");
  const cJSON *v;
  if (!(v = cJSON_GetObjectItem(o, "timestamp")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'timestamp'");
  if (rpc_parse_qty(c, 1, v, &a->timestamp)) return -1;
  if (!(v = cJSON_GetObjectItem(o, "prevRandao")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'prevRandao'");
  if (rpc_parse_hash(c, 1, v, &a->prev_randao)) return -1;
  if (!(v = cJSON_GetObjectItem(o, "suggestedFeeRecipient")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'suggestedFeeRecipient'");
  if (rpc_parse_addr(c, 1, v, &a->fee_recipient)) return -1;
  if ((v = cJSON_GetObjectItem(o, "parentBeaconBlockRoot")) && !cJSON_IsNull(v) &&
      rpc_parse_hash(c, 1, v, &a->parent_beacon_root))
    return -1;
  const cJSON *ws = cJSON_GetObjectItem(o, "withdrawals");
  if (!ws || cJSON_IsNull(ws)) return 0;
  int n = cJSON_GetArraySize(ws);
  if (!cJSON_IsArray(ws) || n > MAX_WITHDRAWALS)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: withdrawals must be an array");
  if (n && !(*wd = calloc((size_t)n, sizeof **wd))) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  int i = 0;
  const cJSON *w;
  cJSON_ArrayForEach(w, ws) {
    chain_withdrawal_t *x = &(*wd)[i++];
    const cJSON *f[4] = {cJSON_GetObjectItem(w, "index"), cJSON_GetObjectItem(w, "validatorIndex"),
                         cJSON_GetObjectItem(w, "address"), cJSON_GetObjectItem(w, "amount")};
    if (!f[0] || !f[1] || !f[2] || !f[3])
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: withdrawal %d lacks a field", i - 1);
    if (rpc_parse_qty(c, 1, f[0], &x->index) || rpc_parse_qty(c, 1, f[1], &x->validator_index) ||
        rpc_parse_addr(c, 1, f[2], &x->address) || rpc_parse_qty(c, 1, f[3], &x->amount_gwei))
      return -1;
  }
  a->withdrawals = *wd;
  a->withdrawal_count = (size_t)n;
  return 0;
}

/* ---- the pool's pending transactions, ordered for inclusion ---- */

typedef struct {
  bytes_buf_t data; /* encodings back to back */
  size_t *ends;
  ethc_address_t *from;
  size_t n, cap;
  int error;
} pending_t;

static void collect(void *arg, const rpc_pool_tx_t *t) {
  pending_t *p = arg;
  if (p->error) return;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 64;
    size_t *ends = realloc(p->ends, cap * sizeof *ends);
    if (ends) p->ends = ends;
    ethc_address_t *from = realloc(p->from, cap * sizeof *from);
    if (from) p->from = from;
    if (!ends || !from) {
      p->error = ETHC_ERR_NOMEM;
      return;
    }
    p->cap = cap;
  }
  if (tx_encode(t->tx, &p->data)) {
    p->error = ETHC_ERR_NOMEM;
    return;
  }
  p->from[p->n] = *t->from;
  p->ends[p->n++] = p->data.len;
}

int engine_build_from_pool(rpc_call_t *c, block_builder_t *b, bool with_blobs) {
  const rpc_txpool_t *pool = &c->srv->txpool;
  if (!pool->each) return 0;
  pending_t p = {0};
  pool->each(pool->ctx, true, NULL, collect, &p);
  int rc = p.error;
  tx_t *txs = p.n ? calloc(p.n, sizeof *txs) : NULL;
  block_candidate_t *cand = p.n ? calloc(p.n, sizeof *cand) : NULL;
  if (p.n && (!txs || !cand)) rc = ETHC_ERR_NOMEM;
  size_t decoded = 0;
  for (size_t i = 0; i < p.n && !rc; i++) {
    size_t start = i ? p.ends[i - 1] : 0;
    if (!(rc = tx_decode(p.data.data + start, p.ends[i] - start, &txs[i]))) decoded++;
    cand[i] = (block_candidate_t){&txs[i], p.from[i], i};
  }
  if (!rc) rc = block_order_candidates(cand, p.n, &block_builder_header(b)->base_fee);
  for (size_t i = 0; i < p.n && !rc; i++) {
    size_t k = cand[i].index, start = k ? p.ends[k - 1] : 0;
    if (cand[i].tx->gas_limit > block_builder_gas_left(b)) continue;
    if (cand[i].tx->type == TX_BLOB && !with_blobs) continue; /* blobsBundle is empty: see engine.h */
    rc = block_builder_add_tx(b, p.data.data + start, p.ends[k] - start, NULL, NULL, 0);
    if (rc == ETHC_ERR_INVALID) rc = 0; /* left out */
  }
  for (size_t i = 0; i < decoded; i++) tx_free(&txs[i]);
  free(txs);
  free(cand);
  free(p.ends);
  free(p.from);
  bytes_buf_free(&p.data);
  return rc;
}

/* ---- the envelope ---- */

/* ExecutionPayloadV1, with V2's withdrawals and V3's blob gas where the header has them. */
static void write_execution_payload(jw_t *w, const block_built_t *blk, const chain_withdrawal_t *wd, size_t n,
                                    int version) {
  const chain_header_t *h = &blk->header;
  jw_obj_begin(w);
  jw_key(w, "parentHash"), jw_hash(w, &h->parent_hash);
  jw_key(w, "feeRecipient"), jw_addr(w, &h->coinbase);
  jw_key(w, "stateRoot"), jw_hash(w, &h->state_root);
  jw_key(w, "receiptsRoot"), jw_hash(w, &h->receipts_root);
  jw_key(w, "logsBloom"), jw_data(w, h->bloom, sizeof h->bloom);
  jw_key(w, "prevRandao"), jw_hash(w, &h->mix_hash);
  jw_key(w, "blockNumber"), jw_qty(w, h->number);
  jw_key(w, "gasLimit"), jw_qty(w, h->gas_limit);
  jw_key(w, "gasUsed"), jw_qty(w, h->gas_used);
  jw_key(w, "timestamp"), jw_qty(w, h->timestamp);
  jw_key(w, "extraData"), jw_data(w, h->extra, h->extra_len);
  jw_key(w, "baseFeePerGas"), jw_qty256(w, &h->base_fee);
  jw_key(w, "blockHash"), jw_hash(w, &blk->hash);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  for (size_t i = 0; i < blk->tx_count; i++) jw_data(w, blk->txs[i].data, blk->txs[i].len);
  jw_arr_end(w);
  if (version >= 2 && h->has_withdrawals_root) {
    jw_key(w, "withdrawals");
    jw_arr_begin(w);
    for (size_t i = 0; i < n; i++) rpc_write_withdrawal(w, &wd[i]);
    jw_arr_end(w);
  }
  if (version >= 3 && h->has_blob_gas) {
    jw_key(w, "blobGasUsed"), jw_qty(w, h->blob_gas_used);
    jw_key(w, "excessBlobGas"), jw_qty(w, h->excess_blob_gas);
  }
  jw_obj_end(w);
}

void engine_write_built(jw_t *w, const block_built_t *blk, const chain_withdrawal_t *wd, size_t n, int version) {
  if (version == 1) {
    write_execution_payload(w, blk, wd, n, 1);
    return;
  }
  jw_obj_begin(w);
  jw_key(w, "executionPayload");
  write_execution_payload(w, blk, wd, n, version);
  jw_key(w, "blockValue"), jw_qty256(w, &blk->block_value);
  if (version >= 3) {
    /* the builder takes canonical transactions, without blob sidecars */
    jw_key(w, "blobsBundle");
    jw_obj_begin(w);
    jw_key(w, "commitments"), jw_arr_begin(w), jw_arr_end(w);
    jw_key(w, "proofs"), jw_arr_begin(w), jw_arr_end(w);
    jw_key(w, "blobs"), jw_arr_begin(w), jw_arr_end(w);
    jw_obj_end(w);
    jw_key(w, "shouldOverrideBuilder"), jw_bool(w, false);
  }
  if (version >= 4) {
    jw_key(w, "executionRequests");
    jw_arr_begin(w);
    for (size_t i = 0; i < blk->request_count; i++) jw_data(w, blk->requests[i].data, blk->requests[i].len);
    jw_arr_end(w);
  }
  jw_obj_end(w);
}

/* ---- the payloads forkchoiceUpdated started ---- */

typedef struct {
  bool used;
  uint8_t id[8];
  int version;       /* of the forkchoiceUpdated that asked for it */
  chain_fork_t fork; /* of its timestamp: FORK_MERGE_NETSPLIT (Paris), Shanghai .. Osaka */
  block_built_t blk;
  chain_withdrawal_t *wd;
  size_t wd_count;
} kept_t;

struct engine_payloads {
  pthread_mutex_t lock;
  kept_t kept[KEPT_PAYLOADS]; /* a ring */
  size_t next;
};

engine_payloads_t *engine_payloads_new(void) {
  engine_payloads_t *p = calloc(1, sizeof *p);
  if (p && pthread_mutex_init(&p->lock, NULL)) {
    free(p);
    return NULL;
  }
  return p;
}

static void kept_free(kept_t *k) {
  block_built_free(&k->blk);
  free(k->wd);
  memset(k, 0, sizeof *k);
}

void engine_payloads_free(engine_payloads_t *p) {
  if (!p) return;
  for (size_t i = 0; i < KEPT_PAYLOADS; i++) kept_free(&p->kept[i]);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

/* go-ethereum's idea: a hash of what the payload is built from, its first byte
 * the method version, so that the same request names the same payload. */
static void payload_id(const ethc_hash_t *parent, const block_attrs_t *a, int version, uint8_t out[8]) {
  bytes_buf_t b = {0};
  uint8_t word[8];
  int err = bytes_buf_append(&b, parent->bytes, 32);
  for (int i = 0; i < 8; i++) word[i] = (uint8_t)(a->timestamp >> (56 - 8 * i));
  err |= bytes_buf_append(&b, word, 8) | bytes_buf_append(&b, a->prev_randao.bytes, 32) |
         bytes_buf_append(&b, a->fee_recipient.bytes, 20) | bytes_buf_append(&b, a->parent_beacon_root.bytes, 32);
  for (size_t k = 0; k < a->withdrawal_count; k++) {
    const chain_withdrawal_t *x = &a->withdrawals[k];
    const uint64_t f[3] = {x->index, x->validator_index, x->amount_gwei};
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 8; i++) word[i] = (uint8_t)(f[j] >> (56 - 8 * i));
      err |= bytes_buf_append(&b, word, 8);
    }
    err |= bytes_buf_append(&b, x->address.bytes, 20);
  }
  uint8_t h[32] = {0};
  if (!err) keccak256(b.data, b.len, h);
  bytes_buf_free(&b);
  memcpy(out, h, 8);
  out[0] = (uint8_t)version;
}

static kept_t *find(engine_payloads_t *p, const uint8_t id[8]) {
  for (size_t i = 0; i < KEPT_PAYLOADS; i++)
    if (p->kept[i].used && !memcmp(p->kept[i].id, id, 8)) return &p->kept[i];
  return NULL;
}

static chain_fork_t fork_of(rpc_call_t *c, uint64_t ts) {
  static const chain_fork_t later[] = {FORK_OSAKA, FORK_PRAGUE, FORK_CANCUN, FORK_SHANGHAI};
  for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
    if (chain_fork_active(chain_config(c->srv->chain), later[i], UINT64_MAX, ts)) return later[i];
  return FORK_MERGE_NETSPLIT; /* Paris: before Shanghai */
}

int engine_build_payload(rpc_call_t *c, engine_payloads_t *store, const ethc_hash_t *head, const cJSON *attrs,
                         int version, uint8_t id[8]) {
  block_attrs_t a = {.gas_limit_target = ENGINE_GAS_LIMIT_TARGET};
  chain_withdrawal_t *wd = NULL;
  if (engine_build_attrs(c, attrs, &a, &wd)) return free(wd), -1;
  payload_id(head, &a, version, id);
  pthread_mutex_lock(&store->lock);
  bool known = find(store, id) != NULL;
  pthread_mutex_unlock(&store->lock);
  if (known) return free(wd), 0; /* the same request: the same payload */
  kept_t k = {.used = true,
              .version = version,
              .fork = fork_of(c, a.timestamp),
              .wd = wd,
              .wd_count = a.withdrawal_count};
  memcpy(k.id, id, 8);
  block_builder_t *b = NULL;
  char why[256] = "";
  int rc = block_builder_new(c->srv->chain, head, &a, &b, why, sizeof why);
  if (!rc) rc = engine_build_from_pool(c, b, false);
  if (!rc) rc = block_builder_finish(b, &k.blk);
  block_builder_free(b);
  if (rc) {
    free(wd);
    if (rc == ETHC_ERR_NOMEM || rc == ETHC_ERR_IO) return rpc_fail_local(c, rc);
    return rpc_fail(c, RPC_SERVER_ERROR, "cannot build a payload: %s", why[0] ? why : ethc_strerror(rc));
  }
  pthread_mutex_lock(&store->lock);
  kept_t *slot = &store->kept[store->next];
  store->next = (store->next + 1) % KEPT_PAYLOADS;
  kept_free(slot);
  *slot = k;
  pthread_mutex_unlock(&store->lock);
  return 0;
}

/* ---- engine_getPayloadV1 .. V5 ---- */

/* Which payloads method version `v` serves, as go-ethereum checks them: V1
 * those of forkchoiceUpdatedV1, V2 those of V1 and V2, V3 .. V5 those of V3
 * in Cancun, Prague and Osaka (and later) respectively. */
static bool serves(int v, const kept_t *k) {
  switch (v) {
    case 1: return k->version == 1;
    case 2: return k->version <= 2;
    case 3: return k->version == 3 && k->fork == FORK_CANCUN;
    case 4: return k->version == 3 && k->fork == FORK_PRAGUE;
    default: return k->version == 3 && k->fork == FORK_OSAKA;
  }
}

static int get_payload(rpc_call_t *c, const cJSON *params, int version) {
  const cJSON *v;
  if (rpc_need(c, params, 0, &v)) return -1;
  uint8_t id[8];
  size_t len = cJSON_IsString(v) ? strlen(v->valuestring) : 0;
  if (len != 18 || hex_decode_fixed(v->valuestring, true, id, 8))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: payloadId must be 8 bytes of hex");
  engine_payloads_t *store = engine_payloads_of(c->srv->engine);
  pthread_mutex_lock(&store->lock);
  const kept_t *k = find(store, id);
  int rc = 0;
  if (!k) rc = rpc_fail(c, ENGINE_UNKNOWN_PAYLOAD, "Unknown payload");
  else if (!serves(version, k)) rc = rpc_fail(c, ENGINE_UNSUPPORTED_FORK, "Unsupported fork");
  else engine_write_built(c->w, &k->blk, k->wd, k->wd_count, version);
  pthread_mutex_unlock(&store->lock);
  return rc;
}

int engine_getPayloadV1(rpc_call_t *c, const cJSON *p) { return get_payload(c, p, 1); }
int engine_getPayloadV2(rpc_call_t *c, const cJSON *p) { return get_payload(c, p, 2); }
int engine_getPayloadV3(rpc_call_t *c, const cJSON *p) { return get_payload(c, p, 3); }
int engine_getPayloadV4(rpc_call_t *c, const cJSON *p) { return get_payload(c, p, 4); }
int engine_getPayloadV5(rpc_call_t *c, const cJSON *p) { return get_payload(c, p, 5); }
