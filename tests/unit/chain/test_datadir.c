/* Unit tests of the data directory (src/chain/datadir.c): read-only opens run on
 * a snapshot that links only the live files of the database (a database that
 * went through compactions, with a stray table of a high number beside it), and
 * leave the directory as it was; mkdir -p and its undo. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chain/datadir.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/keccak.h"

/* A listing of `dir`: names, sizes and modification times. */
static void listing(const char *dir, char *out, size_t cap) {
  out[0] = 0;
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  size_t n = 0;
  while ((e = readdir(d))) {
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (lstat(p, &st) == 0 && n < cap)
      n += (size_t)snprintf(out + n, cap - n, "%s %lld %lld.%09ld\n", e->d_name, (long long)st.st_size,
                            (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  }
  closedir(d);
}

static size_t count_tables(const char *dir) {
  DIR *d = opendir(dir);
  size_t n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) n += strstr(e->d_name, ".ldb") != NULL;
  if (d) closedir(d);
  return n;
}

int main(void) {
  const char *shared = getenv("ETHC_SHARED");
  if (!shared || !*shared) shared = "../shared";
  char genesis[1024], dir[] = "ethc-datadir-XXXXXX", db[1100], err[512];
  snprintf(genesis, sizeof genesis, "%s/rpc-compat/genesis.json", shared);
  CHECK(mkdtemp(dir) != NULL);
  snprintf(db, sizeof db, "%s/p/q/db", dir);

  /* mkdir -p, and its undo */
  size_t existed;
  CHECK(datadir_make(db, &existed, err, sizeof err) == 0 && existed == strlen(dir));
  datadir_unmake(db, existed);
  struct stat st;
  char p[1200];
  snprintf(p, sizeof p, "%s/p", dir);
  CHECK(stat(p, &st) != 0 && stat(dir, &st) == 0);

  /* a file on the way: refused, naming the directory */
  snprintf(p, sizeof p, "%s/f", dir);
  FILE *ff = fopen(p, "w");
  if (ff) fclose(ff);
  snprintf(p, sizeof p, "%s/f/x/y", dir);
  CHECK(datadir_make(p, &existed, err, sizeof err) == ETHC_ERR_IO && strstr(err, "Not a directory") && strstr(err, p));
  snprintf(p, sizeof p, "%s/f", dir);
  unlink(p);

  chain_open_opts_t o = {.datadir = db, .genesis_path = genesis, .fakepow = true};
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  chain_close(c);

  /* ~100 MB of nodes through LevelDB: several level-0 tables, compactions, and
   * deleted files in the MANIFEST */
  chaindb_t *cdb = NULL;
  CHECK(chaindb_open(db, &cdb, NULL) == 0);
  static uint8_t value[4096];
  ethc_hash_t key;
  for (int round = 0; cdb && round < 25; round++) {
    chaindb_batch_t *b = chaindb_batch_new();
    for (int i = 0; i < 1000; i++) {
      uint32_t x[2] = {(uint32_t)round, (uint32_t)i};
      keccak256((const uint8_t *)x, sizeof x, key.bytes);
      for (size_t j = 0; j < sizeof value; j += 32) keccak256(key.bytes, 32, value + j), value[j] ^= (uint8_t)j;
      chaindb_put_trie_node(b, &key, value, sizeof value);
    }
    CHECK(chaindb_write(cdb, b, false) == 0);
    chaindb_batch_free(b);
  }
  chaindb_close(cdb);
  CHECK_MSG(count_tables(db) >= 2, "%zu tables", count_tables(db));

  /* stray tables of the numbers LevelDB will use next (as a writer killed
   * before it recorded them leaves them): a snapshot must not link them, or
   * the tables the open writes would go through the links */
  unsigned long maxnum = 0;
  {
    DIR *d = opendir(db);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      unsigned long n = strtoul(strncmp(e->d_name, "MANIFEST-", 9) ? e->d_name : e->d_name + 9, NULL, 10);
      if (n > maxnum) maxnum = n;
    }
    if (d) closedir(d);
  }
  for (unsigned long n = maxnum + 1; n <= maxnum + 4; n++) {
    snprintf(p, sizeof p, "%s/%06lu.ldb", db, n);
    FILE *f = fopen(p, "wb");
    CHECK(f && fputs("stray", f) >= 0);
    if (f) fclose(f);
  }
  char before[8192], after[8192];
  listing(db, before, sizeof before);

  o.genesis_path = NULL;
  o.read_only = true;
  c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (c) {
    /* every node written is readable through the snapshot */
    bytes_buf_t v = {0};
    int missing = 0;
    for (int round = 0; round < 25; round += 6)
      for (int i = 0; i < 1000; i += 97) {
        uint32_t x[2] = {(uint32_t)round, (uint32_t)i};
        keccak256((const uint8_t *)x, sizeof x, key.bytes);
        v.len = 0;
        missing += chaindb_get_trie_node(chain_db(c), &key, &v) != 0 || v.len != sizeof value;
      }
    CHECK(missing == 0);
    bytes_buf_free(&v);
    chain_close(c);
  }
  listing(db, after, sizeof after);
  CHECK_MSG(strcmp(before, after) == 0, "the read-only open changed the directory:\n%s---\n%s", before, after);
  size_t slen;
  uint8_t *stray = bytes_read_file(p, &slen);
  CHECK(stray && slen == 5 && memcmp(stray, "stray", 5) == 0); /* the last one; the listing covers all */
  free(stray);

  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
