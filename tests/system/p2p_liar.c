/* p2p_liar DATADIR NETWORK_ID LIE [SECONDS]: a test-only devp2p peer (rlpx.md,
 * caps/eth.md eth/68 and eth/69) that serves the chain in DATADIR (opened
 * read-only) to whoever dials it, but lies about some headers, for
 * tests/system/p2p_liar.py. It prints "self=enode://ID@127.0.0.1:PORT", sends
 * its Status (from the chain) on every connection and answers GetBlockHeaders
 * from the chain, other requests as ethc does (eth_serve). LIE is what it
 * does to some headers wherever one is served (in a fill of 192 headers, in a
 * skeleton of every 192nd):
 *   parent  every 96th header's parent hash has one bit flipped (a wrong
 *           parent: the next header then does not link either);
 *   seal    every 192nd header's nonce is 1 (a broken seal: after the merge it
 *           must be zero; the last header of each fill, so the links hold);
 *   swap    headers honest, but in every BlockBodies answer the first two
 *           bodies that differ are swapped (each then mismatches its header);
 *   slow    no lie: every BlockHeaders answer of more than one header is
 *           sent SLOW_MS late (a slow header source, for
 *           tests/system/p2p_fullsync_overlap.py: the full sync executes
 *           blocks while the headers still come);
 *   none    nothing (an honest server).
 * Three more lies, for tests/system/p2p_remote.py (the devp2p fetcher,
 * p2p_remote.h); with them it also offers snap/1:
 *   body    GetBlockBodies answered with the bodies of the blocks after the
 *           ones asked (wrong transactions for the header);
 *   receipt GetReceipts answered likewise with the next blocks' receipts;
 *   snap    AccountRange answered without its accounts (the proof kept:
 *           hiding what the proof shows), and TrieNodes of the account trie
 *           with the last byte of its first node flipped;
 *   storage StorageRanges answered without their slots, likewise, and
 *           TrieNodes of storage tries with a node changed;
 *   nonodes no lie: GetTrieNodes answered empty (a peer without that state
 *           or without GetTrieNodes), the other snap requests honestly;
 *   code    ByteCodes with the last byte of each code flipped;
 *   flat    no lie: GetReceipts answered as @ethereumjs/client 0.10.5 does,
 *           the receipts of the blocks asked as one flat list of RLP strings,
 *           and only eth/68 offered.
 * Each request and each lie is printed. Runs until SIGTERM or SECONDS (60). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/rlp.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "ethc/snap_wire.h"

static const rlpx_proto_t protos[] = {{"eth", 68, 17}, {"eth", 69, ETH_MSG_COUNT}};
static const rlpx_proto_t protos_snap[] = {{"eth", 68, 17}, {"eth", 69, ETH_MSG_COUNT}, {"snap", 1, SNAP_MSG_COUNT}};

static const rlpx_proto_t protos_68[] = {{"eth", 68, 17}, {"snap", 1, SNAP_MSG_COUNT}};

enum {
  LIE_NONE,
  LIE_PARENT,
  LIE_SEAL,
  LIE_BODY,
  LIE_RECEIPT,
  LIE_SNAP,
  LIE_STORAGE,
  LIE_CODE,
  LIE_FLAT,
  LIE_SWAP,
  LIE_SLOW,
  LIE_NONODES
};

#define SLOW_MS 1500

/* LIE_SLOW: an answer held back until `due` (loop time). */
typedef struct delayed {
  rlpx_conn_t *conn;
  unsigned code;
  bytes_buf_t out;
  uint64_t due;
  struct delayed *next;
} delayed_t;

typedef struct {
  uv_loop_t *loop;
  uv_tcp_t server;
  uv_timer_t deadline;
  uv_signal_t sigterm;
  rlpx_config_t cfg;
  chain_t *chain;
  uint64_t network, head;
  int lie;
  unsigned lies;
  uv_timer_t slow;  /* LIE_SLOW: sends what is due */
  delayed_t *queue; /* LIE_SLOW: held answers, oldest first */
} liar_t;

