/* Hierarchical deterministic keys as wallets derive them: the BIP-39 seed of a
 * mnemonic (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase) and
 * BIP-32 private derivation on secp256k1 (hardened and normal children, paths
 * such as m/44'/60'/0'/0/0, BIP-44's Ethereum path). Stateless and thread-safe. */
#ifndef ETHC_HDWALLET_H
#define ETHC_HDWALLET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A BIP-32 extended private key. */
typedef struct {
  uint8_t key[32];   /* the private key */
  uint8_t chain[32]; /* the chain code */
} hd_key_t;

#define HD_HARDENED 0x80000000u

/* The 64-byte BIP-39 seed of `mnemonic` (its words as given: NFKD-normalised
 * ASCII is the caller's) and `passphrase` (NULL: ""). Does not check the
 * mnemonic's checksum or wordlist. Returns 0, or ETHC_ERR_NOMEM / ETHC_ERR_INVALID
 * (OpenSSL failed). */
int hd_bip39_seed(const char *mnemonic, const char *passphrase, uint8_t seed[64]);

/* Checks that `mnemonic` is a BIP-39 English mnemonic: 12, 15, 18, 21 or 24
 * words of the English list separated by single spaces, whose last bits are the
 * SHA-256 checksum of the others. 0, or ETHC_ERR_INVALID with the reason in
 * `err` ("word 3 (\"tset\") is not in the BIP-39 English list", "bad checksum"). */
int hd_bip39_check(const char *mnemonic, char *err, size_t errlen);

/* The BIP-32 master key of a seed (16 to 64 bytes): HMAC-SHA512("Bitcoin seed",
 * seed). ETHC_ERR_INVALID for a key outside [1, n-1] (probability below 2^-127). */
int hd_master(const uint8_t *seed, size_t len, hd_key_t *out);

/* The child `index` of `parent` (index >= HD_HARDENED: hardened).
 * ETHC_ERR_INVALID when the child key is invalid (BIP-32 says: use the next index). */
int hd_child(const hd_key_t *parent, uint32_t index, hd_key_t *out);

/* Derives a path "m/44'/60'/0'/0/3" (' or h marks hardened) from `master`.
 * ETHC_ERR_INVALID for a malformed path or an invalid child. */
int hd_derive_path(const hd_key_t *master, const char *path, hd_key_t *out);

/* The 33-byte compressed public key of a private key (BIP-32 serP(point(k))). */
int hd_pubkey_compressed(const uint8_t key[32], uint8_t out[33]);

#ifdef __cplusplus
}
#endif

#endif
