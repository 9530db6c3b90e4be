/* The devp2p source of a light node (p2p_remote.h; devp2p caps/eth.md
 * GetBlockHeaders by hash, GetBlockBodies and GetReceipts, caps/snap.md): the bridge from the callers'
 * threads to the peer manager's loop (a queue under a mutex, uv_async to wake
 * the loop, a condition variable per request, request ids carrying
 * PEERS_FETCH_ID_BIT so the manager hands the answers here), and the body and
 * receipts hooks that check each answer against the header before returning
 * it, asking another peer after a bad or empty one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "ethc/block.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/trie.h"
#include "ethc/verify.h"
#include "p2p/p2p_remote_int.h"
#include "p2p/p2p_reqid.h"

#define DEFAULT_TIMEOUT_MS 5000
#define SNAP_ASK_BYTES 4096 /* a snap answer of a single key and its proof */
#define MAX_PEERS 256
#define INFLIGHT 16 /* our requests in flight per peer (each asks for one block or key) */

enum { P_QUEUED, P_SENT, P_DONE };

typedef struct pending {
  struct pending *next;
  const fetch_req_t *q;
  const fetch_tried_t *tried;
  uint64_t id;
  int state;
  rlpx_conn_t *conn; /* P_SENT: the peer asked */
  fetch_resp_t *resp;
  int rc;
  char why[160];
  pthread_cond_t cond;
} pending_t;

typedef struct ban {
  struct ban *next;
  uint8_t id[64];
  peer_offence_t o;
  char why[200];
} ban_t;

struct p2p_remote {
  peers_t *peers;
  uv_loop_t *loop;
  uv_async_t async;
  p2p_remote_opts_t o;
  pthread_mutex_t lock; /* everything below */
  pending_t *list;
  ban_t *bans;
  bool stopped;
  uint64_t next_id;
  p2p_remote_stats_t stats;
  remote_cache_t *cache;
  node_mem_t *nodes;
  pthread_mutex_t roots_lock;
  void *roots;
  peers_peer_t v[MAX_PEERS]; /* the loop's scratch list of peers */
};

/* ---- the loop side ---- */

static size_t asked_of(const p2p_remote_t *r, const rlpx_conn_t *c) {
  size_t n = 0;
  for (const pending_t *p = r->list; p; p = p->next) n += p->state == P_SENT && p->conn == c;
  return n;
}

static bool was_tried(const fetch_tried_t *t, const uint8_t *id) {
  for (size_t i = 0; i < t->n; i++)
    if (!memcmp(t->ids[i], id, 64)) return true;
  return false;
}

/* The peer to ask: untried, with snap/1 for snap requests; preferably one
 * whose announced range holds the block; then the one we asked least. A peer
 * with INFLIGHT of our requests unanswered is not asked more (*busy set when
 * only such peers are left: the request then waits for an answer). */
static const peers_peer_t *pick(p2p_remote_t *r, const pending_t *p, const peers_peer_t *v, size_t n, bool *busy) {
  const peers_peer_t *best = NULL;
  int best_rank = -1;
  size_t best_load = 0;
  bool snap = p->q->kind >= FETCH_ACCOUNT;
  *busy = false;
  for (size_t i = 0; i < n; i++) {
    if (was_tried(p->tried, v[i].id) || (snap && v[i].snap < 0)) continue;
    int rank = snap || (v[i].head_known && v[i].earliest <= p->q->number && p->q->number <= v[i].head);
    size_t load = asked_of(r, v[i].conn);
    if (load >= INFLIGHT) {
      *busy = true;
      continue;
    }
    if (rank > best_rank || (rank == best_rank && load < best_load)) best = &v[i], best_rank = rank, best_load = load;
  }
  return best;
}