static liar_t L;

/* The lie applied to the headers of a BlockHeaders payload; 0 or -1. */
static int corrupt(uint64_t id, bytes_buf_t *out) {
  eth_items_msg_t m = {0};
  if (eth_items_decode(out->data, out->len, ETH_ITEMS_HEADERS, &m)) return -1;
  bytes_buf_t enc[64] = {{0}};
  size_t changed = 0;
  for (size_t i = 0; i < m.count && changed < 64; i++) {
    chain_header_t h;
    if (header_decode(m.items[i].data, m.items[i].len, &h)) continue;
    if (h.number == 0 || h.number % (L.lie == LIE_PARENT ? 96 : 192)) continue;
    if (L.lie == LIE_PARENT) h.parent_hash.bytes[3] ^= 0x10;
    else h.nonce[7] = 1;
    if (header_encode(&h, &enc[changed])) continue;
    m.items[i] = bytes_view(enc[changed].data, enc[changed].len);
    printf("lie: header #%" PRIu64 " served with a %s\n", h.number,
           L.lie == LIE_PARENT ? "wrong parent" : "broken seal");
    changed++;
  }
  int rc = 0;
  if (changed) {
    bytes_buf_t msg = {0};
    rc = eth_items_encode(id, m.items, m.count, &msg);
    if (!rc) bytes_buf_free(out), *out = msg;
    L.lies += (unsigned)changed;
  }
  for (size_t i = 0; i < changed; i++) bytes_buf_free(&enc[i]);
  eth_items_free(&m);
  fflush(stdout);
  return rc;
}

/* GetBlockBodies / GetReceipts with each hash replaced by its child's (body
 * and receipt lies): the request re-encoded in `out`. 0 or -1. */
static int shift_hashes(unsigned code, const uint8_t *data, size_t len, bytes_buf_t *out) {
  eth_hash_request_t q = {0};
  if (eth_hash_request_decode(data, len, &q)) return -1;
  for (size_t i = 0; i < q.count; i++) {
    uint64_t n;
    ethc_hash_t next;
    if (chain_read_number(L.chain, &q.hashes[i], &n) || chain_read_canonical_hash(L.chain, n + 1, &next)) continue;
    q.hashes[i] = next;
    printf("lie: %s of #%" PRIu64 " served as those of #%" PRIu64 "\n",
           code == ETH_MSG_GET_BLOCK_BODIES ? "body" : "receipts", n, n + 1);
    L.lies++;
  }
  int rc = eth_hash_request_encode(q.request_id, q.hashes, q.count, out);
  eth_hash_request_free(&q);
  return rc ? -1 : 0;
}

/* The snap lies on a response payload (out, replaced); storage: the request
 * was a GetTrieNodes of a storage trie. */
