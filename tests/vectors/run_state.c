/* `ethc test state PATH...` (alias `ethc statetest`): the GeneralStateTests runner
 * (ethereum-tests docs "State Tests", plus the EEST additions config.chainid,
 * config.blobSchedule and post[].txbytes). One case per (test, fork, post index),
 * named "TEST#INDEX"; each checks the post-state root and the logs hash, and for
 * an expectException that the transaction was rejected for that reason (one of
 * the '|'-separated names of its class, exception_tx_matches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/state_dump.h"
#include "ethc/tracer.h"
#include "json_state.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/evm.h"
#include "ethc/keccak.h"
#include "ethc/secp256k1.h"
#include "ethc/state.h"
#include "ethc/transition.h"
#include "ethc/tx.h"
#include "exception_names.h"
#include "runner.h"

/* ---- a tiny arena: every allocation of one test, freed together ---- */

typedef struct arena_blk {
  struct arena_blk *next;
  max_align_t align[];
} arena_blk_t;

typedef struct {
  arena_blk_t *head;
} arena_t;

static void *arena_alloc(arena_t *a, size_t n) {
  arena_blk_t *b = calloc(1, sizeof *b + (n ? n : 1));
  if (!b) return NULL;
  b->next = a->head;
  a->head = b;
  return b->align;
}

static void arena_free(arena_t *a) {
  while (a->head) {
    arena_blk_t *n = a->head->next;
    free(a->head);
    a->head = n;
  }
}

/* ---- JSON value parsing ---- */

/* Hex or decimal integer; "0x:bigint 0x..." is the fillers' marker for values
 * that may exceed their field. False when malformed or >= 2^256. */
static bool parse_u256(const char *s, u256_t *out) {
  if (!s) return false;
  if (strncmp(s, "0x:bigint ", 10) == 0) s += 10;
  return u256_from_string(out, s);
}

static bool json_u256(const cJSON *obj, const char *key, u256_t *out) { return parse_u256(json_str(obj, key), out); }

static bool json_u64(const cJSON *obj, const char *key, uint64_t *out) {
  u256_t v;
  if (!json_u256(obj, key, &v) || !u256_fits_u64(&v)) return false;
  *out = v.w[0];
  return true;
}

static bool parse_addr(const char *s, ethc_address_t *out) {
  return s && hex_decode_fixed(s, true, out->bytes, 20) == 0;
}

/* A 32-byte value that may be written with fewer digits. */
static bool parse_word(const char *s, ethc_hash_t *out) {
  u256_t v;
  if (!parse_u256(s, &v)) return false;
  u256_to_be(&v, out->bytes);
  return true;
}

/* ---- one test, parsed once ---- */

typedef struct {
  bool present;
  tx_access_entry_t *entries;
  size_t count;
} access_list_t;

typedef struct {
  arena_t arena;
  chain_block_env_t env;
  const cJSON *blob_schedule; /* config.blobSchedule or NULL */
  state_t *pre;
  bool pre_root_done;
  ethc_hash_t pre_root;
  /* transaction template */
  tx_t base;
  const char *tx_error; /* a field that cannot be parsed (invalid for every case) */
  ethc_address_t sender;
  bool has_max_fee;
  size_t ndata, ngas, nvalue;
  uint8_t **data;
  size_t *data_len;
  access_list_t *al; /* ndata entries, or NULL */
  u256_t *gas;
  u256_t *value;
  bool *value_ok;
} stest_t;

static void block_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  /* The state-test convention (go-ethereum's vmTestBlockHash): keccak of the
   * decimal block number. */
  (void)ctx;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)number);
  keccak256((const uint8_t *)buf, (size_t)n, out->bytes);
}

static const char *parse_env(stest_t *t, const cJSON *env, const cJSON *config) {
  chain_block_env_t *e = &t->env;
  memset(e, 0, sizeof *e);
  uint64_t v;
  if (!parse_addr(json_str(env, "currentCoinbase"), &e->coinbase)) return "env.currentCoinbase";
  if (!json_u64(env, "currentNumber", &v) || v > INT64_MAX) return "env.currentNumber";
  e->number = (int64_t)v;
  if (!json_u64(env, "currentTimestamp", &v) || v > INT64_MAX) return "env.currentTimestamp";
  e->timestamp = (int64_t)v;
  if (!json_u64(env, "currentGasLimit", &v) || v > INT64_MAX) return "env.currentGasLimit";
  e->gas_limit = (int64_t)v;
  if (json_get(env, "currentDifficulty") && !json_u256(env, "currentDifficulty", &e->difficulty))
    return "env.currentDifficulty";
  if (json_get(env, "currentRandom") && !parse_word(json_str(env, "currentRandom"), &e->prev_randao))
    return "env.currentRandom";
  e->base_fee = u256_from_u64(10); /* go-ethereum's default when the test gives none */
  if (json_get(env, "currentBaseFee") && !json_u256(env, "currentBaseFee", &e->base_fee)) return "env.currentBaseFee";
  if (json_get(env, "currentExcessBlobGas") && !json_u64(env, "currentExcessBlobGas", &e->excess_blob_gas))
    return "env.currentExcessBlobGas";
  e->chain_id = U256_ONE;
  if (config && json_get(config, "chainid") && !json_u256(config, "chainid", &e->chain_id)) return "config.chainid";
  t->blob_schedule = config ? json_get(config, "blobSchedule") : NULL;
  e->block_hash = block_hash;
  return NULL;
}

