/* The light header sync's storage side (sync.h): batch checks, the seals of a
 * batch verified together, imports and the DATADIR/headsync progress file. */
#include "ethc/sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/ethash.h"
#include "ethc/header.h"
#include "ethc/keccak.h"

static void path_of(chain_t *c, char *buf, size_t n, const char *suffix) {
  snprintf(buf, n, "%s/headsync%s", chain_datadir(c), suffix);
}

static int hex_nibble(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

int sync_load(chain_t *c, sync_point_t *out) {
  memset(out, 0, sizeof *out);
  if (chain_read_head(c, &out->number, &out->hash)) return ETHC_ERR_IO;
  char path[4200], hex[80] = {0};
  path_of(c, path, sizeof path, "");
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  uint64_t num = 0;
  int got = fscanf(f, "%" SCNu64 " 0x%66s", &num, hex);
  fclose(f);
  if (got != 2 || strlen(hex) != 64 || num <= out->number) return 0;
  sync_point_t p = {.number = num};
  for (int i = 0; i < 32; i++) {
    int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    p.hash.bytes[i] = (uint8_t)(hi << 4 | lo);
  }
  *out = p;
  return 0;
}

int sync_save(chain_t *c, const sync_point_t *p) {
  char path[4200], tmp[4200];
  path_of(c, path, sizeof path, "");
  path_of(c, tmp, sizeof tmp, ".tmp");
  FILE *f = fopen(tmp, "w");
  if (!f) return ETHC_ERR_IO;
  fprintf(f, "%" PRIu64 " 0x", p->number);
  for (int i = 0; i < 32; i++) fprintf(f, "%02x", p->hash.bytes[i]);
  fputc('\n', f);
  if (fclose(f) || rename(tmp, path)) return ETHC_ERR_IO;
  return 0;
}

/* How many of the batch's headers lead it in order: numbered from->number + 1
 * on, the first linked to `from` (each later one's link is the import's to
 * check); why says what is wrong with the next one when that is not all n.
 * Their Ethash seals are verified here in one interleaved batch ahead of the
 * import (ethash.h), which then finds each result remembered. Post-merge
 * headers (difficulty 0) have no seal to check: with `linked` (the caller
 * checked the numbers and links inside the batch; the import checks them
 * again) the rest is not decoded here once one is found. */
static size_t precheck(const sync_point_t *from, const bytes_view_t *items, size_t n, bool linked, char *why,
                       size_t whylen) {
  ethash_verify_item_t *seals = calloc(n ? n : 1, sizeof *seals);
  int *results = calloc(n ? n : 1, sizeof *results);
  size_t k = 0, i = 0;
  for (; i < n; i++) {
    chain_header_t h;
    ethc_hash_t seal;
    if (header_decode(items[i].data, items[i].len, &h)) {
      snprintf(why, whylen, "header %zu does not decode", i);
      break;
    }
    if (h.number != from->number + 1 + i) {
      snprintf(why, whylen, "header #%" PRIu64 " where #%" PRIu64 " was asked", h.number, from->number + 1 + i);
      break;
    }
    if (i == 0 && memcmp(h.parent_hash.bytes, from->hash.bytes, 32)) {
      snprintf(why, whylen, "header #%" PRIu64 " does not link to its parent", h.number);
      break;
    }
    if (linked && u256_is_zero(&h.difficulty)) { /* after the merge: no seals from here on */
      i = n;
      break;
    }
    if (!seals || !results || u256_is_zero(&h.difficulty) || header_seal_hash(&h, &seal)) continue;
    seals[k] =
        (ethash_verify_item_t){.block_number = h.number, .nonce = header_nonce_u64(&h), .difficulty = h.difficulty};
    memcpy(seals[k].header_hash, seal.bytes, 32);
    memcpy(seals[k].mix_hash, h.mix_hash.bytes, 32);
    k++;
  }
  if (k) ethash_verify_batch(seals, k, results);
  free(seals);
  free(results);
  return i;
}

int sync_import_batch(chain_t *c, const sync_point_t *from, const bytes_view_t *items, size_t n, sync_point_t *to,
                      char *why, size_t whylen) {
  return sync_import_batch_hashed(c, from, items, NULL, n, to, why, whylen);
}

int sync_import_batch_hashed(chain_t *c, const sync_point_t *from, const bytes_view_t *items, const ethc_hash_t *hashes,
                             size_t n, sync_point_t *to, char *why, size_t whylen) {
  *to = *from;
  size_t ok = precheck(from, items, n, hashes != NULL, why, whylen), done = 0;
  if (!ok) return ETHC_ERR_INVALID;
  chain_import_result_t res;
  int rc = chain_import_headers_hashed(c, items, hashes, ok, &done, &res); /* those before a bad one are stored */
  if (done) {
    to->number = from->number + done;
    if (hashes) to->hash = hashes[done - 1];
    else keccak256(items[done - 1].data, items[done - 1].len, to->hash.bytes);
  }
  if (rc == ETHC_ERR_INVALID && res.decoded && res.error == BLOCK_ERR_UNKNOWN_PARENT)
    return snprintf(why, whylen, "header #%" PRIu64 " does not link to its parent", res.number), rc;
  if (rc == ETHC_ERR_INVALID && res.decoded)
    return snprintf(why, whylen, "header #%" PRIu64 ": %s", res.number, res.reason), rc;
  if (rc == ETHC_ERR_INVALID) return snprintf(why, whylen, "header %zu: %s", done, res.reason), rc;
  if (rc) return snprintf(why, whylen, "storing header #%" PRIu64 " failed (%d)", from->number + 1 + done, rc), rc;
  return ok == n ? 0 : ETHC_ERR_INVALID;
}