static void snap_lie(unsigned code, bool storage, bytes_buf_t *out) {
  bytes_buf_t msg = {0};
  if (code == SNAP_MSG_TRIE_NODES && L.lie == LIE_NONODES) {
    snap_blobs_t m = {0};
    if (!snap_blobs_decode(out->data, out->len, &m) && !snap_blobs_encode(m.request_id, NULL, 0, &msg))
      printf("no nodes: TrieNodes answered empty\n");
    snap_blobs_free(&m);
  } else if (code == SNAP_MSG_TRIE_NODES && ((L.lie == LIE_SNAP && !storage) || (L.lie == LIE_STORAGE && storage))) {
    snap_blobs_t m = {0};
    if (!snap_blobs_decode(out->data, out->len, &m) && m.count && m.blobs[0].len) {
      bytes_buf_t first = {0};
      bytes_buf_append(&first, m.blobs[0].data, m.blobs[0].len);
      first.data[first.len - 1] ^= 1;
      m.blobs[0] = bytes_view(first.data, first.len);
      if (!snap_blobs_encode(m.request_id, m.blobs, m.count, &msg))
        printf("lie: TrieNodes with its first node changed\n"), L.lies++;
      bytes_buf_free(&first);
    }
    snap_blobs_free(&m);
  } else if (code == SNAP_MSG_ACCOUNT_RANGE && L.lie == LIE_SNAP) {
    snap_account_range_t m = {0};
    if (!snap_account_range_decode(out->data, out->len, &m) && m.count &&
        !snap_account_range_encode(m.request_id, NULL, 0, m.proof, m.proof_count, &msg))
      printf("lie: AccountRange without its %zu accounts\n", m.count), L.lies++;
    snap_account_range_free(&m);
  } else if (code == SNAP_MSG_STORAGE_RANGES && L.lie == LIE_STORAGE) {
    snap_storage_ranges_t m = {0};
    if (!snap_storage_ranges_decode(out->data, out->len, &m) && m.slot_count) {
      size_t n = m.slot_count;
      for (size_t i = 0; i <= m.set_count; i++) m.offsets[i] = 0;
      m.slot_count = 0;
      if (!snap_storage_ranges_encode(&m, &msg)) printf("lie: StorageRanges without its %zu slots\n", n), L.lies++;
    }
    snap_storage_ranges_free(&m);
  } else if (code == SNAP_MSG_BYTE_CODES && L.lie == LIE_CODE) {
    snap_blobs_t m = {0};
    if (!snap_blobs_decode(out->data, out->len, &m) && m.count) {
      bytes_buf_t codes = {0};
      bytes_view_t *v = calloc(m.count, sizeof *v);
      size_t total = 0;
      for (size_t i = 0; i < m.count; i++) total += m.blobs[i].len;
      if (v && !bytes_buf_reserve(&codes, total + 1)) {
        for (size_t i = 0; i < m.count; i++) {
          v[i] = bytes_view(codes.data + codes.len, m.blobs[i].len);
          bytes_buf_append(&codes, m.blobs[i].data, m.blobs[i].len);
          if (m.blobs[i].len) codes.data[codes.len - 1] ^= 1;
        }
        if (!snap_blobs_encode(m.request_id, v, m.count, &msg))
          printf("lie: ByteCodes with %zu codes changed\n", m.count), L.lies++;
      }
      free(v);
      bytes_buf_free(&codes);
    }
    snap_blobs_free(&m);
  }
  if (msg.len) bytes_buf_free(out), *out = msg;
}

/* A Receipts payload in @ethereumjs/client 0.10.5's form (flat mode): every
 * block's receipts in one list, each an RLP string of its consensus encoding. */
static void flatten_receipts(bytes_buf_t *out) {
  eth_items_msg_t m = {0};
  bytes_buf_t items = {0}, msg = {0};
  if (eth_items_decode(out->data, out->len, ETH_ITEMS_RECEIPTS68, &m)) return;
  size_t n = 0;
  for (size_t i = 0; i < m.count; i++) {
    rlp_item_t list, e;
    rlp_iter_t it;
    if (rlp_decode(m.items[i].data, m.items[i].len, &list)) continue;
    rlp_iter_init(&it, &list);
    while (rlp_iter_next(&it, &e) == 1) {
      if (e.is_list) rlp_put_bytes(&items, e.raw, e.raw_len);
      else rlp_put_raw(&items, e.raw, e.raw_len);
      n++;
    }
  }
  size_t l = rlp_list_begin(&msg);
  rlp_put_u64(&msg, m.request_id);
  rlp_put_header(&msg, true, items.len);
  bytes_buf_append(&msg, items.data, items.len);
  if (!rlp_list_end(&msg, l)) {
    bytes_buf_free(out), *out = msg;
    printf("flat: %zu receipts of %zu blocks in one list\n", n, m.count);
  } else {
    bytes_buf_free(&msg);
  }
  bytes_buf_free(&items);
  eth_items_free(&m);
}

