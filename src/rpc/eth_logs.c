/* eth_getLogs (execution-apis src/eth/filter.yaml, Filter object of
 * src/schemas/filter.yaml): a block range or one block hash, addresses and up
 * to 4 topic positions. Past the result limit the error suggests a range that
 * fits, so a client can page instead of failing. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/quick.h"
#include "rpc/render_cache.h"
#include "rpc/rpc_internal.h"

#define MAX_FILTER_VALUES 1000 /* addresses, and hashes per topic position */

/* A list of values that is a single string or an array of strings. */
int rpc_parse_filter_list(rpc_call_t *c, const cJSON *v, const char *what, size_t size, void **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (!v || cJSON_IsNull(v)) return 0;
  int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 1;
  if (!cJSON_IsArray(v) && !cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: %s must be a string or an array of strings", what);
  if (n > MAX_FILTER_VALUES)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: too many %s values (%d, at most %d)", what, n,
                    MAX_FILTER_VALUES);
  if (n == 0) return 0;
  uint8_t *arr = malloc((size_t)n * size);
  if (!arr) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  int i = 0;
  const cJSON *e = cJSON_IsArray(v) ? v->child : v;
  for (; i < n && e; i++, e = e->next) {
    int rc = size == 20 ? rpc_parse_addr(c, 0, e, (ethc_address_t *)(arr + (size_t)i * size))
                        : rpc_parse_hash(c, 0, e, (ethc_hash_t *)(arr + (size_t)i * size));
    if (rc) return free(arr), -1;
  }
  *out = arr;
  *count = (size_t)n;
  return 0;
}

static int block_field(rpc_call_t *c, const cJSON *f, const char *name, uint64_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, name);
  rpc_block_ref_t ref;
  if (!v || cJSON_IsNull(v)) v = NULL;
  if (!v) {
    int rc = chain_read_head(c->srv->chain, out, NULL);
    if (!rc && chain_has_remote(c->srv->chain) && rpc_light_block_number(c) > *out) *out = rpc_light_block_number(c);
    return rc ? rpc_fail_chain(c, rc) : 0;
  }
  if (rpc_parse_block_number(c, 0, v, &ref)) return -1;
  /* light mode: a light sync's tip, when above the head */
  *out = ref.latest && chain_has_remote(c->srv->chain) ? rpc_light_block_number(c) : ref.number;
  return 0;
}

