/* Consensus presets (consensus-specs presets/{mainnet,minimal}/altair.yaml and
 * phase0.yaml), the network configs of mainnet (consensus-specs configs/mainnet.yaml),
 * sepolia, holesky and hoodi (eth-clients/<network>/metadata/config.yaml and
 * genesis_validators_root.txt), the test-only "dev" network of `ethc node --dev
 * --dev.beacon` (src/node/dev/dev_beacon.h), and the fork and domain helpers of
 * phase0/beacon-chain.md (compute_fork_data_root, compute_fork_digest,
 * compute_domain, compute_signing_root). */
#include <string.h>

#include "ethc/light_client.h"
#include "ethc/ssz.h"

const beacon_preset_t beacon_preset_mainnet = {"mainnet", 512, 32, 256, 1, 32 * 256};
const beacon_preset_t beacon_preset_minimal = {"minimal", 32, 8, 8, 1, 8 * 8};

const beacon_preset_t *beacon_preset_by_name(const char *name) {
  if (!name) return NULL;
  if (strcmp(name, "mainnet") == 0) return &beacon_preset_mainnet;
  if (strcmp(name, "minimal") == 0) return &beacon_preset_minimal;
  return NULL;
}

#define V(a, b, c, d) \
  { 0x##a, 0x##b, 0x##c, 0x##d }
#define H32(...) \
  { __VA_ARGS__ }

static const beacon_config_t networks[] = {
    {"mainnet",
     &beacon_preset_mainnet,
     H32(0x4b, 0x36, 0x3d, 0xb9, 0x4e, 0x28, 0x61, 0x20, 0xd7, 0x6e, 0xb9, 0x05, 0x34, 0x0f, 0xdd, 0x4e, 0x54, 0xbf,
         0xe9, 0xf0, 0x6b, 0xf3, 0x3f, 0xf6, 0xcf, 0x5a, 0xd2, 0x7f, 0x51, 0x1b, 0xfe, 0x95),
     1606824023,
     12,
     {V(00, 00, 00, 00), V(01, 00, 00, 00), V(02, 00, 00, 00), V(03, 00, 00, 00), V(04, 00, 00, 00), V(05, 00, 00, 00),
      V(06, 00, 00, 00)},
     {0, 74240, 144896, 194048, 269568, 364032, 411392}},
    {"sepolia",
     &beacon_preset_mainnet,
     H32(0xd8, 0xea, 0x17, 0x1f, 0x3c, 0x94, 0xae, 0xa2, 0x1e, 0xbc, 0x42, 0xa1, 0xed, 0x61, 0x05, 0x2a, 0xcf, 0x3f,
         0x92, 0x09, 0xc0, 0x0e, 0x4e, 0xfb, 0xaa, 0xdd, 0xac, 0x09, 0xed, 0x9b, 0x80, 0x78),
     1655733600,
     12,
     {V(90, 00, 00, 69), V(90, 00, 00, 70), V(90, 00, 00, 71), V(90, 00, 00, 72), V(90, 00, 00, 73), V(90, 00, 00, 74),
      V(90, 00, 00, 75)},
     {0, 50, 100, 56832, 132608, 222464, 272640}},
    {"holesky",
     &beacon_preset_mainnet,
     H32(0x91, 0x43, 0xaa, 0x7c, 0x61, 0x5a, 0x7f, 0x71, 0x15, 0xe2, 0xb6, 0xaa, 0xc3, 0x19, 0xc0, 0x35, 0x29, 0xdf,
         0x82, 0x42, 0xae, 0x70, 0x5f, 0xba, 0x9d, 0xf3, 0x9b, 0x79, 0xc5, 0x9f, 0xa8, 0xb1),
     1695902400,
     12,
     {V(01, 01, 70, 00), V(02, 01, 70, 00), V(03, 01, 70, 00), V(04, 01, 70, 00), V(05, 01, 70, 00), V(06, 01, 70, 00),
      V(07, 01, 70, 00)},
     {0, 0, 0, 256, 29696, 115968, 165120}},
    {"hoodi",
     &beacon_preset_mainnet,
     H32(0x21, 0x2f, 0x13, 0xfc, 0x4d, 0xf0, 0x78, 0xb6, 0xcb, 0x7d, 0xb2, 0x28, 0xf1, 0xc8, 0x30, 0x75, 0x66, 0xdc,
         0xec, 0xf9, 0x00, 0x86, 0x74, 0x01, 0xa9, 0x20, 0x23, 0xd7, 0xba, 0x99, 0xcb, 0x5f),
     1742213400,
     12,
     {V(10, 00, 09, 10), V(20, 00, 09, 10), V(30, 00, 09, 10), V(40, 00, 09, 10), V(50, 00, 09, 10), V(60, 00, 09, 10),
      V(70, 00, 09, 10)},
     {0, 0, 0, 0, 0, 2048, 50688}},
    /* "dev": the test-only beacon side of `ethc node --dev --dev.beacon`, never a
     * real chain. Mainnet preset (512 keys); genesis_validators_root =
     * sha256("ethc dev beacon genesis validators root"); every fork from epoch 0,
     * so every slot is Fulu (the dev chain runs Osaka from block 0); genesis time 0
     * and one second per slot, so the current slot is the unix time (dev_beacon.h
     * maps dev block N to slot base + N, base a day before the chain's genesis). */
    {"dev",
     &beacon_preset_mainnet,
     H32(0x62, 0xdc, 0x55, 0x76, 0xb7, 0x63, 0x58, 0x65, 0x40, 0x05, 0xf1, 0xef, 0xf0, 0x9e, 0x4e, 0x3d, 0xf2, 0xc9,
         0x37, 0x4a, 0xbf, 0xbb, 0xdd, 0x0d, 0xaf, 0x2e, 0xe2, 0x61, 0xe2, 0x63, 0xb0, 0x2e),
     0,
     1,
     {V(00, 00, de, 70), V(01, 00, de, 70), V(02, 00, de, 70), V(03, 00, de, 70), V(04, 00, de, 70), V(05, 00, de, 70),
      V(06, 00, de, 70)},
     {0, 0, 0, 0, 0, 0, 0}},
};

const char *const beacon_network_names[] = {"mainnet", "sepolia", "holesky", "hoodi", "dev", NULL};

const beacon_config_t *beacon_config_by_name(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof networks / sizeof networks[0]; i++)
    if (strcmp(networks[i].name, name) == 0) return &networks[i];
  return NULL;
}