static const char *parse_pre(stest_t *t, const cJSON *pre) {
  if (!cJSON_IsObject(pre)) return "pre";
  t->pre = state_new();
  if (!t->pre) return "out of memory";
  return jstate_load(t->pre, pre);
}

static const char *parse_access_list(stest_t *t, const cJSON *list, access_list_t *out) {
  memset(out, 0, sizeof *out);
  if (!list || cJSON_IsNull(list)) return NULL;
  if (!cJSON_IsArray(list)) return "accessLists";
  out->present = true;
  out->count = (size_t)cJSON_GetArraySize(list);
  out->entries = arena_alloc(&t->arena, out->count * sizeof *out->entries);
  size_t i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, list) {
    tx_access_entry_t *x = &out->entries[i++];
    if (!parse_addr(json_str(e, "address"), &x->address)) return "accessLists: address";
    const cJSON *keys = json_get(e, "storageKeys");
    size_t n = cJSON_IsArray(keys) ? (size_t)cJSON_GetArraySize(keys) : 0;
    ethc_hash_t *k = arena_alloc(&t->arena, n * sizeof *k);
    size_t j = 0;
    const cJSON *key;
    cJSON_ArrayForEach(key, keys) {
      if (!parse_word(cJSON_IsString(key) ? key->valuestring : NULL, &k[j++])) return "accessLists: key";
    }
    x->storage_keys = k;
    x->storage_keys_count = n;
  }
  return NULL;
}

/* Parses the transaction template. Returns a message for a malformed test (all its
 * cases fail); fields that are merely out of range for a transaction set tx_error
 * instead (those cases expect an invalid transaction). */
