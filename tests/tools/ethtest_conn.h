/* A blocking RLPx connection for conformance tests (ethereum/devp2p rlpx.md):
 * dials a node over TCP, runs the ECIES handshake with the codecs of
 * src/p2p/rlpx_codec.h, and sends and reads whole messages with timeouts, so
 * a test reads as a sequence of steps (as go-ethereum's
 * cmd/devp2p/internal/ethtest drives its Conn). Unlike src/p2p/rlpx_conn.c it
 * sends nothing on its own: the test writes Hello (well-formed or not),
 * Status and every request itself; only Ping is answered while reading.
 * Single-threaded; one conn per object. */
#ifndef ETHTEST_CONN_H
#define ETHTEST_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/rlpx.h"

/* p2p message codes. */
enum { P2P_HELLO = 0, P2P_DISCONNECT = 1, P2P_PING = 2, P2P_PONG = 3 };

/* read results besides 0 */
#define ET_TIMEOUT (-1) /* nothing within the timeout */
#define ET_CLOSED (-2)  /* the peer closed the TCP connection */
#define ET_ERROR (-3)   /* a bad frame or write error */

typedef struct et_conn et_conn_t;

/* Node id and address of an enode URL (enode://ID@IP:PORT). 0 or -1. */
int et_parse_enode(const char *enode, uint8_t id[64], char host[64], int *port);

/* Dials and completes the auth/ack handshake with a fresh or given key
 * (`key` NULL: random). NULL on failure (why in err). */
et_conn_t *et_dial(const char *enode, const uint8_t *key, char *err, size_t errlen);
void et_close(et_conn_t *c);
const uint8_t *et_pubkey(const et_conn_t *c); /* our node id (64 bytes) */

/* Sends one message with absolute code `code` (p2p codes, or a capability's
 * offset + code); compressed once Snappy is on (after et_hello). 0 or -1. */
int et_send(et_conn_t *c, uint64_t code, const uint8_t *data, size_t len);
/* Reads the next message within timeout_ms (answering Pings): 0 with *code
 * and *data (the decompressed payload, valid until the next read), or
 * ET_TIMEOUT / ET_CLOSED / ET_ERROR. */
int et_read(et_conn_t *c, int timeout_ms, uint64_t *code, bytes_view_t *data);

/* Sends our Hello with these capabilities, reads the peer's, turns Snappy
 * on and negotiates: 0, or -1 (the peer disconnected or sent no Hello; the
 * disconnect reason, when one came, in *reason, else -1). */
int et_hello(et_conn_t *c, const rlpx_proto_t *caps, size_t n, int *reason);
/* The message-id offset of a negotiated capability, or -1. */
int et_offset(const et_conn_t *c, const char *name, uint32_t *version);
/* Turns Snappy on (for tests that send a Hello of their own). */
void et_set_snappy(et_conn_t *c, bool on);

#endif
