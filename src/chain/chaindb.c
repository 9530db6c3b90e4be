/* Chain database over LevelDB's C API (leveldb/c.h): fixed-prefix keys (see
 * CHAINDB.md beside this file) and one atomic WriteBatch per block. */
#include "ethc/chaindb.h"

#include <leveldb/c.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"

struct chaindb {
  leveldb_t *db;
  leveldb_options_t *options;
  leveldb_cache_t *cache;         /* uncompressed blocks, shared by all reads */
  leveldb_filterpolicy_t *filter; /* bloom filters: a missing key costs no block read */
  leveldb_readoptions_t *read;
  leveldb_writeoptions_t *write_sync, *write_nosync;
};

struct chaindb_batch {
  leveldb_writebatch_t *wb;
  size_t records; /* puts and deletes since the last write */
};

/* Key builders: prefix byte, then an 8-byte big-endian number and/or a 32-byte hash. */
enum { KEY_MAX = 1 + 8 + 32 };

static size_t key_num_hash(uint8_t *k, char prefix, uint64_t number, const ethc_hash_t *hash) {
  size_t n = 0;
  k[n++] = (uint8_t)prefix;
  for (int i = 7; i >= 0; i--) k[n++] = (uint8_t)(number >> (8 * i));
  if (hash) {
    memcpy(k + n, hash->bytes, 32);
    n += 32;
  }
  return n;
}

static size_t key_hash(uint8_t *k, char prefix, const ethc_hash_t *hash) {
  k[0] = (uint8_t)prefix;
  memcpy(k + 1, hash->bytes, 32);
  return 33;
}

static const char HEAD_KEY[] = "LastBlock";

#define CHAINDB_CACHE_BYTES (64u << 20)
#define CHAINDB_WRITE_BUFFER_BYTES (16u << 20)

int chaindb_open(const char *dir, chaindb_t **out, char **errmsg) { return chaindb_open_sized(dir, 0, 0, out, errmsg); }

int chaindb_open_sized(const char *dir, size_t write_buffer_bytes, size_t cache_bytes, chaindb_t **out,
                       char **errmsg) {
  chaindb_t *db = calloc(1, sizeof *db);
  if (!db) return ETHC_ERR_NOMEM;
  db->options = leveldb_options_create();
  leveldb_options_set_create_if_missing(db->options, 1);
  leveldb_options_set_compression(db->options, leveldb_snappy_compression);
  db->cache = leveldb_cache_create_lru(cache_bytes ? cache_bytes : CHAINDB_CACHE_BYTES);
  db->filter = leveldb_filterpolicy_create_bloom(10);
  leveldb_options_set_cache(db->options, db->cache);
  leveldb_options_set_filter_policy(db->options, db->filter);
  leveldb_options_set_write_buffer_size(db->options, write_buffer_bytes ? write_buffer_bytes : CHAINDB_WRITE_BUFFER_BYTES);
  char *err = NULL;
  db->db = leveldb_open(db->options, dir, &err);
  if (err) {
    if (errmsg) *errmsg = strdup(err);
    leveldb_free(err);
    leveldb_options_destroy(db->options);
    leveldb_cache_destroy(db->cache);
    leveldb_filterpolicy_destroy(db->filter);
    free(db);
    return ETHC_ERR_IO;
  }
  db->read = leveldb_readoptions_create();
  leveldb_readoptions_set_verify_checksums(db->read, 1);
  db->write_sync = leveldb_writeoptions_create();
  leveldb_writeoptions_set_sync(db->write_sync, 1);
  db->write_nosync = leveldb_writeoptions_create();
  *out = db;
  return ETHC_OK;
}

void chaindb_close(chaindb_t *db) {
  if (!db) return;
  leveldb_close(db->db);
  leveldb_readoptions_destroy(db->read);
  leveldb_writeoptions_destroy(db->write_sync);
  leveldb_writeoptions_destroy(db->write_nosync);
  leveldb_options_destroy(db->options);
  leveldb_cache_destroy(db->cache);
  leveldb_filterpolicy_destroy(db->filter);
  free(db);
}

chaindb_batch_t *chaindb_batch_new(void) {
  chaindb_batch_t *b = malloc(sizeof *b);
  if (!b) return NULL;
  b->wb = leveldb_writebatch_create();
  b->records = 0;
  if (!b->wb) {
    free(b);
    return NULL;
  }
  return b;
}

void chaindb_batch_free(chaindb_batch_t *b) {
  if (!b) return;
  leveldb_writebatch_destroy(b->wb);
  free(b);
}

