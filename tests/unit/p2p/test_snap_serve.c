/* Unit tests of the snap/1 server and the requester's checks
 * (src/p2p/snap_serve.c) against the state of the devp2p ethtest chain at
 * its head, after go-ethereum's cmd/devp2p/internal/ethtest snap cases:
 * GetAccountRange (byte limits, origins, limits, wrong order, unknown and
 * non-account roots; every answer's proof checked, and a tampered answer
 * refused), paging through every account of headstate.json,
 * GetStorageRanges (whole, from an origin, cut by limit and by size, with
 * proofs), GetByteCodes and GetTrieNodes; and GetTrieNodes answered by
 * shared walks byte for byte as by one walk per path (random requests of
 * prefix chains, random and absent paths, storage sets, byte limits). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/state_db.h"
#include "ethc/trie.h"
#include "ethc/trie_range.h"
#include "test_eth_chain.h"

static chain_t *chain;
static ethc_hash_t root; /* the head's state root */
static cJSON *headstate;
static const ethc_hash_t zero = {{0}};
static ethc_hash_t ff;

static const uint8_t EMPTY_CODE[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                       0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                       0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

/* Asks for an account range; decodes and checks the answer. Returns the count. */
static size_t account_range(const ethc_hash_t *r, const ethc_hash_t *origin, const ethc_hash_t *limit, uint64_t bytes,
                            snap_account_range_t *m, bytes_buf_t *out, bool *more) {
  snap_get_account_range_t q = {.request_id = 3, .root = *r, .origin = *origin, .limit = *limit, .bytes = bytes};
  out->len = 0;
  CHECK(snap_serve_account_range(chain, &q, out) == 0);
  CHECK(snap_account_range_decode(out->data, out->len, m) == 0 && m->request_id == 3);
  int rc = snap_verify_account_range(&q, m, more);
  CHECK_MSG(rc == 0, "account range from %02x%02x.. (%llu bytes): proof refused", origin->bytes[0], origin->bytes[1],
            (unsigned long long)bytes);
  return m->count;
}

static void test_account_range(void) {
  snap_account_range_t m;
  bytes_buf_t out = {0};
  bool more;
  size_t n4000 = account_range(&root, &zero, &ff, 4000, &m, &out, &more);
  CHECK(n4000 > 10 && more);
  ethc_hash_t first = m.accounts[0].hash, second = m.accounts[1].hash;
  snap_account_range_free(&m);
  size_t n3000 = account_range(&root, &zero, &ff, 3000, &m, &out, &more);
  snap_account_range_free(&m);
  size_t n2000 = account_range(&root, &zero, &ff, 2000, &m, &out, &more);
  snap_account_range_free(&m);
  printf("accounts per answer: %zu (4000 bytes), %zu (3000), %zu (2000)\n", n4000, n3000, n2000);
  CHECK(n4000 > n3000 && n3000 > n2000 && n2000 > 1);
  CHECK(account_range(&root, &zero, &ff, 1, &m, &out, &more) == 1 && ethc_hash_eq(&m.accounts[0].hash, &first));
  snap_account_range_free(&m);
  CHECK(account_range(&root, &zero, &ff, 0, &m, &out, &more) == 1); /* 0 bytes: still one account */
  snap_account_range_free(&m);
  /* [origin, limit] variations */
  ethc_hash_t plus1 = first;
  plus1.bytes[31]++;
  CHECK(account_range(&root, &zero, &first, 4000, &m, &out, &more) == 1 && ethc_hash_eq(&m.accounts[0].hash, &first));
  snap_account_range_free(&m);
  CHECK(account_range(&root, &zero, &plus1, 4000, &m, &out, &more) == 2 && ethc_hash_eq(&m.accounts[1].hash, &second));
  snap_account_range_free(&m);
  CHECK(account_range(&root, &zero, &zero, 4000, &m, &out, &more) == 1); /* limit 0: the first account */
  snap_account_range_free(&m);
  CHECK(account_range(&root, &first, &ff, 4000, &m, &out, &more) == n4000);
  snap_account_range_free(&m);
  CHECK(account_range(&root, &plus1, &ff, 4000, &m, &out, &more) >= n4000 - 1 &&
        ethc_hash_eq(&m.accounts[0].hash, &second));
  snap_account_range_free(&m);
  /* wrong order: [ff, 0] has nothing; [first, first-1] gives the first account */
  CHECK(account_range(&root, &ff, &zero, 4000, &m, &out, &more) == 0 && !more && m.proof_count > 0);
  snap_account_range_free(&m);
  ethc_hash_t minus1 = first;
  minus1.bytes[31]--;
  CHECK(account_range(&root, &first, &minus1, 4000, &m, &out, &more) == 1);
  snap_account_range_free(&m);
  /* unknown root, a storage root: empty answers without proof */
  ethc_hash_t unknown = {{0x13, 37}};
  CHECK(account_range(&unknown, &zero, &ff, 4000, &m, &out, &more) == 0 && m.proof_count == 0);
  snap_account_range_free(&m);
  bytes_buf_free(&out);
}

/* Tampered answers fail the requester's check. */
static void test_tampering(void) {
  snap_get_account_range_t q = {.request_id = 1, .root = root, .origin = zero, .limit = ff, .bytes = 2000};
  bytes_buf_t out = {0};
  snap_account_range_t m;
  CHECK(snap_serve_account_range(chain, &q, &out) == 0 && snap_account_range_decode(out.data, out.len, &m) == 0);
  size_t n = m.count;
  CHECK(n > 4);
  bool more;
  CHECK(snap_verify_account_range(&q, &m, &more) == 0 && more);
  /* drop the middle entry */
  snap_entry_t save = m.accounts[n / 2];
  memmove(m.accounts + n / 2, m.accounts + n / 2 + 1, (n - n / 2 - 1) * sizeof *m.accounts);
  m.count = n - 1;
  CHECK(snap_verify_account_range(&q, &m, &more) == ETHC_ERR_INVALID);
  memmove(m.accounts + n / 2 + 1, m.accounts + n / 2, (n - n / 2 - 1) * sizeof *m.accounts);
  m.accounts[n / 2] = save;
  m.count = n;
  CHECK(snap_verify_account_range(&q, &m, &more) == 0);
  /* alter an account: another nonce */
  bytes_buf_t body = {0};
  rlp_item_t top, f[4];
  CHECK(rlp_decode(save.body.data, save.body.len, &top) == 0 && rlp_list_items(&top, f, 4) == 0);
  uint64_t nonce = 0;
  CHECK(rlp_get_u64(&f[0], &nonce) == 0);
  size_t l = rlp_list_begin(&body);
  CHECK(rlp_put_u64(&body, nonce + 1) == 0 && rlp_put_raw(&body, f[1].raw, f[1].raw_len) == 0 &&
        rlp_put_raw(&body, f[2].raw, f[2].raw_len) == 0 && rlp_put_raw(&body, f[3].raw, f[3].raw_len) == 0 &&
        rlp_list_end(&body, l) == 0);
  m.accounts[n / 2].body = bytes_view(body.data, body.len);
  CHECK(snap_verify_account_range(&q, &m, &more) == ETHC_ERR_INVALID);
  m.accounts[n / 2] = save;
  /* an extra account between two */
  snap_entry_t *more_acc = calloc(n + 1, sizeof *more_acc);
  memcpy(more_acc, m.accounts, (n / 2 + 1) * sizeof *more_acc);
  more_acc[n / 2 + 1] = save;
  more_acc[n / 2 + 1].hash.bytes[31] ^= 1;
  memcpy(more_acc + n / 2 + 2, m.accounts + n / 2 + 1, (n - n / 2 - 1) * sizeof *more_acc);
  snap_entry_t *orig = m.accounts;
  m.accounts = more_acc;
  m.count = n + 1;
  CHECK(snap_verify_account_range(&q, &m, &more) == ETHC_ERR_INVALID);
  /* a proof node removed */
  m.accounts = orig;
  m.count = n;
  m.proof_count--;
  CHECK(snap_verify_account_range(&q, &m, &more) == ETHC_ERR_INVALID);
  m.proof_count++;
  /* an answer claiming to be empty with the origin's proof */
  m.count = 0;
  CHECK(snap_verify_account_range(&q, &m, &more) == ETHC_ERR_INVALID);
  m.count = n;
  free(more_acc);
  bytes_buf_free(&body);
  snap_account_range_free(&m);
  bytes_buf_free(&out);
}

/* Every account, page after page, each page checked: the set is headstate.json's. */
static void test_all_accounts(void) {
  const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(headstate, "accounts");
  int want = cJSON_GetArraySize(accounts);
  ethc_hash_t origin = zero;
  size_t total = 0, pages = 0;
  bool more = true;
  bytes_buf_t out = {0};
  while (more && pages < 1000) {
    snap_account_range_t m;
    size_t n = account_range(&root, &origin, &ff, 1500, &m, &out, &more);
    for (size_t i = 0; i < n; i++) {
      bool found = false;
      char hex[67];
      hex_encode(m.accounts[i].hash.bytes, 32, hex);
      const cJSON *a;
      cJSON_ArrayForEach(a, accounts) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(a, "key");
        if (cJSON_IsString(k) && strcmp(k->valuestring, hex) == 0) found = true;
      }
      CHECK_MSG(found, "account %s not in headstate.json", hex);
    }
    total += n;
    pages++;
    if (n) {
      origin = m.accounts[n - 1].hash;
      for (int i = 31; i >= 0 && ++origin.bytes[i] == 0; i--) {}
    }
    snap_account_range_free(&m);
    if (!n) break;
  }
  printf("%zu accounts in %zu pages (headstate.json: %d)\n", total, pages, want);
  CHECK((int)total == want && !more);
  bytes_buf_free(&out);
}