static const char *parse_tx(stest_t *t, const cJSON *tx) {
  tx_t *b = &t->base;
  memset(b, 0, sizeof *b);
  if (!cJSON_IsObject(tx)) return "transaction";
  const char *s;
  if ((s = json_str(tx, "sender")) != NULL) {
    if (!parse_addr(s, &t->sender)) return "transaction.sender";
  } else {
    uint8_t sk[32], pub[64];
    if (!(s = json_str(tx, "secretKey")) || hex_decode_fixed(s, true, sk, 32) != 0 ||
        ethc_secp256k1_pubkey_create(sk, pub) != 0)
      return "transaction.secretKey";
    ethc_secp256k1_pubkey_to_address(pub, &t->sender);
  }
  u256_t v;
  if (!json_u256(tx, "nonce", &v)) return "transaction.nonce";
  if (!u256_fits_u64(&v)) t->tx_error = "nonce exceeds 64 bits";
  b->nonce = v.w[0];
  s = json_str(tx, "to");
  if (s && s[0] && strcmp(s, "0x") != 0) {
    if (!parse_addr(s, &b->to)) return "transaction.to";
    b->has_to = true;
  }
  t->has_max_fee = json_get(tx, "maxFeePerGas") != NULL;
  if (t->has_max_fee) {
    if (!json_u256(tx, "maxFeePerGas", &b->max_fee_per_gas)) t->tx_error = "maxFeePerGas out of range";
    if (!json_u256(tx, "maxPriorityFeePerGas", &b->max_priority_fee_per_gas))
      t->tx_error = "maxPriorityFeePerGas out of range";
    b->gas_price = b->max_fee_per_gas;
  } else {
    if (!json_u256(tx, "gasPrice", &b->gas_price)) t->tx_error = "gasPrice out of range";
    b->max_fee_per_gas = b->max_priority_fee_per_gas = b->gas_price;
  }
  const cJSON *blobs = json_get(tx, "blobVersionedHashes");
  if (blobs) {
    b->type = TX_BLOB;
    size_t n = (size_t)cJSON_GetArraySize(blobs), i = 0;
    ethc_hash_t *h = arena_alloc(&t->arena, n * sizeof *h);
    const cJSON *x;
    cJSON_ArrayForEach(x, blobs) {
      if (!parse_word(cJSON_IsString(x) ? x->valuestring : NULL, &h[i++])) return "blobVersionedHashes";
    }
    b->blob_hashes = h;
    b->blob_hashes_count = n;
    if (!json_u256(tx, "maxFeePerBlobGas", &b->max_fee_per_blob_gas)) t->tx_error = "maxFeePerBlobGas out of range";
  }
  const cJSON *auths = json_get(tx, "authorizationList");
  if (auths) {
    b->type = TX_SET_CODE;
    size_t n = (size_t)cJSON_GetArraySize(auths), i = 0;
    tx_authorization_t *au = arena_alloc(&t->arena, n * sizeof *au);
    const cJSON *x;
    cJSON_ArrayForEach(x, auths) {
      tx_authorization_t *a = &au[i++];
      uint64_t yp;
      if (!json_u256(x, "chainId", &a->chain_id) || !parse_addr(json_str(x, "address"), &a->address) ||
          !json_u256(x, "r", &a->r) || !json_u256(x, "s", &a->s))
        return "authorizationList";
      if (!json_u64(x, "nonce", &a->nonce)) a->nonce = UINT64_MAX; /* out of range: skipped */
      if (!json_u64(x, json_get(x, "yParity") ? "yParity" : "v", &yp) || yp > 255) yp = 255;
      a->y_parity = (uint8_t)yp;
    }
    b->authorizations = au;
    b->authorizations_count = n;
  }

  const cJSON *data = json_get(tx, "data"), *gas = json_get(tx, "gasLimit"), *value = json_get(tx, "value");
  if (!cJSON_IsArray(data) || !cJSON_IsArray(gas) || !cJSON_IsArray(value)) return "transaction arrays";
  t->ndata = (size_t)cJSON_GetArraySize(data);
  t->ngas = (size_t)cJSON_GetArraySize(gas);
  t->nvalue = (size_t)cJSON_GetArraySize(value);
  t->data = arena_alloc(&t->arena, t->ndata * sizeof *t->data);
  t->data_len = arena_alloc(&t->arena, t->ndata * sizeof *t->data_len);
  t->gas = arena_alloc(&t->arena, t->ngas * sizeof *t->gas);
  t->value = arena_alloc(&t->arena, t->nvalue * sizeof *t->value);
  t->value_ok = arena_alloc(&t->arena, t->nvalue * sizeof *t->value_ok);
  size_t i = 0;
  const cJSON *x;
  cJSON_ArrayForEach(x, data) {
    const char *hex = cJSON_IsString(x) ? x->valuestring : NULL;
    if (!hex) return "transaction.data";
    size_t len = strlen(hex);
    uint8_t *d = arena_alloc(&t->arena, len / 2 + 1);
    if (hex_decode(hex, true, d, len / 2 + 1, &t->data_len[i]) != 0) return "transaction.data (not hex)";
    t->data[i++] = d;
  }
  i = 0;
  cJSON_ArrayForEach(x, gas) {
    if (!parse_u256(cJSON_IsString(x) ? x->valuestring : NULL, &t->gas[i])) t->gas[i] = U256_MAX;
    i++;
  }
  i = 0;
  cJSON_ArrayForEach(x, value) {
    t->value_ok[i] = parse_u256(cJSON_IsString(x) ? x->valuestring : NULL, &t->value[i]);
    i++;
  }
  const cJSON *als = json_get(tx, "accessLists");
  if (als && cJSON_IsArray(als)) {
    t->al = arena_alloc(&t->arena, t->ndata * sizeof *t->al);
    i = 0;
    cJSON_ArrayForEach(x, als) {
      if (i >= t->ndata) break;
      const char *err = parse_access_list(t, x, &t->al[i++]);
      if (err) return err;
    }
  }
  return NULL;
}

/* ---- running ---- */

static evm_t *the_vm;

/* --dump: the post state of a failing case as JSON on stderr, go-ethereum's dump
 * with the case's file, name and fork in front. */
static void dump_case(const char *path, const char *name, const char *fork, state_t *st) {
  cJSON *d = cli_state_dump(st);
  if (!d) return;
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "file", path);
  cJSON_AddStringToObject(o, "name", name);
  cJSON_AddStringToObject(o, "fork", fork);
  cJSON *x;
  while ((x = d->child)) cJSON_AddItemToObject(o, x->string, cJSON_DetachItemViaPointer(d, x));
  char *text = cli_json_print(o);
  if (text) fprintf(stderr, "%s\n", text);
  free(text);
  cJSON_Delete(o);
  cJSON_Delete(d);
}

