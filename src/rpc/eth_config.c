/* eth_config (EIP-7910): the fork configuration in force at the head (current)
 * and the next and last scheduled ones, each with its EIP-2124 fork id, blob
 * schedule (EIP-7840), precompiles and system contracts; and eth_capabilities
 * (execution-apis): which data this node serves from which block (all of it:
 * ethc keeps every block, receipt and state). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ethc/chain_config.h"
#include "ethc/chain_read.h"
#include "ethc/forkid.h"
#include "rpc/rpc_internal.h"

/* The EIP-2124 fork hash once every fork activated at or before (block
 * `number`, time `time`) has passed (src/chain/forkid.c). */
static uint32_t fork_hash(const chain_config_t *cfg, const ethc_hash_t *genesis, uint64_t genesis_time, uint64_t number,
                          uint64_t time) {
  forkid_schedule_t s;
  forkid_schedule(cfg, genesis, genesis_time, &s);
  return forkid_at(&s, number, time).hash;
}

typedef struct {
  const char *name;
  uint16_t addr;
  chain_fork_t since; /* FORK_COUNT: from the start (Byzantium at the latest for these timed configs) */
} precompile_t;

/* Sorted by name, as EIP-7910's objects are written. */
static const precompile_t precompiles[] = {
    {"BLAKE2F", 0x09, FORK_COUNT},
    {"BLS12_G1ADD", 0x0b, FORK_PRAGUE},
    {"BLS12_G1MSM", 0x0c, FORK_PRAGUE},
    {"BLS12_G2ADD", 0x0d, FORK_PRAGUE},
    {"BLS12_G2MSM", 0x0e, FORK_PRAGUE},
    {"BLS12_MAP_FP2_TO_G2", 0x11, FORK_PRAGUE},
    {"BLS12_MAP_FP_TO_G1", 0x10, FORK_PRAGUE},
    {"BLS12_PAIRING_CHECK", 0x0f, FORK_PRAGUE},
    {"BN254_ADD", 0x06, FORK_COUNT},
    {"BN254_MUL", 0x07, FORK_COUNT},
    {"BN254_PAIRING", 0x08, FORK_COUNT},
    {"ECREC", 0x01, FORK_COUNT},
    {"ID", 0x04, FORK_COUNT},
    {"KZG_POINT_EVALUATION", 0x0a, FORK_CANCUN},
    {"MODEXP", 0x05, FORK_COUNT},
    {"P256VERIFY", 0x100, FORK_OSAKA},
    {"RIPEMD160", 0x03, FORK_COUNT},
    {"SHA256", 0x02, FORK_COUNT},
};

static void write_addr_hex(jw_t *w, const char *hex40) {
  char buf[43] = "0x";
  memcpy(buf + 2, hex40, 40);
  buf[42] = 0;
  jw_cstr(w, buf);
}

/* One fork's object: the timed fork `f`, from its activation time. */
static void write_fork(jw_t *w, const chain_config_t *cfg, const ethc_hash_t *genesis, uint64_t genesis_time,
                       chain_fork_t f) {
  uint64_t t = cfg->activation[f];
  bool on[FORK_COUNT];
  for (int k = FORK_FIRST_TIMED; k < FORK_COUNT; k++)
    on[k] = cfg->activation[k] != CHAIN_NEVER && cfg->activation[k] <= t;
  jw_obj_begin(w);
  jw_key(w, "activationTime");
  jw_int(w, (int64_t)t);
  jw_key(w, "blobSchedule");
  if (on[FORK_CANCUN]) {
    chain_blob_schedule_t b = chain_config_blob_params(cfg, t);
    jw_obj_begin(w);
    jw_key(w, "target");
    jw_int(w, (int64_t)b.target);
    jw_key(w, "max");
    jw_int(w, (int64_t)b.max);
    jw_key(w, "baseFeeUpdateFraction");
    jw_int(w, (int64_t)b.update_fraction);
    jw_obj_end(w);
  } else {
    jw_null(w);
  }
  jw_kqty256(w, "chainId", &cfg->chain_id);
  char id[11];
  snprintf(id, sizeof id, "0x%08x", fork_hash(cfg, genesis, genesis_time, UINT64_MAX - 1, t));
  jw_key(w, "forkId");
  jw_cstr(w, id);
  jw_key(w, "precompiles");
  jw_obj_begin(w);
  for (size_t i = 0; i < sizeof precompiles / sizeof *precompiles; i++) {
    const precompile_t *p = &precompiles[i];
    if (p->since != FORK_COUNT && !on[p->since]) continue;
    ethc_address_t a = {0};
    a.bytes[18] = (uint8_t)(p->addr >> 8), a.bytes[19] = (uint8_t)p->addr;
    jw_kaddr(w, p->name, &a);
  }
  jw_obj_end(w);
  jw_key(w, "systemContracts");
  jw_obj_begin(w);
  if (on[FORK_CANCUN]) {
    jw_key(w, "BEACON_ROOTS_ADDRESS");
    write_addr_hex(w, "000f3df6d732807ef1319fb7b8bb8522d0beac02");
  }
  if (on[FORK_PRAGUE]) {
    jw_key(w, "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS");
    write_addr_hex(w, "0000bbddc7ce488642fb579f8b00f3a590007251");
    ethc_address_t dep = {0};
    if (cfg->has_deposit_contract) dep = cfg->deposit_contract;
    jw_kaddr(w, "DEPOSIT_CONTRACT_ADDRESS", &dep);
    jw_key(w, "HISTORY_STORAGE_ADDRESS");
    write_addr_hex(w, "0000f90827f1c53a10cb7a02335b175320002935");
    jw_key(w, "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS");
    write_addr_hex(w, "00000961ef480eb55e80d19ad83579a64c007002");
  }
  jw_obj_end(w);
  jw_obj_end(w);
}