/* The storage of one account: the hashed address, its storage root. */
static bool account_of(const char *address, ethc_hash_t *hash, ethc_hash_t *sroot, int *slots) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(headstate, "accounts"), address);
  if (!a) return false;
  *slots = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "storage"));
  return hex_decode_fixed(cJSON_GetObjectItemCaseSensitive(a, "key")->valuestring, true, hash->bytes, 32) == 0 &&
         hex_decode_fixed(cJSON_GetObjectItemCaseSensitive(a, "root")->valuestring, true, sroot->bytes, 32) == 0;
}

static size_t storage_range(const ethc_hash_t *acc, size_t nacc, const ethc_hash_t *origin, const ethc_hash_t *limit,
                            uint64_t bytes, const ethc_hash_t *sroot, snap_storage_ranges_t *m, bytes_buf_t *out,
                            bool *more) {
  snap_get_storage_ranges_t q = {.request_id = 4,
                                 .root = root,
                                 .accounts = (ethc_hash_t *)acc,
                                 .count = nacc,
                                 .origin = *origin,
                                 .limit = *limit,
                                 .bytes = bytes};
  out->len = 0;
  CHECK(snap_serve_storage_ranges(chain, &q, out) == 0);
  CHECK(snap_storage_ranges_decode(out->data, out->len, m) == 0 && m->request_id == 4);
  *more = false;
  if (m->set_count && sroot) {
    size_t s = m->set_count - 1;
    int rc = snap_verify_storage_range(sroot, m->set_count == 1 ? origin : &zero, m->slots + m->offsets[s],
                                       m->offsets[s + 1] - m->offsets[s], m->proof, m->proof_count, more);
    CHECK_MSG(rc == 0, "storage range refused (%d)", rc);
  }
  return m->slot_count;
}