/* The request message for peer `v`; 0 with *cap, *code and out. */
static int encode(const pending_t *p, const peers_peer_t *v, size_t *cap, unsigned *code, bytes_buf_t *out) {
  const fetch_req_t *q = p->q;
  *cap = (size_t)(q->kind >= FETCH_ACCOUNT ? v->snap : v->eth);
  switch (q->kind) {
    case FETCH_HEADER: {
      *code = ETH_MSG_GET_BLOCK_HEADERS;
      eth_get_headers_t g = {.request_id = p->id, .by_hash = true, .hash = q->hash, .amount = 1};
      return eth_get_headers_encode(&g, out);
    }
    case FETCH_BODY: *code = ETH_MSG_GET_BLOCK_BODIES; return eth_hash_request_encode(p->id, &q->hash, 1, out);
    case FETCH_RECEIPTS:
      *code = ETH_MSG_GET_RECEIPTS;
      return v->version >= 70 ? eth_get_receipts70_encode(p->id, 0, &q->hash, 1, out)
                              : eth_hash_request_encode(p->id, &q->hash, 1, out);
    case FETCH_ACCOUNT: {
      *code = SNAP_MSG_GET_ACCOUNT_RANGE;
      snap_get_account_range_t g = {.request_id = p->id,
                                    .root = q->root,
                                    .origin = q->origin,
                                    .limit = q->origin,
                                    .bytes = SNAP_ASK_BYTES};
      return snap_get_account_range_encode(&g, out);
    }
    case FETCH_STORAGE: {
      *code = SNAP_MSG_GET_STORAGE_RANGES;
      ethc_hash_t acc = q->account;
      snap_get_storage_ranges_t g = {.request_id = p->id,
                                     .root = q->root,
                                     .accounts = &acc,
                                     .count = 1,
                                     .origin = q->origin,
                                     .limit = q->origin,
                                     .bytes = SNAP_ASK_BYTES};
      return snap_get_storage_ranges_encode(&g, out);
    }
    case FETCH_TRIE_NODES: {
      *code = SNAP_MSG_GET_TRIE_NODES;
      bytes_view_t paths[1 + 64];
      size_t offsets[1 + 64 + 1], n = q->path_count > 64 ? 64 : q->path_count, k = 0, sets = 0;
      if (q->storage) paths[k++] = bytes_view(q->account.bytes, 32);
      for (size_t i = 0; i < n; i++) paths[k++] = q->paths[i];
      offsets[0] = 0;
      if (q->storage) offsets[++sets] = k;
      else
        for (size_t i = 1; i <= k; i++) offsets[++sets] = i;
      snap_get_trie_nodes_t g = {.request_id = p->id,
                                 .root = q->root,
                                 .paths = paths,
                                 .path_count = k,
                                 .offsets = offsets,
                                 .set_count = sets,
                                 .bytes = SNAP_SOFT_RESPONSE_LIMIT};
      return snap_get_trie_nodes_encode(&g, out);
    }
    case FETCH_CODE: {
      *code = SNAP_MSG_GET_BYTE_CODES;
      ethc_hash_t h = q->hash;
      snap_get_byte_codes_t g = {.request_id = p->id, .hashes = &h, .count = 1, .bytes = SNAP_SOFT_RESPONSE_LIMIT};
      return snap_get_byte_codes_encode(&g, out);
    }
  }
  return ETHC_ERR_INVALID;
}

static void finish(pending_t *p, int rc, const char *why) {
  p->state = P_DONE;
  p->rc = rc;
  if (why) snprintf(p->why, sizeof p->why, "%s", why);
  pthread_cond_signal(&p->cond);
}

/* Sends the queued requests, then applies the bans (outside the lock: a
 * ban calls on_gone). */
static void on_async(uv_async_t *a) {
  p2p_remote_t *r = a->data;
  peers_peer_t *v = r->v;
  size_t n = r->stopped ? 0 : peers_list(r->peers, v, MAX_PEERS);
  pthread_mutex_lock(&r->lock);
  for (pending_t *p = r->list; p; p = p->next) {
    if (p->state != P_QUEUED) continue;
    bool busy;
    const peers_peer_t *peer = pick(r, p, v, n, &busy);
    if (!peer && busy) continue; /* asked again when an answer frees a peer */
    if (!peer) {
      finish(p, ETHC_ERR_NOT_FOUND, p->q->kind >= FETCH_ACCOUNT ? "no snap/1 peer left to ask" : "no peer left to ask");
      continue;
    }
    size_t cap;
    unsigned code;
    bytes_buf_t out = {0};
    int rc = encode(p, peer, &cap, &code, &out);
    if (!rc) rc = rlpx_send(peer->conn, cap, code, out.data, out.len);
    bytes_buf_free(&out);
    memcpy(p->resp->peer, peer->id, 64);
    p->resp->version = peer->version;
    p->conn = peer->conn;
    if (rc) {
      finish(p, ETHC_ERR_IO, "cannot send the request");
      continue;
    }
    p->state = P_SENT;
    r->stats.requests++;
  }
  ban_t *bans = r->bans;
  r->bans = NULL;
  pthread_mutex_unlock(&r->lock);
  while (bans) {
    ban_t *b = bans;
    bans = b->next;
    if (!r->stopped) peers_ban_peer(r->peers, b->id, b->o, b->why);
    free(b);
  }
}

