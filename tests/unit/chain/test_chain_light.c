/* Unit test of a light node's chain (src/chain/chain_light.c): a database without
 * a genesis block for a built-in network (no head until one is set), proven
 * headers stored without their parents, the head set over a gap (numbers in the
 * gap have no canonical entry), a switch to another branch and back (the index
 * follows, entries above the head are dropped), safe / finalized marks, a
 * reopen, and the refusals (another network, read-only). Files go to
 * ./chain_light_tmp (the build directory under ctest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/chain_light.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"

#define DIR "chain_light_tmp"

/* A post-merge header `number` on `parent`; `tag` makes branches differ. */
static void make(chain_header_t *h, uint64_t number, const ethc_hash_t *parent, uint8_t tag) {
  memset(h, 0, sizeof *h);
  h->parent_hash = *parent;
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->tx_root = h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  h->number = number;
  h->gas_limit = 30000000;
  h->timestamp = 1700000000 + number * 12;
  h->extra[0] = tag;
  h->extra_len = 1;
  h->has_base_fee = h->has_withdrawals_root = h->has_blob_gas = h->has_parent_beacon_root = true;
  h->withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
}

static ethc_hash_t store(chain_t *c, const chain_header_t *h) {
  bytes_buf_t b = {0};
  ethc_hash_t hash = {0}, want;
  CHECK(header_encode(h, &b) == 0);
  CHECK(header_hash(h, &want) == 0);
  CHECK(chain_light_store(c, b.data, b.len, &hash) == 0);
  CHECK(ethc_hash_eq(&hash, &want));
  bytes_buf_free(&b);
  return hash;
}

static bool canonical_is(chain_t *c, uint64_t n, const ethc_hash_t *want) {
  ethc_hash_t h;
  int rc = chain_read_canonical_hash(c, n, &h);
  if (!want) return rc == ETHC_ERR_NOT_FOUND;
  return rc == 0 && ethc_hash_eq(&h, want);
}

static chain_t *open_chain(void) {
  chain_open_opts_t o = {.datadir = DIR, .explicit_fork_choice = true};
  chain_t *c = NULL;
  char err[256] = "";
  int rc = chain_open(&o, &c, err, sizeof err);
  CHECK_MSG(rc == 0, "chain_open: %s", err);
  return c;
}

