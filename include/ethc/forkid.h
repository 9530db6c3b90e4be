/* EIP-2124 fork identifiers: FORK_HASH, the CRC-32 of the genesis hash and of
 * every fork activation passed (block numbers, then EIP-6122 timestamps, each
 * as 8 big-endian bytes), and FORK_NEXT, the next activation (0: none known);
 * and the rules a node applies to a peer's fork id from its Status message.
 * Implementation: src/chain/forkid.c (in the chain layer, so
 * that eth_config (rpc) and the eth protocol (p2p) share it). All functions are pure (thread-safe). */
#ifndef ETHC_FORKID_H
#define ETHC_FORKID_H

#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/rlp.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint32_t hash; /* FORK_HASH, encoded as 4 big-endian bytes */
  uint64_t next; /* FORK_NEXT */
} forkid_t;

/* A chain's fork schedule as EIP-2124 gathers it: the distinct activations,
 * block forks first (ascending, block 0 left out), then time forks (ascending,
 * those at or before the genesis time left out), and the checksum before each. */
#define FORKID_MAX_FORKS FORK_COUNT
typedef struct {
  uint64_t forks[FORKID_MAX_FORKS];
  size_t n_block; /* forks[0..n_block) are block numbers, the rest timestamps */
  size_t n;
  uint32_t sums[FORKID_MAX_FORKS + 1]; /* sums[i]: checksum with forks[0..i) passed */
} forkid_schedule_t;

/* CRC-32 (IEEE 802.3) of `n` more bytes, continuing from `crc` (0 to start). */
uint32_t forkid_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* Gathers the schedule of `cfg` for a chain of genesis hash `genesis` and
 * genesis timestamp `genesis_time`. */
void forkid_schedule(const chain_config_t *cfg, const ethc_hash_t *genesis, uint64_t genesis_time,
                     forkid_schedule_t *out);

/* The fork id of a node whose head is block `number` with timestamp `time`. */
forkid_t forkid_at(const forkid_schedule_t *s, uint64_t number, uint64_t time);

/* What a node with head (number, time) makes of a remote fork id (EIP-2124's
 * rules 1-4, with geth's reading of FORK_NEXT for time forks). */
typedef enum {
  FORKID_OK = 0,
  FORKID_REMOTE_STALE,       /* rule 2 broken: the peer needs a software update */
  FORKID_LOCAL_INCOMPATIBLE, /* rules 1a/4: another chain, or we are stale */
} forkid_verdict_t;
forkid_verdict_t forkid_validate(const forkid_schedule_t *s, uint64_t number, uint64_t time, const forkid_t *remote);
const char *forkid_verdict_str(forkid_verdict_t v);

/* RLP [hash: 4 bytes, next: uint]. Decoding is strict: ETHC_ERR_RLP_* codes
 * for a malformed item, ETHC_ERR_OVERFLOW for a FORK_NEXT over 64 bits. */
int forkid_encode(const forkid_t *id, bytes_buf_t *out);
int forkid_decode_item(const rlp_item_t *item, forkid_t *out);

#ifdef __cplusplus
}
#endif

#endif