static void test_storage_ranges(void) {
  ethc_hash_t acc, sroot;
  int nslots;
  if (!account_of("0x04361123c6CBFc38F6Ee7B0202ecEFdaE36efEB4", &acc, &sroot, &nslots)) {
    CHECK(false);
    return;
  }
  CHECK(nslots == 3);
  snap_storage_ranges_t m;
  bytes_buf_t out = {0};
  bool more;
  /* [:] -> all three, no proof */
  CHECK(storage_range(&acc, 1, &zero, &ff, 500, &sroot, &m, &out, &more) == 3 && m.proof_count == 0 && !more);
  ethc_hash_t s1 = m.slots[0].hash, s2 = m.slots[1].hash;
  snap_storage_ranges_free(&m);
  /* [slot1:] -> three, with proof */
  CHECK(storage_range(&acc, 1, &s1, &ff, 500, &sroot, &m, &out, &more) == 3 && m.proof_count > 0);
  snap_storage_ranges_free(&m);
  ethc_hash_t s1p = s1;
  s1p.bytes[31]++;
  CHECK(storage_range(&acc, 1, &s1p, &ff, 500, &sroot, &m, &out, &more) == 2);
  snap_storage_ranges_free(&m);
  /* [slot1:slot2] -> two, more after them */
  CHECK(storage_range(&acc, 1, &s1, &s2, 500, &sroot, &m, &out, &more) == 2 && more);
  snap_storage_ranges_free(&m);
  /* accounts without storage: empty sets */
  ethc_hash_t noacc[2];
  memset(noacc, 0x77, sizeof noacc);
  CHECK(storage_range(noacc, 2, &zero, &ff, 500, NULL, &m, &out, &more) == 0 && m.set_count == 2);
  snap_storage_ranges_free(&m);
  /* a large storage (the beacon roots contract) paged by size, every page proven */
  ethc_hash_t big, bigroot;
  int bign;
  CHECK(account_of("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02", &big, &bigroot, &bign));
  ethc_hash_t origin = zero;
  size_t total = 0, pages = 0;
  do {
    size_t n = storage_range(&big, 1, &origin, &ff, 4000, &bigroot, &m, &out, &more);
    total += n;
    pages++;
    if (n) {
      origin = m.slots[n - 1].hash;
      for (int i = 31; i >= 0 && ++origin.bytes[i] == 0; i--) {}
    }
    bool proven = m.proof_count > 0;
    snap_storage_ranges_free(&m);
    if (!n || !proven) break;
  } while (more && pages < 500);
  printf("beacon roots storage: %zu slots in %zu pages (headstate.json: %d)\n", total, pages, bign);
  CHECK((int)total == bign && pages > 2);
  /* two accounts: the first whole, the second cut */
  ethc_hash_t two[2] = {acc, big};
  storage_range(two, 2, &zero, &ff, 4000, NULL, &m, &out, &more);
  CHECK(m.set_count == 2 && m.offsets[1] == 3 && m.proof_count > 0);
  if (m.set_count == 2)
    CHECK(snap_verify_storage_range(&bigroot, &zero, m.slots + m.offsets[1], m.offsets[2] - m.offsets[1], m.proof,
                                    m.proof_count, &more) == 0 &&
          more);
  snap_storage_ranges_free(&m);
  bytes_buf_free(&out);
}