/* LIE_SWAP: the first two different bodies of a BlockBodies payload swapped; 0 or -1. */
static int swap_bodies(uint64_t id, bytes_buf_t *out) {
  eth_items_msg_t m = {0};
  if (eth_items_decode(out->data, out->len, ETH_ITEMS_BODIES, &m)) return -1;
  int rc = 0;
  for (size_t i = 0; i + 1 < m.count; i++) {
    if (m.items[i].len == m.items[i + 1].len && !memcmp(m.items[i].data, m.items[i + 1].data, m.items[i].len)) continue;
    bytes_view_t t = m.items[i];
    m.items[i] = m.items[i + 1];
    m.items[i + 1] = t;
    bytes_buf_t msg = {0};
    rc = eth_items_encode(id, m.items, m.count, &msg);
    if (!rc) bytes_buf_free(out), *out = msg;
    printf("lie: bodies %zu and %zu of %zu swapped\n", i, i + 1, m.count);
    L.lies++;
    break;
  }
  eth_items_free(&m);
  fflush(stdout);
  return rc;
}

static void send_due(uv_timer_t *t) {
  (void)t;
  uint64_t now = uv_now(L.loop);
  while (L.queue && L.queue->due <= now) {
    delayed_t *d = L.queue;
    L.queue = d->next;
    rlpx_send(d->conn, 0, d->code, d->out.data, d->out.len);
    bytes_buf_free(&d->out);
    free(d);
  }
}

/* Holds `out` back SLOW_MS (taken over: `out` is left empty); 0 or -1. */
static int hold(rlpx_conn_t *c, unsigned code, bytes_buf_t *out) {
  delayed_t *d = calloc(1, sizeof *d), **at = &L.queue;
  if (!d) return -1;
  *d = (delayed_t){.conn = c, .code = code, .out = *out, .due = uv_now(L.loop) + SLOW_MS};
  *out = (bytes_buf_t){0};
  while (*at) at = &(*at)->next;
  *at = d;
  printf("slow: headers held %d ms\n", SLOW_MS);
  return 0;
}

