/* Unit tests of the built-in networks' fork ids (EIP-2124, EIP-6122 time
 * forks) computed from the genesis table (src/chain/chain_genesis_builtin.c)
 * and the built-in chain configs, at every fork boundary through BPO2.
 * Expected ids: EIP-2124 (mainnet, blocks), go-ethereum core/forkid/forkid_test.go
 * (mainnet times, sepolia, holesky, hoodi), EIP-7600 / EIP-7607 (Prague, Osaka)
 * and the BPO ids the clients publish. */
#include <string.h>

#include "check.h"
#include "ethc/chain_config.h"
#include "ethc/chain_genesis_builtin.h"
#include "ethc/forkid.h"

typedef struct {
  uint64_t number, time;
  uint32_t hash;
  uint64_t next;
} id_case_t;

static const id_case_t mainnet[] = {
    {0, 0, 0xfc64ec04, 1150000},
    {1150000, 0, 0x97c2c34c, 1920000},
    {1920000, 0, 0x91d1f948, 2463000},
    {2463000, 0, 0x7a64da13, 2675000},
    {2675000, 0, 0x3edd5b10, 4370000},
    {4370000, 0, 0xa00bc324, 7280000},
    {7280000, 0, 0x668db0af, 9069000},
    {9069000, 0, 0x879d6e30, 9200000},
    {9200000, 0, 0xe029e991, 12244000},
    {12244000, 0, 0x0eb440f6, 12965000},
    {12965000, 0, 0xb715077d, 13773000},
    {13773000, 0, 0x20c327fc, 15050000},
    {15050000, 0, 0xf0afd0e3, 1681338455},
    {20000000, 1681338454, 0xf0afd0e3, 1681338455},
    {20000000, 1681338455, 0xdce96c2d, 1710338135},
    {20000000, 1710338135, 0x9f3d2254, 1746612311},
    {20000000, 1746612311, 0xc376cf8b, 1764798551},
    {20000000, 1764798550, 0xc376cf8b, 1764798551},
    {20000000, 1764798551, 0x5167e2a6, 1765290071},
    {20000000, 1765290071, 0xcba2a1c0, 1767747671},
    {20000000, 1767747671, 0x07c9462e, 0},
};

static const id_case_t sepolia[] = {
    {0, 1633267481, 0xfe3366e7, 1735371},
    {1735370, 1656000000, 0xfe3366e7, 1735371},
    {1735371, 1656000000, 0xb96cbd13, 1677557088},
    {1735372, 1677557087, 0xb96cbd13, 1677557088},
    {1735372, 1677557088, 0xf7f9bc08, 1706655072},
    {1735372, 1706655071, 0xf7f9bc08, 1706655072},
    {1735372, 1706655072, 0x88cf81d9, 1741159776},
    {1735372, 1741159776, 0xed88b5fd, 1760427360},
    {1735372, 1760427359, 0xed88b5fd, 1760427360},
    {1735372, 1760427360, 0xe2ae4999, 1761017184},
    {1735372, 1761017184, 0x56078a1e, 1761607008},
    {1735372, 1761607008, 0x268956b6, 0},
    {9000000, 2000000000, 0x268956b6, 0},
};

static const id_case_t holesky[] = {
    {0, 1695902100, 0xc61a6098, 1696000704},
    {123, 1696000703, 0xc61a6098, 1696000704},
    {123, 1696000704, 0xfd4f016b, 1707305664},
    {123, 1707305664, 0x9b192ad0, 1740434112},
    {123, 1740434112, 0xdfbd9bed, 1759308480},
    {123, 1759308480, 0x783def52, 1759800000},
    {123, 1759800000, 0xa280a45c, 1760389824},
    {123, 1760389824, 0x9bc6cb31, 0},
};

