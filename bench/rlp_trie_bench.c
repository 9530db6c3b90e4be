/* Benchmarks for RLP (Yellow Paper appendix B) and the Merkle Patricia trie
 * (appendix D): decode/encode throughput, and state-root-like trie builds
 * (10k accounts: one-shot secure root, incremental trie, re-hash after updates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* An account body as in the state trie: [nonce, balance, storageRoot, codeHash]. */
static void account_rlp(bytes_buf_t *b, uint64_t i) {
  size_t l = rlp_list_begin(b);
  rlp_put_u64(b, i % 1000);
  u256_t bal = {{rnd(), rnd() & 0xffffff, 0, 0}};
  rlp_put_u256(b, &bal);
  rlp_put_bytes(b, TRIE_EMPTY_ROOT, 32);
  uint8_t ch[32];
  keccak256((const uint8_t *)"", 0, ch);
  rlp_put_bytes(b, ch, 32);
  rlp_list_end(b, l);
}

static volatile uint64_t sink;

static int walk(const rlp_item_t *it) {
  if (!it->is_list) {
    uint64_t v;
    if (it->payload_len <= 8 && rlp_get_u64(it, &v) == 0) sink += v;
    sink += it->payload_len;
    return 0;
  }
  rlp_iter_t iter;
  rlp_item_t sub;
  int rc;
  rlp_iter_init(&iter, it);
  while ((rc = rlp_iter_next(&iter, &sub)) == 1)
    if (walk(&sub)) return -1;
  return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  int N = argc > 1 ? atoi(argv[1]) : 10000;
  if (N <= 0) N = 10000;

  /* ---- RLP: a block-like blob of 2000 legacy-tx-shaped lists ---- */
  bytes_buf_t blob = {0};
  uint8_t data[100], addr[20], sig[32];
  for (int i = 0; i < 100; i++) data[i] = (uint8_t)rnd();
  for (int i = 0; i < 20; i++) addr[i] = (uint8_t)rnd();
  for (int i = 0; i < 32; i++) sig[i] = (uint8_t)rnd() | 0x80;
  double t0 = now();
  int enc_rounds = 200;
  for (int r = 0; r < enc_rounds; r++) {
    blob.len = 0;
    size_t outer = rlp_list_begin(&blob);
    for (int i = 0; i < 2000; i++) {
      size_t l = rlp_list_begin(&blob);
      rlp_put_u64(&blob, (uint64_t)i);
      rlp_put_u64(&blob, 20000000000ull);
      rlp_put_u64(&blob, 21000);
      rlp_put_bytes(&blob, addr, 20);
      rlp_put_u64(&blob, 1000000000000000000ull);
      rlp_put_bytes(&blob, data, (size_t)(i % 100));
      rlp_put_u64(&blob, 37);
      rlp_put_bytes(&blob, sig, 32);
      rlp_put_bytes(&blob, sig, 32);
      rlp_list_end(&blob, l);
    }
    rlp_list_end(&blob, outer);
  }
  double t_enc = now() - t0;
  printf("rlp encode: %zu-byte blob (2000 txs) x %d: %.1f MB/s, %.0f ns/tx\n", blob.len, enc_rounds,
         blob.len * (double)enc_rounds / t_enc / 1e6, t_enc / enc_rounds / 2000 * 1e9);

  int dec_rounds = 500;
  t0 = now();
  for (int r = 0; r < dec_rounds; r++) {
    rlp_item_t it;
    if (rlp_decode(blob.data, blob.len, &it) || walk(&it)) {
      fprintf(stderr, "decode failed\n");
      return 1;
    }
  }
  double t_dec = now() - t0;
  printf("rlp decode+walk: %.1f MB/s, %.0f ns/tx\n", blob.len * (double)dec_rounds / t_dec / 1e6,
         t_dec / dec_rounds / 2000 * 1e9);
  t0 = now();
  for (int r = 0; r < dec_rounds; r++)
    if (rlp_validate(blob.data, blob.len)) return 1;
  double t_val = now() - t0;
  printf("rlp strict validate: %.1f MB/s\n", blob.len * (double)dec_rounds / t_val / 1e6);

  /* ---- trie: N accounts ---- */
  uint8_t(*addrs)[20] = malloc((size_t)N * 20);
  bytes_buf_t *accts = calloc((size_t)N, sizeof *accts);
  trie_kv_t *kv = malloc((size_t)N * sizeof *kv);
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < 20; j++) addrs[i][j] = (uint8_t)rnd();
    account_rlp(&accts[i], (uint64_t)i);
    kv[i] = (trie_kv_t){addrs[i], 20, accts[i].data, accts[i].len};
  }
  uint8_t r1[32], r2[32], r3[32];
  int reps = 20;
  t0 = now();
  for (int r = 0; r < reps; r++) trie_secure_root_of(kv, (size_t)N, r1);
  double t_one = (now() - t0) / reps;
  printf("trie one-shot secure root, %d accounts: %.2f ms (%.0f ns/account)\n", N, t_one * 1e3, t_one / N * 1e9);

  trie_t t;
  trie_init(&t, true);
  t0 = now();
  for (int i = 0; i < N; i++) trie_put(&t, addrs[i], 20, accts[i].data, accts[i].len);
  double t_ins = now() - t0;
  t0 = now();
  trie_root(&t, r2);
  double t_root = now() - t0;
  printf("trie incremental: %d puts %.2f ms + first root %.2f ms; roots %s\n", N, t_ins * 1e3, t_root * 1e3,
         memcmp(r1, r2, 32) == 0 ? "agree" : "DIFFER");
  /* block-like update: 200 accounts change, re-hash */
  t0 = now();
  int upd_reps = 50;
  for (int r = 0; r < upd_reps; r++) {
    for (int k = 0; k < 200; k++) {
      int i = (int)(rnd() % (uint64_t)N);
      accts[i].len = 0;
      account_rlp(&accts[i], (uint64_t)i + 1);
      trie_put(&t, addrs[i], 20, accts[i].data, accts[i].len);
    }
    trie_root(&t, r3);
  }
  double t_upd = (now() - t0) / upd_reps;
  printf("trie update 200 accounts + root: %.3f ms\n", t_upd * 1e3);

  /* proofs */
  t0 = now();
  trie_proof_t pr = {0};
  size_t nodes = 0;
  for (int i = 0; i < N; i++) {
    bytes_view_t v;
    trie_prove(&t, addrs[i], 20, &pr);
    nodes += pr.count;
    if (trie_verify_secure_proof(r3, addrs[i], 20, pr.nodes, pr.count, &v)) return 1;
  }
  double t_pr = now() - t0;
  printf("trie prove+verify: %.1f us/key (%.1f nodes/proof)\n", t_pr / N * 1e6, (double)nodes / N);
  trie_proof_free(&pr);
  trie_free(&t);

  /* state-test-like: tiny tries (4 accounts), many times */
  int small = 100000;
  t0 = now();
  for (int r = 0; r < small; r++) trie_secure_root_of(kv + (r % (N - 4)), 4, r1);
  double t_small = (now() - t0) / small;
  printf("trie one-shot secure root, 4 accounts: %.2f us\n", t_small * 1e6);

  /* keccak reference: one 136-byte block */
  uint8_t blk[136] = {0}, h[32];
  t0 = now();
  for (int r = 0; r < 200000; r++) {
    blk[0] = (uint8_t)r;
    keccak256(blk, 100, h);
    sink += h[0];
  }
  printf("keccak256 (100 bytes): %.0f ns\n", (now() - t0) / 200000 * 1e9);

  for (int i = 0; i < N; i++) bytes_buf_free(&accts[i]);
  free(accts);
  free(addrs);
  free(kv);
  bytes_buf_free(&blob);
  return 0;
}
