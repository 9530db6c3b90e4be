/* Local failures during block import are errors, never verdicts (issue 11):
 * while the rpc-compat chain (54 blocks, proof of work to Osaka) is imported,
 * the k-th memory allocation made by ethc's own code, or the k-th LevelDB read,
 * is made to fail, for growing k, until the block imports untouched. Every
 * import that failed must return a local error (not ETHC_ERR_INVALID, and no
 * block error), change nothing (the head stays), and the same block must then
 * import. In the end the head is the chain's last block, the database reopens,
 * and its head state reads back with the header's root.
 *
 * The allocation failures come from malloc/calloc/realloc defined here (over
 * glibc's __libc_* functions) that fail only for callers inside this program's
 * own code (ethc is linked in statically; LevelDB, libstdc++ and cJSON are
 * shared libraries, whose allocations pass). The read failures come from
 * leveldb_get defined here over the library's. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leveldb/c.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#endif

#ifdef SANITIZED
/* A sanitizer owns malloc: the injection cannot be built over it. */
int main(void) {
  printf("SKIPPED: allocation failures are injected in builds without a sanitizer only\n");
  return 77;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern char __executable_start, etext;

enum { INJECT_NONE, INJECT_ALLOC, INJECT_READ };
static int inject_kind;
static long countdown; /* fails when it reaches 0 */
static int hits;
static void *last_trace[16];
static int last_depth;

static int own_caller(const void *ret) {
  return (const char *)ret >= &__executable_start && (const char *)ret < &etext;
}

static int should_fail(int kind, const void *caller) {
  if (inject_kind != kind || (kind == INJECT_ALLOC && !own_caller(caller))) return 0;
  if (--countdown != 0) return 0;
  hits++;
  last_depth = backtrace(last_trace, 16); /* printed if the failure turns into a verdict */
  return 1;
}

void *malloc(size_t n) {
  if (should_fail(INJECT_ALLOC, __builtin_return_address(0))) return NULL;
  return __libc_malloc(n);
}
void *calloc(size_t n, size_t m) {
  if (should_fail(INJECT_ALLOC, __builtin_return_address(0))) return NULL;
  return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n) {
  if (should_fail(INJECT_ALLOC, __builtin_return_address(0))) return NULL;
  return __libc_realloc(p, n);
}

typedef char *(*leveldb_get_fn)(leveldb_t *, const leveldb_readoptions_t *, const char *, size_t, size_t *, char **);
char *leveldb_get(leveldb_t *db, const leveldb_readoptions_t *o, const char *k, size_t kl, size_t *vl, char **err) {
  static leveldb_get_fn real;
  if (!real) real = (leveldb_get_fn)dlsym(RTLD_NEXT, "leveldb_get");
  if (should_fail(INJECT_READ, NULL)) {
    *err = strdup("IO error: injected by test_import_failures");
    return NULL;
  }
  return real(db, o, k, kl, vl, err);
}

int main(void) {
  char err[512];
  test_chain_t t;
  chain_open_opts_t o = {.fakepow = true, .state_cache_bytes = 64 << 10};
  chain_t *c = test_chain_open(&t, "rpc-compat", &o);
  size_t len;
  uint8_t *data = c ? bytes_read_file(t.blocks, &len) : NULL;
  CHECK(!c || data != NULL);
  if (!c || !data) {
    free(data);
    test_chain_remove(&t);
    return check_summary();
  }

  size_t off = 0, used;
  rlp_item_t item;
  unsigned blocks = 0;
  long failed_imports[3] = {0}, verdicts = 0;
  while (off < len && rlp_decode_item(data + off, len - off, &item, &used) == 0) {
    uint64_t before;
    chain_head(c, &before, NULL);
    int kind = blocks % 2 ? INJECT_READ : INJECT_ALLOC; /* alternately */
    /* k = 1, 2, 3, 5, 8, ...: every early allocation or read, then sparser */
    for (long k = 1, prev = 1;;) {
      inject_kind = kind;
      countdown = k;
      hits = 0;
      chain_import_result_t r;
      int rc = chain_import_block(c, data + off, used, &r);
      inject_kind = INJECT_NONE;
      if (rc == 0) { /* nothing failed, or the failure was absorbed (a cache that did not grow) */
        chain_header_t stored;
        CHECK_MSG(chain_read_header_by_hash(c, &r.hash, &stored) == 0 && !r.known,
                  "block %u imported (%s failure %ld, %d hits) but not stored", blocks + 1,
                  kind == INJECT_ALLOC ? "allocation" : "read", k, hits);
        break;
      }
      CHECK_MSG(hits, "block %u failed with nothing injected: %s", blocks + 1, r.reason);
      failed_imports[kind]++;
      bool verdict = rc == ETHC_ERR_INVALID || r.error != BLOCK_VALID;
      if (verdict) {
        verdicts++;
        backtrace_symbols_fd(last_trace, last_depth, 2);
      }
      CHECK_MSG(!verdict, "block %u, %s failure %ld: %s (%s)", blocks + 1, kind == INJECT_ALLOC ? "allocation" : "read",
                k, ethc_strerror(rc), r.reason);
      uint64_t now;
      chain_head(c, &now, NULL);
      CHECK(now == before); /* nothing changed */
      if (!hits) break;
      long next = k + prev;
      prev = k;
      k = next;
    }
    uint64_t after;
    chain_head(c, &after, NULL);
    CHECK_MSG(after == before + 1, "block %u did not become the head", blocks + 1);
    blocks++;
    off += used;
  }
  CHECK(blocks == 54);
  printf("%u blocks; %ld imports failed on an allocation and %ld on a read, all as local errors; %ld verdicts\n",
         blocks, failed_imports[INJECT_ALLOC], failed_imports[INJECT_READ], verdicts);
  CHECK(failed_imports[INJECT_ALLOC] > 100 && failed_imports[INJECT_READ] > 50);
  chain_close(c);
  t.chain = NULL;

  /* the database is whole: it reopens with the last block as its head */
  o.datadir = t.dir;
  o.genesis_path = NULL;
  c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (c) {
    chain_snapshot_t *s = chain_snapshot_head(c);
    state_t *st = chain_snapshot_state(s);
    ethc_hash_t root;
    CHECK(chain_snapshot_header(s)->number == 54);
    CHECK(st && state_root(st, &root) == 0 && ethc_hash_eq(&root, &chain_snapshot_header(s)->state_root));
    state_free(st);
    chain_snapshot_release(s);
    chain_close(c);
  }
  free(data);
  test_chain_remove(&t);
  return check_summary();
}
#endif
