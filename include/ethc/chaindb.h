/* The chain database on LevelDB: headers, bodies and receipts by (number, hash),
 * the canonical number->hash index, total difficulty, the head pointer, trie nodes
 * and code by hash. Writes go through one atomic batch per block, so a crash at
 * any moment leaves the last fully written block as head. Key layout:
 * src/chain/CHAINDB.md. */
#ifndef ETHC_CHAINDB_H
#define ETHC_CHAINDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/state_db.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chaindb chaindb_t;
typedef struct chaindb_batch chaindb_batch_t;

/* Opens (creating if missing) the database in directory `dir`. On failure returns
 * ETHC_ERR_IO and, when `errmsg` is given, a malloc'd message from LevelDB. */
int chaindb_open(const char *dir, chaindb_t **out, char **errmsg) ETHC_MUST_USE;
/* chaindb_open with LevelDB's memtable (write buffer) and block cache sized:
 * 0 keeps the defaults (16 MiB and 64 MiB); a light node, which writes a header
 * now and then and reads little, does with a few MiB of each. */
int chaindb_open_sized(const char *dir, size_t write_buffer_bytes, size_t cache_bytes, chaindb_t **out,
                       char **errmsg) ETHC_MUST_USE;
void chaindb_close(chaindb_t *db);

/* ---- writing: collect a block's records in a batch, then write it atomically ---- */
chaindb_batch_t *chaindb_batch_new(void);
void chaindb_batch_free(chaindb_batch_t *b);
void chaindb_put_header(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp, size_t len);
void chaindb_put_body(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp, size_t len);
void chaindb_put_receipts(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const uint8_t *rlp, size_t len);
void chaindb_put_td(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash, const u256_t *td);
void chaindb_put_canonical(chaindb_batch_t *b, uint64_t number, const ethc_hash_t *hash);
void chaindb_delete_canonical(chaindb_batch_t *b, uint64_t number);
void chaindb_put_head(chaindb_batch_t *b, const ethc_hash_t *hash);
void chaindb_put_trie_node(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *rlp, size_t len);
void chaindb_put_code(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *code, size_t len);
/* keccak256 preimages of secure-trie keys (addresses, storage keys), so that a
 * stored state can be walked back into accounts. */
void chaindb_put_preimage(chaindb_batch_t *b, const ethc_hash_t *hash, const uint8_t *data, size_t len);
/* Transaction lookup entry: the transaction of hash `tx_hash` is number `index`
 * of block (number, block_hash). Written in the batch of the block that makes
 * it canonical (CHAINDB.md, "Transaction index"). */
void chaindb_put_tx_index(chaindb_batch_t *b, const ethc_hash_t *tx_hash, uint64_t number,
                          const ethc_hash_t *block_hash, uint32_t index);
/* Writes the batch atomically (with fsync when `sync`); the batch stays usable
 * (and is cleared on success). 0 or ETHC_ERR_IO. */
int chaindb_write(chaindb_t *db, chaindb_batch_t *b, bool sync) ETHC_MUST_USE;
/* Records (puts and deletes) in the batch since its last write. */
size_t chaindb_batch_records(const chaindb_batch_t *b);

/* The database as the state layer's store (state_db.h): trie nodes and code read
 * from `db` (thread-safe, like every read here). Valid while db is open. */
void chaindb_state_store(chaindb_t *db, state_store_t *out);
/* The batch as a state writer: trie nodes, code and preimages are added to it.
 * Valid while b is. */
void chaindb_state_writer(chaindb_batch_t *b, state_writer_t *out);

/* ---- reading: 0, ETHC_ERR_NOT_FOUND, ETHC_ERR_IO, ETHC_ERR_NOMEM, or
 * ETHC_ERR_INVALID for a fixed-size value (number, hash, total difficulty, tx
 * index entry) stored with another size. Byte results are appended to `out`
 * (the caller owns the buffer). Safe from any number of threads at once, also
 * while another thread writes a batch (LevelDB's guarantee). ---- */
int chaindb_get_header(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out);
int chaindb_get_body(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out);
int chaindb_get_receipts(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out);
int chaindb_get_td(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, u256_t *td);
int chaindb_get_number(chaindb_t *db, const ethc_hash_t *hash, uint64_t *number);
int chaindb_get_canonical(chaindb_t *db, uint64_t number, ethc_hash_t *hash);
int chaindb_get_head(chaindb_t *db, ethc_hash_t *hash);
int chaindb_get_trie_node(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out);
int chaindb_get_code(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out);
int chaindb_get_tx_index(chaindb_t *db, const ethc_hash_t *tx_hash, uint64_t *number, ethc_hash_t *block_hash,
                         uint32_t *index);
int chaindb_get_preimage(chaindb_t *db, const ethc_hash_t *hash, bytes_buf_t *out);
/* A small named value (e.g. the genesis configuration): "m" + name. */
void chaindb_put_meta(chaindb_batch_t *b, const char *name, const uint8_t *data, size_t len);
int chaindb_get_meta(chaindb_t *db, const char *name, bytes_buf_t *out);

/* Rows another module keeps in the chain database under a key prefix of its
 * own (CHAINDB.md lists them; e.g. the light node's verified-node cache, 'V').
 * put/delete go into a batch; get appends the value to *out: 0,
 * ETHC_ERR_NOT_FOUND or ETHC_ERR_IO. delete_prefix deletes every row whose key
 * starts with `prefix` (in batches of its own; rows written meanwhile under
 * the prefix may survive): 0 with *deleted (optional) or ETHC_ERR_IO. All are
 * safe from any thread (LevelDB is). */
void chaindb_put_raw(chaindb_batch_t *b, const uint8_t *key, size_t klen, const uint8_t *v, size_t vlen);
void chaindb_delete_raw(chaindb_batch_t *b, const uint8_t *key, size_t klen);
int chaindb_get_raw(chaindb_t *db, const uint8_t *key, size_t klen, bytes_buf_t *out);
int chaindb_delete_prefix(chaindb_t *db, const uint8_t *prefix, size_t plen, size_t *deleted);

#ifdef __cplusplus
}
#endif

#endif
