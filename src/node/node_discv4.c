/* The node's p2p identity and discovery (node_discv4.h; devp2p discv4.md, the
 * node record of EIP-778 with its "eth" entry of devp2p enr-entries/eth.md:
 * the EIP-2124 fork id, re-signed on the loop when the head crosses a fork;
 * EIP-1459 DNS lists; go-ethereum's admin_nodeInfo and admin peer calls). */
#include "node/node_discv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_genesis_builtin.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/log.h"
#include "ethc/p2p_dnsdisc.h"
#include "ethc/p2p_enr.h"
#include "ethc/peers.h"
#include "ethc/secp256k1.h"

static char *admin_node_info(void *ctx) {
  node_p2p_t *p = ctx;
  static __thread p2p_info_t info;
  pthread_mutex_lock(&p->lock);
  info = p->info;
  chain_t *chain = p->chain;
  pthread_mutex_unlock(&p->lock);
  /* protocols.eth (geth's eth.NodeInfo) while the peer manager serves eth */
  char *eth = chain ? eth_node_info_json(chain, p->network_id) : NULL;
  char *protocols = NULL;
  if (eth && (protocols = malloc(strlen(eth) + 16))) {
    sprintf(protocols, "{\"eth\":%s}", eth);
    info.protocols = protocols;
  }
  char *s = p2p_node_info_json(&info);
  free(protocols);
  free(eth);
  return s;
}

static char *admin_table(void *ctx) {
  const node_p2p_t *p = ctx;
  return discv4_table_json(p->info.disc);
}

static char *admin_peers(void *ctx) {
  node_p2p_t *p = ctx;
  return p->peers ? peers_json(p->peers) : strdup("[]");
}

static char *admin_syncing(void *ctx) {
  node_p2p_t *p = ctx;
  return p->peers ? peers_syncing_json(p->peers) : strdup("false");
}

static uint64_t admin_header_tip(void *ctx) {
  node_p2p_t *p = ctx;
  return p->peers ? sync_progress_light_tip(peers_sync_progress(p->peers)) : 0;
}

static int admin_header_hash(void *ctx, uint64_t number, ethc_hash_t *hash) {
  node_p2p_t *p = ctx;
  return p->peers ? sync_progress_header_hash(peers_sync_progress(p->peers), number, hash) : ETHC_ERR_NOT_FOUND;
}

static unsigned admin_peer_count(void *ctx) {
  node_p2p_t *p = ctx;
  return p->peers ? peers_count(p->peers) : 0;
}

/* admin_addPeer and the others (any thread): queued for the loop, which does it. */
static int admin_peer_op(void *ctx, int op, const char *url, char *err, size_t errlen) {
  node_p2p_t *p = ctx;
  p2p_node_t n;
  int rc = enode_parse(url, &n, err, errlen);
  if (rc) return rc;
  if (op == RPC_PEER_ADD && !memcmp(n.pubkey, p->info.pubkey, 64))
    return snprintf(err, errlen, "%s: that is this node", url), ETHC_ERR_INVALID;
  pthread_mutex_lock(&p->lock);
  if (!p->add_on) rc = (snprintf(err, errlen, "p2p networking is stopping"), ETHC_ERR_INVALID);
  else if (p->add_n == sizeof p->add_q / sizeof *p->add_q)
    rc = (snprintf(err, errlen, "too many peers being added at once"), ETHC_ERR_LIMIT);
  else {
    p->add_q[p->add_n].op = op, p->add_q[p->add_n].node = n;
    p->add_n++;
    uv_async_send(&p->add_async);
  }
  pthread_mutex_unlock(&p->lock);
  return rc;
}

static void on_add_peer(uv_async_t *a) {
  node_p2p_t *p = a->data;
  node_peer_op_t q[sizeof p->add_q / sizeof *p->add_q];
  pthread_mutex_lock(&p->lock);
  size_t n = p->add_n;
  memcpy(q, p->add_q, n * sizeof *q);
  p->add_n = 0;
  pthread_mutex_unlock(&p->lock);
  for (size_t i = 0; i < n && p->peers; i++) {
    const p2p_node_t *node = &q[i].node;
    int rc = 0;
    switch (q[i].op) {
      case RPC_PEER_ADD: rc = peers_add_static(p->peers, node); break;
      case RPC_PEER_REMOVE: peers_remove_static(p->peers, node); break;
      case RPC_PEER_ADD_TRUSTED: rc = peers_add_trusted(p->peers, node); break;
      case RPC_PEER_REMOVE_TRUSTED: peers_remove_trusted(p->peers, node); break;
      default: break;
    }
    if (rc) {
      char url[ENODE_URL_MAX];
      enode_format(node, url, sizeof url);
      ethc_log(ETHC_LOG_WARN, "admin: %s not added: %s", url,
               rc == ETHC_ERR_LIMIT ? "256 nodes of that kind already" : "out of memory");
    }
  }
}