static void put(chaindb_batch_t *b, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen) {
  leveldb_writebatch_put(b->wb, (const char *)k, klen, (const char *)v, vlen);
  b->records++;
}

void chaindb_put_header(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp, size_t len) {
  uint8_t k[KEY_MAX], num[8];
  put(b, k, key_num_hash(k, 'h', number, hash), rlp, len);
  for (int i = 0; i < 8; i++) num[i] = (uint8_t)(number >> (56 - 8 * i));
  put(b, k, key_hash(k, 'H', hash), num, 8);
}

void chaindb_put_body(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp, size_t len) {
  uint8_t k[KEY_MAX];
  put(b, k, key_num_hash(k, 'b', number, hash), rlp, len);
}

void chaindb_put_receipts(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp,
                          size_t len) {
  uint8_t k[KEY_MAX];
  put(b, k, key_num_hash(k, 'r', number, hash), rlp, len);
}

void chaindb_put_td(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const u256_t *td) {
  uint8_t k[KEY_MAX], v[32];
  u256_to_be(td, v);
  put(b, k, key_num_hash(k, 't', number, hash), v, 32);
}

void chaindb_put_canonical(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash) {
  uint8_t k[KEY_MAX];
  put(b, k, key_num_hash(k, 'n', number, NULL), hash->bytes, 32);
}

void chaindb_delete_canonical(chaindb_batch_t *b, uint64_t number) {
  uint8_t k[KEY_MAX];
  size_t klen = key_num_hash(k, 'n', number, NULL);
  leveldb_writebatch_delete(b->wb, (const char *)k, klen);
  b->records++;
}

void chaindb_put_head(chaindb_batch_t *b, const ethc_hash_t *hash) {
  put(b, (const uint8_t *)HEAD_KEY, sizeof HEAD_KEY - 1, hash->bytes, 32);
}

void chaindb_put_trie_node(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *rlp, size_t len) {
  uint8_t k[KEY_MAX];
  put(b, k, key_hash(k, 'N', hash), rlp, len);
}

void chaindb_put_code(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *code, size_t len) {
  uint8_t k[KEY_MAX];
  put(b, k, key_hash(k, 'c', hash), code, len);
}

int chaindb_write(chaindb_t *db, chaindb_batch_t *b, bool sync) {
  char *err = NULL;
  leveldb_write(db->db, sync ? db->write_sync : db->write_nosync, b->wb, &err);
  if (err) {
    leveldb_free(err);
    return ETHC_ERR_IO;
  }
  leveldb_writebatch_clear(b->wb);
  b->records = 0;
  return ETHC_OK;
}

size_t chaindb_batch_records(const chaindb_batch_t *b) { return b->records; }

/* Reads key into `out` (appending), or into a fixed buffer of exactly `fixed_len`
 * bytes when out is NULL (a stored value of another size is ETHC_ERR_INVALID). */
static int get(chaindb_t *db, const uint8_t *k, size_t klen, bytes_buf_t *out, uint8_t *fixed, size_t fixed_len) {
  char *err = NULL;
  size_t vlen = 0;
  char *v = leveldb_get(db->db, db->read, (const char *)k, klen, &vlen, &err);
  if (err) {
    leveldb_free(err);
    return ETHC_ERR_IO;
  }
  if (!v) return ETHC_ERR_NOT_FOUND;
  int rc = ETHC_OK;
  if (out) rc = bytes_buf_append(out, (const uint8_t *)v, vlen);
  else if (vlen == fixed_len) memcpy(fixed, v, vlen);
  else rc = ETHC_ERR_INVALID; /* stored with the wrong size: damaged data */
  leveldb_free(v);
  return rc;
}

int chaindb_get_header(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_num_hash(k, 'h', number, hash), out, NULL, 0);
}

int chaindb_get_body(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_num_hash(k, 'b', number, hash), out, NULL, 0);
}

int chaindb_get_receipts(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_num_hash(k, 'r', number, hash), out, NULL, 0);
}

int chaindb_get_td(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, u256_t *td) {
  uint8_t k[KEY_MAX], v[32];
  int rc = get(db, k, key_num_hash(k, 't', number, hash), NULL, v, 32);
  if (rc == ETHC_OK) u256_from_be(td, v);
  return rc;
}

int chaindb_get_number(chaindb_t *db, const ethc_hash_t *hash, uint64_t *number) {
  uint8_t k[KEY_MAX], v[8];
  int rc = get(db, k, key_hash(k, 'H', hash), NULL, v, 8);
  if (rc == ETHC_OK) {
    *number = 0;
    for (int i = 0; i < 8; i++) *number = *number << 8 | v[i];
  }
  return rc;
}

