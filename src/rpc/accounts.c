/* The dev node's accounts (accounts.h): eth_accounts, eth_sign and
 * personal_sign (EIP-191), eth_signTypedData_v4 (EIP-712), and impersonation as
 * anvil and hardhat name it (anvil_impersonateAccount,
 * anvil_stopImpersonatingAccount, anvil_autoImpersonateAccount and the hardhat_
 * aliases). Errors as geth words them ("unknown account"). The transaction
 * methods are in accounts_tx.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/secp256k1.h"
#include "rpc/accounts.h"
#include "rpc/rpc_internal.h"

struct rpc_accounts {
  size_t n;
  ethc_address_t *addrs;
  uint8_t (*keys)[32];
  rpc_forced_add_fn forced_add;
  void *forced_ctx;
  pthread_mutex_t lock; /* guards the impersonation set */
  ethc_address_t *imp;
  size_t imp_n, imp_cap;
  bool auto_imp;
};

rpc_accounts_t *rpc_accounts_new(const ethc_address_t *addrs, const uint8_t (*keys)[32], size_t n) {
  rpc_accounts_t *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->addrs = malloc((n ? n : 1) * sizeof *a->addrs);
  a->keys = malloc((n ? n : 1) * sizeof *a->keys);
  if (!a->addrs || !a->keys) {
    free(a->addrs), free(a->keys), free(a);
    return NULL;
  }
  if (n) memcpy(a->addrs, addrs, n * sizeof *addrs), memcpy(a->keys, keys, n * sizeof *keys);
  a->n = n;
  pthread_mutex_init(&a->lock, NULL);
  return a;
}

void rpc_accounts_free(rpc_accounts_t *a) {
  if (!a) return;
  memset(a->keys, 0, a->n * sizeof *a->keys);
  free(a->keys), free(a->addrs), free(a->imp);
  pthread_mutex_destroy(&a->lock);
  free(a);
}

void rpc_accounts_set_forced_add(rpc_accounts_t *a, rpc_forced_add_fn fn, void *ctx) {
  a->forced_add = fn;
  a->forced_ctx = ctx;
}

void rpc_server_set_accounts(rpc_server_t *s, rpc_accounts_t *a) { s->accounts = a; }

const uint8_t *rpc_accounts_key(const rpc_accounts_t *a, const ethc_address_t *addr) {
  for (size_t i = 0; a && i < a->n; i++)
    if (!memcmp(a->addrs[i].bytes, addr->bytes, 20)) return a->keys[i];
  return NULL;
}

static long imp_find(const rpc_accounts_t *a, const ethc_address_t *addr) {
  for (size_t i = 0; i < a->imp_n; i++)
    if (!memcmp(a->imp[i].bytes, addr->bytes, 20)) return (long)i;
  return -1;
}

bool rpc_accounts_impersonated(rpc_accounts_t *a, const ethc_address_t *addr) {
  if (!a) return false;
  pthread_mutex_lock(&a->lock);
  bool yes = a->auto_imp || imp_find(a, addr) >= 0;
  pthread_mutex_unlock(&a->lock);
  return yes;
}

void eip191_hash(const uint8_t *msg, size_t len, uint8_t out[32]) {
  char prefix[64];
  int n = snprintf(prefix, sizeof prefix,
                   "\x19"
                   "Ethereum Signed Message:\n%zu",
                   len);
  keccak256_ctx_t k;
  keccak256_init(&k);
  keccak256_update(&k, (const uint8_t *)prefix, (size_t)n);
  keccak256_update(&k, msg, len);
  keccak256_final(&k, out);
}

int sign_hash65(const uint8_t key[32], const uint8_t hash[32], uint8_t sig[65]) {
  int recid;
  if (ethc_secp256k1_sign(key, hash, sig, sig + 32, &recid)) return ETHC_ERR_INVALID;
  sig[64] = (uint8_t)(27 + recid);
  return ETHC_OK;
}

/* The key of parameter i's address: fails the call with "unknown account". */
static const uint8_t *need_key(rpc_call_t *c, const cJSON *params, int i) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, i, &v) || rpc_parse_addr(c, i, v, &a)) return NULL;
  const uint8_t *k = rpc_accounts_key(c->srv->accounts, &a);
  if (!k) rpc_fail(c, RPC_SERVER_ERROR, "unknown account");
  return k;
}

static int write_sig(rpc_call_t *c, const uint8_t *key, const uint8_t hash[32]) {
  uint8_t sig[65];
  if (sign_hash65(key, hash, sig)) return rpc_fail(c, RPC_INTERNAL_ERROR, "signing failed");
  jw_data(c->w, sig, sizeof sig);
  return 0;
}

static int eth_accounts(rpc_call_t *c, const cJSON *params) {
  (void)params;
  const rpc_accounts_t *a = c->srv->accounts;
  jw_arr_begin(c->w);
  for (size_t i = 0; a && i < a->n; i++) jw_addr(c->w, &a->addrs[i]);
  jw_arr_end(c->w);
  return 0;
}

/* eth_sign(address, data): the EIP-191 signature of data. */
static int eth_sign(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint8_t *data, hash[32];
  size_t len;
  const uint8_t *key = need_key(c, params, 0);
  if (!key || rpc_need(c, params, 1, &v) || rpc_parse_data(c, 1, v, &data, &len)) return -1;
  eip191_hash(data, len, hash);
  free(data);
  return write_sig(c, key, hash);
}