int main(void) {
  char err[256] = "";
  (void)system("rm -rf " DIR);
  CHECK(chain_light_create(DIR, "dev-unknown", err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(chain_light_create(DIR, "mainnet", err, sizeof err) == 0, "%s", err);
  CHECK_MSG(chain_light_create(DIR, "mainnet", err, sizeof err) == 0, "again: %s", err);
  CHECK(chain_light_create(DIR, "sepolia", err, sizeof err) == ETHC_ERR_INVALID);
  CHECK(strstr(err, "light node of mainnet") != NULL);

  chain_t *c = open_chain();
  if (!c) return check_summary();
  CHECK(chain_light_has_head(c) == false);
  CHECK(chain_config(c)->chain_id.w[0] == 1);
  uint64_t n = 99;
  ethc_hash_t h;
  CHECK(chain_read_head(c, &n, &h) == 0 && n == 0);
  CHECK(canonical_is(c, 0, NULL));

  /* A100 (finalized) .. gap (101, 102) .. A103, A104, A105 (the head) */
  ethc_hash_t zero = {0}, a[106], b[107];
  chain_header_t hd[107];
  make(&hd[100], 100, &zero, 'a');
  a[100] = store(c, &hd[100]);
  make(&hd[101], 101, &a[100], 'a');
  ethc_hash_t a101;
  CHECK(header_hash(&hd[101], &a101) == 0);
  make(&hd[102], 102, &a101, 'a');
  ethc_hash_t a102;
  CHECK(header_hash(&hd[102], &a102) == 0);
  make(&hd[103], 103, &a102, 'a');
  a[103] = store(c, &hd[103]);
  make(&hd[104], 104, &a[103], 'a');
  a[104] = store(c, &hd[104]);
  make(&hd[105], 105, &a[104], 'a');
  a[105] = store(c, &hd[105]);
  CHECK(chain_light_set_head(c, &a[105], &a[100], &a[100]) == 0);
  CHECK(chain_light_has_head(c));
  CHECK(chain_read_head(c, &n, &h) == 0 && n == 105 && ethc_hash_eq(&h, &a[105]));
  CHECK(canonical_is(c, 105, &a[105]) && canonical_is(c, 104, &a[104]) && canonical_is(c, 103, &a[103]));
  CHECK(canonical_is(c, 102, NULL) && canonical_is(c, 101, NULL));
  CHECK(canonical_is(c, 100, &a[100]) && canonical_is(c, 99, NULL));
  CHECK(chain_read_finalized(c, &h) == 0 && ethc_hash_eq(&h, &a[100]));
  CHECK(chain_read_safe(c, &h) == 0 && ethc_hash_eq(&h, &a[100]));
  chain_header_t got;
  CHECK(chain_read_header_by_number(c, 104, &got, &h) == 0 && ethc_hash_eq(&h, &a[104]) && got.extra[0] == 'a');

  /* another branch from A103: B104, B105, B106 */
  chain_header_t bh;
  make(&bh, 104, &a[103], 'b');
  b[104] = store(c, &bh);
  make(&bh, 105, &b[104], 'b');
  b[105] = store(c, &bh);
  make(&bh, 106, &b[105], 'b');
  b[106] = store(c, &bh);
  CHECK(chain_light_set_head(c, &b[106], NULL, &a[100]) == 0);
  CHECK(chain_read_head(c, &n, &h) == 0 && n == 106 && ethc_hash_eq(&h, &b[106]));
  CHECK(canonical_is(c, 106, &b[106]) && canonical_is(c, 105, &b[105]) && canonical_is(c, 104, &b[104]));
  CHECK(canonical_is(c, 103, &a[103]) && canonical_is(c, 100, &a[100]));
  CHECK(chain_read_header_by_number(c, 105, &got, &h) == 0 && got.extra[0] == 'b');

  /* back to A105: 106 leaves the index */
  CHECK(chain_light_set_head(c, &a[105], NULL, NULL) == 0);
  CHECK(canonical_is(c, 106, NULL) && canonical_is(c, 105, &a[105]) && canonical_is(c, 104, &a[104]));
  CHECK(chain_read_header_by_number(c, 105, &got, &h) == 0 && got.extra[0] == 'a');

  /* refusals: an unknown head, finalized above the head */
  ethc_hash_t unknown;
  memset(unknown.bytes, 0x77, 32);
  CHECK(chain_light_set_head(c, &unknown, NULL, NULL) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_light_set_head(c, &a[104], NULL, &a[105]) == ETHC_ERR_INVALID);
  CHECK(chain_read_head(c, &n, &h) == 0 && n == 105);
  chain_close(c);

  /* reopened: the head and marks are kept; --genesis does not apply */
  c = open_chain();
  if (c) {
    CHECK(chain_light_has_head(c));
    CHECK(chain_read_head(c, &n, &h) == 0 && n == 105 && ethc_hash_eq(&h, &a[105]));
    CHECK(chain_read_finalized(c, &h) == 0 && ethc_hash_eq(&h, &a[100]));
    chain_close(c);
  }
  chain_open_opts_t ro = {.datadir = DIR, .read_only = true};
  c = NULL;
  if (chain_open(&ro, &c, err, sizeof err) == 0) {
    CHECK(chain_light_set_head(c, &a[105], NULL, NULL) == ETHC_ERR_UNSUPPORTED);
    chain_close(c);
  } else {
    CHECK_MSG(false, "read-only open: %s", err);
  }
  (void)system("rm -rf " DIR);
  return check_summary();
}