static void hexs(const ethc_hash_t *h, char out[67]) { hex_encode(h->bytes, 32, out); }

static void run_case(runner_t *r, const char *path, const char *name, const char *fork, evm_revision_t rev, stest_t *t,
                     const cJSON *post) {
  const cJSON *idx = json_get(post, "indexes");
  double dd = cJSON_GetNumberValue(json_get(idx, "data")), dg = cJSON_GetNumberValue(json_get(idx, "gas")),
         dv = cJSON_GetNumberValue(json_get(idx, "value"));
  ethc_hash_t want_root, want_logs;
  if (!(dd >= 0 && dd < (double)t->ndata && dg >= 0 && dg < (double)t->ngas && dv >= 0 && dv < (double)t->nvalue)) {
    runner_fail(r, path, name, fork, "post indexes out of range");
    return;
  }
  if (!parse_word(json_str(post, "hash"), &want_root) || !parse_word(json_str(post, "logs"), &want_logs)) {
    runner_fail(r, path, name, fork, "post: missing hash or logs");
    return;
  }
  size_t d = (size_t)dd, g = (size_t)dg, v = (size_t)dv;
  const char *expect = json_str(post, "expectException");

  chain_block_env_t env = t->env;
  if (t->blob_schedule) {
    const cJSON *bs = json_get(t->blob_schedule, fork);
    if (bs) {
      json_u64(bs, "target", &env.blob.target);
      json_u64(bs, "max", &env.blob.max);
      json_u64(bs, "baseFeeUpdateFraction", &env.blob.update_fraction);
    }
  }

  tx_t tx = t->base;
  tx.data = t->data[d];
  tx.data_len = t->data_len[d];
  const char *tx_error = t->tx_error;
  if (!u256_fits_u64(&t->gas[g])) tx_error = "gas limit exceeds 64 bits";
  tx.gas_limit = t->gas[g].w[0];
  if (!t->value_ok[v]) tx_error = "value exceeds 256 bits";
  tx.value = t->value[v];
  if (tx.type == TX_LEGACY) {
    if (t->has_max_fee) tx.type = TX_DYNAMIC_FEE;
    else if (t->al && t->al[d].present) tx.type = TX_ACCESS_LIST;
  }
  if (t->al && t->al[d].present) {
    tx.access_list = t->al[d].entries;
    tx.access_list_count = t->al[d].count;
  }

  ethc_hash_t root, logs;
  chain_tx_result_t res;
  memset(&res, 0, sizeof res);
  state_t *st = NULL;
  int rc;
  if (tx_error) {
    /* a field no transaction can encode */
    res.invalid = TXE_FIELD_OVERFLOW;
    rc = res.error = tx_invalid_code(res.invalid);
    res.reason = tx_error;
  } else {
    st = state_clone(t->pre);
    if (!st) {
      runner_fail(r, path, name, fork, "out of memory");
      return;
    }
    rc = chain_apply_tx(st, the_vm, rev, &env, &tx, &t->sender, &res, NULL, NULL);
  }
  if (rc != 0) {
    /* An invalid transaction changes nothing. The fillers run each test as a block
     * with a zero mining reward, and before Spurious Dragon crediting zero to an
     * absent coinbase creates it as an empty account: reproduce that. */
    if (rev < EVM_SPURIOUS_DRAGON && !state_exists(t->pre, &env.coinbase)) {
      state_t *c = state_clone(t->pre);
      u256_t zero = U256_ZERO;
      /* out of memory: a zero root, which fails the comparison */
      memset(&root, 0, sizeof root);
      if (c && state_add_balance(c, &env.coinbase, &zero) == 0) {
        state_commit(c, false);
        if (state_root(c, &root)) memset(&root, 0, sizeof root);
      }
      state_free(c);
    } else {
      if (!t->pre_root_done) {
        if (state_root(t->pre, &t->pre_root)) memset(&t->pre_root, 0, sizeof t->pre_root); /* fails below */
        t->pre_root_done = true;
      }
      root = t->pre_root;
    }
    static const uint8_t empty_list = 0xc0;
    keccak256(&empty_list, 1, logs.bytes);
  } else {
    if (state_root(st, &root)) memset(&root, 0, sizeof root); /* out of memory: fails the comparison */
    logs = res.logs_hash;
  }

  char a[67], b[67];
  if (r->trace) {
    /* EIP-3155 summary line after the instruction trace. */
    hexs(&root, a);
    fprintf(stderr, "{\"stateRoot\":\"%s\",\"output\":\"0x", a);
    for (size_t i = 0; i < res.output_size; i++) fprintf(stderr, "%02x", res.output[i]);
    fprintf(stderr, "\",\"gasUsed\":\"0x%llx\",\"pass\":%s,\"fork\":\"%s\"%s%s%s}\n", (unsigned long long)res.gas_used,
            ethc_hash_eq(&root, &want_root) ? "true" : "false", fork, rc ? ",\"error\":\"" : "",
            rc ? (res.reason ? res.reason : "invalid transaction") : "", rc ? "\"" : "");
  }
  char unknown[256];
  size_t failed_before = r->failed;
  if (expect && rc == 0) {
    runner_fail(r, path, name, fork, "expected exception %s, but the transaction was valid (status %s, gas %llu)",
                expect, evm_status_name(res.status), (unsigned long long)res.gas_used);
  } else if (expect && !runner_tx_names_match(res.invalid, expect, unknown, sizeof unknown)) {
    runner_fail(r, path, name, fork, "rejected as \"%s\" [%s] (%s), expected %s%s%s", tx_invalid_message(res.invalid),
                exception_tx_names(res.invalid), res.reason ? res.reason : "", expect,
                *unknown ? "; unknown exception name " : "", unknown);
  } else if (!expect && rc != 0) {
    runner_fail(r, path, name, fork, "unexpected invalid transaction: %s", res.reason ? res.reason : ethc_strerror(rc));
  } else if (!ethc_hash_eq(&root, &want_root)) {
    hexs(&root, a);
    hexs(&want_root, b);
    runner_fail(r, path, name, fork, "state root %s, expected %s (status %s, gas used %llu)", a, b,
                evm_status_name(res.status), (unsigned long long)res.gas_used);
  } else if (!ethc_hash_eq(&logs, &want_logs)) {
    hexs(&logs, a);
    hexs(&want_logs, b);
    runner_fail(r, path, name, fork, "logs hash %s, expected %s", a, b);
  } else {
    runner_pass(r, path, name, fork);
  }
  /* An invalid transaction left the state as it was before. */
  if (r->dump && r->failed > failed_before) dump_case(path, name, fork, st ? st : t->pre);
  chain_tx_result_free(&res);
  state_free(st);
}