static int eth_getLogs(rpc_call_t *c, const cJSON *params) {
  const cJSON *f;
  if (rpc_need(c, params, 0, &f)) return -1;
  if (!cJSON_IsObject(f)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: filter must be an object");
  chain_log_filter_t flt = {0};
  ethc_hash_t block_hash;
  ethc_address_t *addrs = NULL;
  ethc_hash_t *topics[4] = {0};
  int ret = -1;
  const cJSON *bh = cJSON_GetObjectItemCaseSensitive(f, "blockHash");
  if (bh && !cJSON_IsNull(bh)) {
    if (cJSON_GetObjectItemCaseSensitive(f, "fromBlock") || cJSON_GetObjectItemCaseSensitive(f, "toBlock"))
      return rpc_fail(
          c, RPC_INVALID_PARAMS,
          "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    if (rpc_parse_hash(c, 0, bh, &block_hash)) return -1;
    flt.block_hash = &block_hash;
  } else {
    if (block_field(c, f, "fromBlock", &flt.from_block) || block_field(c, f, "toBlock", &flt.to_block)) return -1;
    if (flt.from_block > flt.to_block) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid block range params");
  }
  if (rpc_parse_filter_list(c, cJSON_GetObjectItemCaseSensitive(f, "address"), "address", 20, (void **)&addrs,
                            &flt.address_count))
    return -1;
  flt.addresses = addrs;
  const cJSON *tv = cJSON_GetObjectItemCaseSensitive(f, "topics");
  if (tv && !cJSON_IsNull(tv)) {
    if (!cJSON_IsArray(tv)) {
      rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: topics must be an array");
      goto out;
    }
    int n = cJSON_GetArraySize(tv);
    if (n > 4) {
      rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: too many topics (%d, at most 4)", n);
      goto out;
    }
    int i = 0;
    for (const cJSON *e = tv->child; e; e = e->next, i++) {
      if (rpc_parse_filter_list(c, e, "topic", 32, (void **)&topics[i], &flt.topics[i].count)) goto out;
      flt.topics[i].hashes = topics[i];
    }
    flt.topic_count = (size_t)n;
  }
  flt.max_results = c->srv->logs_limit;
  /* a light sync's verified headers above the head (light mode, chain_set_remote) */
  const rpc_admin_t *adm = &c->srv->admin;
  bool light = adm->header_hash && chain_has_remote(c->srv->chain) && !flt.block_hash &&
               flt.to_block > chain_snapshot_header(rpc_head(c))->number;
  if (light) flt.hash_above_head = adm->header_hash, flt.hash_ctx = adm->ctx;
  /* a result under the same published head is the same: kept (render_cache.h) */
  ethc_hash_t head, after, key;
  bool keyed = !light && chain_read_head(c->srv->chain, NULL, &head) == 0 && rpc_logs_key(&head, &flt, &key);
  if (keyed && rpc_render_get(RPC_RENDER_LOGS, &key, c->w, NULL)) {
    ret = 0;
    goto out;
  }
  if (rpc_inline_give_up()) { /* an event thread answers from the cache only (quick.h) */
    rpc_fail(c, RPC_INTERNAL_ERROR, "not cached");
    goto out;
  }
  jw_mark_t mark = jw_mark(c->w);
  chain_read_logs_t logs = {0};
  int rc = chain_read_logs(c->srv->chain, &flt, &logs);
  if (rc == ETHC_ERR_LIMIT && !flt.block_hash) {
    /* halve the range until it fits, to suggest one that does */
    uint64_t from = flt.from_block, to = flt.to_block;
    int tries = 0;
    while (rc == ETHC_ERR_LIMIT && to > from && tries++ < 24) {
      to = from + (to - from) / 2;
      flt.to_block = to;
      rc = chain_read_logs(c->srv->chain, &flt, &logs);
      if (!rc) chain_read_logs_free(&logs);
    }
    if (!rc)
      rpc_fail(c, RPC_LIMIT_EXCEEDED,
               "query returned more than %zu results. Try with this block range [0x%llx, 0x%llx].", c->srv->logs_limit,
               (unsigned long long)from, (unsigned long long)to);
    else rpc_fail(c, RPC_LIMIT_EXCEEDED, "query returned more than %zu results", c->srv->logs_limit);
    goto out;
  }
  if (rc == ETHC_ERR_LIMIT) {
    rpc_fail(c, RPC_LIMIT_EXCEEDED, "query returned more than %zu results", c->srv->logs_limit);
    goto out;
  }
  if (rc == ETHC_ERR_NOT_FOUND) {
    rpc_fail(c, RPC_SERVER_ERROR, "unknown block");
    goto out;
  }
  if (rc == ETHC_ERR_RANGE) {
    rpc_fail(c, RPC_INVALID_PARAMS, "invalid block range params");
    goto out;
  }
  if (rc) {
    rpc_fail_chain(c, rc);
    goto out;
  }
  jw_arr_begin(c->w);
  for (size_t i = 0; i < logs.count; i++) rpc_write_log(c->w, &logs.logs[i]);
  jw_arr_end(c->w);
  chain_read_logs_free(&logs);
  if (keyed && chain_read_head(c->srv->chain, NULL, &after) == 0 && ethc_hash_eq(&after, &head))
    rpc_render_put_since(RPC_RENDER_LOGS, &key, c->w, mark, NULL);
  ret = 0;
out:
  free(addrs);
  for (int i = 0; i < 4; i++) free(topics[i]);
  return ret;
}

int rpc_parse_log_crit(rpc_call_t *c, const cJSON *f, rpc_log_crit_t *out) {
  memset(out, 0, sizeof *out);
  if (rpc_parse_filter_list(c, cJSON_GetObjectItemCaseSensitive(f, "address"), "address", 20, (void **)&out->addrs,
                            &out->addr_count))
    return -1;
  const cJSON *tv = cJSON_GetObjectItemCaseSensitive(f, "topics");
  if (!tv || cJSON_IsNull(tv)) return 0;
  if (!cJSON_IsArray(tv)) {
    rpc_log_crit_free(out);
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: topics must be an array");
  }
  int n = cJSON_GetArraySize(tv);
  if (n > 4) {
    rpc_log_crit_free(out);
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: too many topics (%d, at most 4)", n);
  }
  int i = 0;
  for (const cJSON *e = tv->child; e; e = e->next, i++)
    if (rpc_parse_filter_list(c, e, "topic", 32, (void **)&out->topics[i], &out->topic_counts[i]))
      return rpc_log_crit_free(out), -1;
  out->topic_count = (size_t)n;
  return 0;
}

void rpc_log_crit_free(rpc_log_crit_t *k) {
  free(k->addrs);
  for (int i = 0; i < 4; i++) free(k->topics[i]);
  memset(k, 0, sizeof *k);
}

bool rpc_log_crit_match(const rpc_log_crit_t *k, const chain_log_t *l) {
  if (k->addr_count) {
    size_t i = 0;
    while (i < k->addr_count && memcmp(k->addrs[i].bytes, l->address.bytes, 20)) i++;
    if (i == k->addr_count) return false;
  }
  if (k->topic_count > l->topics_count) {
    /* a position past the log's topics matches only a wildcard */
    for (size_t p = l->topics_count; p < k->topic_count; p++)
      if (k->topic_counts[p]) return false;
  }
  for (size_t p = 0; p < k->topic_count && p < l->topics_count; p++) {
    if (!k->topic_counts[p]) continue;
    size_t i = 0;
    while (i < k->topic_counts[p] && !ethc_hash_eq(&k->topics[p][i], &l->topics[p])) i++;
    if (i == k->topic_counts[p]) return false;
  }
  return true;
}

void rpc_log_crit_apply(const rpc_log_crit_t *k, chain_log_filter_t *f) {
  f->addresses = k->addrs;
  f->address_count = k->addr_count;
  for (int i = 0; i < 4; i++) f->topics[i].hashes = k->topics[i], f->topics[i].count = k->topic_counts[i];
  f->topic_count = k->topic_count;
}

const rpc_method_t rpc_methods_logs[] = {
    {"eth_getLogs", RPC_NS_ETH, eth_getLogs, 1},
    {"eth_newFilter", RPC_NS_ETH, rpc_eth_newFilter, 1},
    {"eth_newBlockFilter", RPC_NS_ETH, rpc_eth_newBlockFilter, 0},
    {"eth_newPendingTransactionFilter", RPC_NS_ETH, rpc_eth_newPendingTransactionFilter, 1},
    {"eth_getFilterChanges", RPC_NS_ETH, rpc_eth_getFilterChanges, 1},
    {"eth_getFilterLogs", RPC_NS_ETH, rpc_eth_getFilterLogs, 1},
    {"eth_uninstallFilter", RPC_NS_ETH, rpc_eth_uninstallFilter, 1},
    {0},
};
