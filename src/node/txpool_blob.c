/* The blob pool's network rules (EIP-4844 "Networking"; go-ethereum's
 * core/txpool/validation.go validateBlobSidecar): a pooled type-3
 * transaction carries its sidecar, whose counts and versioned hashes match
 * the transaction (tx_decode_network checks those) and whose every blob is
 * proven: version 0 sidecars (one proof per blob; verify_blob_kzg_proof_batch
 * for several) before Osaka, version 1 (EIP-7594: the proofs of all 128 cells of each
 * blob's extension, verify_cell_kzg_proof_batch) from Osaka, as geth's pool
 * takes them from peers. */
#include <stdio.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/kzg.h"
#include "node/txpool.h"

int txpool_blob_check_sidecar(const tx_t *tx, const tx_sidecar_t *sc, evm_revision_t rev, char *err, size_t errlen) {
  size_t n = tx->blob_hashes_count;
  if (!sc || !sc->blobs_count) return snprintf(err, errlen, "%s", TXPOOL_ERR_NO_SIDECAR), ETHC_ERR_INVALID;
  uint8_t want = rev >= EVM_OSAKA ? 1 : 0;
  if (sc->wrapper_version != want) {
    snprintf(err, errlen, "%s: unexpected sidecar version, want: %u, got: %u", TXPOOL_ERR_BLOB_SIDECAR, want,
             sc->wrapper_version);
    return ETHC_ERR_INVALID;
  }
  size_t per = want ? TX_CELLS_PER_EXT_BLOB : 1;
  if (sc->blobs_count != n || sc->commitments_count != n || sc->proofs_count != n * per) {
    snprintf(err, errlen, "%s: invalid number of %zu blobs compared to %zu blob hashes", TXPOOL_ERR_BLOB_SIDECAR,
             sc->blobs_count, n);
    return ETHC_ERR_INVALID;
  }
  for (size_t i = 0; i < n; i++) {
    uint8_t vh[32];
    kzg_commitment_to_versioned_hash(sc->commitments[i], vh);
    if (memcmp(vh, tx->blob_hashes[i].bytes, 32)) {
      snprintf(err, errlen, "%s: blob %zu: commitment mismatches the transaction's blob hash", TXPOOL_ERR_BLOB_SIDECAR,
               i);
      return ETHC_ERR_INVALID;
    }
  }
  if (want == 1) { /* all cells of all blobs in one batch */
    bool ok = false;
    int rc = kzg_verify_blob_cell_proofs(sc->blobs, sc->commitments, n, sc->proofs, &ok);
    if (rc == ETHC_ERR_NOMEM) return snprintf(err, errlen, "out of memory"), rc;
    if (rc || !ok) {
      snprintf(err, errlen, "%s: %s", TXPOOL_ERR_BLOB_SIDECAR,
               rc ? "a blob element not in the field or a point not in G1" : "cell proofs do not verify");
      return ETHC_ERR_INVALID;
    }
    return 0;
  }
  if (n > 1) { /* all blobs in one batch (two pairings); on failure, blob by blob to name the bad one */
    bool ok = false;
    int rc = kzg_verify_blob_proof_batch(sc->blobs, sc->commitments, sc->proofs, n, &ok);
    if (rc == ETHC_ERR_NOMEM) return snprintf(err, errlen, "out of memory"), rc;
    if (!rc && ok) return 0;
  }
  for (size_t i = 0; i < n; i++) {
    bool ok = false;
    int rc = kzg_verify_blob_proof(sc->blobs[i], sc->commitments[i], sc->proofs[i], &ok);
    if (rc == ETHC_ERR_NOMEM) return snprintf(err, errlen, "out of memory"), rc;
    if (rc || !ok) {
      snprintf(err, errlen, "%s: invalid blob %zu: %s", TXPOOL_ERR_BLOB_SIDECAR, i,
               rc ? "not a field element or point" : "can't verify opening proof");
      return ETHC_ERR_INVALID;
    }
  }
  return 0;
}

bool txpool_err_blames_sender(const char *err) {
  return !strcmp(err, "rlp: invalid transaction") || !strcmp(err, "invalid sender") ||
         !strcmp(err, TXPOOL_ERR_NO_SIDECAR) || !strncmp(err, TXPOOL_ERR_BLOB_SIDECAR, strlen(TXPOOL_ERR_BLOB_SIDECAR));
}
