/* RLPx, the devp2p encrypted transport (ethereum/devp2p rlpx.md, EIP-8, EIP-706):
 * the "p2p" base protocol (Hello, Disconnect, Ping, Pong; capability negotiation)
 * and a connection object on a libuv loop that dials or accepts a TCP peer, runs
 * the ECIES handshake, exchanges Hello, compresses messages with Snappy, answers
 * pings, pings an idle peer and delivers each capability message to a callback.
 * Connections are single-threaded: every function on a connection must be called
 * on its loop's thread, and callbacks run there. The codecs themselves (ECIES,
 * auth/ack, frames) are in src/p2p/rlpx_codec.h.
 *
 * Lifecycle: rlpx_dial or rlpx_accept (from a uv_listen callback) returns a
 * connection; on_ready fires once both Hellos are exchanged (rlpx_conn_caps then
 * gives the shared capabilities and their indexes for rlpx_send); on_msg
 * delivers each capability message; on_close fires exactly once, after which the
 * connection is freed and must not be used. tests/system/p2p_hello.c is a
 * complete small user. */
#ifndef ETHC_RLPX_H
#define ETHC_RLPX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLPX_P2P_VERSION 5 /* the base protocol version we send */
#define RLPX_MAX_CAPS 32   /* capabilities kept from a Hello (more are ignored) */
#define RLPX_CAP_BASE 0x10 /* the first message id of a capability */

/* Disconnect reasons (rlpx.md "Disconnect"). */
typedef enum {
  RLPX_DISC_REQUESTED = 0x00,
  RLPX_DISC_TCP_ERROR = 0x01,
  RLPX_DISC_BREACH = 0x02, /* a malformed message, bad RLP, ... */
  RLPX_DISC_USELESS_PEER = 0x03,
  RLPX_DISC_TOO_MANY_PEERS = 0x04,
  RLPX_DISC_ALREADY_CONNECTED = 0x05,
  RLPX_DISC_INCOMPATIBLE_VERSION = 0x06,
  RLPX_DISC_NULL_IDENTITY = 0x07,
  RLPX_DISC_QUITTING = 0x08,
  RLPX_DISC_UNEXPECTED_IDENTITY = 0x09,
  RLPX_DISC_SELF = 0x0a,
  RLPX_DISC_PING_TIMEOUT = 0x0b,
  RLPX_DISC_SUBPROTOCOL = 0x10
} rlpx_disc_reason_t;

/* "disconnect requested", ... ("unknown reason" otherwise). */
const char *rlpx_disc_reason_str(int reason);

/* A capability as a Hello lists it: a name of at most 8 characters, a version. */
typedef struct {
  char name[9];
  uint32_t version;
} rlpx_cap_t;

typedef struct {
  uint64_t version;    /* the p2p version (5) */
  char client_id[256]; /* truncated to 255 bytes */
  rlpx_cap_t caps[RLPX_MAX_CAPS];
  size_t n_caps;
  uint16_t listen_port;
  uint8_t id[64]; /* the node's public key */
} rlpx_hello_t;

/* Hello's msg-data (the RLP list, without the message id) appended to out. */
int rlpx_hello_encode(const rlpx_hello_t *h, bytes_buf_t *out);
/* Decodes Hello's msg-data, ignoring extra list elements (EIP-8), capabilities
 * with names over 8 bytes and those past RLPX_MAX_CAPS. 0 or ETHC_ERR_RLP_*. */
int rlpx_hello_decode(const uint8_t *data, size_t len, rlpx_hello_t *h);
/* Disconnect's msg-data [reason] appended to out. */
int rlpx_disconnect_encode(int reason, bytes_buf_t *out);
/* The reason from Disconnect's msg-data: [reason], a bare reason, or [] (0).
 * 0 or ETHC_ERR_RLP_*. */
int rlpx_disconnect_decode(const uint8_t *data, size_t len, int *reason);

/* A capability we speak, with the number of message ids it uses. */
typedef struct {
  const char *name;
  uint32_t version;
  uint32_t length;
} rlpx_proto_t;

/* A capability both sides share, with its message-id range. */
typedef struct {
  char name[9];
  uint32_t version;
  uint32_t offset, length; /* ids offset .. offset+length-1 */
  size_t proto;            /* index into the local rlpx_proto_t list */
} rlpx_shared_cap_t;

/* The shared capabilities (equal name and version; the highest shared version of
 * each name), in name order, with ids from RLPX_CAP_BASE on: written to out (up
 * to max), returns how many. */
size_t rlpx_negotiate(const rlpx_proto_t *local, size_t n_local, const rlpx_hello_t *remote, rlpx_shared_cap_t *out,
                      size_t max);