static void on_response(void *ctx, rlpx_conn_t *c, bool snap, unsigned code, const uint8_t *data, size_t len) {
  (void)snap, (void)code;
  p2p_remote_t *r = ctx;
  rlp_item_t top, id;
  uint64_t v;
  size_t used;
  if (rlp_decode(data, len, &top) || rlp_decode_item(top.payload, top.payload_len, &id, &used) || rlp_get_u64(&id, &v))
    return;
  pthread_mutex_lock(&r->lock);
  for (pending_t *p = r->list; p; p = p->next) {
    if (p->state != P_SENT || p->id != v || p->conn != c) continue;
    p->resp->request_id = v;
    if (bytes_buf_append(&p->resp->payload, data, len)) finish(p, ETHC_ERR_NOMEM, "out of memory");
    else finish(p, 0, NULL);
    break;
  }
  pthread_mutex_unlock(&r->lock);
  on_async(&r->async); /* a request waiting for a free peer goes now */
}

static void on_gone(void *ctx, rlpx_conn_t *c) {
  p2p_remote_t *r = ctx;
  pthread_mutex_lock(&r->lock);
  for (pending_t *p = r->list; p; p = p->next)
    if (p->state == P_SENT && p->conn == c) finish(p, ETHC_ERR_IO, "the peer disconnected");
  if (!r->stopped) uv_async_send(&r->async); /* requests waiting for a free peer: look again */
  pthread_mutex_unlock(&r->lock);
}

/* ---- the callers' side ---- */

static void unlink_pending(p2p_remote_t *r, pending_t *p) {
  for (pending_t **pp = &r->list; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      return;
    }
}

static void queue_ban(p2p_remote_t *r, const uint8_t id[64], peer_offence_t o, const char *why) {
  ban_t *b = calloc(1, sizeof *b);
  if (!b) return;
  memcpy(b->id, id, 64);
  b->o = o;
  snprintf(b->why, sizeof b->why, "%s", why);
  pthread_mutex_lock(&r->lock); /* the handle is closed only once stopped is set under the lock */
  bool stopped = r->stopped;
  if (!stopped) b->next = r->bans, r->bans = b, uv_async_send(&r->async);
  pthread_mutex_unlock(&r->lock);
  if (stopped) free(b);
}

void p2p_remote_blame(p2p_remote_t *r, const uint8_t id[64], const char *why) {
  pthread_mutex_lock(&r->lock);
  r->stats.refused++;
  pthread_mutex_unlock(&r->lock);
  queue_ban(r, id, PEER_OFFENCE_MALFORMED, why);
}