static void test_byte_codes(void) {
  /* the code hashes of every contract of the head state */
  ethc_hash_t codes[256];
  size_t n = 0;
  const cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(headstate, "accounts")) {
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(a, "codeHash");
    ethc_hash_t ch;
    if (n < 256 && cJSON_IsString(h) && hex_decode_fixed(h->valuestring, true, ch.bytes, 32) == 0 &&
        memcmp(ch.bytes, EMPTY_CODE, 32) != 0)
      codes[n++] = ch;
  }
  CHECK(n > 5);
  struct {
    const ethc_hash_t *hashes;
    size_t count;
    uint64_t bytes;
    size_t want; /* SIZE_MAX: as many as asked */
  } cases[] = {
      {codes, n, 10 * 1024 * 1024, n},
      {codes, n, 1, 1},
      {codes, n, 0, 1},
      {(ethc_hash_t[]){codes[0], codes[0], codes[0], codes[0]}, 4, 100000, 4},
      {(ethc_hash_t[]){root, root}, 2, 10000, 0}, /* state roots are no code */
      {(ethc_hash_t *)EMPTY_CODE, 1, 10000, 1},
  };
  bytes_buf_t out = {0};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snap_get_byte_codes_t q = {.request_id = 9,
                               .hashes = (ethc_hash_t *)cases[i].hashes,
                               .count = cases[i].count,
                               .bytes = cases[i].bytes};
    snap_blobs_t m;
    out.len = 0;
    CHECK(snap_serve_byte_codes(chain, &q, &out) == 0 && snap_blobs_decode(out.data, out.len, &m) == 0);
    CHECK_MSG(m.count == cases[i].want, "byte codes case %zu: %zu codes, want %zu", i, m.count, cases[i].want);
    for (size_t j = 0; j < m.count && j < cases[i].count; j++) {
      uint8_t h[32];
      keccak256(m.blobs[j].data, m.blobs[j].len, h);
      CHECK(memcmp(h, cases[i].hashes[j].bytes, 32) == 0);
    }
    snap_blobs_free(&m);
  }
  /* three empty code hashes: three empty codes */
  ethc_hash_t e3[3];
  for (int i = 0; i < 3; i++) memcpy(e3[i].bytes, EMPTY_CODE, 32);
  snap_get_byte_codes_t q = {.request_id = 9, .hashes = e3, .count = 3, .bytes = 10000};
  snap_blobs_t m;
  out.len = 0;
  CHECK(snap_serve_byte_codes(chain, &q, &out) == 0 && snap_blobs_decode(out.data, out.len, &m) == 0 && m.count == 3 &&
        m.blobs[2].len == 0);
  snap_blobs_free(&m);
  bytes_buf_free(&out);
}