int node_p2p_set_eth_entry(node_p2p_t *p, const uint8_t *value, size_t len) {
  if (!p->on) return ETHC_ERR_INVALID;
  if (p->disc) return discv4_set_eth_entry(p->disc, value, len);
  pthread_mutex_lock(&p->lock);
  enr_fields_t f = {.eth = value, .eth_len = len};
  node_p2p_enr_address(p, &f);
  enr_t e;
  int rc = enr_sign(p->key, p->info.enr.seq + 1, &f, &e);
  if (!rc) p->info.enr = e;
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int node_p2p_forkid_at(node_p2p_t *p, uint64_t number, uint64_t time) {
  forkid_t id = forkid_at(&p->eth_sched, number, time);
  if (id.hash == p->eth_id.hash && id.next == p->eth_id.next) return 0;
  bytes_buf_t v = {0};
  int rc = enr_eth_entry_encode(&id, &v);
  if (!rc) rc = node_p2p_set_eth_entry(p, v.data, v.len);
  bytes_buf_free(&v);
  if (rc) return rc < 0 ? rc : -rc;
  p->eth_id = id;
  return 1;
}

/* A new head (the importing thread): its position, to the loop. */
static void on_new_head(void *ctx, chain_snapshot_t *head) {
  node_p2p_t *p = ctx;
  const chain_header_t *h = chain_snapshot_header(head);
  pthread_mutex_lock(&p->lock);
  if (p->eth_on) {
    p->head_pending = true;
    p->head_number = h->number;
    p->head_time = h->timestamp;
    uv_async_send(&p->head_async);
  }
  pthread_mutex_unlock(&p->lock);
}

static void on_head_async(uv_async_t *a) {
  node_p2p_t *p = a->data;
  pthread_mutex_lock(&p->lock);
  bool pending = p->head_pending;
  uint64_t number = p->head_number, time = p->head_time;
  p->head_pending = false;
  pthread_mutex_unlock(&p->lock);
  if (!pending) return;
  int rc = node_p2p_forkid_at(p, number, time);
  if (rc == 1)
    ethc_log(ETHC_LOG_INFO, "p2p: the head crossed a fork: node record's fork id now %08x (next %llu)", p->eth_id.hash,
             (unsigned long long)p->eth_id.next);
  else if (rc < 0) ethc_log(ETHC_LOG_WARN, "p2p: cannot put the new fork id in the node record");
}

int node_p2p_track_forkid(node_p2p_t *p, uv_loop_t *loop, chain_t *chain, uint64_t network_id) {
  static const ethc_hash_t zero;
  if (!p->on) return ETHC_ERR_INVALID;
  chain_genesis_info_t g;
  uint64_t number = 0, time;
  ethc_hash_t head;
  int rc = chain_genesis_info(chain, &g);
  if (!rc) rc = chain_read_head(chain, &number, &head);
  if (rc) return rc;
  time = g.timestamp;
  if (!ethc_hash_eq(&head, &zero) && !ethc_hash_eq(&head, &g.hash)) {
    chain_header_t h;
    if ((rc = chain_read_header_by_hash(chain, &head, &h))) return rc;
    number = h.number, time = h.timestamp;
  } else {
    number = 0;
  }
  forkid_schedule(chain_config(chain), &g.hash, g.timestamp, &p->eth_sched);
  memset(&p->eth_id, 0, sizeof p->eth_id);
  p->eth_id.next = UINT64_MAX; /* no id yet: the first is always put */
  rc = node_p2p_forkid_at(p, number, time);
  if (rc < 0) return -rc;
  if (uv_async_init(loop, &p->head_async, on_head_async)) return ETHC_ERR_IO;
  p->head_async.data = p;
  pthread_mutex_lock(&p->lock);
  p->eth_on = true;
  p->chain = chain;
  p->network_id = network_id;
  pthread_mutex_unlock(&p->lock);
  if ((rc = chain_on_new_head(chain, on_new_head, p)))
    ethc_log(ETHC_LOG_WARN, "p2p: the node record's fork id will not follow the head (%s)", ethc_strerror(rc));
  return 0;
}

void node_p2p_enr_address(const node_p2p_t *p, enr_fields_t *f) {
  if (p2p_ip_is4(p->info.ip)) f->ip = p->info.ip + 12, f->tcp = p->info.tcp_port;
  else f->ip6 = p->info.ip, f->tcp6 = p->info.tcp_port;
}

static int load_bootnodes(node_p2p_t *p, const node_p2p_opts_t *o, uint64_t chain_id, char *err, size_t errlen) {
  if (o->bootnodes) return enode_parse_list(o->bootnodes, &p->boot, &p->boot_count, err, errlen);
  const char *const *urls = p2p_bootnodes(p2p_network_of_chain(chain_id));
  size_t n = 0;
  while (urls && urls[n]) n++;
  if (!n) return 0;
  if (!(p->boot = calloc(n, sizeof *p->boot))) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++)
    if (enode_parse(urls[i], &p->boot[p->boot_count], err, errlen) == 0) p->boot_count++;
  return 0;
}

