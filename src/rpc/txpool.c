/* The transaction pool's methods: eth_sendRawTransaction (execution-apis
 * src/eth/submit.yaml) and geth's txpool namespace (txpool_content,
 * txpool_contentFrom, txpool_status, txpool_inspect), over the pool the node
 * hands the server (rpc_txpool_t: the pool itself lives in the node layer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/u256.h"
#include "rpc/rpc_internal.h"

static void addr_hex(const ethc_address_t *a, char out[43]) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '0', out[1] = 'x';
  for (size_t i = 0; i < 20; i++) out[2 + 2 * i] = digits[a->bytes[i] >> 4], out[3 + 2 * i] = digits[a->bytes[i] & 15];
  out[42] = 0;
}

static int no_pool(rpc_call_t *c) { return rpc_fail(c, RPC_SERVER_ERROR, "transaction pool not available"); }

static int eth_sendRawTransaction(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint8_t *raw = NULL;
  size_t len = 0;
  if (rpc_need(c, params, 0, &v) || rpc_parse_data(c, 0, v, &raw, &len)) return -1;
  const rpc_txpool_t *p = &c->srv->txpool;
  if (!p->add) return free(raw), no_pool(c);
  char err[160] = "";
  ethc_hash_t h;
  int rc = p->add(p->ctx, raw, len, &h, err, sizeof err);
  free(raw);
  /* Resubmitting a transaction the pool holds answers its hash again: wallets
   * retry, and a local submission already pooled has succeeded (geth tracks
   * local transactions and does not fail their resubmission either). */
  if (rc && strcmp(err, "already known")) return rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  /* newly pooled: the pool's accept hook tells filters and subscribers
   * (rpc_server_pool_tx, wired by the node) */
  jw_hash(c->w, &h);
  return 0;
}

/* Writes pool transactions grouped by sender: {sender: {nonce: item}}, or just
 * {nonce: item} when one sender was asked for. */
typedef struct {
  jw_t *w;
  bool by_sender, open, inspect;
  ethc_address_t last;
} group_t;

static void write_item(void *arg, const rpc_pool_tx_t *t) {
  group_t *g = arg;
  if (g->by_sender && (!g->open || memcmp(g->last.bytes, t->from->bytes, sizeof g->last.bytes))) {
    if (g->open) jw_obj_end(g->w);
    char a[43];
    addr_hex(t->from, a);
    jw_key(g->w, a);
    jw_obj_begin(g->w);
    g->open = true;
    g->last = *t->from;
  }
  char nonce[24];
  snprintf(nonce, sizeof nonce, "%llu", (unsigned long long)t->tx->nonce);
  jw_key(g->w, nonce);
  if (!g->inspect) {
    rpc_write_pool_tx(g->w, t->tx, t->hash, t->from);
    return;
  }
  /* geth's summary: "to: value wei + gas gas × price wei" */
  char to[43] = "contract creation", value[79], price[79], line[256];
  if (t->tx->has_to) addr_hex(&t->tx->to, to);
  u256_to_dec(&t->tx->value, value);
  u256_to_dec(&t->tx->max_fee_per_gas, price);
  int n = snprintf(line, sizeof line, "%s: %s wei + %llu gas \xc3\x97 %s wei", to, value,
                   (unsigned long long)t->tx->gas_limit, price);
  jw_str(g->w, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void write_section(rpc_call_t *c, const char *name, bool pending, const ethc_address_t *from, bool inspect) {
  group_t g = {.w = c->w, .by_sender = from == NULL, .inspect = inspect};
  jw_key(c->w, name);
  jw_obj_begin(c->w);
  c->srv->txpool.each(c->srv->txpool.ctx, pending, from, write_item, &g);
  if (g.open) jw_obj_end(c->w);
  jw_obj_end(c->w);
}

static int content(rpc_call_t *c, const ethc_address_t *from, bool inspect) {
  if (!c->srv->txpool.each) return no_pool(c);
  jw_obj_begin(c->w);
  write_section(c, "pending", true, from, inspect);
  write_section(c, "queued", false, from, inspect);
  jw_obj_end(c->w);
  return 0;
}

static int txpool_content(rpc_call_t *c, const cJSON *params) {
  (void)params;
  return content(c, NULL, false);
}

static int txpool_inspect(rpc_call_t *c, const cJSON *params) {
  (void)params;
  return content(c, NULL, true);
}

static int txpool_contentFrom(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &a)) return -1;
  return content(c, &a, false);
}

static void count_one(void *arg, const rpc_pool_tx_t *t) {
  (void)t;
  (*(uint64_t *)arg)++;
}

static int txpool_status(rpc_call_t *c, const cJSON *params) {
  (void)params;
  const rpc_txpool_t *p = &c->srv->txpool;
  if (!p->each) return no_pool(c);
  uint64_t pending = 0, queued = 0;
  p->each(p->ctx, true, NULL, count_one, &pending);
  p->each(p->ctx, false, NULL, count_one, &queued);
  jw_obj_begin(c->w);
  jw_kqty(c->w, "pending", pending);
  jw_kqty(c->w, "queued", queued);
  jw_obj_end(c->w);
  return 0;
}

typedef struct {
  rpc_call_t *c;
  const ethc_hash_t *want;
  bool found;
} find_t;

static void find_one(void *arg, const rpc_pool_tx_t *t) {
  find_t *f = arg;
  if (f->found || memcmp(f->want->bytes, t->hash->bytes, sizeof t->hash->bytes)) return;
  rpc_write_pool_tx(f->c->w, t->tx, t->hash, t->from);
  f->found = true;
}

bool rpc_pool_write_tx(rpc_call_t *c, const ethc_hash_t *h) {
  const rpc_txpool_t *p = &c->srv->txpool;
  if (!p->each) return false;
  find_t f = {.c = c, .want = h};
  p->each(p->ctx, true, NULL, find_one, &f);
  if (!f.found) p->each(p->ctx, false, NULL, find_one, &f);
  return f.found;
}

const rpc_method_t rpc_methods_txpool[] = {
    {"eth_sendRawTransaction", RPC_NS_ETH, eth_sendRawTransaction, 1},
    {"txpool_content", RPC_NS_TXPOOL, txpool_content, 0},
    {"txpool_contentFrom", RPC_NS_TXPOOL, txpool_contentFrom, 1},
    {"txpool_status", RPC_NS_TXPOOL, txpool_status, 0},
    {"txpool_inspect", RPC_NS_TXPOOL, txpool_inspect, 0},
    {0},
};
