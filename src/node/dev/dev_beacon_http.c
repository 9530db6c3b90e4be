/* TEST-ONLY: the dev beacon side's REST server (ethc/dev_beacon.h): the beacon
 * API's light-client endpoints (ethereum/beacon-APIs apis/beacon/light_client),
 * /eth/v1/beacon/genesis, /eth/v1/beacon/headers/{block_id} and
 * /eth/v1/beacon/blocks/{block_id}/root, JSON only, with
 * the Eth-Consensus-Version header, over libmicrohttpd on a port of its own (a
 * beacon node's API is a separate endpoint from the execution client's
 * JSON-RPC, as --consensus-rpc and --execution-rpc are; it also leaves the RPC
 * server untouched). One thread per connection; each request first catches the
 * beacon side up with the chain (dev_beacon_follow). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/chain_read.h"
#include "ethc/dev_beacon.h"
#include "ethc/log.h"

#define LC "/eth/v1/beacon/light_client/"
#define HEADERS "/eth/v1/beacon/headers/"
#define BLOCKS "/eth/v1/beacon/blocks/"
#define MAX_UPDATES 128 /* MAX_REQUEST_LIGHT_CLIENT_UPDATES */

struct dev_beacon_server {
  struct MHD_Daemon *d;
  chain_t *chain;
  dev_beacon_t *b;
  uint16_t port;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, const char *version) {
  if (!body) {
    status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    body = strdup("{\"code\":500,\"message\":\"out of memory\"}");
    if (!body) return MHD_NO;
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
  if (!r) return free(body), MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  if (version && status == MHD_HTTP_OK) MHD_add_response_header(r, "Eth-Consensus-Version", version);
  enum MHD_Result ret = MHD_queue_response(conn, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result error(struct MHD_Connection *conn, unsigned status, const char *msg) {
  char *body = malloc(strlen(msg) + 64);
  if (body) sprintf(body, "{\"code\":%u,\"message\":\"%s\"}", status, msg);
  return reply(conn, status, body, NULL);
}

static const char *fork_name_of(dev_beacon_t *b, uint64_t number) {
  return beacon_fork_name(beacon_fork_at_slot(dev_beacon_config(), dev_beacon_slot(b, number)));
}

/* A decimal uint64 with nothing else; false otherwise. */
static bool parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || strlen(s) > 20) return false;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

static enum MHD_Result genesis(struct MHD_Connection *conn) {
  const beacon_config_t *c = dev_beacon_config();
  char gvr[67], ver[11], *body = malloc(256);
  if (body)
    snprintf(
        body, 256,
        "{\"data\":{\"genesis_time\":\"%llu\",\"genesis_validators_root\":\"%s\",\"genesis_fork_version\":\"%s\"}}",
        (unsigned long long)c->genesis_time, hex_encode(c->genesis_validators_root, 32, gvr),
        hex_encode(c->fork_version[0], 4, ver));
  return reply(conn, MHD_HTTP_OK, body, NULL);
}

/* /eth/v1/beacon/headers/{head, finalized, genesis, 0xROOT, SLOT}, or with
 * `root_only` /eth/v1/beacon/blocks/{...}/root. */
static enum MHD_Result headers(dev_beacon_server_t *s, struct MHD_Connection *conn, const char *id, bool root_only) {
  uint64_t number = 0, head = 0, fin = 0;
  if (dev_beacon_head(s->b, &head) || dev_beacon_finalized(s->b, &fin))
    return error(conn, MHD_HTTP_NOT_FOUND, "No blocks yet");
  uint8_t root[32];
  if (!strcmp(id, "head")) number = head;
  else if (!strcmp(id, "finalized")) number = fin;
  else if (!strcmp(id, "genesis")) number = 0;
  else if (!strncmp(id, "0x", 2)) {
    if (hex_decode_fixed(id, true, root, 32)) return error(conn, MHD_HTTP_BAD_REQUEST, "Invalid block ID");
    if (dev_beacon_find_root(s->b, root, &number)) return error(conn, MHD_HTTP_NOT_FOUND, "Block header not found");
  } else {
    uint64_t slot;
    if (!parse_u64(id, &slot)) return error(conn, MHD_HTTP_BAD_REQUEST, "Invalid block ID");
    if (dev_beacon_find_slot(s->b, slot, &number)) return error(conn, MHD_HTTP_NOT_FOUND, "Block header not found");
  }
  beacon_block_header_t h;
  if (dev_beacon_header(s->b, number, &h, root)) return error(conn, MHD_HTTP_NOT_FOUND, "Block header not found");
  char r[67], p[67], st[67], bd[67], sig[2 * BEACON_SIGNATURE_SIZE + 3];
  if (root_only) {
    char *body = malloc(192);
    if (body)
      snprintf(body, 192, "{\"execution_optimistic\":false,\"finalized\":%s,\"data\":{\"root\":\"%s\"}}",
               number <= fin ? "true" : "false", hex_encode(root, 32, r));
    return reply(conn, MHD_HTTP_OK, body, NULL);
  }
  uint8_t zero[BEACON_SIGNATURE_SIZE] = {0};
  char *body = malloc(1024);
  if (body)
    snprintf(body, 1024,
             "{\"execution_optimistic\":false,\"finalized\":%s,\"data\":{\"root\":\"%s\",\"canonical\":true,"
             "\"header\":{\"message\":{\"slot\":\"%llu\",\"proposer_index\":\"%llu\",\"parent_root\":\"%s\","
             "\"state_root\":\"%s\",\"body_root\":\"%s\"},\"signature\":\"%s\"}}}",
             number <= fin ? "true" : "false", hex_encode(root, 32, r), (unsigned long long)h.slot,
             (unsigned long long)h.proposer_index, hex_encode(h.parent_root.bytes, 32, p),
             hex_encode(h.state_root.bytes, 32, st), hex_encode(h.body_root.bytes, 32, bd),
             hex_encode(zero, sizeof zero, sig));
  return reply(conn, MHD_HTTP_OK, body, fork_name_of(s->b, number));
}

static enum MHD_Result bootstrap(dev_beacon_server_t *s, struct MHD_Connection *conn, const char *id) {
  uint8_t root[32];
  uint64_t number;
  if (strncmp(id, "0x", 2) || hex_decode_fixed(id, true, root, 32))
    return error(conn, MHD_HTTP_BAD_REQUEST, "Invalid block root");
  if (dev_beacon_find_root(s->b, root, &number)) return error(conn, MHD_HTTP_NOT_FOUND, "LC bootstrap unavailable");
  beacon_lc_bootstrap_t *bs = malloc(sizeof *bs);
  if (!bs) return reply(conn, 500, NULL, NULL);
  int rc = dev_beacon_bootstrap(s->b, number, bs);
  char *body = rc ? NULL : dev_beacon_json_bootstrap(bs);
  free(bs);
  if (rc) return error(conn, MHD_HTTP_NOT_FOUND, "LC bootstrap unavailable");
  return reply(conn, MHD_HTTP_OK, body, fork_name_of(s->b, number));
}

static enum MHD_Result updates(dev_beacon_server_t *s, struct MHD_Connection *conn) {
  uint64_t start, count;
  if (!parse_u64(MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "start_period"), &start) ||
      !parse_u64(MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "count"), &count))
    return error(conn, MHD_HTTP_BAD_REQUEST, "Invalid query: start_period and count must be unsigned integers");
  if (count > MAX_UPDATES) count = MAX_UPDATES;
  beacon_lc_update_t *u = calloc(count ? count : 1, sizeof *u);
  if (!u) return reply(conn, 500, NULL, NULL);
  size_t n = 0;
  for (uint64_t p = start; p - start < count && p >= start; p++) {
    int rc = dev_beacon_update(s->b, p, &u[n]);
    if (rc == 0) n++;
    else if (rc != ETHC_ERR_NOT_FOUND) {
      free(u);
      return error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot sign the update");
    }
  }
  char *body = dev_beacon_json_updates(u, n);
  const char *version = n ? beacon_fork_name(u[0].fork) : NULL;
  free(u);
  return reply(conn, MHD_HTTP_OK, body, version);
}