/* ---- the connection ---- */

typedef struct rlpx_conn rlpx_conn_t;

typedef struct {
  /* Both Hellos are exchanged and capabilities negotiated. */
  void (*on_ready)(rlpx_conn_t *c, void *user);
  /* A capability message: its shared capability, the code relative to the
   * capability's offset, and the decompressed msg-data (valid during the call). */
  void (*on_msg)(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                 void *user);
  /* The connection is closed and about to be freed (called once for every
   * connection rlpx_dial/rlpx_accept returned). `reason` is the Disconnect reason
   * (sent or received; RLPX_DISC_TCP_ERROR for I/O errors), `remote` whether the
   * peer sent it, `why` a message such as "bad frame MAC". */
  void (*on_close)(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user);
} rlpx_callbacks_t;

typedef struct {
  uint8_t key[32];            /* our static node key */
  const char *client_id;      /* e.g. "ethc/v0.1.0/linux-x86_64" (borrowed) */
  const rlpx_proto_t *protos; /* our capabilities (borrowed: must outlive the connection) */
  size_t n_protos;
  uint16_t listen_port;
  uint64_t handshake_timeout_ms; /* until both Hellos: 0 means 5000 */
  uint64_t ping_interval_ms;     /* an active peer is pinged this often: 0 means 15000; no Pong before the next
                                    ping disconnects it (ping timeout) */
  rlpx_callbacks_t cb;
  void *user;
} rlpx_config_t;

/* Dials addr expecting the node `remote_id`. 0 with *out set (on_close will be
 * called), or an ETHC_ERR_* when nothing was started. */
int rlpx_dial(uv_loop_t *loop, const rlpx_config_t *cfg, const struct sockaddr *addr, const uint8_t remote_id[64],
              rlpx_conn_t **out);
/* Accepts a pending connection from a listening uv_tcp_t (call from its
 * connection callback). 0 with *out set, or an ETHC_ERR_*. */
int rlpx_accept(uv_loop_t *loop, const rlpx_config_t *cfg, uv_stream_t *server, rlpx_conn_t **out);

/* Sends a capability message (msg-data, uncompressed; compressed here when the
 * peer speaks p2p v5). `cap` indexes rlpx_conn_caps. 0; ETHC_ERR_INVALID before
 * on_ready or after closing, or for a code outside the capability; ETHC_ERR_LIMIT
 * for data over 16 MiB. Writes are queued in order and never block. */
int rlpx_send(rlpx_conn_t *c, size_t cap, uint64_t code, const uint8_t *data, size_t len);
/* Sends Ping (for tests; the connection pings idle peers itself). */
int rlpx_ping(rlpx_conn_t *c);
/* Sends Disconnect (when the handshake got that far) and closes once it is
 * written and the peer had up to 2 s to hang up. Idempotent. */
void rlpx_disconnect(rlpx_conn_t *c, int reason);
/* Closes at once without a Disconnect. */
void rlpx_close(rlpx_conn_t *c);

bool rlpx_conn_initiator(const rlpx_conn_t *c);
/* The peer's node id (known at once when dialling, after the auth otherwise). */
const uint8_t *rlpx_conn_remote_id(const rlpx_conn_t *c);
/* The peer's TCP address (getpeername) into *ss: 0, or a negative libuv error
 * (not connected yet, or closed). */
int rlpx_conn_peer_addr(const rlpx_conn_t *c, struct sockaddr_storage *ss);
/* The peer's Hello (NULL before it came). */
const rlpx_hello_t *rlpx_conn_remote_hello(const rlpx_conn_t *c);
const rlpx_shared_cap_t *rlpx_conn_caps(const rlpx_conn_t *c, size_t *n);
/* The index in rlpx_conn_caps of a shared capability by name, or -1. */
int rlpx_conn_cap_index(const rlpx_conn_t *c, const char *name);
/* Bytes handed to rlpx_send and not yet written to the socket. */
size_t rlpx_conn_write_queue(const rlpx_conn_t *c);
typedef struct {
  uint64_t msgs_in, msgs_out;   /* every message, p2p ones included */
  uint64_t bytes_in, bytes_out; /* frame-data received, frames sent */
  uint64_t pings_in, pongs_in;
} rlpx_stats_t;
const rlpx_stats_t *rlpx_conn_stats(const rlpx_conn_t *c);
/* A pointer of the caller's for this connection (NULL at first). */
void rlpx_conn_set_data(rlpx_conn_t *c, void *data);
void *rlpx_conn_data(const rlpx_conn_t *c);

#ifdef __cplusplus
}
#endif

#endif
