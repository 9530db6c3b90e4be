/* A light node's block tags (ethc/rpc.h rpc_light_heads_t): latest, pending,
 * safe and finalized name the execution blocks the beacon light client proved
 * (issue 15: the optimistic head is latest, the finalized head safe and
 * finalized). The head hook names the newest proven block whose header the
 * chain holds (a newer one still being fetched does not stand in for it); a
 * proven block whose header the chain does not hold (none stored yet) is
 * answered with an error naming it: nothing unproven stands in for it. */
#include <inttypes.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/rpc_internal.h"

void rpc_server_set_light_heads(rpc_server_t *s, const rpc_light_heads_t *l) { s->light_heads = *l; }

int rpc_light_tag(rpc_call_t *c, const char *tag, rpc_block_ref_t *out) {
  const rpc_light_heads_t *l = &c->srv->light_heads;
  if (!l->head) return 1;
  rpc_proven_t which;
  if (!strcmp(tag, "latest") || !strcmp(tag, "pending")) which = RPC_PROVEN_LATEST;
  else if (!strcmp(tag, "safe")) which = RPC_PROVEN_SAFE;
  else if (!strcmp(tag, "finalized")) which = RPC_PROVEN_FINALIZED;
  else return 1;
  uint64_t number;
  ethc_hash_t hash;
  if (l->head(l->ctx, which, &number, &hash) != 0)
    return rpc_fail(c, RPC_SERVER_ERROR, "no head proven yet: the light client is still syncing (see eth_syncing)");
  uint64_t stored;
  char hex[67];
  if (chain_read_number(c->srv->chain, &hash, &stored) != 0 || stored != number)
    return rpc_fail(c, RPC_SERVER_ERROR,
                    "header not available: block %" PRIu64
                    " (%s), the %s block the beacon light client proved, "
                    "is not stored and no execution source gave its header",
                    number, hex_encode(hash.bytes, 32, hex), tag);
  out->kind = RPC_BLOCK_NUMBER;
  out->latest = which == RPC_PROVEN_LATEST;
  out->number = number;
  return 0;
}