int p2p_remote_fetch(p2p_remote_t *r, const fetch_req_t *q, fetch_tried_t *tried, fetch_resp_t *resp, char *err,
                     size_t errlen) {
  if (tried->n >= P2P_REMOTE_ATTEMPTS)
    return snprintf(err, errlen, "no answer from %zu peers", tried->n), ETHC_ERR_NOT_FOUND;
  memset(resp, 0, sizeof *resp);
  pending_t p = {.q = q, .tried = tried, .resp = resp, .state = P_QUEUED};
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p.cond, &ca);
  pthread_condattr_destroy(&ca);
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  uint64_t ns = (uint64_t)until.tv_nsec + (r->o.timeout_ms % 1000) * 1000000u;
  until.tv_sec += (time_t)(r->o.timeout_ms / 1000 + ns / 1000000000u);
  until.tv_nsec = (long)(ns % 1000000000u);
  pthread_mutex_lock(&r->lock);
  if (r->stopped) {
    pthread_mutex_unlock(&r->lock);
    pthread_cond_destroy(&p.cond);
    return snprintf(err, errlen, "devp2p: the node is stopping"), ETHC_ERR_IO;
  }
  p.id = PEERS_FETCH_ID_BIT | ++r->next_id;
  p.next = r->list;
  r->list = &p;
  uv_async_send(&r->async);
  while (p.state != P_DONE)
    if (pthread_cond_timedwait(&p.cond, &r->lock, &until)) break;
  bool timeout = p.state != P_DONE, sent = p.state == P_SENT || (p.state == P_DONE && p.conn);
  if (timeout) {
    p.rc = ETHC_ERR_IO;
    snprintf(p.why, sizeof p.why, "no answer in %" PRIu64 " ms", r->o.timeout_ms);
    if (sent) r->stats.timeouts++;
  }
  unlink_pending(r, &p);
  pthread_mutex_unlock(&r->lock);
  pthread_cond_destroy(&p.cond);
  if (sent && tried->n < P2P_REMOTE_ATTEMPTS) memcpy(tried->ids[tried->n++], resp->peer, 64);
  if (timeout && sent) queue_ban(r, resp->peer, PEER_OFFENCE_TIMEOUT, p.why);
  if (p.rc) {
    bytes_buf_free(&resp->payload);
    snprintf(err, errlen, "devp2p: %s", p.why);
  }
  return p.rc;
}

/* ---- bodies ---- */

/* Checks a body item against the header: 0, or ETHC_ERR_INVALID with why. */
static int check_body(const chain_header_t *h, bytes_view_t body, char *why, size_t whylen) {
  rlp_item_t it;
  if (rlp_decode_strict(body.data, body.len, &it) || !it.is_list)
    return snprintf(why, whylen, "the body is not an RLP list"), ETHC_ERR_INVALID;
  bytes_buf_t hdr = {0}, block = {0};
  int rc = header_encode(h, &hdr);
  if (!rc) rc = rlp_put_header(&block, true, hdr.len + it.payload_len);
  if (!rc) rc = bytes_buf_append(&block, hdr.data, hdr.len);
  if (!rc) rc = bytes_buf_append(&block, it.payload, it.payload_len);
  bytes_buf_free(&hdr);
  if (rc) return bytes_buf_free(&block), snprintf(why, whylen, "out of memory"), ETHC_ERR_NOMEM;
  chain_block_t b;
  if (block_decode(block.data, block.len, &b)) {
    bytes_buf_free(&block);
    return snprintf(why, whylen, "the body does not decode"), ETHC_ERR_INVALID;
  }
  ethc_hash_t root;
  const char *bad = NULL;
  if (block_tx_root(&b, &root)) rc = ETHC_ERR_NOMEM;
  else if (memcmp(root.bytes, h->tx_root.bytes, 32)) bad = "transactions root";
  if (!rc && !bad) {
    block_ommers_hash(&b, &root);
    if (memcmp(root.bytes, h->ommers_hash.bytes, 32)) bad = "ommers hash";
  }
  if (!rc && !bad) {
    if (b.has_withdrawals != h->has_withdrawals_root) bad = "withdrawals (present or not)";
    else if (b.has_withdrawals && block_withdrawals_root(&b, &root)) rc = ETHC_ERR_NOMEM;
    else if (b.has_withdrawals && memcmp(root.bytes, h->withdrawals_root.bytes, 32)) bad = "withdrawals root";
  }
  block_free(&b);
  bytes_buf_free(&block);
  if (rc) return snprintf(why, whylen, "out of memory"), rc;
  if (bad) return snprintf(why, whylen, "body of #%" PRIu64 ": wrong %s", h->number, bad), ETHC_ERR_INVALID;
  return 0;
}

static void short_hash(char *out, const ethc_hash_t *h) {
  for (int i = 0; i < 4; i++) sprintf(out + 2 * i, "%02x", h->bytes[i]);
}

