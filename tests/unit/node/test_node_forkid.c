/* Unit test of the node record's "eth" entry following the head
 * (src/node/node_discv4.c, devp2p enr-entries/eth.md, EIP-2124): a light
 * sepolia database puts the genesis fork id in the record at start (seq + 1),
 * a head within the same fork leaves the record alone, a head across a fork
 * boundary re-signs it with the new id and seq + 1, both when told directly and
 * through the chain's new-head callback handed to the loop; admin_nodeInfo's
 * protocols.eth names the network, genesis, config and head. Files go to
 * ./node_forkid_tmp (the build directory under ctest). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_genesis_builtin.h"
#include "ethc/chain_light.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/p2p_enr.h"
#include "node/node_discv4.h"

#define DIR "node_forkid_tmp"

/* The record as a peer sees it: its text form parsed and verified. */
static void record(node_p2p_t *p, uint64_t *seq, forkid_t *id) {
  char text[ENR_TEXT_MAX];
  enr_t e;
  CHECK(enr_to_text(&p->info.enr, text, sizeof text) > 0);
  CHECK(enr_from_text(text, &e) == 0);
  *seq = e.seq;
  memset(id, 0, sizeof *id);
  CHECK(enr_eth_forkid(&e, id) == 0);
}

int main(void) {
  char err[256] = "";
  (void)system("rm -rf " DIR);
  CHECK_MSG(chain_light_create(DIR, "sepolia", err, sizeof err) == 0, "%s", err);
  chain_open_opts_t co = {.datadir = DIR, .explicit_fork_choice = true};
  chain_t *chain = NULL;
  CHECK_MSG(chain_open(&co, &chain, err, sizeof err) == 0, "%s", err);
  if (!chain) return check_summary();
  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);

  /* a --nodiscover identity, as node_p2p_start makes it */
  node_p2p_t p;
  memset(&p, 0, sizeof p);
  p.on = true;
  pthread_mutex_init(&p.lock, NULL);
  for (int i = 0; i < 32; i++) p.key[i] = (uint8_t)(i + 1);
  static const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(p.info.ip, lo);
  p.info.tcp_port = 30303;
  enr_fields_t f = {0};
  node_p2p_enr_address(&p, &f);
  CHECK(enr_sign(p.key, 1, &f, &p.info.enr) == 0);

  /* start: the genesis id (sepolia 0xfe3366e7, next the merge netsplit block) */
  uint64_t seq;
  forkid_t id;
  CHECK(node_p2p_track_forkid(&p, &loop, chain, 11155111) == 0);
  record(&p, &seq, &id);
  CHECK_MSG(seq == 2 && id.hash == 0xfe3366e7 && id.next == 1735371, "start: seq %llu id %08x/%llu",
            (unsigned long long)seq, id.hash, (unsigned long long)id.next);
  /* the same fork: no new record */
  CHECK(node_p2p_forkid_at(&p, 1000, 1640000000) == 0);
  record(&p, &seq, &id);
  CHECK(seq == 2 && id.hash == 0xfe3366e7);
  /* across the netsplit block, then Prague (time) */
  CHECK(node_p2p_forkid_at(&p, 1735371, 1650000000) == 1);
  record(&p, &seq, &id);
  CHECK(seq == 3 && id.hash == 0xb96cbd13 && id.next == 1677557088);
  CHECK(node_p2p_forkid_at(&p, 8000000, 1741159776) == 1);
  record(&p, &seq, &id);
  CHECK(seq == 4 && id.hash == 0xed88b5fd && id.next == 1760427360);
  CHECK(node_p2p_forkid_at(&p, 8000001, 1741159788) == 0);

  /* a proven head after BPO2, through the chain's callback and the loop */
  chain_header_t h;
  memset(&h, 0, sizeof h);
  h.ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h.tx_root = h.receipts_root = h.withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
  h.number = 9000000;
  h.gas_limit = 60000000;
  h.timestamp = 1800000000;
  h.has_base_fee = h.has_withdrawals_root = h.has_blob_gas = h.has_parent_beacon_root = true;
  bytes_buf_t raw = {0};
  ethc_hash_t hh;
  CHECK(header_encode(&h, &raw) == 0 && chain_light_store(chain, raw.data, raw.len, &hh) == 0);
  bytes_buf_free(&raw);
  CHECK(chain_light_set_head(chain, &hh, NULL, NULL) == 0);
  uv_run(&loop, UV_RUN_NOWAIT);
  record(&p, &seq, &id);
  CHECK_MSG(seq == 5 && id.hash == 0x268956b6 && id.next == 0, "after head: seq %llu id %08x/%llu",
            (unsigned long long)seq, id.hash, (unsigned long long)id.next);

  /* protocols.eth */
  char *json = eth_node_info_json(chain, 11155111);
  cJSON *o = json ? cJSON_Parse(json) : NULL;
  CHECK_MSG(o != NULL, "eth_node_info_json: %s", json ? json : "(null)");
  if (o) {
    char hex[67];
    hex_encode(chain_genesis_builtin("sepolia")->hash.bytes, 32, hex);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(o, "network")) == 11155111);
    CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "genesis")), hex));
    hex_encode(hh.bytes, 32, hex);
    CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "head")), hex));
    cJSON *cfg = cJSON_GetObjectItem(o, "config");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "chainId")) == 11155111);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "pragueTime")) == 1741159776);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "mergeNetsplitBlock")) == 1735371);
    CHECK(cJSON_GetObjectItem(cfg, "daoForkBlock") == NULL);
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(cfg, "blobSchedule"), "bpo2") != NULL);
  }
  cJSON_Delete(o);
  free(json);

  node_p2p_stop(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  /* after stop, a new head is not handed to the closed handle */
  h.number++;
  h.timestamp += 12;
  CHECK(header_encode(&h, &raw) == 0 && chain_light_store(chain, raw.data, raw.len, &hh) == 0);
  bytes_buf_free(&raw);
  CHECK(chain_light_set_head(chain, &hh, NULL, NULL) == 0);
  CHECK(uv_loop_close(&loop) == 0);
  chain_close(chain);
  node_p2p_free(&p);
  (void)system("rm -rf " DIR);
  return check_summary();
}
