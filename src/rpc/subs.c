/* Subscriptions (execution-apis pubsub; geth's eth_subscribe): "newHeads",
 * "logs" and "newPendingTransactions" over WebSocket. The node's loop calls rpc_server_poll_heads on a
 * timer; each block that joined the canonical chain since the last poll (up to
 * 64 when several came at once) goes to every newHeads subscriber as an
 * eth_subscription notification with the header object, and its matching logs
 * to every logs subscriber; after a reorganisation the logs of the blocks that
 * left the chain come first, with removed: true, as geth sends them. Each
 * transaction the pool accepts goes to the newPendingTransactions subscribers
 * at once (rpc_server_pool_tx, from the pool's hook): its hash, or with `true`
 * as the second parameter the transaction object, as geth sends them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "rpc/rpc_internal.h"

#define MAX_HEADS_PER_POLL 64

static int eth_subscribe(rpc_call_t *c, const cJSON *params) {
  if (!c->sess)
    return rpc_fail(c, RPC_METHOD_NOT_FOUND, "notifications not supported: eth_subscribe needs a WebSocket connection");
  const cJSON *kind;
  if (rpc_need(c, params, 0, &kind)) return -1;
  bool logs = cJSON_IsString(kind) && !strcmp(kind->valuestring, "logs");
  bool txs = cJSON_IsString(kind) && !strcmp(kind->valuestring, "newPendingTransactions");
  if (!cJSON_IsString(kind) || (strcmp(kind->valuestring, "newHeads") && !logs && !txs))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument 0: unsupported subscription %s (this node has newHeads, logs and "
                    "newPendingTransactions)",
                    cJSON_IsString(kind) ? kind->valuestring : "type");
  bool full = false;
  const cJSON *fv = rpc_param(params, 1);
  if (txs && fv && !cJSON_IsNull(fv) && rpc_parse_bool(c, 1, fv, &full)) return -1;
  rpc_sub_t *sub = calloc(1, sizeof *sub);
  if (!sub) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  sub->logs = logs;
  sub->pending_txs = txs;
  sub->full_txs = full;
  if (logs) {
    const cJSON *o = rpc_param(params, 1);
    sub->crit = calloc(1, sizeof *sub->crit);
    if (!sub->crit) return free(sub), rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    if (o && !cJSON_IsNull(o) && !cJSON_IsObject(o))
      return rpc_sub_free(sub), rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: filter must be an object");
    if (o && cJSON_IsObject(o) && rpc_parse_log_crit(c, o, sub->crit)) return rpc_sub_free(sub), -1;
  }
  uint8_t rnd[16];
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
    rpc_sub_free(sub);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "no randomness for a subscription id");
  }
  static const char hexd[] = "0123456789abcdef";
  sub->id[0] = '0', sub->id[1] = 'x';
  for (int i = 0; i < 16; i++) sub->id[2 + 2 * i] = hexd[rnd[i] >> 4], sub->id[3 + 2 * i] = hexd[rnd[i] & 15];
  sub->sess = c->sess;
  rpc_server_t *s = c->srv;
  pthread_mutex_lock(&s->subs_lock);
  sub->next = s->subs;
  s->subs = sub;
  atomic_fetch_add(&s->sub_count, 1);
  pthread_mutex_unlock(&s->subs_lock);
  jw_cstr(c->w, sub->id);
  return 0;
}

void rpc_sub_free(rpc_sub_t *sub) {
  if (sub->crit) rpc_log_crit_free(sub->crit);
  free(sub->crit);
  free(sub);
}

static int eth_unsubscribe(rpc_call_t *c, const cJSON *params) {
  const cJSON *id;
  if (rpc_need(c, params, 0, &id)) return -1;
  if (!cJSON_IsString(id)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: want a subscription id");
  bool found = false;
  rpc_server_t *s = c->srv;
  pthread_mutex_lock(&s->subs_lock);
  for (rpc_sub_t **p = &s->subs; *p; p = &(*p)->next)
    if ((*p)->sess == c->sess && c->sess && !strcmp((*p)->id, id->valuestring)) {
      rpc_sub_t *dead = *p;
      *p = dead->next;
      rpc_sub_free(dead);
      atomic_fetch_sub(&s->sub_count, 1);
      found = true;
      break;
    }
  pthread_mutex_unlock(&s->subs_lock);
  jw_bool(c->w, found);
  return 0;
}

void rpc_session_end(rpc_server_t *s, rpc_session_t *sess) {
  pthread_mutex_lock(&s->subs_lock);
  for (rpc_sub_t **p = &s->subs; *p;) {
    if ((*p)->sess == sess) {
      rpc_sub_t *dead = *p;
      *p = dead->next;
      rpc_sub_free(dead);
      atomic_fetch_sub(&s->sub_count, 1);
    } else {
      p = &(*p)->next;
    }
  }
  pthread_mutex_unlock(&s->subs_lock);
}

static void notify(rpc_sub_t *sub, jw_t *w, const char *result, size_t len) {
  jw_reset(w);
  jw_obj_begin(w);
  jw_key(w, "jsonrpc");
  jw_cstr(w, "2.0");
  jw_key(w, "method");
  jw_cstr(w, "eth_subscription");
  jw_key(w, "params");
  jw_obj_begin(w);
  jw_key(w, "subscription");
  jw_cstr(w, sub->id);
  jw_key(w, "result");
  jw_raw(w, result, len);
  jw_obj_end(w);
  jw_obj_end(w);
  if (!w->oom) sub->sess->notify(sub->sess, w->buf, w->len);
}

/* Sends the logs of block `hash` to the logs subscribers they match. */
static void announce_logs(rpc_server_t *s, const ethc_hash_t *hash, bool removed) {
  bool any = false;
  pthread_mutex_lock(&s->subs_lock);
  for (rpc_sub_t *sub = s->subs; sub && !any; sub = sub->next) any = sub->logs;
  pthread_mutex_unlock(&s->subs_lock);
  if (!any) return;
  chain_log_filter_t lf = {.block_hash = hash, .max_results = SIZE_MAX};
  chain_read_logs_t logs = {0};
  if (chain_read_logs(s->chain, &lf, &logs)) return;
  jw_t lw, w;
  jw_init(&lw);
  jw_init(&w);
  pthread_mutex_lock(&s->subs_lock);
  for (size_t i = 0; i < logs.count; i++)
    for (rpc_sub_t *sub = s->subs; sub; sub = sub->next) {
      if (!sub->logs || !rpc_log_crit_match(sub->crit, &logs.logs[i])) continue;
      jw_reset(&lw);
      rpc_write_log_removed(&lw, &logs.logs[i], removed);
      if (!lw.oom) notify(sub, &w, lw.buf, lw.len);
    }
  pthread_mutex_unlock(&s->subs_lock);
  jw_free(&w);
  jw_free(&lw);
  chain_read_logs_free(&logs);
}

