/* The light node's persistent cache of verified trie nodes and code
 * (include/ethc/trie_node_cache.h): rows 'V' gen kind hash in the chain
 * database, two generations, each row checked against its hash on read
 * (keccak256 of the node's RLP, Yellow Paper appendix D; the rows'
 * layout: src/chain/CHAINDB.md). */
#include "ethc/trie_node_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"

#define DEFAULT_MAX_BYTES ((size_t)256 << 20)
#define ROW_OVERHEAD 40u /* key and LevelDB's per-entry bytes, counted with each row */
static const char META_NAME[] = "light-cache";

struct trie_node_cache {
  chaindb_t *db;
  size_t half;          /* bytes per generation */
  pthread_mutex_t lock; /* writes, and the generation's change */
  atomic_uint gen;      /* the current generation, 0..255 */
  size_t gen_bytes;     /* under lock */
  atomic_ullong hits, misses, rejected, writes;
};

enum { KEY_LEN = 1 + 1 + 1 + 32 };

static void row_key(uint8_t k[KEY_LEN], unsigned gen, trie_node_cache_kind_t kind, const uint8_t hash[32]) {
  k[0] = 'V';
  k[1] = (uint8_t)gen;
  k[2] = (uint8_t)kind;
  memcpy(k + 3, hash, 32);
}

static void put_meta(chaindb_batch_t *b, unsigned gen, size_t bytes) {
  uint8_t v[9];
  v[0] = (uint8_t)gen;
  for (int i = 0; i < 8; i++) v[1 + i] = (uint8_t)((uint64_t)bytes >> (56 - 8 * i));
  chaindb_put_meta(b, META_NAME, v, sizeof v);
}

/* Deletes the rows of generation `gen` (not read by anyone any more). */
static void drop_generation(trie_node_cache_t *k, unsigned gen) {
  uint8_t prefix[2] = {'V', (uint8_t)gen};
  (void)chaindb_delete_prefix(k->db, prefix, sizeof prefix, NULL);
}

trie_node_cache_t *trie_node_cache_open(chaindb_t *db, size_t max_bytes) {
  trie_node_cache_t *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  k->db = db;
  k->half = (max_bytes ? max_bytes : DEFAULT_MAX_BYTES) / 2;
  pthread_mutex_init(&k->lock, NULL);
  bytes_buf_t m = {0};
  if (!chaindb_get_meta(db, META_NAME, &m) && m.len == 9) {
    atomic_store(&k->gen, m.data[0]);
    for (int i = 0; i < 8; i++) k->gen_bytes = k->gen_bytes << 8 | m.data[1 + i];
  }
  bytes_buf_free(&m);
  /* a crash during a generation's deletion leaves rows two generations back */
  drop_generation(k, (atomic_load(&k->gen) + 254) & 0xff);
  return k;
}

void trie_node_cache_free(trie_node_cache_t *k) {
  if (!k) return;
  pthread_mutex_destroy(&k->lock);
  free(k);
}

/* Writes rows into the current generation, starting a new one first when they
 * would overflow it. Takes the lock. */
static int write_rows(trie_node_cache_t *k, trie_node_cache_kind_t kind, const bytes_view_t *values,
                      const uint8_t (*hashes)[32], size_t n) {
  size_t add = 0;
  for (size_t i = 0; i < n; i++) add += values[i].len + ROW_OVERHEAD;
  chaindb_batch_t *b = chaindb_batch_new();
  if (!b) return ETHC_ERR_NOMEM;
  int drop = -1;
  pthread_mutex_lock(&k->lock);
  unsigned gen = atomic_load(&k->gen);
  if (k->gen_bytes + add > k->half && k->gen_bytes > 0) {
    drop = (int)((gen + 255) & 0xff); /* the previous one: two back once gen moves */
    gen = (gen + 1) & 0xff;
    k->gen_bytes = 0;
  }
  uint8_t key[KEY_LEN];
  for (size_t i = 0; i < n; i++) {
    row_key(key, gen, kind, hashes[i]);
    chaindb_put_raw(b, key, sizeof key, values[i].data, values[i].len);
  }
  put_meta(b, gen, k->gen_bytes + add);
  int rc = chaindb_write(k->db, b, false);
  if (!rc) {
    k->gen_bytes += add;
    atomic_store(&k->gen, gen);
    atomic_fetch_add(&k->writes, n);
  } else if (drop >= 0) {
    drop = -1; /* nothing changed: the meta still names the old generation */
    k->gen_bytes = 0;
  }
  pthread_mutex_unlock(&k->lock);
  chaindb_batch_free(b);
  if (drop >= 0) drop_generation(k, (unsigned)drop);
  return rc;
}

int trie_node_cache_put(trie_node_cache_t *k, trie_node_cache_kind_t kind, const bytes_view_t *values, size_t n) {
  if (!n) return 0;
  uint8_t(*hashes)[32] = malloc(n * sizeof *hashes);
  if (!hashes) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) keccak256(values[i].data, values[i].len, hashes[i]);
  int rc = write_rows(k, kind, values, (const uint8_t(*)[32])hashes, n);
  free(hashes);
  return rc;
}

/* Reads the row of `gen` into *out (appended) if it hashes to its key: 0 or
 * ETHC_ERR_NOT_FOUND; a bad row is deleted. */
static int read_row(trie_node_cache_t *k, unsigned gen, trie_node_cache_kind_t kind, const uint8_t hash[32],
                    bytes_buf_t *out) {
  uint8_t key[KEY_LEN];
  row_key(key, gen, kind, hash);
  size_t start = out->len;
  int rc = chaindb_get_raw(k->db, key, sizeof key, out);
  if (rc) return rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_NOT_FOUND;
  uint8_t h[32];
  keccak256(out->data + start, out->len - start, h);
  if (!memcmp(h, hash, 32)) return 0;
  out->len = start;
  atomic_fetch_add(&k->rejected, 1);
  chaindb_batch_t *b = chaindb_batch_new();
  if (b) {
    chaindb_delete_raw(b, key, sizeof key);
    if (chaindb_write(k->db, b, false)) { /* a later read rejects it again */
    }
    chaindb_batch_free(b);
  }
  return ETHC_ERR_NOT_FOUND;
}

int trie_node_cache_get(trie_node_cache_t *k, trie_node_cache_kind_t kind, const uint8_t hash[32], bytes_buf_t *out) {
  unsigned gen = atomic_load(&k->gen);
  int rc = read_row(k, gen, kind, hash, out);
  if (rc == ETHC_ERR_NOT_FOUND) {
    size_t start = out->len;
    rc = read_row(k, (gen + 255) & 0xff, kind, hash, out);
    if (!rc) { /* still used: into the current generation */
      bytes_view_t v = {out->data + start, out->len - start};
      (void)write_rows(k, kind, &v, (const uint8_t(*)[32])hash, 1);
    }
  }
  atomic_fetch_add(rc ? &k->misses : &k->hits, 1);
  return rc;
}

void trie_node_cache_stats(trie_node_cache_t *k, trie_node_cache_stats_t *out) {
  out->hits = atomic_load(&k->hits);
  out->misses = atomic_load(&k->misses);
  out->rejected = atomic_load(&k->rejected);
  out->writes = atomic_load(&k->writes);
  pthread_mutex_lock(&k->lock);
  out->generation = atomic_load(&k->gen);
  out->generation_bytes = k->gen_bytes;
  pthread_mutex_unlock(&k->lock);
}
