/* Unit test of light_header_check (src/node/light_header.c) on real mainnet data
 * (../shared/light-client/mainnet/deneb/finality_update.json): a header carrying
 * every field the proof holds is still refused unless it hashes to the proven
 * block hash (the payload's transactions and withdrawals roots are SSZ roots, so
 * the header's trie roots cannot come from the proof), each proven field that
 * differs is named, and a header of a pre-Capella light-client header (no
 * execution payload) is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/beacon_json.h"
#include "ethc/bytes.h"
#include "ethc/light_header.h"

/* The execution header fields the proof holds, the rest as a Cancun header has them. */
static void from_proof(const beacon_lc_header_t *lc, chain_header_t *h) {
  const beacon_execution_header_t *e = &lc->execution;
  memset(h, 0, sizeof *h);
  h->parent_hash = e->parent_hash;
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->coinbase = e->fee_recipient;
  h->state_root = e->state_root;
  h->tx_root = e->transactions_root; /* an SSZ root: not the header's */
  h->receipts_root = e->receipts_root;
  memcpy(h->bloom, e->logs_bloom, 256);
  h->number = e->block_number;
  h->gas_limit = e->gas_limit;
  h->gas_used = e->gas_used;
  h->timestamp = e->timestamp;
  memcpy(h->extra, e->extra_data, e->extra_data_len);
  h->extra_len = e->extra_data_len;
  h->mix_hash = e->prev_randao;
  h->has_base_fee = h->has_withdrawals_root = h->has_blob_gas = h->has_parent_beacon_root = true;
  h->base_fee = e->base_fee_per_gas;
  h->withdrawals_root = e->withdrawals_root;
  h->blob_gas_used = e->blob_gas_used;
  h->excess_blob_gas = e->excess_blob_gas;
  h->parent_beacon_root = lc->beacon.parent_root;
}

int main(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/light-client/mainnet/deneb/finality_update.json", check_shared_dir());
  if (!check_need(path, "recorded mainnet light-client data")) return check_summary();
  size_t len = 0;
  uint8_t *text = bytes_read_file(path, &len);
  static beacon_lc_finality_update_t f;
  char err[256];
  CHECK(text && beacon_json_finality_update((const char *)text, len, 512, &f, err, sizeof err) == 0);
  free(text);
  const beacon_lc_header_t *lc = &f.finalized_header;
  CHECK(lc->fork == BEACON_FORK_DENEB && lc->execution.block_number == 21038093);

  chain_header_t h;
  const char *why = NULL;
  from_proof(lc, &h);
  CHECK(!light_header_check(lc, &h, &why) && why && strstr(why, "block hash"));
  static const char *const names[] = {"block number", "parent hash", "state root", "receipts root",
                                      "logs bloom",   "gas used",    "timestamp"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    from_proof(lc, &h);
    switch (i) {
      case 0: h.number++; break;
      case 1: h.parent_hash.bytes[0] ^= 1; break;
      case 2: h.state_root.bytes[31] ^= 1; break;
      case 3: h.receipts_root.bytes[5] ^= 1; break;
      case 4: h.bloom[100] ^= 1; break;
      case 5: h.gas_used++; break;
      case 6: h.timestamp++; break;
    }
    why = NULL;
    CHECK_MSG(!light_header_check(lc, &h, &why) && why && !strcmp(why, names[i]), "%s: got %s", names[i],
              why ? why : "(accepted)");
  }
  beacon_lc_header_t old = *lc;
  old.fork = BEACON_FORK_BELLATRIX;
  from_proof(lc, &h);
  CHECK(!light_header_check(&old, &h, &why) && strstr(why, "before Capella"));
  return check_summary();
}