static void test_trie_nodes(void) {
  /* account paths along the first account's key, 1..65 nibbles */
  snap_get_account_range_t aq = {.root = root, .origin = zero, .limit = ff, .bytes = 1};
  bytes_buf_t out = {0};
  snap_account_range_t am;
  CHECK(snap_serve_account_range(chain, &aq, &out) == 0 && snap_account_range_decode(out.data, out.len, &am) == 0);
  ethc_hash_t first = am.accounts[0].hash;
  snap_account_range_free(&am);
  uint8_t compact[65][34];
  bytes_view_t paths[70];
  size_t offsets[70];
  size_t np = 0;
  for (size_t len = 0; len < 65; len++) { /* nibble prefixes of length 0..64 */
    uint8_t nib[64];
    for (int i = 0; i < 32; i++) nib[2 * i] = first.bytes[i] >> 4, nib[2 * i + 1] = first.bytes[i] & 15;
    size_t b = 1, i = 0;
    compact[len][0] = (uint8_t)((len & 1) << 4);
    if (len & 1) compact[len][0] |= nib[i++];
    for (; i < len; i += 2) compact[len][b++] = (uint8_t)(nib[i] << 4 | nib[i + 1]);
    paths[np] = bytes_view(compact[len], b);
    offsets[np] = np;
    np++;
  }
  offsets[np] = np;
  snap_get_trie_nodes_t q = {.request_id = 5,
                             .root = root,
                             .paths = paths,
                             .path_count = np,
                             .offsets = offsets,
                             .set_count = np,
                             .bytes = 100000};
  snap_blobs_t m;
  out.len = 0;
  CHECK(snap_serve_trie_nodes(chain, &q, &out) == 0 && snap_blobs_decode(out.data, out.len, &m) == 0);
  CHECK(m.count == 65);
  size_t real = 0;
  for (size_t i = 0; i < m.count; i++) {
    if (!m.blobs[i].len) continue;
    real++;
    uint8_t h[32];
    keccak256(m.blobs[i].data, m.blobs[i].len, h);
    if (i == 0) CHECK(memcmp(h, root.bytes, 32) == 0);
  }
  printf("trie nodes along the first account: %zu of 65 paths hold a node\n", real);
  CHECK(real >= 2 && real < 10 && m.blobs[64].len == 0);
  snap_blobs_free(&m);
  /* a storage set: the account, then its storage root node; an unknown account gives nothing */
  ethc_hash_t acc, sroot, unknown;
  int nslots;
  CHECK(account_of("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02", &acc, &sroot, &nslots));
  memset(unknown.bytes, 0x66, 32);
  bytes_view_t sp[5] = {bytes_view(acc.bytes, 32), bytes_view((const uint8_t *)"\x00", 1),
                        bytes_view(unknown.bytes, 32), bytes_view((const uint8_t *)"\x00", 1),
                        bytes_view((const uint8_t *)"\x00", 1)};
  size_t so[4] = {0, 2, 4, 5};
  q = (snap_get_trie_nodes_t){.request_id = 6,
                              .root = root,
                              .paths = sp,
                              .path_count = 5,
                              .offsets = so,
                              .set_count = 3,
                              .bytes = 5000};
  out.len = 0;
  CHECK(snap_serve_trie_nodes(chain, &q, &out) == 0 && snap_blobs_decode(out.data, out.len, &m) == 0);
  CHECK(m.count == 2);
  if (m.count == 2) {
    uint8_t h[32];
    keccak256(m.blobs[0].data, m.blobs[0].len, h);
    CHECK(memcmp(h, sroot.bytes, 32) == 0);
    keccak256(m.blobs[1].data, m.blobs[1].len, h);
    CHECK(memcmp(h, root.bytes, 32) == 0);
  }
  snap_blobs_free(&m);
  /* through the dispatcher; an empty path set is refused */
  out.len = 0;
  bytes_buf_t req = {0};
  CHECK(snap_get_trie_nodes_encode(&q, &req) == 0);
  unsigned code;
  CHECK(snap_serve(chain, SNAP_MSG_GET_TRIE_NODES, req.data, req.len, &code, &out) == 0 && code == SNAP_MSG_TRIE_NODES);
  req.len = 0;
  size_t l = rlp_list_begin(&req);
  CHECK(rlp_put_u64(&req, 1) == 0 && rlp_put_bytes(&req, root.bytes, 32) == 0);
  size_t s = rlp_list_begin(&req);
  size_t e = rlp_list_begin(&req);
  CHECK(rlp_list_end(&req, e) == 0 && rlp_list_end(&req, s) == 0 && rlp_put_u64(&req, 5000) == 0 &&
        rlp_list_end(&req, l) == 0);
  CHECK(snap_serve(chain, SNAP_MSG_GET_TRIE_NODES, req.data, req.len, &code, &out) == ETHC_ERR_INVALID);
  CHECK(snap_serve(chain, SNAP_MSG_TRIE_NODES, req.data, req.len, &code, &out) == ETHC_ERR_UNSUPPORTED);
  bytes_buf_free(&req);
  bytes_buf_free(&out);
}

