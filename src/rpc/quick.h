/* Which requests the HTTP server answers on its event threads (quick.c). On
 * those threads one call holds up every connection the thread serves, so
 * only a call whose work is small and bounded runs there; every other call
 * (eth_call, eth_getLogs, traces, batches, ...) runs on a thread of its own. */
#ifndef ETHC_RPC_QUICK_H
#define ETHC_RPC_QUICK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/rpc.h"

typedef enum {
  RPC_SLOW,   /* answer it on a thread of its own */
  RPC_QUICK,  /* answer it on the event thread */
  RPC_BUDGET, /* try it on the event thread within RPC_INLINE_BUDGET_MS of EVM time */
} rpc_speed_t;

/* How long an eth_call, eth_estimateGas or eth_createAccessList may run on an
 * event thread before it is dropped there and run again on a thread of its
 * own (on the same head: the answer is the same). eth_getLogs runs there only
 * when its answer is cached. */
#define RPC_INLINE_BUDGET_MS 1

/* RPC_QUICK when body[0..len) is one plain request (request_scan.h's shape) of
 * a method whose answer is a few local reads: a header, an account, a block or
 * a receipt of the local database (never of a light node's remote source);
 * RPC_BUDGET for one plain eth_call, eth_estimateGas, eth_createAccessList or
 * eth_getLogs on such a chain; RPC_SLOW for everything else, malformed bodies included
 * (the full path answers them). Pure reads of s: thread-safe. */
rpc_speed_t rpc_request_speed(rpc_server_t *s, const char *body, size_t len);

/* Runs the calls of this thread within an EVM budget of ms (0: none) until
 * rpc_inline_end, which tells whether the budget ran out (the answer then is
 * not the real one: discard it). Per thread. */
void rpc_inline_begin(unsigned ms);
bool rpc_inline_end(void);
/* For the EVM timeout code (eth_call.c): the timeout to apply in place of
 * `ms` (0: none) on this thread, and the note that a run timed out. */
uint64_t rpc_inline_timeout_ms(uint64_t ms);
void rpc_inline_timed_out(void);
/* For work with no EVM deadline (eth_getLogs past its cache): true, noting
 * the budget as spent, when this thread runs under a budget, so the caller
 * stops and the request runs again on a thread of its own. */
bool rpc_inline_give_up(void);
/* Whether this thread's budget ran out (its answer will be dropped: the
 * dispatcher then records no metrics for the call, which runs again). */
bool rpc_inline_spent(void);

#endif