static int remote_body(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                       size_t errlen) {
  p2p_remote_t *r = ctx;
  fetch_req_t q = {.kind = FETCH_BODY, .hash = *hash, .number = h->number};
  fetch_tried_t tried = {.n = 0};
  char last[200] = "no peer has it", hs[9];
  short_hash(hs, hash);
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    int rc = p2p_remote_fetch(r, &q, &tried, &resp, err, errlen);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc; /* not sent (stopping, out of memory) */
    if (rc == ETHC_ERR_IO || rc == ETHC_ERR_NOMEM) {
      snprintf(last, sizeof last, "%s", err);
      continue;
    }
    if (rc) return rc;
    eth_items_msg_t m = {0};
    char why[160];
    if (eth_items_decode(resp.payload.data, resp.payload.len, ETH_ITEMS_BODIES, &m) || m.count > 1) {
      p2p_remote_blame(r, resp.peer, "BlockBodies does not decode or holds more than asked");
      snprintf(last, sizeof last, "a peer sent a malformed BlockBodies");
    } else if (m.count == 0) {
      snprintf(last, sizeof last, "no peer has it"); /* the peer lacks it: no blame */
    } else if ((rc = check_body(h, m.items[0], why, sizeof why)) == ETHC_ERR_INVALID) {
      p2p_remote_blame(r, resp.peer, why);
      snprintf(last, sizeof last, "a peer's answer was refused: %s", why);
    } else if (!rc) {
      rc = bytes_buf_append(out, m.items[0].data, m.items[0].len);
      eth_items_free(&m);
      bytes_buf_free(&resp.payload);
      return rc;
    }
    eth_items_free(&m);
    bytes_buf_free(&resp.payload);
    if (rc == ETHC_ERR_NOMEM) return snprintf(err, errlen, "out of memory"), rc;
  }
  if (tried.n == 0) snprintf(last, sizeof last, "no peer connected");
  snprintf(err, errlen, "devp2p: body of block #%" PRIu64 " (0x%s..): %s", h->number, hs, last);
  return tried.n && !strcmp(last, "no peer has it") ? ETHC_ERR_NOT_FOUND : ETHC_ERR_IO;
}

/* ---- receipts ---- */

/* The receipts of one block as a Receipts item (eth/68 form, or eth/69 for
 * version >= 69) to the consensus list (appended to out), checked against
 * the receipts root. 0 or ETHC_ERR_INVALID with why. */
static int check_receipts(const chain_header_t *h, uint32_t version, bytes_view_t item, bytes_buf_t *out, char *why,
                          size_t whylen) {
  rlp_item_t list;
  if (rlp_decode_strict(item.data, item.len, &list) || !list.is_list)
    return snprintf(why, whylen, "the receipts are not an RLP list"), ETHC_ERR_INVALID;
  int n = rlp_list_count(&list);
  if (n < 0) return snprintf(why, whylen, "the receipts list does not decode"), ETHC_ERR_INVALID;
  bytes_buf_t items = {0}; /* the consensus receipts, message form */
  size_t *off = calloc((size_t)n + 1, sizeof *off);
  bytes_view_t *trie = calloc((size_t)n + 1, sizeof *trie);
  int rc = off && trie ? 0 : ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  rlp_item_t e;
  for (int i = 0; i < n && !rc; i++) {
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_INVALID;
    off[i] = items.len;
    if (!rc && version >= 69) rc = eth_receipt_from69(bytes_view(e.raw, e.raw_len), &items);
    else if (!rc) rc = bytes_buf_append(&items, e.raw, e.raw_len);
    if (rc && rc != ETHC_ERR_NOMEM) rc = ETHC_ERR_INVALID;
  }
  if (!rc) off[n] = items.len;
  for (int i = 0; i < n && !rc; i++) { /* the trie form: a typed receipt's string payload */
    rlp_item_t x;
    if (rlp_decode_strict(items.data + off[i], off[i + 1] - off[i], &x)) rc = ETHC_ERR_INVALID;
    else trie[i] = x.is_list ? bytes_view(x.raw, x.raw_len) : bytes_view(x.payload, x.payload_len);
  }
  verify_err_t ve = {{0}};
  if (rc == ETHC_ERR_INVALID) snprintf(why, whylen, "receipt of #%" PRIu64 " does not decode", h->number);
  else if (rc) snprintf(why, whylen, "out of memory");
  else if ((rc = verify_receipts_raw(&h->receipts_root, trie, (size_t)n, &ve)))
    snprintf(why, whylen, "receipts of #%" PRIu64 ": %s", h->number, ve.msg[0] ? ve.msg : "wrong receipts root");
  if (!rc) {
    rc = rlp_put_header(out, true, items.len);
    if (!rc) rc = bytes_buf_append(out, items.data, items.len);
  }
  free(off);
  free(trie);
  bytes_buf_free(&items);
  return rc;
}

