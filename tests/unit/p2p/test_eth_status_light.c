/* Unit test of the eth Status a light database sends (src/p2p/eth_serve.c with
 * src/chain/chain_genesis_builtin.c): on each built-in network, before any
 * proven head (the genesis as head, its difficulty as eth/68's td, the fork id
 * at the genesis) and after one (the proven head, the newest fork's id), and
 * the checks of a peer's Status (the same network accepted, another network's
 * genesis or fork id refused). Expected fork ids: EIP-2124 and go-ethereum's
 * core/forkid tests. Files go to ./eth_status_light_tmp (the build directory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/chain_genesis_builtin.h"
#include "ethc/chain_light.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"

#define DIR "eth_status_light_tmp"

static const struct {
  const char *name;
  uint64_t network_id;
  forkid_t at_genesis, at_head;
} nets[] = {
    {"mainnet", 1, {0xfc64ec04, 1150000}, {0x07c9462e, 0}},
    {"sepolia", 11155111, {0xfe3366e7, 1735371}, {0x268956b6, 0}},
    {"holesky", 17000, {0xc61a6098, 1696000704}, {0x9bc6cb31, 0}},
    {"hoodi", 560048, {0xbef71d30, 1742999832}, {0x23aa1351, 0}},
};

/* A post-merge header after every fork the configs know. */
static void make_head(chain_header_t *h) {
  memset(h, 0, sizeof *h);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->tx_root = h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  h->number = 24000000;
  h->gas_limit = 60000000;
  h->timestamp = 1800000000;
  h->has_base_fee = h->has_withdrawals_root = h->has_blob_gas = h->has_parent_beacon_root = true;
  h->withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
}

static bool same_id(forkid_t a, forkid_t b) { return a.hash == b.hash && a.next == b.next; }

static void check_one(size_t k) {
  char err[256] = "";
  (void)system("rm -rf " DIR);
  CHECK_MSG(chain_light_create(DIR, nets[k].name, err, sizeof err) == 0, "%s", err);
  chain_open_opts_t o = {.datadir = DIR, .explicit_fork_choice = true};
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "chain_open: %s", err);
  if (!c) return;
  const chain_genesis_builtin_t *g = chain_genesis_builtin(nets[k].name);
  chain_genesis_info_t gi;
  CHECK(chain_genesis_info(c, &gi) == 0 && gi.builtin && ethc_hash_eq(&gi.hash, &g->hash));

  /* nothing proven yet: the genesis stands as head */
  eth_status_t s68, s69;
  CHECK(eth_status_from_chain(c, 68, nets[k].network_id, &s68) == 0);
  CHECK(eth_status_from_chain(c, 69, nets[k].network_id, &s69) == 0);
  CHECK(s68.network_id == nets[k].network_id && ethc_hash_eq(&s68.genesis, &g->hash));
  CHECK(ethc_hash_eq(&s68.head, &g->hash) && u256_eq(&s68.td, &g->difficulty));
  CHECK_MSG(same_id(s68.fork_id, nets[k].at_genesis), "%s genesis id %08x/%llu", nets[k].name, s68.fork_id.hash,
            (unsigned long long)s68.fork_id.next);
  CHECK(s69.latest == 0 && s69.earliest == 0 && ethc_hash_eq(&s69.head, &g->hash));
  CHECK(same_id(s69.fork_id, nets[k].at_genesis));
  /* it encodes and decodes, and a peer sending the same is accepted */
  bytes_buf_t b = {0};
  eth_status_t back;
  CHECK(eth_status_encode(&s69, &b) == 0 && eth_status_decode(b.data, b.len, &back) == 0);
  CHECK(same_id(back.fork_id, s69.fork_id) && ethc_hash_eq(&back.genesis, &g->hash));
  bytes_buf_free(&b);
  const char *why = NULL;
  CHECK_MSG(eth_status_check(c, &s69, &s69, &why) == 0, "%s: %s", nets[k].name, why ? why : "");
  /* a synced peer of the same network (the newest fork id) is accepted at genesis */
  eth_status_t peer = s69;
  peer.fork_id = nets[k].at_head;
  peer.latest = 24000000;
  CHECK_MSG(eth_status_check(c, &s69, &peer, &why) == 0, "%s synced peer: %s", nets[k].name, why ? why : "");

  /* a proven head: its hash and number, the newest fork's id */
  chain_header_t h;
  make_head(&h);
  h.extra[0] = (uint8_t)k;
  h.extra_len = 1;
  bytes_buf_t raw = {0};
  ethc_hash_t hh;
  CHECK(header_encode(&h, &raw) == 0);
  CHECK(chain_light_store(c, raw.data, raw.len, &hh) == 0);
  bytes_buf_free(&raw);
  CHECK(chain_light_set_head(c, &hh, NULL, NULL) == 0);
  CHECK(eth_status_from_chain(c, 68, nets[k].network_id, &s68) == 0);
  CHECK(eth_status_from_chain(c, 69, nets[k].network_id, &s69) == 0);
  CHECK(ethc_hash_eq(&s68.head, &hh) && ethc_hash_eq(&s68.genesis, &g->hash));
  CHECK(u256_eq(&s68.td, &chain_config(c)->terminal_total_difficulty));
  CHECK_MSG(same_id(s69.fork_id, nets[k].at_head), "%s head id %08x/%llu", nets[k].name, s69.fork_id.hash,
            (unsigned long long)s69.fork_id.next);
  CHECK(s69.latest == 24000000 && s69.earliest == 24000000 && ethc_hash_eq(&s69.head, &hh));
  CHECK(eth_status_check(c, &s69, &s69, &why) == 0);
  /* a peer at genesis that knows the first fork: behind, accepted */
  peer = s69;
  peer.fork_id = nets[k].at_genesis;
  CHECK_MSG(eth_status_check(c, &s69, &peer, &why) == 0, "%s peer at genesis: %s", nets[k].name, why ? why : "");
  /* another network: refused on the genesis, or on the fork id */
  size_t other = (k + 1) % (sizeof nets / sizeof *nets);
  peer = s69;
  peer.genesis = chain_genesis_builtin(nets[other].name)->hash;
  CHECK(eth_status_check(c, &s69, &peer, &why) == ETHC_ERR_INVALID && strcmp(why, "genesis mismatch") == 0);
  peer = s69;
  peer.fork_id = nets[other].at_head;
  CHECK(eth_status_check(c, &s69, &peer, &why) == ETHC_ERR_INVALID && strncmp(why, "fork id", 7) == 0);
  peer = s69;
  peer.network_id = nets[other].network_id;
  CHECK(eth_status_check(c, &s69, &peer, &why) == ETHC_ERR_INVALID);
  chain_close(c);
}

int main(void) {
  for (size_t k = 0; k < sizeof nets / sizeof *nets; k++) check_one(k);
  (void)system("rm -rf " DIR);
  return check_summary();
}