/* Sends the header of block `hash` to every newHeads subscriber. */
static void announce(rpc_server_t *s, const ethc_hash_t *hash_in) {
  chain_header_t h;
  ethc_hash_t hash = *hash_in;
  if (chain_read_header_by_hash(s->chain, &hash, &h)) return;
  jw_t hw;
  jw_init(&hw);
  rpc_write_header(&hw, &h, &hash);
  if (hw.oom) return jw_free(&hw);
  jw_t w;
  jw_init(&w);
  pthread_mutex_lock(&s->subs_lock);
  for (rpc_sub_t *sub = s->subs; sub; sub = sub->next)
    if (!sub->logs && !sub->pending_txs) notify(sub, &w, hw.buf, hw.len);
  pthread_mutex_unlock(&s->subs_lock);
  jw_free(&w);
  jw_free(&hw);
}

void rpc_server_poll_heads(rpc_server_t *s) {
  uint64_t head;
  ethc_hash_t hash;
  if (!s->chain || chain_read_head(s->chain, &head, &hash)) return;
  if (!s->heads_known || atomic_load(&s->sub_count) == 0) {
    s->heads_known = true;
    s->last_head = head, s->last_head_hash = hash;
    return;
  }
  if (head == s->last_head && ethc_hash_eq(&hash, &s->last_head_hash)) return;
  ethc_hash_t *rm, *ad;
  size_t nrm, nad;
  uint64_t first;
  if (rpc_chain_diff(s->chain, s->last_head, &s->last_head_hash, MAX_HEADS_PER_POLL, &rm, &nrm, &ad, &first, &nad,
                     &head, &hash))
    return;
  for (size_t i = 0; i < nrm; i++) announce_logs(s, &rm[i], true);
  for (size_t i = 0; i < nad; i++) {
    announce(s, &ad[i]);
    announce_logs(s, &ad[i], false);
  }
  free(rm);
  free(ad);
  s->last_head = head, s->last_head_hash = hash;
}

void rpc_server_pool_tx(rpc_server_t *s, const rpc_pool_tx_t *t) {
  rpc_filters_pending_tx(s, t->hash);
  if (atomic_load(&s->sub_count) == 0) return;
  jw_t hw, fw, w; /* the hash, the object (written when a subscriber wants it), the notification */
  jw_init(&hw);
  jw_init(&fw);
  jw_init(&w);
  jw_hash(&hw, t->hash);
  pthread_mutex_lock(&s->subs_lock);
  for (rpc_sub_t *sub = s->subs; sub; sub = sub->next) {
    if (!sub->pending_txs) continue;
    if (sub->full_txs && !fw.len) rpc_write_pool_tx(&fw, t->tx, t->hash, t->from);
    const jw_t *r = sub->full_txs ? &fw : &hw;
    if (!r->oom) notify(sub, &w, r->buf, r->len);
  }
  pthread_mutex_unlock(&s->subs_lock);
  jw_free(&w);
  jw_free(&fw);
  jw_free(&hw);
}

const rpc_method_t rpc_methods_subs[] = {
    {"eth_subscribe", RPC_NS_ETH, eth_subscribe, 2},
    {"eth_unsubscribe", RPC_NS_ETH, eth_unsubscribe, 1},
    {0},
};
