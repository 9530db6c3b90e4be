/* SHA-256 (FIPS 180-4) and RIPEMD-160 one-shot digests through OpenSSL, used by
 * the 0x02/0x03 precompiles and by RLPx/discovery code. */
#ifndef ETHC_HASH_H
#define ETHC_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Both return 0, or ETHC_ERR_UNSUPPORTED if OpenSSL cannot provide the digest. */
int hash_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
int hash_ripemd160(const uint8_t *data, size_t len, uint8_t out[20]);

#ifdef __cplusplus
}
#endif

#endif
