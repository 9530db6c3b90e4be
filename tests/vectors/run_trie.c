/* `ethc test trie PATH`: the TrieTests of ethereum/tests (Yellow Paper appendix D).
 * "in" is a list of [key, value] pairs applied in order or an object of pairs
 * (null value = delete; "0x.." strings are hex, others raw bytes); the root must
 * match "root". Files named *secureTrie* (and hex_encoded_securetrie_test) use the
 * secure trie. trietestnextprev checks [key, prev, next] with ordered lookups.
 * Every case is also cross-checked: one-shot root = incremental root, and a proof
 * for every inserted key verifies. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "runner.h"

/* String to bytes: hex when it starts with 0x, else the raw characters. */
static int str_bytes(const char *s, uint8_t **out, size_t *len) {
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return hex_decode_alloc(s, true, out, len);
  *len = strlen(s);
  *out = malloc(*len + 1);
  if (!*out) return ETHC_ERR_NOMEM;
  memcpy(*out, s, *len);
  return 0;
}

typedef struct {
  uint8_t *key;
  size_t key_len;
} key_t_;

typedef struct {
  trie_kv_t *kv;
  size_t n, cap;
} kvlist_t;

static int collect(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  kvlist_t *l = ctx;
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 16;
    l->kv = realloc(l->kv, l->cap * sizeof *l->kv);
  }
  uint8_t *k = malloc(key_len + 1), *v = malloc(value_len + 1);
  memcpy(k, key, key_len);
  memcpy(v, value, value_len);
  l->kv[l->n++] = (trie_kv_t){k, key_len, v, value_len};
  return 0;
}

/* Cross-checks: the one-shot builder over the final contents gives the same root,
 * and every key proves (present with its value); a tampered proof fails. */
static const char *cross_check(trie_t *t, const uint8_t root[32], uint8_t **keys, size_t *key_lens, size_t nkeys) {
  static char msg[128];
  kvlist_t l = {0};
  trie_foreach(t, collect, &l);
  const char *err = NULL;
  uint8_t r2[32];
  if (l.n != t->count) err = "foreach count differs from trie count";
  else if (trie_root_of_sorted(l.kv, l.n, r2) != 0 || memcmp(r2, root, 32) != 0)
    err = "one-shot root differs from incremental root";
  for (size_t i = 0; !err && i < nkeys; i++) {
    trie_proof_t pr = {0};
    bytes_view_t got, v;
    bool present = trie_get(t, keys[i], key_lens[i], &got) == 0;
    if (trie_prove(t, keys[i], key_lens[i], &pr) != 0) err = "prove failed";
    else {
      int rc = t->secure ? trie_verify_secure_proof(root, keys[i], key_lens[i], pr.nodes, pr.count, &v)
                         : trie_verify_proof(root, keys[i], key_lens[i], pr.nodes, pr.count, &v);
      if (present && (rc != 0 || v.len != got.len || memcmp(v.data, got.data, v.len) != 0)) {
        snprintf(msg, sizeof msg, "inclusion proof of key %zu does not verify (%s)", i, ethc_strerror(rc));
        err = msg;
      } else if (!present && rc != ETHC_ERR_NOT_FOUND) {
        snprintf(msg, sizeof msg, "exclusion proof of key %zu does not verify (%s)", i, ethc_strerror(rc));
        err = msg;
      }
    }
    trie_proof_free(&pr);
  }
  for (size_t i = 0; i < l.n; i++) {
    free((void *)l.kv[i].key);
    free((void *)l.kv[i].value);
  }
  free(l.kv);
  return err;
}