/* A node record from a DNS list: discovery pings it, the peer manager dials it. */
static void dns_found(void *ctx, const enr_t *e) {
  node_p2p_t *p = ctx;
  p2p_node_t n;
  if (!enr_node(e, &n)) return; /* no address: "ip", else "ip6" */
  if (p->disc) discv4_add_node(p->disc, &n);
  if (p->peers && peers_dial(p->peers, &n)) {
    char url[ENODE_URL_MAX];
    enode_format(&n, url, sizeof url);
    ethc_log(ETHC_LOG_INFO, "dnsdisc: dialling %s", url);
  }
}

/* A node discovery found (it answered our ping): the peer manager dials it
 * while it has room for dialled peers (peers_dial's limits). Loop thread. */
static void disc_found(void *ctx, const p2p_node_t *n) {
  node_p2p_t *p = ctx;
  if (p->peers && peers_dial(p->peers, n)) {
    char url[ENODE_URL_MAX];
    enode_format(n, url, sizeof url);
    ethc_log(ETHC_LOG_INFO, "discv4: dialling %s", url);
  }
}

/* DNS discovery (with discovery on): --discovery.dns, else the network's list. */
static int start_dns(node_p2p_t *p, uv_loop_t *loop, const node_p2p_opts_t *o, uint64_t chain_id, char *err,
                     size_t errlen) {
  const char *urls = o->dns_urls ? o->dns_urls : dnsdisc_default_url(p2p_network_of_chain(chain_id));
  if (!urls || !*urls) return 0;
  dnsdisc_opts_t d = {.urls = urls, .servers = o->dns_server, .on_node = dns_found, .ctx = p};
  int rc = dnsdisc_start(loop, &d, &p->dns, err, errlen);
  if (rc == ETHC_ERR_IO) { /* the resolver library, not the flags: run without DNS discovery */
    ethc_log(ETHC_LOG_WARN, "dnsdisc: off: %s", err);
    err[0] = 0;
    return 0;
  }
  if (!rc) ethc_log(ETHC_LOG_INFO, "dnsdisc: walking %s", urls);
  return rc;
}