static void run_test(runner_t *r, const char *path, const char *tname, const cJSON *test) {
  if (!runner_selected(r, tname)) return; /* --run */
  stest_t t;
  memset(&t, 0, sizeof t);
  const cJSON *post = json_get(test, "post");
  const char *err = parse_env(&t, json_get(test, "env"), json_get(test, "config"));
  if (!err) err = parse_pre(&t, json_get(test, "pre"));
  if (!err) err = parse_tx(&t, json_get(test, "transaction"));
  if (!the_vm) the_vm = evm_create();
  if (!err && !the_vm) err = "cannot create the EVM";
  static evm_eip3155_t eip3155 = {ethc_write_stdio, NULL};
  eip3155.wctx = stderr;
  if (the_vm) evm_set_tracer(the_vm, r->trace ? &evm_eip3155_tracer : NULL, &eip3155);

  if (!cJSON_IsObject(post)) { /* no cases to attribute the failure to: one for the test */
    runner_fail(r, path, tname, NULL, "malformed test: post: expected an object of forks");
  }
  const cJSON *fk, *forks = cJSON_IsObject(post) ? post : NULL;
  cJSON_ArrayForEach(fk, forks) {
    const char *fork = fk->string;
    if (runner_fork_filtered(r, fork)) continue;
    evm_revision_t rev;
    bool known = evm_revision_from_name(fork, &rev);
    size_t i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, fk) {
      if (runner_index_filtered(r, i)) {
        i++;
        continue;
      }
      char name[512];
      snprintf(name, sizeof name, "%s#%zu", tname, i++);
      if (runner_skip(r, path, name, fork)) continue;
      if (err) runner_fail(r, path, name, fork, "malformed test: %s", err);
      else if (!known) runner_fail(r, path, name, fork, "unknown fork %s", fork);
      else run_case(r, path, name, fork, rev, &t, entry);
    }
  }
  state_free(t.pre);
  arena_free(&t.arena);
}

static void run_state_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *test;
  cJSON_ArrayForEach(test, root) {
    if (!test->string || test->string[0] == '_' || !cJSON_IsObject(test)) continue;
    run_test(r, path, test->string, test);
  }
}

RUNNER_SUITE("state", run_state_file,
             RUNNER_OPT_FORK | RUNNER_OPT_TRACE | RUNNER_OPT_INDEX | RUNNER_OPT_DUMP | RUNNER_OWN_RUN)
