/* Unit tests of EIP-2124 fork ids (src/p2p/forkid.c): the EIP's and geth's
 * mainnet ids (blocks and timestamps), the validation table of the EIP, the
 * RLP encodings, and the id of the devp2p ethtest chain (0x377aaa78, what a
 * third-party client announces for it). */
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/error.h"
#include "ethc/forkid.h"
#include "ethc/genesis.h"
#include "ethc/state.h"

static ethc_hash_t mainnet_genesis;

static void test_mainnet_ids(void) {
  static const struct {
    uint64_t number, time;
    uint32_t hash;
    uint64_t next;
  } cases[] = {
      {0, 0, 0xfc64ec04, 1150000},
      {1149999, 0, 0xfc64ec04, 1150000},
      {1150000, 0, 0x97c2c34c, 1920000},
      {1919999, 0, 0x97c2c34c, 1920000},
      {1920000, 0, 0x91d1f948, 2463000},
      {2462999, 0, 0x91d1f948, 2463000},
      {2463000, 0, 0x7a64da13, 2675000},
      {2674999, 0, 0x7a64da13, 2675000},
      {2675000, 0, 0x3edd5b10, 4370000},
      {4369999, 0, 0x3edd5b10, 4370000},
      {4370000, 0, 0xa00bc324, 7280000},
      {7279999, 0, 0xa00bc324, 7280000},
      {7280000, 0, 0x668db0af, 9069000},
      {9068999, 0, 0x668db0af, 9069000},
      {9069000, 0, 0x879d6e30, 9200000},
      {9199999, 0, 0x879d6e30, 9200000},
      {9200000, 0, 0xe029e991, 12244000},
      {12243999, 0, 0xe029e991, 12244000},
      {12244000, 0, 0x0eb440f6, 12965000},
      {12964999, 0, 0x0eb440f6, 12965000},
      {12965000, 0, 0xb715077d, 13773000},
      {13772999, 0, 0xb715077d, 13773000},
      {13773000, 0, 0x20c327fc, 15050000},
      {15049999, 0, 0x20c327fc, 15050000},
      {15050000, 0, 0xf0afd0e3, 1681338455},
      {20000000, 1681338454, 0xf0afd0e3, 1681338455},
      {20000000, 1681338455, 0xdce96c2d, 1710338135},
      {30000000, 1710338134, 0xdce96c2d, 1710338135},
      {30000000, 1710338135, 0x9f3d2254, 1746612311},
      {30000000, 1746612310, 0x9f3d2254, 1746612311},
      {30000000, 1746612311, 0xc376cf8b, 1764798551},
      {30000000, 1764798551, 0x5167e2a6, 1765290071},
      {30000000, 1765290071, 0xcba2a1c0, 1767747671},
      {30000000, 1767747671, 0x07c9462e, 0},
      {50000000, 2000000000, 0x07c9462e, 0},
  };
  forkid_schedule_t s;
  forkid_schedule(chain_config_builtin("mainnet"), &mainnet_genesis, 0, &s);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    forkid_t id = forkid_at(&s, cases[i].number, cases[i].time);
    CHECK_MSG(id.hash == cases[i].hash && id.next == cases[i].next, "case %zu: have %08x/%llu want %08x/%llu", i,
              id.hash, (unsigned long long)id.next, cases[i].hash, (unsigned long long)cases[i].next);
  }
}

/* EIP-2124's validation table: mainnet as it was when the EIP was written
 * (Petersburg its last fork), and the "Gopherium" cases of geth's table with
 * mainnet up to Arrow Glacier. */