static enum MHD_Result finality_update(dev_beacon_server_t *s, struct MHD_Connection *conn) {
  beacon_lc_finality_update_t *u = malloc(sizeof *u);
  if (!u) return reply(conn, 500, NULL, NULL);
  int rc = dev_beacon_finality_update(s->b, u);
  char *body = rc ? NULL : dev_beacon_json_finality_update(u);
  const char *version = beacon_fork_name(u->fork);
  free(u);
  if (rc) return error(conn, MHD_HTTP_NOT_FOUND, "No finality update available");
  return reply(conn, MHD_HTTP_OK, body, version);
}

static enum MHD_Result optimistic_update(dev_beacon_server_t *s, struct MHD_Connection *conn) {
  beacon_lc_optimistic_update_t *u = malloc(sizeof *u);
  if (!u) return reply(conn, 500, NULL, NULL);
  int rc = dev_beacon_optimistic_update(s->b, u);
  char *body = rc ? NULL : dev_beacon_json_optimistic_update(u);
  const char *version = beacon_fork_name(u->fork);
  free(u);
  if (rc) return error(conn, MHD_HTTP_NOT_FOUND, "No optimistic update available");
  return reply(conn, MHD_HTTP_OK, body, version);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version, (void)upload;
  dev_beacon_server_t *s = cls;
  if (!*con_cls) { /* the headers: come back for the body */
    *con_cls = s;
    return MHD_YES;
  }
  if (*upload_size) return *upload_size = 0, MHD_YES;
  if (strcmp(method, MHD_HTTP_METHOD_GET)) return error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET is served");
  int rc = dev_beacon_follow(s->b, s->chain);
  if (rc) ethc_log(ETHC_LOG_WARN, "dev beacon: cannot read the chain: %s", ethc_strerror(rc));
  if (!strcmp(url, "/eth/v1/beacon/genesis")) return genesis(conn);
  if (!strncmp(url, HEADERS, strlen(HEADERS))) return headers(s, conn, url + strlen(HEADERS), false);
  size_t ul = strlen(url);
  if (!strncmp(url, BLOCKS, strlen(BLOCKS)) && ul > strlen(BLOCKS) + 5 && !strcmp(url + ul - 5, "/root")) {
    char id[80];
    size_t n = ul - 5 - strlen(BLOCKS);
    if (n >= sizeof id) return error(conn, MHD_HTTP_BAD_REQUEST, "Invalid block ID");
    memcpy(id, url + strlen(BLOCKS), n);
    id[n] = 0;
    return headers(s, conn, id, true);
  }
  if (!strncmp(url, LC "bootstrap/", strlen(LC "bootstrap/"))) return bootstrap(s, conn, url + strlen(LC "bootstrap/"));
  if (!strcmp(url, LC "updates")) return updates(s, conn);
  if (!strcmp(url, LC "finality_update")) return finality_update(s, conn);
  if (!strcmp(url, LC "optimistic_update")) return optimistic_update(s, conn);
  return error(conn, MHD_HTTP_NOT_FOUND, "Not found");
}

