/* Unit tests of the LevelDB chain database: batches, lookups, reopening,
 * missing keys, and a database directory that cannot be opened. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"

static void fill_hash(ethc_hash_t *h, uint8_t seed) {
  for (int i = 0; i < 32; i++) h->bytes[i] = (uint8_t)(seed + i);
}

int main(void) {
  char dir[] = "ethc-chaindb-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  chaindb_t *db = NULL;
  char *err = NULL;
  CHECK(chaindb_open(dir, &db, &err) == 0);

  ethc_hash_t h1, h2, got;
  fill_hash(&h1, 1);
  fill_hash(&h2, 2);
  u256_t td = u256_from_u64(123456789), td_got;
  chaindb_batch_t *b = chaindb_batch_new();
  chaindb_put_header(b, 7, &h1, (const uint8_t *)"header", 6);
  chaindb_put_body(b, 7, &h1, (const uint8_t *)"body", 4);
  chaindb_put_receipts(b, 7, &h1, (const uint8_t *)"rcpt", 4);
  chaindb_put_td(b, 7, &h1, &td);
  chaindb_put_canonical(b, 7, &h1);
  chaindb_put_head(b, &h1);
  chaindb_put_code(b, &h2, (const uint8_t *)"\x60\x00", 2);
  chaindb_put_trie_node(b, &h2, (const uint8_t *)"\xc0", 1);
  /* nothing is visible before the batch is written */
  CHECK(chaindb_get_head(db, &got) == ETHC_ERR_NOT_FOUND);
  CHECK(chaindb_write(db, b, true) == 0);

  /* meta values: small ones as they are, large ones in chunks, read back whole */
  {
    size_t big_len = 300001;
    uint8_t *big = malloc(big_len);
    for (size_t i = 0; big && i < big_len; i++) big[i] = (uint8_t)(i * 7 + (i >> 16));
    chaindb_put_meta(b, "small", (const uint8_t *)"abc", 3);
    if (big) chaindb_put_meta(b, "big", big, big_len);
    CHECK(chaindb_write(db, b, false) == 0);
    bytes_buf_t m = {0};
    CHECK(chaindb_get_meta(db, "small", &m) == 0 && m.len == 3 && memcmp(m.data, "abc", 3) == 0);
    m.len = 0;
    CHECK(big && chaindb_get_meta(db, "big", &m) == 0 && m.len == big_len && memcmp(m.data, big, big_len) == 0);
    m.len = 0;
    CHECK(chaindb_get_meta(db, "none", &m) == ETHC_ERR_NOT_FOUND && m.len == 0);
    bytes_buf_free(&m);
    free(big);
  }

  bytes_buf_t buf = {0};
  uint64_t num = 0;
  CHECK(chaindb_get_header(db, 7, &h1, &buf) == 0 && buf.len == 6 && memcmp(buf.data, "header", 6) == 0);
  CHECK(chaindb_get_number(db, &h1, &num) == 0 && num == 7);
  CHECK(chaindb_get_td(db, 7, &h1, &td_got) == 0 && u256_eq(&td, &td_got));
  CHECK(chaindb_get_canonical(db, 7, &got) == 0 && ethc_hash_eq(&got, &h1));
  CHECK(chaindb_get_head(db, &got) == 0 && ethc_hash_eq(&got, &h1));
  buf.len = 0;
  CHECK(chaindb_get_code(db, &h2, &buf) == 0 && buf.len == 2);
  buf.len = 0;
  CHECK(chaindb_get_trie_node(db, &h2, &buf) == 0 && buf.len == 1 && buf.data[0] == 0xc0);
  CHECK(chaindb_get_header(db, 8, &h1, &buf) == ETHC_ERR_NOT_FOUND);
  CHECK(chaindb_get_number(db, &h2, &num) == ETHC_ERR_NOT_FOUND);
  CHECK(chaindb_get_canonical(db, 8, &got) == ETHC_ERR_NOT_FOUND);

  /* reorg-style update: delete a canonical entry and move the head, atomically */
  chaindb_delete_canonical(b, 7);
  chaindb_put_head(b, &h2);
  CHECK(chaindb_write(db, b, false) == 0);
  CHECK(chaindb_get_canonical(db, 7, &got) == ETHC_ERR_NOT_FOUND);
  chaindb_batch_free(b);
  chaindb_close(db);

  /* everything survives a reopen */
  CHECK(chaindb_open(dir, &db, &err) == 0);
  CHECK(chaindb_get_head(db, &got) == 0 && ethc_hash_eq(&got, &h2));
  buf.len = 0;
  CHECK(chaindb_get_body(db, 7, &h1, &buf) == 0 && buf.len == 4);
  /* a second open of the same directory fails cleanly (LevelDB's lock) */
  chaindb_t *db2 = NULL;
  char *msg = NULL;
  CHECK(chaindb_open(dir, &db2, &msg) == ETHC_ERR_IO && msg != NULL);
  free(msg);
  chaindb_close(db);

  /* a light node's smaller write buffer and cache: the same data */
  CHECK(chaindb_open_sized(dir, 4u << 20, 8u << 20, &db, &err) == 0);
  CHECK(chaindb_get_head(db, &got) == 0 && ethc_hash_eq(&got, &h2));
  buf.len = 0;
  CHECK(chaindb_get_body(db, 7, &h1, &buf) == 0 && buf.len == 4);
  chaindb_close(db);
  bytes_buf_free(&buf);

  CHECK(chaindb_open("/proc/ethc-cannot-create-here", &db2, NULL) == ETHC_ERR_IO);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