uint64_t beacon_epoch_at_slot(const beacon_config_t *c, uint64_t slot) { return slot / c->preset->slots_per_epoch; }

uint64_t beacon_period_at_slot(const beacon_config_t *c, uint64_t slot) {
  return beacon_epoch_at_slot(c, slot) / c->preset->epochs_per_sync_committee_period;
}

beacon_fork_t beacon_fork_at_epoch(const beacon_config_t *c, uint64_t epoch) {
  beacon_fork_t f = BEACON_FORK_PHASE0;
  for (unsigned i = 1; i < BEACON_FORK_COUNT; i++)
    if (c->fork_epoch[i] != BEACON_FAR_FUTURE_EPOCH && c->fork_epoch[i] <= epoch) f = (beacon_fork_t)i;
  return f;
}

beacon_fork_t beacon_fork_at_slot(const beacon_config_t *c, uint64_t slot) {
  return beacon_fork_at_epoch(c, beacon_epoch_at_slot(c, slot));
}

uint64_t beacon_slot_at_time(const beacon_config_t *c, uint64_t t) {
  if (t < c->genesis_time || c->seconds_per_slot == 0) return 0;
  return (t - c->genesis_time) / c->seconds_per_slot;
}

void beacon_fork_data_root(const uint8_t version[4], const uint8_t gvr[32], uint8_t out[32]) {
  uint8_t v[32] = {0};
  memcpy(v, version, 4);
  ssz_hash_pair(v, gvr, out); /* ForkData{current_version, genesis_validators_root}: two chunks */
}

void beacon_fork_digest(const uint8_t version[4], const uint8_t gvr[32], uint8_t out[4]) {
  uint8_t r[32];
  beacon_fork_data_root(version, gvr, r);
  memcpy(out, r, 4);
}

void beacon_compute_domain(uint32_t domain_type, const uint8_t version[4], const uint8_t gvr[32], uint8_t out[32]) {
  uint8_t r[32];
  beacon_fork_data_root(version, gvr, r);
  out[0] = (uint8_t)(domain_type >> 24);
  out[1] = (uint8_t)(domain_type >> 16);
  out[2] = (uint8_t)(domain_type >> 8);
  out[3] = (uint8_t)domain_type;
  memcpy(out + 4, r, 28);
}

void beacon_signing_root(const uint8_t object_root[32], const uint8_t domain[32], uint8_t out[32]) {
  ssz_hash_pair(object_root, domain, out); /* SigningData{object_root, domain} */
}
