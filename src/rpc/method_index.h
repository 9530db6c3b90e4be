/* Hashed look-ups over the method table (method_index.c), for the dispatcher's
 * hot path: a method by name and a method's metrics index, each in a few
 * dozen instructions instead of a scan of every table. Thread-safe (the index
 * is built once, on first use, under pthread_once, and only read after). */
#ifndef ETHC_RPC_METHOD_INDEX_H
#define ETHC_RPC_METHOD_INDEX_H

#include "rpc/rpc_internal.h"

/* As rpc_method_find: the first method of that name in table order, or NULL. */
const rpc_method_t *rpc_method_lookup(const char *name);
/* As rpc_metrics_index: m's position in rpc_method_all's order, or -1. */
int rpc_method_position(const rpc_method_t *m);

#endif