/* @ethereumjs/client 0.10.5 answers GetReceipts with the block's receipts as
 * one flat list of RLP strings (each a consensus receipt), not a list per
 * block: that form as the one item of an eth/68 answer (a list of the
 * receipts, typed ones as strings, legacy ones as lists) in `item`, or -1.
 * Nothing is believed: the receipts root decides. */
static int flat_receipts(const bytes_buf_t *payload, bytes_buf_t *item) {
  uint64_t id;
  rlp_item_t list, e;
  if (p2p_reqid_list_decode(payload->data, payload->len, &id, &list) || !list.is_list) return -1;
  bytes_buf_t body = {0};
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  int rc, bad = 0;
  while (!bad && (rc = rlp_iter_next(&it, &e)) == 1) {
    if (e.is_list || e.payload_len == 0) bad = 1;
    else if (e.payload[0] >= 0xc0) bad = bytes_buf_append(&body, e.payload, e.payload_len) != 0;
    else bad = bytes_buf_append(&body, e.raw, e.raw_len) != 0;
  }
  if (!bad && rc == 0) {
    item->len = 0;
    bad = rlp_put_header(item, true, body.len) || bytes_buf_append(item, body.data, body.len);
  }
  bytes_buf_free(&body);
  return bad || rc ? -1 : 0;
}

static int remote_receipts(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                           size_t errlen) {
  p2p_remote_t *r = ctx;
  if (!memcmp(h->receipts_root.bytes, TRIE_EMPTY_ROOT, 32)) /* no transactions: the empty list, proven by the root */
    return bytes_buf_push(out, 0xc0);
  fetch_req_t q = {.kind = FETCH_RECEIPTS, .hash = *hash, .number = h->number};
  fetch_tried_t tried = {.n = 0};
  char last[200] = "no peer has them", hs[9];
  short_hash(hs, hash);
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    int rc = p2p_remote_fetch(r, &q, &tried, &resp, err, errlen);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc; /* not sent (stopping, out of memory) */
    if (rc == ETHC_ERR_IO || rc == ETHC_ERR_NOMEM) {
      snprintf(last, sizeof last, "%s", err);
      continue;
    }
    if (rc) return rc;
    eth_items_msg_t m = {0};
    char why[160];
    int drc = resp.version >= 70
                  ? eth_receipts70_decode(resp.payload.data, resp.payload.len, &m)
                  : eth_items_decode(resp.payload.data, resp.payload.len,
                                     resp.version >= 69 ? ETH_ITEMS_RECEIPTS69 : ETH_ITEMS_RECEIPTS68, &m);
    bytes_buf_t flat = {0};
    if (drc && resp.version == 68 && !flat_receipts(&resp.payload, &flat)) { /* ethereumjs's form */
      size_t before = out->len;
      rc = check_receipts(h, 68, bytes_view(flat.data, flat.len), out, why, sizeof why);
      bytes_buf_free(&flat);
      if (rc != ETHC_ERR_INVALID) {
        bytes_buf_free(&resp.payload);
        if (rc) snprintf(err, errlen, "out of memory");
        return rc;
      }
      out->len = before;
      p2p_remote_blame(r, resp.peer, why);
      snprintf(last, sizeof last, "a peer's answer was refused: %s", why);
    } else if (drc || m.count > 1) {
      p2p_remote_blame(r, resp.peer, "Receipts does not decode or holds more than asked");
      snprintf(last, sizeof last, "a peer sent a malformed Receipts");
    } else if (m.count == 0) {
      snprintf(last, sizeof last, "no peer has them");
    } else if (m.last_block_incomplete) {
      snprintf(last, sizeof last, "a peer paged the receipts (eth/70), not supported");
    } else {
      size_t before = out->len;
      rc = check_receipts(h, resp.version, m.items[0], out, why, sizeof why);
      if (rc == ETHC_ERR_INVALID) {
        out->len = before;
        p2p_remote_blame(r, resp.peer, why);
        snprintf(last, sizeof last, "a peer's answer was refused: %s", why);
      } else {
        eth_items_free(&m);
        bytes_buf_free(&resp.payload);
        if (rc) snprintf(err, errlen, "out of memory");
        return rc;
      }
    }
    eth_items_free(&m);
    bytes_buf_free(&resp.payload);
  }
  if (tried.n == 0) snprintf(last, sizeof last, "no peer connected");
  snprintf(err, errlen, "devp2p: receipts of block #%" PRIu64 " (0x%s..): %s", h->number, hs, last);
  return tried.n && !strcmp(last, "no peer has them") ? ETHC_ERR_NOT_FOUND : ETHC_ERR_IO;
}