int node_p2p_start(node_p2p_t *p, uv_loop_t *loop, const node_p2p_opts_t *o, const char *datadir, uint64_t chain_id,
                   const char *client_version, rpc_server_t *srv, char *err, size_t errlen) {
  memset(p, 0, sizeof *p);
  if (!o->on) return 0;
  p->on = true;
  pthread_mutex_init(&p->lock, NULL);
  p->maxpeers = o->maxpeers;
  int rc = 0;
  if (o->trusted_peers && (rc = enode_parse_list(o->trusted_peers, &p->trusted, &p->trusted_count, err, errlen))) {
    char why[400];
    snprintf(why, sizeof why, "--trusted-peers: %s", err);
    return snprintf(err, errlen, "%s", why), rc;
  }
  if ((rc = load_bootnodes(p, o, chain_id, err, errlen))) {
    char why[400];
    snprintf(why, sizeof why, "--bootnodes: %s", err);
    return snprintf(err, errlen, "%s", why), rc;
  }
  uint8_t ip[16] = {0};
  static const uint8_t loopback[4] = {127, 0, 0, 1};
  if (o->nat_ip && p2p_ip_parse(o->nat_ip, ip))
    return snprintf(err, errlen, "--nat extip:%s: want an IPv4 or IPv6 address", o->nat_ip), ETHC_ERR_INVALID;
  char path[4200];
  snprintf(path, sizeof path, "%s/nodekey", datadir);
  bool created = false;
  rc = nodekey_load(o->nodekey_path ? o->nodekey_path : path, !o->nodekey_path, p->key, &created, err, errlen);
  if (rc) return rc;
  if (created) ethc_log(ETHC_LOG_INFO, "wrote a new node key to %s", path);
  if (o->nat_ip) memcpy(p->info.ip, ip, 16); /* IPv4 (mapped) or IPv6: the record's "ip" or "ip6" */
  else p2p_ip_from4(p->info.ip, loopback);
  ethc_secp256k1_pubkey_create(p->key, p->info.pubkey);
  p->info.name = client_version;
  p->info.protocols = "{}";
  p->info.tcp_port = o->port;
  if (!o->nodiscover) {
    discv4_opts_t d = {.key = p->key,
                       .port = o->port,
                       .tcp_port = o->port,
                       .ip = p->info.ip,
                       .bootnodes = p->boot,
                       .bootnode_count = p->boot_count,
                       .on_node = disc_found,
                       .on_node_ctx = p};
    if ((rc = discv4_start(loop, &d, &p->disc, err, errlen))) return rc;
    p->info.disc = p->disc;
    p->info.udp_port = discv4_port(p->disc);
    if (!p->info.tcp_port) p->info.tcp_port = p->info.udp_port; /* --port 0: the one UDP got */
    if ((rc = start_dns(p, loop, o, chain_id, err, errlen))) return rc;
  } else {
    enr_fields_t f = {0};
    node_p2p_enr_address(p, &f);
    if ((rc = enr_sign(p->key, 1, &f, &p->info.enr))) return snprintf(err, errlen, "cannot sign the node record"), rc;
  }
  p2p_node_t self = {.tcp = p->info.tcp_port, .udp = p->info.udp_port};
  memcpy(self.pubkey, p->info.pubkey, 64);
  memcpy(self.ip, p->info.ip, 16);
  enode_format(&self, p->enode, sizeof p->enode);
  rpc_admin_t admin = {.ctx = p,
                       .node_info = admin_node_info,
                       .table = admin_table,
                       .peers = admin_peers,
                       .peer_count = admin_peer_count,
                       .syncing = admin_syncing,
                       .header_tip = admin_header_tip,
                       .header_hash = admin_header_hash,
                       .peer_op = admin_peer_op};
  uv_async_init(loop, &p->add_async, on_add_peer);
  p->add_async.data = p;
  p->add_on = true;
  rpc_server_set_admin(srv, &admin);
  ethc_log(ETHC_LOG_INFO, "p2p: %zu bootnodes, %zu trusted peers, maxpeers %u%s", p->boot_count, p->trusted_count,
           p->maxpeers, o->nodiscover ? ", discovery off" : "");
  return 0;
}

void node_p2p_stop(node_p2p_t *p) {
  if (p->add_on) {
    pthread_mutex_lock(&p->lock);
    p->add_on = false;
    pthread_mutex_unlock(&p->lock);
    uv_close((uv_handle_t *)&p->add_async, NULL);
  }
  if (p->eth_on) {
    pthread_mutex_lock(&p->lock);
    p->eth_on = false;
    pthread_mutex_unlock(&p->lock);
    uv_close((uv_handle_t *)&p->head_async, NULL);
  }
  dnsdisc_stop(p->dns);
  if (p->disc) discv4_stop(p->disc);
}

void node_p2p_free(node_p2p_t *p) {
  peers_free(p->peers_failed);
  p->peers_failed = NULL;
  dnsdisc_free(p->dns);
  p->dns = NULL;
  discv4_free(p->disc);
  p->disc = p->info.disc = NULL;
  free(p->boot);
  free(p->trusted);
  memset(p->key, 0, sizeof p->key);
  p->boot = p->trusted = NULL;
  if (p->on) pthread_mutex_destroy(&p->lock);
  p->on = false;
}