static void on_ready(rlpx_conn_t *c, void *user) {
  (void)user;
  int eth = rlpx_conn_cap_index(c, "eth");
  size_t n;
  if (eth < 0) {
    rlpx_disconnect(c, RLPX_DISC_USELESS_PEER);
    return;
  }
  uint32_t version = rlpx_conn_caps(c, &n)[eth].version;
  eth_status_t s;
  bytes_buf_t b = {0};
  if (eth_status_from_chain(L.chain, version, L.network, &s) || eth_status_encode(&s, &b) ||
      rlpx_send(c, (size_t)eth, ETH_MSG_STATUS, b.data, b.len))
    rlpx_disconnect(c, RLPX_DISC_SUBPROTOCOL);
  bytes_buf_free(&b);
  printf("peer: %s eth/%u\n", rlpx_conn_remote_hello(c)->client_id, version);
  fflush(stdout);
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)user;
  unsigned out_code = 0;
  bytes_buf_t out = {0}, shifted = {0};
  if (!strcmp(cap->name, "snap")) { /* snap requests (even codes), with the snap lie */
    if (code % 2 || snap_serve(L.chain, (unsigned)code, data, len, &out_code, &out)) {
      bytes_buf_free(&out);
      return;
    }
    printf("request: snap 0x%02x\n", (unsigned)code);
    bool storage = false;
    snap_get_trie_nodes_t q;
    if (code == SNAP_MSG_GET_TRIE_NODES && !snap_get_trie_nodes_decode(data, len, &q)) {
      for (size_t i = 0; i < q.set_count; i++) storage |= q.offsets[i + 1] - q.offsets[i] > 1;
      snap_get_trie_nodes_free(&q);
    }
    snap_lie(out_code, storage, &out);
    rlpx_send(c, (size_t)rlpx_conn_cap_index(c, "snap"), out_code, out.data, out.len);
    bytes_buf_free(&out);
    fflush(stdout);
    return;
  }
  if (code == ETH_MSG_STATUS || code % 2 == 0 || code == ETH_MSG_NEW_BLOCK_HASHES || code == ETH_MSG_NEW_BLOCK)
    return; /* Status, announcements, responses: not needed */
  if ((L.lie == LIE_BODY && code == ETH_MSG_GET_BLOCK_BODIES) ||
      (L.lie == LIE_RECEIPT && code == ETH_MSG_GET_RECEIPTS)) {
    if (!shift_hashes((unsigned)code, data, len, &shifted)) data = shifted.data, len = shifted.len;
  }
  int src = eth_serve(L.chain, cap->version, (unsigned)code, data, len, NULL, NULL, &out_code, &out);
  if (src) {
    bytes_buf_free(&shifted);
    bytes_buf_free(&out);
    return;
  }
  if (code == ETH_MSG_GET_RECEIPTS && L.lie == LIE_FLAT) flatten_receipts(&out);
  if (code == ETH_MSG_GET_BLOCK_HEADERS) {
    eth_get_headers_t q;
    if (!eth_get_headers_decode(data, len, &q)) {
      if (q.by_hash) printf("request: GetBlockHeaders by hash, %" PRIu64 " headers\n", q.amount);
      else printf("request: GetBlockHeaders #%" PRIu64 " x%" PRIu64 " skip %" PRIu64 "\n", q.number, q.amount, q.skip);
      if (L.lie == LIE_PARENT || L.lie == LIE_SEAL) corrupt(q.request_id, &out);
      if (L.lie == LIE_SLOW && q.amount > 1 && !hold(c, out_code, &out)) {
        bytes_buf_free(&shifted);
        fflush(stdout);
        return;
      }
    }
  }
  if (code == ETH_MSG_GET_BLOCK_BODIES) {
    eth_hash_request_t q = {0};
    if (!eth_hash_request_decode(data, len, &q)) {
      printf("request: GetBlockBodies x%zu\n", q.count);
      if (L.lie == LIE_SWAP) swap_bodies(q.request_id, &out);
    }
    eth_hash_request_free(&q);
  }
  rlpx_send(c, 0, out_code, out.data, out.len);
  bytes_buf_free(&out);
  bytes_buf_free(&shifted); /* `data` may point into it until here */
  fflush(stdout);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)user;
  for (delayed_t **at = &L.queue; *at;) { /* nothing is sent to it any more */
    delayed_t *d = *at;
    if (d->conn != c) {
      at = &d->next;
      continue;
    }
    *at = d->next;
    bytes_buf_free(&d->out);
    free(d);
  }
  printf("closed: %s by %s: %s\n", rlpx_disc_reason_str(reason), remote ? "peer" : "us", why ? why : "");
  fflush(stdout);
}

static void on_connection(uv_stream_t *server, int status) {
  rlpx_conn_t *c = NULL;
  if (status == 0) rlpx_accept(L.loop, &L.cfg, server, &c);
}

static void quit(void) {
  printf("exit: %u %s lied about\n", L.lies, L.lie >= LIE_BODY ? "answers" : "headers");
  fflush(stdout);
  while (L.queue) { /* held answers go unsent */
    delayed_t *d = L.queue;
    L.queue = d->next;
    bytes_buf_free(&d->out);
    free(d);
  }
  uv_stop(L.loop);
}

static void on_deadline(uv_timer_t *t) {
  (void)t;
  quit();
}