/* ---- headers (the --light follower's, by hash) ---- */

int p2p_remote_header(p2p_remote_t *r, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err,
                      size_t errlen) {
  fetch_req_t q = {.kind = FETCH_HEADER, .hash = *hash, .number = number};
  fetch_tried_t tried = {.n = 0};
  char last[200] = "no peer has it", hs[9];
  short_hash(hs, hash);
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    int rc = p2p_remote_fetch(r, &q, &tried, &resp, err, errlen);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc; /* not sent (stopping, out of memory) */
    if (rc == ETHC_ERR_IO || rc == ETHC_ERR_NOMEM) {
      snprintf(last, sizeof last, "%s", err);
      continue;
    }
    if (rc) return rc;
    eth_items_msg_t m = {0};
    ethc_hash_t got;
    bool ok = false;
    if (eth_items_decode(resp.payload.data, resp.payload.len, ETH_ITEMS_HEADERS, &m) || m.count > 1) {
      p2p_remote_blame(r, resp.peer, "BlockHeaders does not decode or holds more than asked");
      snprintf(last, sizeof last, "a peer sent a malformed BlockHeaders");
    } else if (m.count == 0) {
      snprintf(last, sizeof last, "no peer has it"); /* the peer lacks it: no blame */
    } else if (header_decode(m.items[0].data, m.items[0].len, out) || header_hash(out, &got) ||
               !ethc_hash_eq(&got, hash)) {
      p2p_remote_blame(r, resp.peer, "a header that is not the one asked for (its hash)");
      snprintf(last, sizeof last, "a peer's header was refused: it is not 0x%s..", hs);
    } else if (out->number != number) { /* the block asked for, not at the height the caller named */
      eth_items_free(&m);
      bytes_buf_free(&resp.payload);
      snprintf(err, errlen, "devp2p: block 0x%s.. is #%" PRIu64 ", not #%" PRIu64, hs, out->number, number);
      return ETHC_ERR_INVALID;
    } else {
      ok = true;
    }
    eth_items_free(&m);
    bytes_buf_free(&resp.payload);
    if (ok) return 0;
  }
  if (tried.n == 0) snprintf(last, sizeof last, "no peer connected");
  snprintf(err, errlen, "devp2p: header of block #%" PRIu64 " (0x%s..): %s", number, hs, last);
  return tried.n && !strcmp(last, "no peer has it") ? ETHC_ERR_NOT_FOUND : ETHC_ERR_IO;
}

int p2p_remote_check_body(const chain_header_t *h, bytes_view_t body, char *why, size_t whylen) {
  return check_body(h, body, why, whylen);
}

int p2p_remote_check_receipts(const chain_header_t *h, bytes_view_t list, char *why, size_t whylen) {
  bytes_buf_t scratch = {0};
  int rc = check_receipts(h, 68, list, &scratch, why, whylen);
  bytes_buf_free(&scratch);
  return rc;
}