int dev_beacon_server_start(chain_t *chain, const char *addr, uint16_t port, dev_beacon_server_t **out, char *err,
                            size_t errlen) {
  *out = NULL;
  chain_header_t g;
  int rc = chain_read_header_by_number(chain, 0, &g, NULL);
  if (rc) return snprintf(err, errlen, "--dev.beacon: cannot read the genesis block: %s", ethc_strerror(rc)), rc;
  /* the dev network is Fulu from slot 0: its execution side is Osaka from block 0 */
  if (!chain_fork_active(chain_config(chain), FORK_OSAKA, 0, g.timestamp))
    return snprintf(err, errlen,
                    "--dev.beacon: the dev beacon network is Fulu from its first slot, so the chain must run Osaka "
                    "from block 0 (ethc node --dev's does)"),
           ETHC_ERR_UNSUPPORTED;
  dev_beacon_server_t *s = calloc(1, sizeof *s);
  if (!s || !(s->b = dev_beacon_new(g.timestamp))) {
    free(s);
    return snprintf(err, errlen, "--dev.beacon: cannot make the sync committee"), ETHC_ERR_NOMEM;
  }
  s->chain = chain;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  const char *a = addr ? addr : "127.0.0.1";
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;
  if (inet_pton(AF_INET, a, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
  } else if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    flags |= MHD_USE_IPv6;
  } else {
    dev_beacon_free(s->b);
    free(s);
    return snprintf(err, errlen, "--dev.beacon: bad listen address %s", a), ETHC_ERR_IO;
  }
  s->d = MHD_start_daemon(flags, port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
  if (!s->d) {
    dev_beacon_free(s->b);
    free(s);
    return snprintf(err, errlen, "--dev.beacon.port %u: cannot listen on %s (in use?)", port, a), ETHC_ERR_IO;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : port;
  *out = s;
  return 0;
}

uint16_t dev_beacon_server_port(const dev_beacon_server_t *s) { return s->port; }

int dev_beacon_server_parent_root(void *server, const ethc_hash_t *parent, ethc_hash_t *out) {
  dev_beacon_server_t *s = server;
  return dev_beacon_root_of(s->b, s->chain, parent, out->bytes);
}

void dev_beacon_server_stop(dev_beacon_server_t *s) {
  if (!s) return;
  MHD_stop_daemon(s->d);
  dev_beacon_free(s->b);
  free(s);
}
