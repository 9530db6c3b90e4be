/* WebSocket (RFC 6455) sessions of the RPC server (ws.c). */
#ifndef ETHC_RPC_WS_H
#define ETHC_RPC_WS_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/rpc.h"

/* Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
void ws_accept_key(const char *key, char out[29]);

/* Serves one upgraded connection until it closes, on the calling thread,
 * pinging it after ping_ms (0: 30 s) without a frame.
 * register_conn(ctx, sock, true) is called first (non-zero: refuse, as when
 * the server is stopping) and register_conn(ctx, sock, false) at the end. */
void ws_serve(rpc_server_t *srv, int sock, const char *extra, size_t extra_len, size_t max_message, unsigned ping_ms,
              int (*register_conn)(void *ctx, int sock, bool add), void *ctx);

#endif