int rpc_eth_config(rpc_call_t *c, const cJSON *params) {
  (void)params;
  chain_t *ch = c->srv->chain;
  const chain_config_t *cfg = chain_config(ch);
  chain_header_t g, h;
  ethc_hash_t gh, hh;
  uint64_t hn;
  int rc = chain_read_head(ch, &hn, &hh);
  if (!rc) rc = chain_read_header_by_hash(ch, &hh, &h);
  if (!rc) rc = chain_read_header_by_number(ch, 0, &g, &gh);
  if (rc) return rpc_fail_chain(c, rc);
  /* the timed forks in activation order: current is the last at or before the
   * head's time, next the first after it, last the final scheduled one */
  int cur = -1, next = -1, last = -1;
  for (int f = FORK_FIRST_TIMED; f < FORK_COUNT; f++) {
    uint64_t a = cfg->activation[f];
    if (a == CHAIN_NEVER) continue;
    if (a <= h.timestamp) {
      if (cur < 0 || a >= cfg->activation[cur]) cur = f;
    } else {
      if (next < 0 || a < cfg->activation[next]) next = f;
      if (last < 0 || a >= cfg->activation[last]) last = f;
    }
  }
  if (cur < 0)
    return rpc_fail(c, RPC_SERVER_ERROR, "eth_config needs a time-scheduled fork (Shanghai or later) at the head");
  jw_obj_begin(c->w);
  jw_key(c->w, "current");
  write_fork(c->w, cfg, &gh, g.timestamp, (chain_fork_t)cur);
  jw_key(c->w, "next");
  if (next >= 0) write_fork(c->w, cfg, &gh, g.timestamp, (chain_fork_t)next);
  else jw_null(c->w);
  jw_key(c->w, "last");
  if (last >= 0) write_fork(c->w, cfg, &gh, g.timestamp, (chain_fork_t)last);
  else jw_null(c->w);
  jw_obj_end(c->w);
  return 0;
}

int rpc_eth_capabilities(rpc_call_t *c, const cJSON *params) {
  (void)params;
  uint64_t hn;
  ethc_hash_t hh;
  int rc = chain_read_head(c->srv->chain, &hn, &hh);
  if (rc) return rpc_fail_chain(c, rc);
  jw_t *w = c->w;
  jw_obj_begin(w);
  jw_key(w, "head");
  jw_obj_begin(w);
  jw_kqty(w, "number", hn);
  jw_khash(w, "hash", &hh);
  jw_obj_end(w);
  static const char *const kinds[] = {"state", "tx", "logs", "receipts", "blocks", "stateproofs"};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    jw_key(w, kinds[i]);
    jw_obj_begin(w);
    jw_key(w, "disabled");
    jw_bool(w, false);
    jw_kqty(w, "oldestBlock", 0); /* nothing is pruned, so no deleteStrategy either */
    jw_obj_end(w);
  }
  jw_obj_end(w);
  return 0;
}