/* ---- TrieNodes by shared walks, against one walk per path ---- */

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

/* The answer of one walk per path (trie_node_at_path from the trie's root),
 * with the server's limits: the reference the shared walks must equal. */
static int per_path_answer(const snap_get_trie_nodes_t *q, const trie_store_t *st, bytes_buf_t *out) {
  bytes_buf_t data = {0};
  size_t cap = q->path_count + 1, count = 0, *off = calloc(cap, sizeof *off), *len = calloc(cap, sizeof *len);
  uint64_t max = q->bytes < SNAP_SOFT_RESPONSE_LIMIT ? q->bytes : SNAP_SOFT_RESPONSE_LIMIT;
  bool stop = false;
  for (size_t s = 0; s < q->set_count && !stop; s++) {
    const bytes_view_t *paths = q->paths + q->offsets[s];
    size_t k = q->offsets[s + 1] - q->offsets[s], first = 0;
    uint8_t r[32];
    memcpy(r, q->root.bytes, 32);
    if (k > 1) {
      bytes_buf_t v = {0};
      rlp_item_t top, f[4];
      int rc = paths[0].len == 32 ? trie_read(q->root.bytes, st, false, paths[0].data, 32, &v) : ETHC_ERR_NOT_FOUND;
      bool ok = !rc && !rlp_decode(v.data, v.len, &top) && !rlp_list_items(&top, f, 4) && !rlp_get_fixed(&f[2], r, 32);
      bytes_buf_free(&v);
      if (!ok) continue;
      first = 1;
    }
    for (size_t i = first; i < k; i++) {
      if (count >= SNAP_MAX_TRIE_NODE_LOOKUPS || data.len > max) {
        stop = true;
        break;
      }
      uint8_t nib[128];
      size_t n, start = data.len;
      if (!trie_compact_to_nibbles(paths[i].data, paths[i].len, nib, sizeof nib, &n) &&
          trie_node_at_path(r, st, nib, n, &data))
        data.len = start;
      off[count] = start, len[count] = data.len - start, count++;
    }
  }
  bytes_view_t *v = calloc(cap, sizeof *v);
  for (size_t i = 0; i < count; i++) v[i] = bytes_view(data.data + off[i], len[i]);
  int rc = snap_blobs_encode(q->request_id, v, count, out);
  free(v);
  free(off);
  free(len);
  bytes_buf_free(&data);
  return rc;
}