int chaindb_get_canonical(chaindb_t *db, uint64_t number, ethc_hash_t *hash) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_num_hash(k, 'n', number, NULL), NULL, hash->bytes, 32);
}

int chaindb_get_head(chaindb_t *db, ethc_hash_t *hash) {
  return get(db, (const uint8_t *)HEAD_KEY, sizeof HEAD_KEY - 1, NULL, hash->bytes, 32);
}

int chaindb_get_trie_node(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_hash(k, 'N', hash), out, NULL, 0);
}

int chaindb_get_code(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_hash(k, 'c', hash), out, NULL, 0);
}

void chaindb_put_preimage(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *data, size_t len) {
  uint8_t k[KEY_MAX];
  put(b, k, key_hash(k, 'P', hash), data, len);
}

int chaindb_get_preimage(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out) {
  uint8_t k[KEY_MAX];
  return get(db, k, key_hash(k, 'P', hash), out, NULL, 0);
}

/* ---- the state layer's store and writer ---- */

static int store_get_node(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  return chaindb_get_trie_node(ctx, (const ethc_hash_t *)hash, out);
}
static int store_get_code(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) {
  return chaindb_get_code(ctx, hash, out);
}
void chaindb_state_store(chaindb_t *db, state_store_t *out) {
  *out = (state_store_t){{db, NULL, store_get_node}, store_get_code, db};
}

static int writer_put_node(void *ctx, const ethc_hash_t *hash, const uint8_t *rlp, size_t len) {
  chaindb_put_trie_node(ctx, hash, rlp, len);
  return ETHC_OK;
}
static int writer_put_code(void *ctx, const ethc_hash_t *hash, const uint8_t *code, size_t len) {
  chaindb_put_code(ctx, hash, code, len);
  return ETHC_OK;
}
static int writer_put_preimage(void *ctx, const ethc_hash_t *hash, const uint8_t *data, size_t len) {
  chaindb_put_preimage(ctx, hash, data, len);
  return ETHC_OK;
}
void chaindb_state_writer(chaindb_batch_t *b, state_writer_t *out) {
  *out = (state_writer_t){writer_put_node, writer_put_code, writer_put_preimage, b};
}

/* Meta keys: 'm' + name (names are short ASCII). */
static size_t key_meta(uint8_t *k, size_t cap, const char *name) {
  size_t n = strlen(name);
  if (n + 1 > cap) n = cap - 1;
  k[0] = 'm';
  memcpy(k + 1, name, n);
  return n + 1;
}

/* A large value (a genesis.json with a big allocation) is stored in chunks
 * under 'm' + name + 0x00 + index (4, big-endian), behind a marker value
 * (META_CHUNKED, then the total length, 8 bytes): LevelDB reads a whole data
 * block to answer any key in it, and a block is cut only after an entry, so
 * one huge value would be read in full by every lookup of a key stored just
 * before it (the newest headers, the other meta keys). */
#define META_CHUNK (64u << 10)
static const uint8_t META_CHUNKED[4] = {0xff, 'C', 'H', 'K'};

static size_t key_chunk(uint8_t *k, size_t cap, const char *name, uint32_t i) {
  size_t n = key_meta(k, cap - 5, name);
  k[n] = 0;
  for (int j = 0; j < 4; j++) k[n + 1 + j] = (uint8_t)(i >> (24 - 8 * j));
  return n + 5;
}

void chaindb_put_meta(chaindb_batch_t *b, const char *name, const uint8_t *data, size_t len) {
  uint8_t k[64];
  if (len <= META_CHUNK) {
    put(b, k, key_meta(k, sizeof k, name), data, len);
    return;
  }
  uint8_t marker[sizeof META_CHUNKED + 8];
  memcpy(marker, META_CHUNKED, sizeof META_CHUNKED);
  for (int j = 0; j < 8; j++) marker[sizeof META_CHUNKED + j] = (uint8_t)((uint64_t)len >> (56 - 8 * j));
  put(b, k, key_meta(k, sizeof k, name), marker, sizeof marker);
  for (uint32_t i = 0; (size_t)i * META_CHUNK < len; i++) {
    size_t off = (size_t)i * META_CHUNK, n = len - off < META_CHUNK ? len - off : META_CHUNK;
    put(b, k, key_chunk(k, sizeof k, name, i), data + off, n);
  }
}

