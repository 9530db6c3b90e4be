/* Per-client-address request rate limit of the HTTP server (ratelimit.c). */
#ifndef ETHC_RPC_RATELIMIT_H
#define ETHC_RPC_RATELIMIT_H

#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef struct rpc_ratelimit rpc_ratelimit_t;

rpc_ratelimit_t *rpc_ratelimit_new(unsigned per_second);
void rpc_ratelimit_free(rpc_ratelimit_t *r);
/* Takes one request of `sa`'s budget: false when it has none left. Thread-safe. */
bool rpc_ratelimit_allow(rpc_ratelimit_t *r, const struct sockaddr *sa);

#endif
