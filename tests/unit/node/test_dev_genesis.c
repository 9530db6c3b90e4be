/* The dev chain (node/dev/dev.h): anvil's accounts from the default mnemonic,
 * a genesis.json that genesis.h reads back with chain id 31337, every fork
 * through Osaka and BPO2 at block 0 (mainnet's blob parameters), 1 gwei base
 * fee, the funded accounts and the system contracts; the data directory's
 * first start, same-settings restart and refused mismatches; temporary
 * directories made and removed. Files go under the working directory. */
#include <sys/stat.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "node/dev/dev.h"

static void unhex(const char *h, uint8_t *out, size_t n) {
  if (hex_decode_fixed(h, false, out, n)) {
    fprintf(stderr, "bad test hex %s\n", h);
    exit(1);
  }
}

static dev_account_t accts[DEV_ACCOUNTS];

static void accounts(void) {
  CHECK(dev_accounts_derive(DEV_MNEMONIC, DEV_ACCOUNTS, accts) == 0);
  ethc_address_t a;
  uint8_t k[32];
  unhex("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", a.bytes, 20);
  CHECK_MEM(accts[0].addr.bytes, a.bytes, 20);
  unhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", k, 32);
  CHECK_MEM(accts[0].key, k, 32);
  unhex("70997970C51812dc3A010C7d01b50e0d17dc79C8", a.bytes, 20);
  CHECK_MEM(accts[1].addr.bytes, a.bytes, 20);
  unhex("a0Ee7A142d267C1f36714E4a8F75612F20a79720", a.bytes, 20); /* anvil's account 9 */
  CHECK_MEM(accts[9].addr.bytes, a.bytes, 20);
  dev_account_t other;
  CHECK(dev_accounts_derive("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                            "abandon about",
                            1, &other) == 0);
  CHECK(memcmp(other.addr.bytes, accts[0].addr.bytes, 20) != 0);
}

static void genesis(void) {
  dev_genesis_opts_t o;
  dev_genesis_defaults(&o);
  o.timestamp = 1700000000;
  char *text = dev_genesis_json(&o, accts);
  CHECK(text != NULL);
  char *again = dev_genesis_json(&o, accts);
  CHECK(again && !strcmp(text, again));
  free(again);
  chain_config_t cfg;
  chain_header_t h;
  state_t *st = state_new();
  char err[256] = "";
  CHECK_MSG(genesis_from_text(text, strlen(text), "dev", &cfg, st, &h, err, sizeof err) == 0, "%s", err);
  CHECK(cfg.chain_id.w[0] == 31337 && !cfg.chain_id.w[1]);
  for (int f = 0; f < FORK_COUNT; f++) {
    if (f == FORK_DAO || f >= FORK_BPO3) continue;
    CHECK_MSG(chain_fork_active(&cfg, (chain_fork_t)f, 0, o.timestamp), "fork %d", f);
  }
  CHECK(!chain_fork_active(&cfg, FORK_BPO3, 0, o.timestamp));
  CHECK(chain_config_revision(&cfg, 0, o.timestamp, true) == EVM_OSAKA);
  chain_blob_schedule_t b = chain_config_blob_params(&cfg, o.timestamp);
  CHECK(b.target == 14 && b.max == 21 && b.update_fraction == 11684671);
  CHECK(h.number == 0 && h.gas_limit == 30000000 && h.timestamp == 1700000000);
  CHECK(u256_is_zero(&h.difficulty));
  CHECK(h.has_base_fee && h.base_fee.w[0] == 1000000000);
  CHECK(h.has_withdrawals_root && h.has_blob_gas && h.has_parent_beacon_root && h.has_requests_hash);
  u256_t bal, want = o.balance;
  state_get_balance(st, &accts[0].addr, &bal);
  CHECK(u256_eq(&bal, &want));
  state_get_balance(st, &accts[9].addr, &bal);
  CHECK(u256_eq(&bal, &want));
  char dec[79];
  u256_to_dec(&want, dec);
  CHECK(!strcmp(dec, "10000000000000000000000"));
  int contracts = 0;
  for (const dev_contract_t *c = dev_contracts; c->name; c++, contracts++) {
    ethc_address_t a;
    unhex(c->address, a.bytes, 20);
    CHECK_MSG(state_get_code_size(st, &a) > 0, "%s", c->name);
    CHECK_MSG(state_get_nonce(st, &a) == c->nonce, "%s", c->name);
  }
  CHECK(contracts == 5);
  ethc_address_t create2;
  unhex("4e59b44847b379578588920ca78fbf26c0b4956c", create2.bytes, 20);
  CHECK(state_get_code_size(st, &create2) == 69);
  state_free(st);
  free(text);

  /* other options: chain id, gas limit, fewer accounts */
  o.chain_id = u256_from_u64(1337);
  o.gas_limit = 60000000;
  o.accounts = 2;
  text = dev_genesis_json(&o, accts);
  st = state_new();
  CHECK(genesis_from_text(text, strlen(text), "dev", &cfg, st, &h, err, sizeof err) == 0);
  CHECK(cfg.chain_id.w[0] == 1337 && h.gas_limit == 60000000);
  state_get_balance(st, &accts[2].addr, &bal);
  CHECK(u256_is_zero(&bal));
  state_free(st);
  free(text);

  /* a chain id above 2^53 (not exact as a JSON number) goes as a string, read back exactly */
  o.chain_id = u256_from_u64(UINT64_MAX - 1);
  text = dev_genesis_json(&o, accts);
  st = state_new();
  CHECK(genesis_from_text(text, strlen(text), "dev", &cfg, st, &h, err, sizeof err) == 0);
  CHECK(cfg.chain_id.w[0] == UINT64_MAX - 1);
  state_free(st);
  free(text);
}