static void test_validation(void) {
  chain_config_t petersburg = *chain_config_builtin("mainnet"), arrow;
  for (int f = FORK_ISTANBUL; f < FORK_COUNT; f++) petersburg.activation[f] = CHAIN_NEVER;
  arrow = *chain_config_builtin("mainnet");
  for (int f = FORK_GRAY_GLACIER; f < FORK_COUNT; f++) arrow.activation[f] = CHAIN_NEVER;
  static const struct {
    int config; /* 0 petersburg, 1 arrow glacier */
    uint64_t head;
    uint32_t hash;
    uint64_t next;
    forkid_verdict_t want;
  } cases[] = {
      {0, 7987396, 0x668db0af, 0, FORKID_OK},
      {0, 7987396, 0x668db0af, UINT64_MAX, FORKID_OK},
      {0, 7279999, 0xa00bc324, 0, FORKID_OK},
      {0, 7279999, 0xa00bc324, 7280000, FORKID_OK},
      {0, 7279999, 0xa00bc324, UINT64_MAX, FORKID_OK},
      {0, 7987396, 0xa00bc324, 7280000, FORKID_OK},
      {0, 7987396, 0x3edd5b10, 4370000, FORKID_OK},
      {0, 7279999, 0x668db0af, 0, FORKID_OK},
      {0, 4369999, 0xa00bc324, 0, FORKID_OK},
      {0, 7987396, 0xa00bc324, 0, FORKID_REMOTE_STALE},
      {0, 7987396, 0x5cddc0e1, 0, FORKID_LOCAL_INCOMPATIBLE},
      {0, 7279999, 0x5cddc0e1, 0, FORKID_LOCAL_INCOMPATIBLE},
      {0, 7987396, 0xafec6b27, 0, FORKID_LOCAL_INCOMPATIBLE},
      {1, 88888888, 0x20c327fc, 88888888, FORKID_LOCAL_INCOMPATIBLE},
      {1, 7279999, 0xa00bc324, 7279999, FORKID_LOCAL_INCOMPATIBLE},
      {1, 7280000, 0xa00bc324, 7280000, FORKID_OK},
  };
  forkid_schedule_t s[2];
  forkid_schedule(&petersburg, &mainnet_genesis, 0, &s[0]);
  forkid_schedule(&arrow, &mainnet_genesis, 0, &s[1]);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    forkid_t r = {cases[i].hash, cases[i].next};
    forkid_verdict_t v = forkid_validate(&s[cases[i].config], cases[i].head, 0, &r);
    CHECK_MSG(v == cases[i].want, "case %zu: have %s want %s", i, forkid_verdict_str(v),
              forkid_verdict_str(cases[i].want));
  }
  /* time forks: current mainnet at Prague, a peer on Cancun that knows Prague
   * (remote syncing), one that does not (stale), one at Osaka (we are behind) */
  forkid_schedule_t m;
  forkid_schedule(chain_config_builtin("mainnet"), &mainnet_genesis, 0, &m);
  forkid_t cancun_ok = {0x9f3d2254, 1746612311}, cancun_stale = {0x9f3d2254, 0}, osaka = {0x5167e2a6, 0};
  forkid_t prague_next_passed = {0xc376cf8b, 1750000000};
  CHECK(forkid_validate(&m, 22000000, 1750000000, &cancun_ok) == FORKID_OK);
  CHECK(forkid_validate(&m, 22000000, 1750000000, &cancun_stale) == FORKID_REMOTE_STALE);
  CHECK(forkid_validate(&m, 22000000, 1750000000, &osaka) == FORKID_OK);
  CHECK(forkid_validate(&m, 22000000, 1750000001, &prague_next_passed) == FORKID_LOCAL_INCOMPATIBLE);
  CHECK(forkid_validate(&m, 22000000, 1749999999, &prague_next_passed) == FORKID_OK);
}

static void test_encoding(void) {
  static const struct {
    uint32_t hash;
    uint64_t next;
    const char *hex;
  } cases[] = {
      {0, 0, "c6840000000080"},
      {0xdeadbeef, 0xbaddcafe, "ca84deadbeef84baddcafe"},
      {0xffffffff, UINT64_MAX, "ce84ffffffff88ffffffffffffffff"},
  };
  for (size_t i = 0; i < 3; i++) {
    forkid_t id = {cases[i].hash, cases[i].next}, back;
    bytes_buf_t b = {0};
    CHECK(forkid_encode(&id, &b) == 0);
    char hex[64];
    hex_encode(b.data, b.len, hex);
    CHECK_MSG(strcmp(hex + 2, cases[i].hex) == 0, "have %s want %s", hex, cases[i].hex);
    rlp_item_t it;
    CHECK(rlp_decode(b.data, b.len, &it) == 0 && forkid_decode_item(&it, &back) == 0);
    CHECK(back.hash == id.hash && back.next == id.next);
    bytes_buf_free(&b);
  }
  /* malformed: 3-byte hash, a string instead of a list, a leading zero in next, 3 items */
  static const char *bad[] = {"c58300000080", "8400000000", "c78400000000820001", "c78400000000808080"};
  for (size_t i = 0; i < 4; i++) {
    uint8_t raw[16];
    size_t n;
    forkid_t id;
    rlp_item_t it;
    CHECK(hex_decode(bad[i], false, raw, sizeof raw, &n) == 0);
    CHECK(rlp_decode(raw, n, &it) != 0 || forkid_decode_item(&it, &id) != 0);
  }
}

static void test_ethtest(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/chains/ethtest/genesis.json", check_shared_dir());
  if (!check_need(path, "the devp2p ethtest chain")) return;
  chain_config_t cfg;
  chain_header_t g;
  state_t *st = state_new();
  char err[256];
  CHECK_MSG(genesis_load_file(path, &cfg, st, &g, err, sizeof err) == 0, "%s", err);
  state_free(st);
  ethc_hash_t gh;
  CHECK(header_hash(&g, &gh) == 0);
  forkid_schedule_t s;
  forkid_schedule(&cfg, &gh, g.timestamp, &s);
  /* every block fork at 0, Shanghai at the genesis time: Cancun (60) and Prague (120) remain */
  CHECK(s.n_block == 0 && s.n == 2 && s.forks[0] == 60 && s.forks[1] == 120);
  forkid_t id0 = forkid_at(&s, 0, 0), id1 = forkid_at(&s, 6, 60), head = forkid_at(&s, 600, 6000);
  CHECK(id0.hash == s.sums[0] && id0.next == 60);
  CHECK(id1.hash == s.sums[1] && id1.next == 120);
  CHECK_MSG(head.hash == 0x377aaa78 && head.next == 0, "head id %08x/%llu", head.hash, (unsigned long long)head.next);
  /* a peer at genesis knowing the schedule is fine; one on mainnet is not */
  CHECK(forkid_validate(&s, 600, 6000, &id0) == FORKID_OK);
  forkid_t main_id = {0x07c9462e, 0};
  CHECK(forkid_validate(&s, 600, 6000, &main_id) == FORKID_LOCAL_INCOMPATIBLE);
}

int main(void) {
  CHECK(hex_decode_fixed("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3", false,
                         mainnet_genesis.bytes, 32) == 0);
  test_mainnet_ids();
  test_validation();
  test_encoding();
  test_ethtest();
  return check_summary();
}