/* personal_sign(data, address[, password]): as eth_sign with the parameters
 * swapped; data that is not 0x-hex is signed as its UTF-8 text (as anvil). */
static int personal_sign(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  const uint8_t *key = need_key(c, params, 1);
  if (!key || rpc_need(c, params, 0, &v)) return -1;
  if (!cJSON_IsString(v)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: expected a hex string");
  uint8_t *data = NULL, hash[32];
  size_t len;
  const char *s = v->valuestring;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !hex_decode_alloc(s, true, &data, &len)) {
    eip191_hash(data, len, hash);
    free(data);
  } else {
    eip191_hash((const uint8_t *)s, strlen(s), hash);
  }
  return write_sig(c, key, hash);
}

/* eth_signTypedData_v4(address, typedData): typedData an object or its JSON text. */
static int eth_signTypedData_v4(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  const uint8_t *key = need_key(c, params, 0);
  if (!key || rpc_need(c, params, 1, &v)) return -1;
  cJSON *parsed = NULL;
  if (cJSON_IsString(v)) {
    parsed = cJSON_Parse(v->valuestring);
    if (!parsed) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: typed data is not JSON");
    v = parsed;
  }
  uint8_t hash[32];
  char err[200];
  int rc = eip712_hash(v, hash, err, sizeof err);
  cJSON_Delete(parsed);
  if (rc) return rpc_fail(c, RPC_INVALID_PARAMS, "%s", err);
  return write_sig(c, key, hash);
}

/* ---- impersonation ---- */

static rpc_accounts_t *need_accounts(rpc_call_t *c) {
  if (!c->srv->accounts) rpc_fail(c, RPC_SERVER_ERROR, "impersonation needs a dev node (ethc node --dev)");
  return c->srv->accounts;
}

static int impersonate(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t addr;
  rpc_accounts_t *a = need_accounts(c);
  if (!a || rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &addr)) return -1;
  pthread_mutex_lock(&a->lock);
  int rc = 0;
  if (imp_find(a, &addr) < 0) {
    if (a->imp_n == a->imp_cap) {
      size_t cap = a->imp_cap ? 2 * a->imp_cap : 8;
      ethc_address_t *p = cap <= 65536 ? realloc(a->imp, cap * sizeof *p) : NULL;
      if (p) a->imp = p, a->imp_cap = cap;
    }
    if (a->imp_n < a->imp_cap) a->imp[a->imp_n++] = addr;
    else rc = -1;
  }
  pthread_mutex_unlock(&a->lock);
  if (rc) return rpc_fail(c, RPC_LIMIT_EXCEEDED, "too many impersonated accounts");
  jw_null(c->w); /* anvil answers null; hardhat true, which clients ignore */
  return 0;
}

static int stop_impersonating(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t addr;
  rpc_accounts_t *a = need_accounts(c);
  if (!a || rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &addr)) return -1;
  pthread_mutex_lock(&a->lock);
  long i = imp_find(a, &addr);
  if (i >= 0) a->imp[i] = a->imp[--a->imp_n];
  pthread_mutex_unlock(&a->lock);
  jw_null(c->w);
  return 0;
}

static int auto_impersonate(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  bool on;
  rpc_accounts_t *a = need_accounts(c);
  if (!a || rpc_need(c, params, 0, &v) || rpc_parse_bool(c, 0, v, &on)) return -1;
  pthread_mutex_lock(&a->lock);
  a->auto_imp = on;
  pthread_mutex_unlock(&a->lock);
  jw_null(c->w);
  return 0;
}

int rpc_accounts_forced_add(rpc_call_t *c, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash) {
  rpc_accounts_t *a = c->srv->accounts;
  if (!a || !a->forced_add)
    return rpc_fail(c, RPC_SERVER_ERROR,
                    "impersonated transactions are not supported by this node's pool yet (send from an account of "
                    "eth_accounts, or a signed eth_sendRawTransaction)");
  char err[160] = "";
  if (a->forced_add(a->forced_ctx, tx, from, hash, err, sizeof err) && strcmp(err, "already known"))
    return rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  return 0;
}

const rpc_method_t rpc_methods_accounts[] = {
    {"eth_accounts", RPC_NS_ETH, eth_accounts, 0},
    {"eth_sign", RPC_NS_ETH, eth_sign, 2},
    {"personal_sign", RPC_NS_PERSONAL, personal_sign, 3},
    {"eth_signTypedData_v4", RPC_NS_ETH, eth_signTypedData_v4, 2},
    {"eth_signTransaction", RPC_NS_ETH, rpc_eth_signTransaction, 1},
    {"eth_sendTransaction", RPC_NS_ETH, rpc_eth_sendTransaction, 1},
    {"eth_fillTransaction", RPC_NS_ETH, rpc_eth_fillTransaction, 1},
    {"anvil_impersonateAccount", RPC_NS_ANVIL, impersonate, 1},
    {"hardhat_impersonateAccount", RPC_NS_HARDHAT, impersonate, 1},
    {"anvil_stopImpersonatingAccount", RPC_NS_ANVIL, stop_impersonating, 1},
    {"hardhat_stopImpersonatingAccount", RPC_NS_HARDHAT, stop_impersonating, 1},
    {"anvil_autoImpersonateAccount", RPC_NS_ANVIL, auto_impersonate, 1},
    {0},
};