/* Appends the compact paths of key k's first d nibbles for d in [from, to]. */
static void add_prefixes(const uint8_t k[32], size_t from, size_t to, bytes_buf_t *enc, size_t *ends, size_t *n) {
  for (size_t d = from; d <= to && d <= 64; d++) {
    uint8_t b[33], nib[64];
    for (int i = 0; i < 32; i++) nib[2 * i] = k[i] >> 4, nib[2 * i + 1] = k[i] & 15;
    size_t len = 1, i = 0;
    b[0] = (uint8_t)((d & 1) << 4);
    if (d & 1) b[0] |= nib[i++];
    for (; i < d; i += 2) b[len++] = (uint8_t)(nib[i] << 4 | nib[i + 1]);
    bytes_buf_append(enc, b, len);
    ends[(*n)++] = enc->len;
  }
}

static void test_trie_nodes_shared(void) {
  state_store_t ss;
  chaindb_state_store(chain_db(chain), &ss);
  const trie_store_t *st = &ss.nodes;
  /* the hashed keys of every account, and of one storage slot of each account with storage */
  const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(headstate, "accounts"), *a;
  size_t na = 0, nst = 0;
  ethc_hash_t acc[400], sacc[64], skey[64];
  cJSON_ArrayForEach(a, accounts) {
    ethc_hash_t sroot;
    int slots;
    if (na < 400 && account_of(a->string, &acc[na], &sroot, &slots)) {
      if (slots > 0 && nst < 64) {
        trie_t t;
        bytes_buf_t k = {0};
        bytes_view_t v;
        if (!trie_open(&t, sroot.bytes, st, false) && !trie_next(&t, zero.bytes, 32, &k, &v) && k.len == 32) {
          sacc[nst] = acc[na];
          memcpy(skey[nst++].bytes, k.data, 32);
        }
        trie_free(&t);
        bytes_buf_free(&k);
      }
      na++;
    }
  }
  CHECK_MSG(na > 10 && nst > 0, "%zu accounts, %zu with storage", na, nst);
  if (na == 0 || nst == 0) return;
  size_t same = 0, tried = 0, items = 0, nodes = 0;
  for (int round = 0; round < 300; round++) {
    bytes_buf_t enc = {0};
    size_t ends[600], set_ends[600], n = 0, sets = 0;
    int nsets = 1 + (int)(next_rand() % 6);
    for (int s = 0; s < nsets; s++) {
      uint8_t k[32];
      bool storage = next_rand() % 3 == 0;
      size_t j = next_rand() % (storage ? nst : na);
      if (storage) { /* the account's hash, then paths in its storage */
        bytes_buf_append(&enc, sacc[j].bytes, 32);
        ends[n++] = enc.len;
      }
      memcpy(k, storage ? skey[j].bytes : acc[j].bytes, 32);
      if (next_rand() % 4 == 0) k[next_rand() % 32] ^= (uint8_t)(1 + next_rand() % 255); /* absent keys */
      size_t from = next_rand() % 6, to = from + next_rand() % 20;
      if (storage) {
        add_prefixes(k, from, to, &enc, ends, &n);
        if (next_rand() % 2) add_prefixes(k, next_rand() % 65, 64, &enc, ends, &n); /* then shorter again */
        set_ends[sets++] = n;
      } else { /* account paths: one set each */
        for (size_t d = from; d <= to && d <= 64; d++) add_prefixes(k, d, d, &enc, ends, &n), set_ends[sets++] = n;
        if (next_rand() % 2) add_prefixes(k, 64, 64, &enc, ends, &n), set_ends[sets++] = n;
      }
      if (next_rand() % 5 == 0) { /* a malformed compact path (bad flag) */
        bytes_buf_append(&enc, (const uint8_t *)"\x41", 1);
        ends[n++] = enc.len, set_ends[sets++] = n;
      }
    }
    bytes_view_t paths[600];
    size_t offsets[601] = {0};
    for (size_t i = 0; i < n; i++)
      paths[i] = bytes_view(enc.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
    for (size_t s = 0; s < sets; s++) offsets[s + 1] = set_ends[s];
    uint64_t limits[] = {1, 200, 700, 5000, 500000};
    snap_get_trie_nodes_t q = {.request_id = (uint64_t)round,
                               .root = root,
                               .paths = paths,
                               .path_count = n,
                               .offsets = offsets,
                               .set_count = sets,
                               .bytes = limits[next_rand() % 5]};
    bytes_buf_t got = {0}, want = {0};
    tried++;
    if (snap_serve_trie_nodes(chain, &q, &got) == 0 && per_path_answer(&q, st, &want) == 0 && got.len == want.len &&
        !memcmp(got.data, want.data, got.len))
      same++;
    snap_blobs_t m;
    if (snap_blobs_decode(got.data, got.len, &m) == 0) {
      items += m.count;
      for (size_t i = 0; i < m.count; i++) nodes += m.blobs[i].len > 0;
      snap_blobs_free(&m);
    }
    bytes_buf_free(&got);
    bytes_buf_free(&want);
    bytes_buf_free(&enc);
  }
  printf("shared TrieNodes walks: %zu of %zu answers as per path (%zu items, %zu nodes)\n", same, tried, items, nodes);
  CHECK_MSG(same == tried, "%zu of %zu TrieNodes answers differ from one walk per path", tried - same, tried);
  CHECK(nodes > 100 && items > 2 * nodes);
}

int main(void) {
  memset(ff.bytes, 0xff, 32);
  unsigned imported = 0;
  chain = ethtest_open(&imported);
  if (!chain) return check_summary();
  CHECK(imported == 600);
  char path[1024];
  snprintf(path, sizeof path, "%s/chains/ethtest/headstate.json", check_shared_dir());
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  headstate = text ? cJSON_Parse(text) : NULL;
  free(text);
  chain_header_t h;
  CHECK(chain_read_header_by_number(chain, 600, &h, NULL) == 0);
  root = h.state_root;
  ethc_hash_t want_root;
  CHECK(headstate &&
        hex_decode_fixed(cJSON_GetObjectItemCaseSensitive(headstate, "root")->valuestring, false, want_root.bytes,
                         32) == 0 &&
        ethc_hash_eq(&want_root, &root));
  if (headstate) {
    test_account_range();
    test_tampering();
    test_all_accounts();
    test_storage_ranges();
    test_byte_codes();
    test_trie_nodes();
    test_trie_nodes_shared();
  }
  cJSON_Delete(headstate);
  ethtest_close(chain);
  return check_summary();
}