static void on_signal(uv_signal_t *s, int signum) {
  (void)s, (void)signum;
  quit();
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr,
            "usage: p2p_liar DATADIR NETWORK_ID parent|seal|swap|body|receipt|snap|storage|code|flat|slow|nonodes|none "
            "[SECONDS]\n");
    return 2;
  }
  L.lie = !strcmp(argv[3], "parent")    ? LIE_PARENT
          : !strcmp(argv[3], "seal")    ? LIE_SEAL
          : !strcmp(argv[3], "body")    ? LIE_BODY
          : !strcmp(argv[3], "receipt") ? LIE_RECEIPT
          : !strcmp(argv[3], "snap")    ? LIE_SNAP
          : !strcmp(argv[3], "storage") ? LIE_STORAGE
          : !strcmp(argv[3], "code")    ? LIE_CODE
          : !strcmp(argv[3], "flat")    ? LIE_FLAT
          : !strcmp(argv[3], "swap")    ? LIE_SWAP
          : !strcmp(argv[3], "slow")    ? LIE_SLOW
          : !strcmp(argv[3], "nonodes") ? LIE_NONODES
                                        : LIE_NONE;
  if (L.lie == LIE_NONE && strcmp(argv[3], "none"))
    return fprintf(stderr,
                   "p2p_liar: LIE is parent, seal, swap, body, receipt, snap, storage, code, flat, slow, nonodes or "
                   "none\n"),
           2;
  L.network = strtoull(argv[2], NULL, 10);
  chain_open_opts_t o = {.datadir = argv[1], .read_only = true};
  char err[512];
  if (chain_open(&o, &L.chain, err, sizeof err)) return fprintf(stderr, "p2p_liar: %s\n", err), 1;
  ethc_hash_t head;
  if (chain_read_head(L.chain, &L.head, &head)) return fprintf(stderr, "p2p_liar: no head\n"), 1;
  L.loop = uv_default_loop();
  L.cfg = (rlpx_config_t){.client_id = "ethc-test/p2p_liar",
                          .protos = L.lie == LIE_FLAT   ? protos_68
                                    : L.lie >= LIE_BODY ? protos_snap
                                                        : protos,
                          .n_protos = L.lie == LIE_FLAT   ? 2
                                      : L.lie >= LIE_BODY ? 3
                                                          : 2,
                          .handshake_timeout_ms = 10000,
                          .cb = {on_ready, on_msg, on_close},
                          .user = &L};
  FILE *r = fopen("/dev/urandom", "rb"); /* a throwaway node key */
  if (!r || fread(L.cfg.key, 1, 32, r) != 32) return 2;
  fclose(r);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(L.loop, &L.server);
  int len = sizeof a;
  if (uv_tcp_bind(&L.server, (const struct sockaddr *)&a, 0) ||
      uv_listen((uv_stream_t *)&L.server, 16, on_connection) ||
      uv_tcp_getsockname(&L.server, (struct sockaddr *)&a, &len))
    return fprintf(stderr, "p2p_liar: cannot listen\n"), 1;
  L.cfg.listen_port = ntohs(a.sin_port);
  uint8_t id[64];
  if (ethc_secp256k1_pubkey_create(L.cfg.key, id)) return 2;
  printf("self=enode://");
  for (int i = 0; i < 64; i++) printf("%02x", id[i]);
  printf("@127.0.0.1:%u head=#%" PRIu64 " lie=%s\n", ntohs(a.sin_port), L.head, argv[3]);
  fflush(stdout);
  uv_timer_init(L.loop, &L.deadline);
  uv_timer_start(&L.deadline, on_deadline, (argc > 4 ? strtoull(argv[4], NULL, 10) : 60) * 1000, 0);
  uv_timer_init(L.loop, &L.slow);
  if (L.lie == LIE_SLOW) uv_timer_start(&L.slow, send_due, 20, 20);
  uv_signal_init(L.loop, &L.sigterm);
  uv_signal_start(&L.sigterm, on_signal, SIGTERM);
  uv_run(L.loop, UV_RUN_DEFAULT);
  chain_close(L.chain);
  return 0;
}