int chaindb_get_meta(chaindb_t *db, const char *name, bytes_buf_t *out) {
  uint8_t k[64];
  size_t start = out->len;
  int rc = get(db, k, key_meta(k, sizeof k, name), out, NULL, 0);
  size_t got = out->len - start;
  if (rc || got != sizeof META_CHUNKED + 8 || memcmp(out->data + start, META_CHUNKED, sizeof META_CHUNKED)) return rc;
  uint64_t len = 0;
  for (int j = 0; j < 8; j++) len = len << 8 | out->data[start + sizeof META_CHUNKED + j];
  out->len = start;
  for (uint32_t i = 0; !rc && out->len - start < len; i++) {
    rc = get(db, k, key_chunk(k, sizeof k, name, i), out, NULL, 0);
    if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* a chunk missing: damaged */
  }
  if (!rc && out->len - start != len) rc = ETHC_ERR_INVALID;
  if (rc) out->len = start;
  return rc;
}

/* Transaction index: 'x' + tx hash -> number (8, big-endian) || block hash (32)
 * || index (4, big-endian). */
enum { TX_INDEX_LEN = 8 + 32 + 4 };

void chaindb_put_tx_index(chaindb_batch_t *b, const ethc_hash_t *tx_hash, uint64_t number,
                          const ethc_hash_t *block_hash, uint32_t index) {
  uint8_t k[KEY_MAX], v[TX_INDEX_LEN];
  for (int i = 0; i < 8; i++) v[i] = (uint8_t)(number >> (56 - 8 * i));
  memcpy(v + 8, block_hash->bytes, 32);
  for (int i = 0; i < 4; i++) v[40 + i] = (uint8_t)(index >> (24 - 8 * i));
  put(b, k, key_hash(k, 'x', tx_hash), v, sizeof v);
}

int chaindb_get_tx_index(chaindb_t *db, const ethc_hash_t *tx_hash, uint64_t *number, ethc_hash_t *block_hash,
                         uint32_t *index) {
  uint8_t k[KEY_MAX], v[TX_INDEX_LEN];
  int rc = get(db, k, key_hash(k, 'x', tx_hash), NULL, v, sizeof v);
  if (rc) return rc;
  *number = 0;
  for (int i = 0; i < 8; i++) *number = *number << 8 | v[i];
  memcpy(block_hash->bytes, v + 8, 32);
  *index = 0;
  for (int i = 0; i < 4; i++) *index = *index << 8 | v[40 + i];
  return ETHC_OK;
}

/* Rows of other modules under their own prefix (chaindb.h). */
void chaindb_put_raw(chaindb_batch_t *b, const uint8_t *key, size_t klen, const uint8_t *v, size_t vlen) {
  put(b, key, klen, v, vlen);
}

void chaindb_delete_raw(chaindb_batch_t *b, const uint8_t *key, size_t klen) {
  leveldb_writebatch_delete(b->wb, (const char *)key, klen);
  b->records++;
}

int chaindb_get_raw(chaindb_t *db, const uint8_t *key, size_t klen, bytes_buf_t *out) {
  char *err = NULL;
  size_t vlen = 0;
  char *v = leveldb_get(db->db, db->read, (const char *)key, klen, &vlen, &err);
  if (err) {
    leveldb_free(err);
    return ETHC_ERR_IO;
  }
  if (!v) return ETHC_ERR_NOT_FOUND;
  int rc = bytes_buf_append(out, (const uint8_t *)v, vlen);
  leveldb_free(v);
  return rc;
}

int chaindb_delete_prefix(chaindb_t *db, const uint8_t *prefix, size_t plen, size_t *deleted) {
  size_t n = 0;
  int rc = ETHC_OK;
  leveldb_iterator_t *it = leveldb_create_iterator(db->db, db->read);
  chaindb_batch_t *b = chaindb_batch_new();
  if (!it || !b) rc = ETHC_ERR_NOMEM;
  if (!rc) leveldb_iter_seek(it, (const char *)prefix, plen);
  while (!rc && leveldb_iter_valid(it)) {
    size_t klen;
    const char *k = leveldb_iter_key(it, &klen);
    if (klen < plen || memcmp(k, prefix, plen)) break;
    chaindb_delete_raw(b, (const uint8_t *)k, klen);
    n++;
    if (b->records >= 4096) rc = chaindb_write(db, b, false);
    leveldb_iter_next(it);
  }
  char *err = NULL;
  if (it) leveldb_iter_get_error(it, &err);
  if (err) {
    leveldb_free(err);
    rc = ETHC_ERR_IO;
  }
  if (!rc && b->records) rc = chaindb_write(db, b, false);
  chaindb_batch_free(b);
  if (it) leveldb_iter_destroy(it);
  if (deleted) *deleted = n;
  return rc;
}
