/* The testing namespace (execution-apis src/testing/testing_buildBlockV1.md):
 * testing_buildBlockV1 builds a block on a given parent from the given
 * transactions (each must apply, else the call fails with the reason) or, when
 * they are null, from the pool's pending ones (those that do not apply are left
 * out), and answers what engine_getPayloadV4 would (engine_build.c, shared with
 * the engine API's payloads). It never changes the chain. The gas limit moves
 * toward go-ethereum's default target, 60,000,000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block_builder.h"
#include "ethc/error.h"
#include "rpc/engine.h"
#include "rpc/rpc_internal.h"

static int testing_buildBlockV1(rpc_call_t *c, const cJSON *params) {
  const cJSON *v, *attrs, *txs;
  ethc_hash_t parent;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &parent) || rpc_need(c, params, 1, &attrs)) return -1;
  block_attrs_t a = {.gas_limit_target = ENGINE_GAS_LIMIT_TARGET};
  chain_withdrawal_t *wd = NULL;
  uint8_t *extra = NULL, *raw = NULL;
  block_builder_t *b = NULL;
  block_built_t blk = {0};
  int ret = -1;
  if (engine_build_attrs(c, attrs, &a, &wd)) goto out;
  txs = rpc_param(params, 2);
  if (txs && !cJSON_IsNull(txs) && !cJSON_IsArray(txs)) {
    rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 2: transactions must be an array or null");
    goto out;
  }
  if ((v = rpc_param(params, 3)) && !cJSON_IsNull(v)) {
    if (rpc_parse_data(c, 3, v, &extra, &a.extra_len)) goto out;
    if (a.extra_len > 32) {
      rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 3: extra data over 32 bytes");
      goto out;
    }
    a.extra = extra;
  }
  char why[256] = "";
  int rc = block_builder_new(c->srv->chain, &parent, &a, &b, why, sizeof why);
  if (rc) {
    if (rc == ETHC_ERR_NOMEM || rc == ETHC_ERR_IO) rpc_fail_local(c, rc);
    else rpc_fail(c, RPC_SERVER_ERROR, "%s", why[0] ? why : ethc_strerror(rc));
    goto out;
  }
  if (!txs || cJSON_IsNull(txs)) {
    if ((rc = engine_build_from_pool(c, b, true))) {
      rpc_fail_local(c, rc);
      goto out;
    }
  } else {
    const cJSON *t;
    cJSON_ArrayForEach(t, txs) {
      size_t len;
      free(raw), raw = NULL;
      if (rpc_parse_data(c, 2, t, &raw, &len)) goto out;
      rc = block_builder_add_tx(b, raw, len, NULL, why, sizeof why);
      if (rc == ETHC_ERR_INVALID) {
        rpc_fail(c, RPC_SERVER_ERROR, "%s", why);
        goto out;
      }
      if (rc) {
        rpc_fail_local(c, rc);
        goto out;
      }
    }
  }
  if ((rc = block_builder_finish(b, &blk))) {
    if (rc == ETHC_ERR_INVALID) rpc_fail(c, RPC_SERVER_ERROR, "cannot finish the block: a request system call failed");
    else rpc_fail_local(c, rc);
    goto out;
  }
  engine_write_built(c->w, &blk, a.withdrawals, a.withdrawal_count, 4);
  ret = 0;
out:
  block_built_free(&blk);
  block_builder_free(b);
  free(wd);
  free(extra);
  free(raw);
  return ret;
}

const rpc_method_t rpc_methods_testing[] = {
    {"testing_buildBlockV1", RPC_NS_TESTING, testing_buildBlockV1, 4},
    {NULL, 0, NULL, 0},
};
