/* BIP-39 seeds and BIP-32 derivation (hdwallet.h): BIP-32 test vector 1 (every
 * step of m/0H/1/2H/2/1000000000), a Trezor BIP-39 vector, and the accounts
 * anvil and hardhat derive from "test test ... junk" at m/44'/60'/0'/0/i. */
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/hdwallet.h"
#include "ethc/secp256k1.h"

static void unhex(const char *h, uint8_t *out, size_t n) {
  if (hex_decode_fixed(h, false, out, n)) {
    fprintf(stderr, "bad test hex %s\n", h);
    exit(1);
  }
}

static void bip32_vector1(void) {
  uint8_t seed[16];
  unhex("000102030405060708090a0b0c0d0e0f", seed, 16);
  static const struct {
    const char *path, *key, *chain;
  } v[] = {
      {"m", "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35",
       "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508"},
      {"m/0'", "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea",
       "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141"},
      {"m/0'/1", "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368",
       "2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19"},
      {"m/0h/1/2h", "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca",
       "04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f"},
      {"m/0'/1/2'/2", "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4",
       "cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd"},
      {"m/0'/1/2'/2/1000000000", "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8",
       "c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e"},
  };
  hd_key_t m;
  CHECK(hd_master(seed, sizeof seed, &m) == 0);
  for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
    hd_key_t k;
    uint8_t key[32], chain[32];
    unhex(v[i].key, key, 32);
    unhex(v[i].chain, chain, 32);
    CHECK_MSG(hd_derive_path(&m, v[i].path, &k) == 0, "%s", v[i].path);
    CHECK_MSG(!memcmp(k.key, key, 32) && !memcmp(k.chain, chain, 32), "%s", v[i].path);
  }
  /* the master's compressed public key (BIP-32 vector 1, m) */
  uint8_t pub[33], want[33];
  unhex("0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2", want, 33);
  CHECK(hd_pubkey_compressed(m.key, pub) == 0 && !memcmp(pub, want, 33));
  hd_key_t k;
  CHECK(hd_derive_path(&m, "0/1", &k) != 0);
  CHECK(hd_derive_path(&m, "m/", &k) != 0);
  CHECK(hd_derive_path(&m, "m/x", &k) != 0);
  CHECK(hd_derive_path(&m, "m/2147483648", &k) != 0);
  CHECK(hd_master(seed, 8, &k) != 0);
}

static void bip39_trezor(void) {
  uint8_t seed[64], want[64];
  CHECK(hd_bip39_seed("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                      "TREZOR", seed) == 0);
  unhex(
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c8"
      "1b2f001698e7463b04",
      want, 64);
  CHECK_MEM(seed, want, 64);
}

static void anvil_accounts(void) {
  uint8_t seed[64];
  CHECK(hd_bip39_seed("test test test test test test test test test test test junk", NULL, seed) == 0);
  hd_key_t m, k0, k1;
  CHECK(hd_master(seed, 64, &m) == 0);
  CHECK(hd_derive_path(&m, "m/44'/60'/0'/0/0", &k0) == 0);
  CHECK(hd_derive_path(&m, "m/44'/60'/0'/0/1", &k1) == 0);
  uint8_t want[32], pub[64];
  unhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", want, 32);
  CHECK_MEM(k0.key, want, 32);
  ethc_address_t a, wa;
  CHECK(ethc_secp256k1_pubkey_create(k0.key, pub) == 0);
  ethc_secp256k1_pubkey_to_address(pub, &a);
  unhex("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", wa.bytes, 20);
  CHECK_MEM(a.bytes, wa.bytes, 20);
  unhex("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", want, 32);
  CHECK_MEM(k1.key, want, 32);
  CHECK(ethc_secp256k1_pubkey_create(k1.key, pub) == 0);
  ethc_secp256k1_pubkey_to_address(pub, &a);
  unhex("70997970C51812dc3A010C7d01b50e0d17dc79C8", wa.bytes, 20);
  CHECK_MEM(a.bytes, wa.bytes, 20);
}

static void bip39_check(void) {
  char err[200];
  CHECK(hd_bip39_check("test test test test test test test test test test test junk", err, sizeof err) == 0);
  CHECK(hd_bip39_check("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                       err, sizeof err) == 0);
  CHECK(
      hd_bip39_check("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
                     err, sizeof err) == 0);
  /* a wrong last word: the checksum fails */
  CHECK(hd_bip39_check("test test test test test test test test test test test test", err, sizeof err) != 0 &&
        strstr(err, "checksum"));
  /* a typo names the word */
  CHECK(hd_bip39_check("test tset test test test test test test test test test junk", err, sizeof err) != 0 &&
        strstr(err, "word 2") && strstr(err, "tset"));
  CHECK(hd_bip39_check("test test test", err, sizeof err) != 0 && strstr(err, "3 words"));
  CHECK(hd_bip39_check("", err, sizeof err) != 0);
  CHECK(hd_bip39_check("test  test test test test test test test test test test junk", err, sizeof err) != 0);
  CHECK(hd_bip39_check("abando abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                       err, sizeof err) != 0);
  CHECK(hd_bip39_check("abandons abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                       err, sizeof err) != 0);
}

int main(void) {
  bip32_vector1();
  bip39_trezor();
  anvil_accounts();
  bip39_check();
  return check_summary();
}
