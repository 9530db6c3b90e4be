/* libFuzzer harness for every snap/1 decoder (src/p2p/snap_msg.c; devp2p
 * caps/snap.md), the slim account conversions and the range-proof verifier
 * (src/trie/trie_range.c) fed hostile AccountRange answers. The first input
 * byte picks the target. Nothing may crash or leak; what decodes must
 * re-encode to the same bytes; slim -> full -> slim is the identity on what
 * converts; a verified range stays verified and a different root refuses it. */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/snap_wire.h"
#include "ethc/trie_range.h"
#include "fuzz_input.h"

static void same(const bytes_buf_t *b, const uint8_t *p, size_t n) { must(b->len == n && memcmp(b->data, p, n) == 0); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  bytes_buf_t b = {0};
  switch (data[0] % 8) {
    case 0: {
      snap_get_account_range_t r;
      if (snap_get_account_range_decode(p, n, &r) == 0) {
        must(snap_get_account_range_encode(&r, &b) == 0);
        same(&b, p, n);
      }
      break;
    }
    case 1: {
      snap_account_range_t m;
      if (snap_account_range_decode(p, n, &m) == 0) {
        must(snap_account_range_encode(m.request_id, m.accounts, m.count, m.proof, m.proof_count, &b) == 0);
        same(&b, p, n);
        /* the verifier on a hostile answer: root = keccak of the first proof node */
        snap_get_account_range_t q = {0};
        if (m.proof_count) keccak256(m.proof[0].data, m.proof[0].len, q.root.bytes);
        if (m.count) q.origin = m.accounts[0].hash;
        bool more;
        int rc = snap_verify_account_range(&q, &m, &more);
        must(rc == 0 || rc == ETHC_ERR_INVALID || rc == ETHC_ERR_NOMEM);
        if (rc == 0 && (m.count || m.proof_count)) {
          q.root.bytes[0] ^= 1;
          must(snap_verify_account_range(&q, &m, &more) != 0);
        }
      }
      snap_account_range_free(&m);
      break;
    }
    case 2: {
      snap_get_storage_ranges_t r;
      if (snap_get_storage_ranges_decode(p, n, &r) == 0) must(snap_get_storage_ranges_encode(&r, &b) == 0);
      snap_get_storage_ranges_free(&r);
      break;
    }
    case 3: {
      snap_storage_ranges_t m;
      if (snap_storage_ranges_decode(p, n, &m) == 0) {
        must(snap_storage_ranges_encode(&m, &b) == 0);
        same(&b, p, n);
        if (m.set_count) {
          ethc_hash_t root = {{0}}, origin = {{0}};
          if (m.proof_count) keccak256(m.proof[0].data, m.proof[0].len, root.bytes);
          size_t s = m.set_count - 1;
          bool more;
          int rc = snap_verify_storage_range(&root, &origin, m.slots + m.offsets[s], m.offsets[s + 1] - m.offsets[s],
                                             m.proof, m.proof_count, &more);
          must(rc == 0 || rc == ETHC_ERR_INVALID || rc == ETHC_ERR_NOMEM);
        }
      }
      snap_storage_ranges_free(&m);
      break;
    }
    case 4: {
      snap_get_byte_codes_t r;
      if (snap_get_byte_codes_decode(p, n, &r) == 0) {
        must(snap_get_byte_codes_encode(&r, &b) == 0);
        same(&b, p, n);
      }
      snap_get_byte_codes_free(&r);
      break;
    }
    case 5: {
      snap_blobs_t m;
      if (snap_blobs_decode(p, n, &m) == 0) {
        must(snap_blobs_encode(m.request_id, m.blobs, m.count, &b) == 0);
        same(&b, p, n);
      }
      snap_blobs_free(&m);
      break;
    }
    case 6: {
      snap_get_trie_nodes_t r;
      if (snap_get_trie_nodes_decode(p, n, &r) == 0) {
        must(snap_get_trie_nodes_encode(&r, &b) == 0);
        same(&b, p, n);
        uint8_t nib[128];
        size_t k;
        for (size_t i = 0; i < r.path_count; i++)
          (void)trie_compact_to_nibbles(r.paths[i].data, r.paths[i].len, nib, sizeof nib, &k);
      }
      snap_get_trie_nodes_free(&r);
      break;
    }
    case 7: {
      bytes_buf_t full = {0}, slim = {0};
      if (snap_account_full(bytes_view(p, n), &full) == 0) {
        must(snap_account_slim(bytes_view(full.data, full.len), &slim) == 0);
        bytes_buf_t again = {0};
        must(snap_account_full(bytes_view(slim.data, slim.len), &again) == 0);
        must(again.len == full.len && memcmp(again.data, full.data, full.len) == 0);
        bytes_buf_free(&again);
      }
      bytes_buf_free(&full);
      bytes_buf_free(&slim);
      break;
    }
  }
  bytes_buf_free(&b);
  return 0;
}