static void run_root_case(runner_t *r, const char *path, const char *name, const cJSON *tc, bool secure) {
  const cJSON *in = json_get(tc, "in");
  const char *root_hex = json_str(tc, "root");
  uint8_t want[32], got[32];
  if (!in || !root_hex || hex_decode_fixed(root_hex, true, want, 32)) {
    runner_fail(r, path, name, NULL, "missing or malformed \"in\"/\"root\"");
    return;
  }
  trie_t t;
  trie_init(&t, secure);
  size_t n = (size_t)cJSON_GetArraySize(in), nk = 0;
  uint8_t **keys = calloc(n + 1, sizeof *keys);
  size_t *key_lens = calloc(n + 1, sizeof *key_lens);
  const char *err = NULL;
  const cJSON *e;
  cJSON_ArrayForEach(e, in) {
    const char *ks, *vs;
    const cJSON *vj;
    if (cJSON_IsArray(in)) {
      if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 2) {
        err = "pair is not [key, value]";
        break;
      }
      const cJSON *kj = cJSON_GetArrayItem(e, 0);
      vj = cJSON_GetArrayItem(e, 1);
      ks = cJSON_IsString(kj) ? kj->valuestring : NULL;
    } else {
      ks = e->string;
      vj = e;
    }
    vs = cJSON_IsString(vj) ? vj->valuestring : NULL;
    if (!ks || (!vs && !cJSON_IsNull(vj))) {
      err = "key or value is not a string";
      break;
    }
    uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    if (str_bytes(ks, &k, &kl) || (vs && str_bytes(vs, &v, &vl))) {
      free(k);
      free(v);
      err = "bad hex in key or value";
      break;
    }
    int rc = vs ? trie_put(&t, k, kl, v, vl) : trie_delete(&t, k, kl);
    free(v);
    keys[nk] = k;
    key_lens[nk++] = kl;
    if (rc) {
      err = "trie update failed";
      break;
    }
  }
  if (!err && trie_root(&t, got) != 0) err = "root computation failed";
  if (err) runner_fail(r, path, name, NULL, "%s", err);
  else if (memcmp(got, want, 32) != 0) {
    char h[67];
    runner_fail(r, path, name, NULL, "root %s, expected %s", hex_encode(got, 32, h), root_hex);
  } else if ((err = cross_check(&t, got, keys, key_lens, nk))) runner_fail(r, path, name, NULL, "%s", err);
  else runner_pass(r, path, name, NULL);
  for (size_t i = 0; i < nk; i++) free(keys[i]);
  free(keys);
  free(key_lens);
  trie_free(&t);
}

static bool same(const bytes_buf_t *b, const char *s) {
  size_t n = strlen(s);
  return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

static void run_nextprev_case(runner_t *r, const char *path, const char *name, const cJSON *tc) {
  const cJSON *in = json_get(tc, "in"), *tests = json_get(tc, "tests");
  if (!cJSON_IsArray(in) || !cJSON_IsArray(tests)) {
    runner_fail(r, path, name, NULL, "missing \"in\" or \"tests\"");
    return;
  }
  trie_t t;
  trie_init(&t, false);
  const cJSON *e;
  cJSON_ArrayForEach(e, in) {
    if (cJSON_IsString(e))
      trie_put(&t, (const uint8_t *)e->valuestring, strlen(e->valuestring), (const uint8_t *)e->valuestring,
               strlen(e->valuestring));
  }
  char msg[512] = "";
  bytes_buf_t k = {0};
  cJSON_ArrayForEach(e, tests) {
    const cJSON *a = cJSON_GetArrayItem(e, 0), *p = cJSON_GetArrayItem(e, 1), *nx = cJSON_GetArrayItem(e, 2);
    if (!cJSON_IsString(a) || !cJSON_IsString(p) || !cJSON_IsString(nx)) {
      snprintf(msg, sizeof msg, "malformed test entry");
      break;
    }
    const uint8_t *key = (const uint8_t *)a->valuestring;
    size_t kl = strlen(a->valuestring);
    int rc = trie_prev(&t, key, kl, &k, NULL);
    if (rc == ETHC_ERR_NOT_FOUND) k.len = 0;
    if (!same(&k, p->valuestring)) {
      snprintf(msg, sizeof msg, "prev(\"%s\") = \"%.*s\", expected \"%s\"", a->valuestring, (int)k.len,
               k.data ? (char *)k.data : "", p->valuestring);
      break;
    }
    rc = trie_next(&t, key, kl, &k, NULL);
    if (rc == ETHC_ERR_NOT_FOUND) k.len = 0;
    if (!same(&k, nx->valuestring)) {
      snprintf(msg, sizeof msg, "next(\"%s\") = \"%.*s\", expected \"%s\"", a->valuestring, (int)k.len,
               k.data ? (char *)k.data : "", nx->valuestring);
      break;
    }
  }
  if (msg[0]) runner_fail(r, path, name, NULL, "%s", msg);
  else runner_pass(r, path, name, NULL);
  bytes_buf_free(&k);
  trie_free(&t);
}

static void run_trie_file(runner_t *r, const char *path, const cJSON *root) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  bool secure = strcasestr(base, "securetrie") != NULL;
  const cJSON *tc;
  cJSON_ArrayForEach(tc, root) {
    const char *name = tc->string ? tc->string : "(unnamed)";
    if (runner_skip(r, path, name, NULL)) continue;
    if (!cJSON_IsObject(tc)) {
      runner_fail(r, path, name, NULL, "case is not an object");
      continue;
    }
    if (json_get(tc, "tests")) run_nextprev_case(r, path, name, tc);
    else run_root_case(r, path, name, tc, secure);
  }
}

RUNNER_SUITE("trie", run_trie_file, 0)
