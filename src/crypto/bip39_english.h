/* The BIP-39 English wordlist (bip39_english.c), for mnemonic checks (hdwallet.h). */
#ifndef ETHC_CRYPTO_BIP39_ENGLISH_H
#define ETHC_CRYPTO_BIP39_ENGLISH_H

extern const char *const bip39_english[2048]; /* sorted: binary search finds a word's index */

#endif
