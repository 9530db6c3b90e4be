/* Unit tests of the on-disk chain: import of the rpc-compat test chain (54 blocks:
 * proof of work, the merge, Shanghai..BPO2) with --fakepow, reopening, export that
 * reproduces the input byte for byte, and rejection of bad blocks without writes. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state.h"


static int fail_third(void *ctx, const uint8_t *data, size_t len) {
  (void)data;
  (void)len;
  return ++*(int *)ctx == 3 ? -1 : 0;
}

int main(void) {
  const char *shared = check_shared_dir();
  char genesis[1024], chainfile[1024], dir[] = "ethc-chain-XXXXXX";
  snprintf(genesis, sizeof genesis, "%s/rpc-compat/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/rpc-compat/chain.rlp", shared);
  char other[1024];
  snprintf(other, sizeof other, "%s/chains/ethtest/genesis.json", shared);
  if (!check_need(genesis, "the rpc-compat test chain") || !check_need(chainfile, "the rpc-compat test chain") ||
      !check_need(other, "the ethtest chain's genesis"))
    return check_summary();
  CHECK(mkdtemp(dir) != NULL);
  size_t len;
  uint8_t *data = bytes_read_file(chainfile, &len);
  CHECK(data != NULL);
  if (!data) return check_summary();

  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis, .fakepow = true};
  chain_t *c = NULL;
  char err[512];
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (!c) return check_summary();

  /* An unknown parent and a tampered block are rejected and change nothing. */
  rlp_item_t item;
  size_t used, off = 0;
  CHECK(rlp_decode_item(data, len, &item, &used) == 0);
  chain_import_result_t r;
  size_t second_off = used;
  size_t second_len;
  CHECK(rlp_decode_item(data + second_off, len - second_off, &item, &second_len) == 0);
  CHECK(chain_import_block(c, data + second_off, second_len, &r) == ETHC_ERR_INVALID &&
        r.error == BLOCK_ERR_UNKNOWN_PARENT);
  /* the result names the missing parent: block 1's hash */
  {
    ethc_hash_t first_hash;
    rlp_item_t b1, h1;
    CHECK(rlp_decode(data, used, &b1) == 0 && rlp_decode_item(b1.payload, b1.payload_len, &h1, NULL) == 0);
    keccak256(h1.raw, h1.raw_len, first_hash.bytes);
    CHECK(r.decoded && r.number == 2 && ethc_hash_eq(&r.parent_hash, &first_hash));
  }
  uint8_t *bad = malloc(used);
  memcpy(bad, data, used);
  bad[used - 1] ^= 0x01; /* the last byte of the body */
  CHECK(chain_import_block(c, bad, used, &r) == ETHC_ERR_INVALID);
  /* a wrong state root in the header fails after execution, which ran on the
   * head state itself: that state is dropped, and loaded again when needed */
  {
    uint8_t *wrong = malloc(used);
    memcpy(wrong, data, used);
    rlp_item_t blk, hdr, field;
    size_t n = 0, at;
    CHECK(rlp_decode(wrong, used, &blk) == 0 && rlp_decode_item(blk.payload, blk.payload_len, &hdr, NULL) == 0);
    at = (size_t)(hdr.payload - wrong);
    for (int i = 0; i < 3; i++, at += n) CHECK(rlp_decode_item(wrong + at, used - at, &field, &n) == 0);
    wrong[at + 5] ^= 0xff; /* inside the 32 bytes of the state root */
    CHECK(chain_import_block(c, wrong, used, &r) == ETHC_ERR_INVALID);
    CHECK_MSG(r.error == BLOCK_ERR_STATE_ROOT, "%s", r.reason);
    chain_snapshot_t *snap = chain_snapshot_head(c);
    state_t *head = chain_snapshot_state(snap);
    ethc_hash_t head_root;
    CHECK(head && state_root(head, &head_root) == 0 &&
          ethc_hash_eq(&head_root, &chain_snapshot_header(snap)->state_root));
    state_free(head);
    chain_snapshot_release(snap);
    free(wrong);
  }
  CHECK(chain_import_block(c, bad, used / 2, &r) == ETHC_ERR_INVALID && r.error == BLOCK_ERR_RLP);
  CHECK(!r.decoded && r.number == 0); /* an undecodable block has no number or hash */
  free(bad);
  uint64_t head;
  chain_head(c, &head, NULL);
  CHECK(head == 0);

  unsigned imported = 0;
  while (off < len) {
    CHECK(rlp_decode_item(data + off, len - off, &item, &used) == 0);
    int rc = chain_import_block(c, data + off, used, &r);
    CHECK_MSG(rc == 0, "block #%llu: %s", (unsigned long long)r.number, r.reason);
    if (rc) break;
    imported += r.new_head;
    off += used;
  }
  CHECK(imported == 54);
  ethc_hash_t hash, want;
  chain_head(c, &head, &hash);
  CHECK(hex_decode_fixed("0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", true, want.bytes, 32) ==
        0);
  CHECK(head == 54 && ethc_hash_eq(&hash, &want));
  /* importing a known block again is a no-op */
  CHECK(rlp_decode_item(data, len, &item, &used) == 0);
  CHECK(chain_import_block(c, data, used, &r) == 0 && r.known && !r.new_head);
  chain_close(c);

  /* Reopen without the genesis path: the head and the chain are still there. */
  o.genesis_path = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  chain_head(c, &head, &hash);
  CHECK(head == 54 && ethc_hash_eq(&hash, &want));
  char out[256];
  snprintf(out, sizeof out, "%s/export.rlp", dir);
  FILE *f = fopen(out, "wb");
  CHECK(f && chain_export(c, ethc_write_stdio, f, 1, UINT64_MAX) == 0);
  if (f) fclose(f);
  size_t elen;
  uint8_t *exported = bytes_read_file(out, &elen);
  CHECK(exported && elen == len && memcmp(exported, data, len) == 0);
  free(exported);
  /* A writer that fails on its third block: ETHC_ERR_IO, and no more calls. */
  int calls = 0;
  CHECK(chain_export(c, fail_third, &calls, 1, UINT64_MAX) == ETHC_ERR_IO && calls == 3);
  chain_close(c);

  /* A different genesis file for the same datadir is refused. */
  o.genesis_path = other;
  CHECK(chain_open(&o, &c, err, sizeof err) == ETHC_ERR_INVALID);
  {
    const char *first = strstr(err, "holds the chain of genesis block 0x");
    CHECK_MSG(first && strstr(first + 36, "'s genesis block 0x"), "both hashes are not named: %s", err);
  }

  /* The same genesis reformatted (other whitespace and key order) is accepted:
   * genesis files are compared by their genesis block hash. */
  {
    size_t glen;
    char *gtext = (char *)bytes_read_file(genesis, &glen);
    cJSON *doc = gtext ? cJSON_ParseWithLength(gtext, glen) : NULL;
    CHECK(doc != NULL);
    cJSON *cfg = cJSON_DetachItemFromObjectCaseSensitive(doc, "config");
    if (cfg) cJSON_AddItemToObject(doc, "config", cfg); /* now the last key */
    char *pretty = doc ? cJSON_Print(doc) : NULL;
    char refmt[1024];
    snprintf(refmt, sizeof refmt, "%s/reformatted.json", dir);
    FILE *g = fopen(refmt, "w");
    CHECK(g && pretty && fputs(pretty, g) >= 0);
    if (g) fclose(g);
    CHECK(pretty && strcmp(pretty, gtext) != 0);
    o.genesis_path = refmt;
    CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
    chain_close(c);
    free(pretty);
    cJSON_Delete(doc);
    free(gtext);
  }

  /* Read-only: the chain opens (on a snapshot), refuses imports; a writer on the
   * same directory holds it exclusively against another process. */
  o.genesis_path = NULL;
  o.read_only = true;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (c) {
    chain_head(c, &head, &hash);
    CHECK(head == 54 && ethc_hash_eq(&hash, &want));
    CHECK(chain_import_block(c, data, used, &r) == ETHC_ERR_UNSUPPORTED);
    chain_close(c);
  }
  o.read_only = false;
  {
    int ready[2], done[2];
    CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
      chain_t *cc = NULL;
      char e2[512];
      char ok = chain_open(&o, &cc, e2, sizeof e2) == 0 ? 'y' : 'n';
      if (write(ready[1], &ok, 1) != 1) _exit(1);
      char x;
      if (read(done[0], &x, 1) < 0) _exit(1);
      chain_close(cc);
      _exit(0);
    }
    char ok = 0;
    CHECK(read(ready[0], &ok, 1) == 1 && ok == 'y');
    char want_msg[256];
    snprintf(want_msg, sizeof want_msg, "%s is in use by another ethc process (pid %ld)", dir, (long)child);
    CHECK(chain_open(&o, &c, err, sizeof err) == ETHC_ERR_IO);
    CHECK_MSG(strcmp(err, want_msg) == 0, "'%s' is not '%s'", err, want_msg);
    o.read_only = true;
    CHECK(chain_open(&o, &c, err, sizeof err) == ETHC_ERR_IO);
    CHECK_MSG(strcmp(err, want_msg) == 0, "'%s' is not '%s'", err, want_msg);
    o.read_only = false;
    CHECK(write(done[1], "x", 1) == 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err); /* released */
    chain_close(c);
  }
  o.genesis_path = NULL;
  o.datadir = "/proc/ethc-no-such-dir";
  CHECK(chain_open(&o, &c, err, sizeof err) != 0);

  free(data);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