static const id_case_t hoodi[] = {
    {0, 1742212800, 0xbef71d30, 1742999832},
    {123, 1742999831, 0xbef71d30, 1742999832},
    {123, 1742999832, 0x0929e24e, 1761677592},
    {123, 1761677591, 0x0929e24e, 1761677592},
    {123, 1761677592, 0xe7e0e7ff, 1762365720},
    {123, 1762365720, 0x3893353e, 1762955544},
    {123, 1762955543, 0x3893353e, 1762955544},
    {123, 1762955544, 0x23aa1351, 0},
};

static void check_network(const char *name, const id_case_t *cases, size_t n) {
  const chain_genesis_builtin_t *g = chain_genesis_builtin(name);
  const chain_config_t *cfg = chain_config_builtin(name);
  CHECK_MSG(g && cfg, "%s: no built-in genesis or config", name);
  if (!g || !cfg) return;
  CHECK(g->network_id == cfg->chain_id.w[0]);
  forkid_schedule_t s;
  forkid_schedule(cfg, &g->hash, g->timestamp, &s);
  for (size_t i = 0; i < n; i++) {
    forkid_t id = forkid_at(&s, cases[i].number, cases[i].time);
    CHECK_MSG(id.hash == cases[i].hash && id.next == cases[i].next, "%s case %zu: have %08x/%llu want %08x/%llu", name,
              i, id.hash, (unsigned long long)id.next, cases[i].hash, (unsigned long long)cases[i].next);
  }
  /* a node at genesis and one at the newest fork accept each other (rules 2 and 3) */
  forkid_t first = forkid_at(&s, cases[0].number, cases[0].time);
  forkid_t last = forkid_at(&s, cases[n - 1].number, cases[n - 1].time);
  CHECK_MSG(forkid_validate(&s, cases[0].number, cases[0].time, &last) == FORKID_OK, "%s: genesis rejects head", name);
  CHECK_MSG(forkid_validate(&s, cases[n - 1].number, cases[n - 1].time, &first) == FORKID_OK, "%s: head rejects genesis",
            name);
}

/* Each network's fork ids are rejected by the others. */
static void test_cross_network(void) {
  static const char *const nets[] = {"mainnet", "sepolia", "holesky", "hoodi"};
  for (size_t a = 0; a < 4; a++) {
    const chain_genesis_builtin_t *ga = chain_genesis_builtin(nets[a]);
    forkid_schedule_t sa;
    forkid_schedule(chain_config_builtin(nets[a]), &ga->hash, ga->timestamp, &sa);
    for (size_t b = 0; b < 4; b++) {
      if (a == b) continue;
      const chain_genesis_builtin_t *gb = chain_genesis_builtin(nets[b]);
      forkid_schedule_t sb;
      forkid_schedule(chain_config_builtin(nets[b]), &gb->hash, gb->timestamp, &sb);
      forkid_t theirs = forkid_at(&sb, 30000000, 2000000000);
      CHECK_MSG(forkid_validate(&sa, 30000000, 2000000000, &theirs) == FORKID_LOCAL_INCOMPATIBLE, "%s accepts %s",
                nets[a], nets[b]);
    }
  }
}

static void test_table(void) {
  CHECK(chain_genesis_builtin("dev") == NULL);
  CHECK(chain_genesis_builtin(NULL) == NULL);
  CHECK(chain_genesis_builtin("goerli") == NULL);
  const chain_genesis_builtin_t *m = chain_genesis_builtin("mainnet");
  CHECK(m && m->timestamp == 0 && m->difficulty.w[0] == 17179869184ULL && m->hash.bytes[0] == 0xd4);
  const chain_genesis_builtin_t *s = chain_genesis_builtin("sepolia");
  CHECK(s && s->network_id == 11155111 && s->difficulty.w[0] == 131072);
}

int main(void) {
  test_table();
  check_network("mainnet", mainnet, sizeof mainnet / sizeof *mainnet);
  check_network("sepolia", sepolia, sizeof sepolia / sizeof *sepolia);
  check_network("holesky", holesky, sizeof holesky / sizeof *holesky);
  check_network("hoodi", hoodi, sizeof hoodi / sizeof *hoodi);
  test_cross_network();
  return check_summary();
}