static int remote_tx_location(void *ctx, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index,
                              char *err, size_t errlen) {
  (void)ctx, (void)tx_hash, (void)block_hash, (void)index;
  snprintf(err, errlen, "devp2p has no transaction lookup");
  return ETHC_ERR_NOT_FOUND;
}

/* ---- lifetime ---- */

int p2p_remote_new(peers_t *peers, const p2p_remote_opts_t *opts, p2p_remote_t **out) {
  *out = NULL;
  p2p_remote_t *r = calloc(1, sizeof *r);
  if (!r) return ETHC_ERR_NOMEM;
  if (opts) r->o = *opts;
  if (!r->o.timeout_ms) r->o.timeout_ms = DEFAULT_TIMEOUT_MS;
  if (!r->o.cache_entries) r->o.cache_entries = 16384;
  if (!r->o.code_bytes) r->o.code_bytes = 8u << 20;
  if (!r->o.node_slots) r->o.node_slots = 16384;
  if (remote_cache_new(r->o.cache_entries, r->o.code_bytes, &r->cache) || node_mem_new(r->o.node_slots, &r->nodes)) {
    remote_cache_free(r->cache);
    free(r);
    return ETHC_ERR_NOMEM;
  }
  r->peers = peers;
  r->loop = peers_loop(peers);
  pthread_mutex_init(&r->lock, NULL);
  pthread_mutex_init(&r->roots_lock, NULL);
  uv_async_init(r->loop, &r->async, on_async);
  r->async.data = r;
  peers_fetch_hooks_t hooks = {.ctx = r, .on_response = on_response, .on_gone = on_gone};
  peers_set_fetch(peers, &hooks);
  *out = r;
  return 0;
}

chain_remote_t p2p_remote_as_chain_remote(p2p_remote_t *r) {
  return (chain_remote_t){.ctx = r,
                          .body = remote_body,
                          .receipts = remote_receipts,
                          .tx_location = remote_tx_location,
                          .state = p2p_remote_state};
}

void p2p_remote_stop(p2p_remote_t *r) {
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  if (r->stopped) {
    pthread_mutex_unlock(&r->lock);
    return;
  }
  r->stopped = true;
  for (pending_t *p = r->list; p; p = p->next)
    if (p->state != P_DONE) finish(p, ETHC_ERR_IO, "the node is stopping");
  while (r->bans) {
    ban_t *b = r->bans;
    r->bans = b->next;
    free(b);
  }
  pthread_mutex_unlock(&r->lock);
  peers_set_fetch(r->peers, NULL);
  uv_close((uv_handle_t *)&r->async, NULL);
}

void p2p_remote_free(p2p_remote_t *r) {
  if (!r) return;
  p2p_remote_state_free_roots(r);
  remote_cache_free(r->cache);
  node_mem_free(r->nodes);
  pthread_mutex_destroy(&r->lock);
  pthread_mutex_destroy(&r->roots_lock);
  free(r);
}

void p2p_remote_stats(p2p_remote_t *r, p2p_remote_stats_t *out) {
  pthread_mutex_lock(&r->lock);
  *out = r->stats;
  pthread_mutex_unlock(&r->lock);
}

remote_cache_t *p2p_remote_cache(p2p_remote_t *r) { return r->cache; }
void p2p_remote_count_hit(p2p_remote_t *r) {
  pthread_mutex_lock(&r->lock);
  r->stats.cache_hits++;
  pthread_mutex_unlock(&r->lock);
}
pthread_mutex_t *p2p_remote_roots_lock(p2p_remote_t *r) { return &r->roots_lock; }
void **p2p_remote_roots(p2p_remote_t *r) { return &r->roots; }
node_mem_t *p2p_remote_node_mem(p2p_remote_t *r) { return r->nodes; }
const p2p_remote_opts_t *p2p_remote_opts(p2p_remote_t *r) { return &r->o; }
void p2p_remote_count_state(p2p_remote_t *r, bool by_nodes, unsigned requests, unsigned paths) {
  pthread_mutex_lock(&r->lock);
  if (by_nodes) r->stats.node_reads++, r->stats.node_requests += requests, r->stats.node_paths += paths;
  else r->stats.range_reads++;
  pthread_mutex_unlock(&r->lock);
}
