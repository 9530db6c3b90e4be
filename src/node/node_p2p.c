/* The node's peer manager wiring (node_p2p.h; devp2p rlpx.md, caps/eth.md and caps/snap.md through peers.h). */
#include "node/node_p2p.h"

#include <stdio.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/log.h"
#include "ethc/p2p_enr.h"

static int parse_hash(const char *s, ethc_hash_t *h) {
  if (!s || strncmp(s, "0x", 2) || strlen(s) != 66) return -1;
  for (int i = 0; i < 32; i++) {
    unsigned v;
    if (sscanf(s + 2 + 2 * i, "%2x", &v) != 1) return -1;
    h->bytes[i] = (uint8_t)v;
  }
  return 0;
}

int node_peers_start(peers_t **out, uv_loop_t *loop, node_p2p_t *p, const node_p2p_opts_t *o, chain_t *chain,
                     uint64_t chain_id, bool read_only, const char *client_version, pthread_mutex_t *write_lock,
                     char *err, size_t errlen) {
  *out = NULL;
  if (!p->on) return 0;
  peers_opts_t po = {.chain = chain,
                     .network_id = chain_id,
                     .client_id = client_version,
                     .port = p->info.tcp_port,
                     .maxpeers = p->maxpeers,
                     .trusted = p->trusted,
                     .trusted_count = p->trusted_count,
                     .sync = !read_only,
                     .write_lock = write_lock,
                     .sync_full = o->sync_full,
                     .eth_versions = o->eth_versions};
  memcpy(po.key, p->key, 32);
  if (o->sync_target) {
    if (parse_hash(o->sync_target, &po.target))
      return snprintf(err, errlen, "--sync.target: want a 0x-prefixed 32-byte block hash"), ETHC_ERR_INVALID;
    po.has_target = true;
  }
  int rc = peers_start(loop, &po, out, err, errlen);
  if (rc && o->port == 0 && po.port) { /* --port 0: UDP's number is taken for TCP; any free one */
    p->peers_failed = *out;            /* its listener closes when the loop runs */
    po.port = 0;
    rc = peers_start(loop, &po, out, err, errlen);
  }
  if (rc) return rc;
  p->peers = *out; /* admin_peers */
  p->info.listen6 = peers_listen6(*out);
  uint16_t port = peers_port(*out);
  if (port != p->info.tcp_port) { /* --port 0 without discovery: the port TCP got */
    pthread_mutex_lock(&p->lock);
    p->info.tcp_port = port;
    if (!p->disc) {
      enr_fields_t f = {0};
      node_p2p_enr_address(p, &f);
      if (enr_sign(p->key, p->info.enr.seq + 1, &f, &p->info.enr))
        ethc_log(ETHC_LOG_WARN, "p2p: cannot re-sign the node record");
    } else if (discv4_set_tcp_port(p->disc, port)) {
      ethc_log(ETHC_LOG_WARN, "p2p: cannot re-sign the node record");
    }
    p2p_node_t self = {.tcp = port, .udp = p->info.udp_port ? p->info.udp_port : port};
    memcpy(self.pubkey, p->info.pubkey, 64);
    memcpy(self.ip, p->info.ip, 16);
    enode_format(&self, p->enode, sizeof p->enode);
    pthread_mutex_unlock(&p->lock);
  }
  /* the ENR's "eth" entry: our fork id at the head, following it (devp2p enr-entries/eth.md) */
  if (node_p2p_track_forkid(p, loop, chain, chain_id))
    ethc_log(ETHC_LOG_WARN, "p2p: cannot put the fork id in the node record");
  ethc_log(ETHC_LOG_INFO, "p2p: listening on TCP port %u, header sync %s", port,
           read_only      ? "off (read-only, mining or a light database)"
           : o->sync_full ? "on (--syncmode full)"
                          : "on");
  return 0;
}

/* ---- the pool as the transaction exchange sees it (eth_tx.h) ---- */

static eth_tx_verdict_t pool_add(void *ctx, const uint8_t *raw, size_t len) {
  char err[200] = "";
  ethc_hash_t hash;
  if (!txpool_add(ctx, raw, len, &hash, err, sizeof err)) return ETH_TX_ADDED;
  /* what blames the sender: an encoding or a signature that is wrong whatever the state */
  if (!strcmp(err, "rlp: invalid transaction") || !strcmp(err, "invalid sender")) return ETH_TX_BAD;
  if (txpool_err_blames_sender(err)) return ETH_TX_BAD; /* a bad blob sidecar too */
  return ETH_TX_REFUSED;
}

static bool pool_has(void *ctx, const ethc_hash_t *hash) { return txpool_has(ctx, hash); }

static bool pool_get(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) { return txpool_get_raw(ctx, hash, out); }

static void pool_each(void *ctx, void (*fn)(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size),
                      void *arg) {
  txpool_each_hash(ctx, fn, arg);
}

/* The pool's accept hook (any thread): tell the peers. */
static void on_accepted(void *ctx, const txpool_tx_t *t) {
  uint8_t type = t->raw_len && t->raw[0] < 0x80 ? t->raw[0] : 0;
  eth_txex_announce(ctx, t->hash, type, (uint32_t)t->wire_len);
}

void node_peers_attach_pool(peers_t *peers, txpool_t *pool) {
  if (!peers || !pool) return;
  eth_tx_pool_t api = {.ctx = pool, .add = pool_add, .has = pool_has, .get = pool_get, .each = pool_each};
  eth_txex_t *x = peers_set_txpool(peers, &api);
  if (!x || txpool_on_tx(pool, on_accepted, x))
    ethc_log(ETHC_LOG_WARN, "p2p: cannot connect the transaction pool to the peers");
}