static void datadir(void) {
  char dir[4096], path[4200], path2[4200], err[512] = "";
  setenv("TMPDIR", ".", 1);
  CHECK(dev_tempdir(dir, sizeof dir, err, sizeof err) == 0);
  strcat(dir, "/a/b");
  dev_genesis_opts_t o;
  dev_genesis_defaults(&o);
  o.timestamp = 1234;
  CHECK_MSG(dev_datadir_prepare(dir, &o, accts, path, sizeof path, err, sizeof err) == 0, "%s", err);
  struct stat sb;
  CHECK(stat(path, &sb) == 0 && sb.st_size > 1000);
  /* a restart: the stored genesis time wins, the file is unchanged */
  dev_genesis_opts_t o2;
  dev_genesis_defaults(&o2);
  o2.timestamp = 99999;
  CHECK_MSG(dev_datadir_prepare(dir, &o2, accts, path2, sizeof path2, err, sizeof err) == 0, "%s", err);
  CHECK(o2.timestamp == 1234 && !strcmp(path, path2));
  /* another chain id: refused, naming the stored one and the fix */
  o2.chain_id = u256_from_u64(5);
  err[0] = 0;
  CHECK(dev_datadir_prepare(dir, &o2, accts, path2, sizeof path2, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "--chain-id 31337") && strstr(err, "--datadir"), "%s", err);
  /* other accounts (another mnemonic, fewer accounts): refused */
  dev_genesis_defaults(&o2);
  o2.accounts = 3;
  err[0] = 0;
  CHECK(dev_datadir_prepare(dir, &o2, accts, path2, sizeof path2, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "--dev.mnemonic"), "%s", err);
  /* a first start in a directory that holds something else: refused, nothing written */
  char other[4200], file[4300];
  snprintf(other, sizeof other, "%s-other", dir);
  CHECK(mkdir(other, 0755) == 0);
  snprintf(file, sizeof file, "%s/CURRENT", other);
  CHECK(dev_write_file(file, "x", err, sizeof err) == 0);
  err[0] = 0;
  CHECK(dev_datadir_prepare(other, &o2, accts, path2, sizeof path2, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "holds no dev chain"), "%s", err);
  CHECK(access(path2, F_OK) != 0);
  /* removal of the whole tree */
  dir[strlen(dir) - 4] = 0;
  CHECK(dev_remove_tree(dir) == 0);
  CHECK(stat(dir, &sb) != 0);
  /* the default directory follows XDG_DATA_HOME */
  setenv("XDG_DATA_HOME", "/x/y", 1);
  CHECK(!strcmp(dev_default_datadir(), "/x/y/ethc/dev"));
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/h", 1);
  CHECK(!strcmp(dev_default_datadir(), "/h/.local/share/ethc/dev"));
}

int main(void) {
  accounts();
  genesis();
  datadir();
  return check_summary();
}
