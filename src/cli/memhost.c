/* In-memory EVM host for `ethc run`, `ethc bench evm`, the VMTests runner and unit
 * tests: a journaled account/storage map implementing evm_host_t, with EIP-2929
 * access sets, EIP-1153 transient storage, EIP-2200 original values, and the CREATE
 * rules the interpreter leaves to the host (EIP-170, EIP-3541, code deposit cost). */
#include "cli/memhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "ethc/precompiles.h"
#include "ethc/rlp.h"

typedef struct {
  u256_t key, value, original;
  bool used, warm;
} mh_slot_t;

typedef struct {
  mh_slot_t *slots;
  size_t cap, used;
} mh_map_t;

typedef struct {
  ethc_address_t addr;
  bool exists, warm, destructed, created;
  u256_t balance;
  uint64_t nonce;
  uint8_t *code;
  size_t code_size;
  ethc_hash_t code_hash;
  mh_map_t storage, transient;
} mh_account_t;

enum {
  J_BALANCE,
  J_NONCE,
  J_STORAGE,
  J_TRANSIENT,
  J_CODE,
  J_EXISTS,
  J_WARM_ACCOUNT,
  J_WARM_SLOT,
  J_LOG,
  J_DESTRUCT,
  J_CREATED
};

typedef struct {
  int kind;
  mh_account_t *acct;
  u256_t key, old;
  uint64_t old_u64;
  uint8_t *old_code;
  size_t old_code_size;
  ethc_hash_t old_hash;
} mh_journal_t;

struct memhost {
  evm_t *vm;
  evm_revision_t rev;
  bool vmtest;
  evm_tx_context_t tx;
  mh_account_t **accts, *last;
  size_t naccts, cap_accts;
  mh_journal_t *journal;
  size_t njournal, cap_journal;
  memhost_log_t *logs;
  size_t nlogs, cap_logs;
};

/* ---------------------------------------------------------------- maps */

static size_t key_hash(const u256_t *k) {
  uint64_t x = k->w[0] ^ (k->w[1] * 0x9e3779b97f4a7c15ULL) ^ (k->w[2] * 0xc2b2ae3d27d4eb4fULL) ^
               (k->w[3] * 0x165667b19e3779f9ULL);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 29;
  return (size_t)x;
}

static mh_slot_t *map_find(mh_map_t *m, const u256_t *key) {
  if (!m->cap) return NULL;
  for (size_t i = key_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    mh_slot_t *s = &m->slots[i];
    if (!s->used) return NULL;
    if (u256_eq(&s->key, key)) return s;
  }
}

static mh_slot_t *map_get(mh_map_t *m, const u256_t *key) {
  mh_slot_t *s = map_find(m, key);
  if (s) return s;
  if ((m->used + 1) * 2 > m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 16;
    mh_slot_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) return NULL;
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->slots[i].used) continue;
      size_t j = key_hash(&m->slots[i].key) & (ncap - 1);
      while (ns[j].used) j = (j + 1) & (ncap - 1);
      ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
  }
  size_t i = key_hash(key) & (m->cap - 1);
  while (m->slots[i].used) i = (i + 1) & (m->cap - 1);
  s = &m->slots[i];
  memset(s, 0, sizeof *s);
  s->used = true;
  s->key = *key;
  m->used++;
  return s;
}

/* ------------------------------------------------------------ accounts */

static mh_account_t *find_acct(memhost_t *h, const ethc_address_t *a) {
  if (h->last && ethc_address_eq(&h->last->addr, a)) return h->last; /* storage loops hit one account */
  for (size_t i = 0; i < h->naccts; i++)
    if (ethc_address_eq(&h->accts[i]->addr, a)) return h->last = h->accts[i];
  return NULL;
}

/* The account record for a, created (non-existent) when absent. */
static mh_account_t *get_acct(memhost_t *h, const ethc_address_t *a) {
  mh_account_t *x = find_acct(h, a);
  if (x) return x;
  if (h->naccts == h->cap_accts) {
    size_t nc = h->cap_accts ? h->cap_accts * 2 : 16;
    mh_account_t **n = realloc(h->accts, nc * sizeof *n);
    if (!n) return NULL;
    h->accts = n;
    h->cap_accts = nc;
  }
  x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->addr = *a;
  h->accts[h->naccts++] = x;
  return x;
}

static bool is_empty(const mh_account_t *a) { return a->nonce == 0 && u256_is_zero(&a->balance) && a->code_size == 0; }

static mh_journal_t *jpush(memhost_t *h, int kind, mh_account_t *a) {
  if (h->njournal == h->cap_journal) {
    size_t nc = h->cap_journal ? h->cap_journal * 2 : 256;
    mh_journal_t *n = realloc(h->journal, nc * sizeof *n);
    if (!n) {
      fprintf(stderr, "memhost: out of memory\n");
      abort();
    }
    h->journal = n;
    h->cap_journal = nc;
  }
  mh_journal_t *j = &h->journal[h->njournal++];
  memset(j, 0, sizeof *j);
  j->kind = kind;
  j->acct = a;
  return j;
}

static void set_balance(memhost_t *h, mh_account_t *a, const u256_t *v) {
  jpush(h, J_BALANCE, a)->old = a->balance;
  a->balance = *v;
}

static void touch_exists(memhost_t *h, mh_account_t *a) {
  if (!a->exists) {
    jpush(h, J_EXISTS, a);
    a->exists = true;
  }
}

size_t memhost_snapshot(memhost_t *h) { return h->njournal; }

void memhost_revert(memhost_t *h, size_t snap) {
  while (h->njournal > snap) {
    mh_journal_t *j = &h->journal[--h->njournal];
    mh_account_t *a = j->acct;
    switch (j->kind) {
      case J_BALANCE: a->balance = j->old; break;
      case J_NONCE: a->nonce = j->old_u64; break;
      case J_STORAGE: map_find(&a->storage, &j->key)->value = j->old; break;
      case J_TRANSIENT: map_find(&a->transient, &j->key)->value = j->old; break;
      case J_CODE:
        free(a->code);
        a->code = j->old_code;
        a->code_size = j->old_code_size;
        a->code_hash = j->old_hash;
        break;
      case J_EXISTS: a->exists = false; break;
      case J_WARM_ACCOUNT: a->warm = false; break;
      case J_WARM_SLOT: map_find(&a->storage, &j->key)->warm = false; break;
      case J_LOG:
        h->nlogs--;
        free(h->logs[h->nlogs].data);
        break;
      case J_DESTRUCT: a->destructed = false; break;
      case J_CREATED: a->created = false; break;
    }
  }
}

/* ---------------------------------------------------------- host functions */

static bool h_account_exists(void *ctx, const ethc_address_t *addr) {
  memhost_t *h = ctx;
  mh_account_t *a = find_acct(h, addr);
  if (!a || !a->exists) return false;
  return h->rev >= EVM_SPURIOUS_DRAGON ? !is_empty(a) : true;
}

static void h_get_storage(void *ctx, const ethc_address_t *addr, const u256_t *key, u256_t *value) {
  memhost_t *h = ctx;
  mh_account_t *a = find_acct(h, addr);
  mh_slot_t *s = a ? map_find(&a->storage, key) : NULL;
  *value = s ? s->value : U256_ZERO;
}

static evm_storage_status_t h_set_storage(void *ctx, const ethc_address_t *addr, const u256_t *key, const u256_t *v) {
  memhost_t *h = ctx;
  mh_account_t *a = get_acct(h, addr);
  mh_slot_t *s = map_get(&a->storage, key);
  const u256_t o = s->original, c = s->value;
  evm_storage_status_t st;
  if (u256_eq(&c, v)) {
    st = EVM_STORAGE_ASSIGNED;
  } else if (u256_eq(&o, &c)) {
    st = u256_is_zero(&o) ? EVM_STORAGE_ADDED : u256_is_zero(v) ? EVM_STORAGE_DELETED : EVM_STORAGE_MODIFIED;
  } else if (!u256_is_zero(&o)) {
    if (u256_is_zero(&c)) st = u256_eq(v, &o) ? EVM_STORAGE_DELETED_RESTORED : EVM_STORAGE_DELETED_ADDED;
    else if (u256_is_zero(v)) st = EVM_STORAGE_MODIFIED_DELETED;
    else if (u256_eq(v, &o)) st = EVM_STORAGE_MODIFIED_RESTORED;
    else st = EVM_STORAGE_ASSIGNED;
  } else {
    st = u256_is_zero(v) ? EVM_STORAGE_ADDED_DELETED : EVM_STORAGE_ASSIGNED;
  }
  if (!u256_eq(&c, v)) {
    mh_journal_t *j = jpush(h, J_STORAGE, a);
    j->key = *key;
    j->old = c;
    s->value = *v;
  }
  return st;
}

static void h_get_balance(void *ctx, const ethc_address_t *addr, u256_t *bal) {
  mh_account_t *a = find_acct(ctx, addr);
  *bal = a ? a->balance : U256_ZERO;
}

static size_t h_get_code_size(void *ctx, const ethc_address_t *addr) {
  mh_account_t *a = find_acct(ctx, addr);
  return a ? a->code_size : 0;
}

static void h_get_code_hash(void *ctx, const ethc_address_t *addr, ethc_hash_t *hash) {
  memhost_t *h = ctx;
  mh_account_t *a = find_acct(h, addr);
  memset(hash, 0, sizeof *hash);
  if (!a || !a->exists || (h->rev >= EVM_SPURIOUS_DRAGON && is_empty(a))) return;
  *hash = a->code_hash;
}

static size_t h_copy_code(void *ctx, const ethc_address_t *addr, size_t offset, uint8_t *buf, size_t size) {
  mh_account_t *a = find_acct(ctx, addr);
  if (!a || offset >= a->code_size) return 0;
  size_t n = a->code_size - offset < size ? a->code_size - offset : size;
  if (n) memcpy(buf, a->code + offset, n);
  return n;
}

static const uint8_t *h_get_code(void *ctx, const ethc_address_t *addr, size_t *size, ethc_hash_t *hash) {
  mh_account_t *a = find_acct(ctx, addr);
  if (!a || !a->code_size) return NULL;
  *size = a->code_size;
  *hash = a->code_hash;
  return a->code;
}

static void transfer(memhost_t *h, mh_account_t *from, mh_account_t *to, const u256_t *v) {
  if (u256_is_zero(v) || from == to) return;
  u256_t nb;
  u256_sub(&nb, &from->balance, v);
  set_balance(h, from, &nb);
  u256_add(&nb, &to->balance, v);
  set_balance(h, to, &nb);
}

static bool h_selfdestruct(void *ctx, const ethc_address_t *addr, const ethc_address_t *ben) {
  memhost_t *h = ctx;
  mh_account_t *a = get_acct(h, addr), *b = get_acct(h, ben);
  touch_exists(h, b);
  u256_t bal = a->balance;
  if (a != b) transfer(h, a, b, &bal);
  /* EIP-6780: from Cancun only accounts created in this transaction are destroyed */
  bool destroy = h->rev < EVM_CANCUN || a->created;
  if (destroy && a == b) set_balance(h, a, &U256_ZERO);
  if (a->destructed) return false;
  if (destroy) {
    jpush(h, J_DESTRUCT, a);
    a->destructed = true;
  }
  return true;
}

static void h_get_tx_context(void *ctx, evm_tx_context_t *tx) { *tx = ((memhost_t *)ctx)->tx; }

static void h_get_block_hash(void *ctx, int64_t number, ethc_hash_t *hash) {
  /* The VMTests convention: keccak256 of the decimal block number. */
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)number);
  keccak256((const uint8_t *)buf, (size_t)n, hash->bytes);
}

static void h_emit_log(void *ctx, const ethc_address_t *addr, const uint8_t *data, size_t data_size,
                       const ethc_hash_t topics[], size_t topics_count) {
  memhost_t *h = ctx;
  if (h->nlogs == h->cap_logs) {
    size_t nc = h->cap_logs ? h->cap_logs * 2 : 16;
    memhost_log_t *n = realloc(h->logs, nc * sizeof *n);
    if (!n) return;
    h->logs = n;
    h->cap_logs = nc;
  }
  memhost_log_t *l = &h->logs[h->nlogs++];
  memset(l, 0, sizeof *l);
  l->address = *addr;
  l->topics_count = topics_count > 4 ? 4 : topics_count;
  for (size_t i = 0; i < l->topics_count; i++) l->topics[i] = topics[i];
  l->data = malloc(data_size ? data_size : 1);
  if (data_size) memcpy(l->data, data, data_size);
  l->data_size = data_size;
  jpush(h, J_LOG, NULL);
}

static bool is_precompile(memhost_t *h, const ethc_address_t *addr) {
  static const uint8_t zero[18];
  return memcmp(addr->bytes, zero, 18) == 0 && evm_precompile_get(addr, h->rev) != NULL;
}

static evm_access_status_t h_access_account(void *ctx, const ethc_address_t *addr) {
  memhost_t *h = ctx;
  if (is_precompile(h, addr)) return EVM_ACCESS_WARM; /* EIP-2929: always warm */
  mh_account_t *a = get_acct(h, addr);
  if (a->warm) return EVM_ACCESS_WARM;
  jpush(h, J_WARM_ACCOUNT, a);
  a->warm = true;
  return EVM_ACCESS_COLD;
}

static evm_access_status_t h_access_storage(void *ctx, const ethc_address_t *addr, const u256_t *key) {
  memhost_t *h = ctx;
  mh_account_t *a = get_acct(h, addr);
  mh_slot_t *s = map_get(&a->storage, key);
  if (s->warm) return EVM_ACCESS_WARM;
  jpush(h, J_WARM_SLOT, a)->key = *key;
  s->warm = true;
  return EVM_ACCESS_COLD;
}

static void h_get_transient(void *ctx, const ethc_address_t *addr, const u256_t *key, u256_t *value) {
  mh_account_t *a = find_acct(ctx, addr);
  mh_slot_t *s = a ? map_find(&a->transient, key) : NULL;
  *value = s ? s->value : U256_ZERO;
}

static void h_set_transient(void *ctx, const ethc_address_t *addr, const u256_t *key, const u256_t *value) {
  memhost_t *h = ctx;
  mh_account_t *a = get_acct(h, addr);
  mh_slot_t *s = map_get(&a->transient, key);
  mh_journal_t *j = jpush(h, J_TRANSIENT, a);
  j->key = *key;
  j->old = s->value;
  s->value = *value;
}

static void set_code(memhost_t *h, mh_account_t *a, const uint8_t *code, size_t size) {
  mh_journal_t *j = jpush(h, J_CODE, a);
  j->old_code = a->code;
  j->old_code_size = a->code_size;
  j->old_hash = a->code_hash;
  a->code = malloc(size ? size : 1);
  if (size) memcpy(a->code, code, size);
  a->code_size = size;
  keccak256(code ? code : (const uint8_t *)"", size, a->code_hash.bytes);
}

static evm_result_t h_call(void *ctx, const evm_message_t *msg);

static const evm_host_t iface = {
    .account_exists = h_account_exists,
    .get_storage = h_get_storage,
    .set_storage = h_set_storage,
    .get_balance = h_get_balance,
    .get_code_size = h_get_code_size,
    .get_code_hash = h_get_code_hash,
    .copy_code = h_copy_code,
    .get_code = h_get_code,
    .selfdestruct = h_selfdestruct,
    .call = h_call,
    .get_tx_context = h_get_tx_context,
    .get_block_hash = h_get_block_hash,
    .emit_log = h_emit_log,
    .access_account = h_access_account,
    .access_storage = h_access_storage,
    .get_transient_storage = h_get_transient,
    .set_transient_storage = h_set_transient,
};

const evm_host_t *memhost_interface(void) { return &iface; }

static evm_result_t result_of(evm_status_t s, int64_t gas_left) {
  evm_result_t r;
  memset(&r, 0, sizeof r);
  r.status = s;
  r.gas_left = gas_left;
  return r;
}

static void create_address(memhost_t *h, const evm_message_t *msg, uint64_t nonce, ethc_address_t *out) {
  uint8_t hash[32];
  if (msg->kind == EVM_CREATE2) {
    uint8_t buf[85], ch[32];
    buf[0] = 0xff;
    memcpy(buf + 1, msg->sender.bytes, 20);
    memcpy(buf + 21, msg->salt.bytes, 32);
    keccak256(msg->input ? msg->input : (const uint8_t *)"", msg->input_size, ch);
    memcpy(buf + 53, ch, 32);
    keccak256(buf, sizeof buf, hash);
  } else {
    bytes_buf_t b = {0};
    size_t l = rlp_list_begin(&b);
    rlp_put_bytes(&b, msg->sender.bytes, 20);
    rlp_put_u64(&b, nonce);
    rlp_list_end(&b, l);
    keccak256(b.data, b.len, hash);
    bytes_buf_free(&b);
  }
  memcpy(out->bytes, hash + 12, 20);
}

static evm_result_t do_create(memhost_t *h, const evm_message_t *msg) {
  mh_account_t *sender = get_acct(h, &msg->sender);
  if (sender->nonce == UINT64_MAX) return result_of(EVM_FAILURE, msg->gas);
  ethc_address_t addr;
  create_address(h, msg, sender->nonce, &addr);
  jpush(h, J_NONCE, sender)->old_u64 = sender->nonce;
  sender->nonce++;
  if (h->rev >= EVM_BERLIN) h_access_account(h, &addr);
  size_t snap = h->njournal;
  mh_account_t *a = get_acct(h, &addr);
  if (a->code_size || a->nonce) return result_of(EVM_FAILURE, 0); /* collision */
  touch_exists(h, a);
  jpush(h, J_CREATED, a);
  a->created = true;
  if (h->rev >= EVM_SPURIOUS_DRAGON) {
    jpush(h, J_NONCE, a)->old_u64 = a->nonce;
    a->nonce = 1;
  }
  transfer(h, sender, a, &msg->value);
  evm_message_t m = *msg;
  m.recipient = addr;
  m.code_address = addr;
  m.input = NULL; /* init code runs with empty call data */
  m.input_size = 0;
  evm_result_t r = evm_execute(h->vm, &iface, h, h->rev, &m, msg->input, msg->input_size);
  if (r.status == EVM_SUCCESS) {
    size_t n = r.output_size;
    int64_t deposit = 200 * (int64_t)n;
    bool bad = (h->rev >= EVM_SPURIOUS_DRAGON && n > 24576) || (h->rev >= EVM_LONDON && n && r.output[0] == 0xef);
    if (bad || (r.gas_left < deposit && h->rev >= EVM_HOMESTEAD)) {
      evm_result_release(&r);
      memhost_revert(h, snap);
      return result_of(bad ? EVM_CONTRACT_VALIDATION_FAILURE : EVM_OUT_OF_GAS, 0);
    }
    if (r.gas_left >= deposit) {
      r.gas_left -= deposit;
      set_code(h, a, r.output, n);
    } /* Frontier: not enough gas for the deposit leaves the code empty */
    evm_result_release(&r);
    r.output = NULL;
    r.output_size = 0;
    r.release = NULL;
    r.create_address = addr;
    return r;
  }
  memhost_revert(h, snap);
  return r;
}

static evm_result_t h_call(void *ctx, const evm_message_t *msg) {
  memhost_t *h = ctx;
  if (h->vmtest) return result_of(EVM_SUCCESS, msg->gas);
  if (msg->kind == EVM_CREATE || msg->kind == EVM_CREATE2) return do_create(h, msg);
  size_t snap = h->njournal;
  mh_account_t *to = get_acct(h, &msg->recipient);
  if (msg->kind == EVM_CALL) {
    mh_account_t *from = get_acct(h, &msg->sender);
    touch_exists(h, to);
    transfer(h, from, to, &msg->value);
  }
  evm_result_t r;
  const evm_precompile_t *p = msg->delegated ? NULL : evm_precompile_get(&msg->code_address, h->rev);
  if (p) {
    r = evm_precompile_call(p, h->rev, msg->input, msg->input_size, msg->gas);
  } else {
    mh_account_t *c = find_acct(h, &msg->code_address);
    r = evm_execute(h->vm, &iface, h, h->rev, msg, c ? c->code : NULL, c ? c->code_size : 0);
  }
  if (r.status != EVM_SUCCESS) memhost_revert(h, snap);
  return r;
}

/* ------------------------------------------------------------ public API */

memhost_t *memhost_new(evm_t *vm, evm_revision_t rev) {
  memhost_t *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->vm = vm;
  h->rev = rev;
  h->tx.gas_limit = 30000000;
  h->tx.number = 1;
  h->tx.timestamp = 1;
  h->tx.chain_id = U256_ONE;
  return h;
}

void memhost_free(memhost_t *h) {
  if (!h) return;
  for (size_t i = 0; i < h->naccts; i++) {
    free(h->accts[i]->code);
    free(h->accts[i]->storage.slots);
    free(h->accts[i]->transient.slots);
    free(h->accts[i]);
  }
  for (size_t i = 0; i < h->njournal; i++)
    if (h->journal[i].kind == J_CODE) free(h->journal[i].old_code);
  for (size_t i = 0; i < h->nlogs; i++) free(h->logs[i].data);
  free(h->accts);
  free(h->journal);
  free(h->logs);
  free(h);
}

void memhost_set_vmtest_mode(memhost_t *h, bool on) { h->vmtest = on; }
void memhost_set_tx_context(memhost_t *h, const evm_tx_context_t *tx) { h->tx = *tx; }

int memhost_set_account(memhost_t *h, const ethc_address_t *addr, const u256_t *balance, uint64_t nonce,
                        const uint8_t *code, size_t code_size) {
  mh_account_t *a = get_acct(h, addr);
  if (!a) return -1;
  a->exists = true;
  a->balance = *balance;
  a->nonce = nonce;
  free(a->code);
  a->code = malloc(code_size ? code_size : 1);
  if (!a->code) return -1;
  if (code_size) memcpy(a->code, code, code_size);
  a->code_size = code_size;
  keccak256(code ? code : (const uint8_t *)"", code_size, a->code_hash.bytes);
  return 0;
}

int memhost_set_storage(memhost_t *h, const ethc_address_t *addr, const u256_t *key, const u256_t *value) {
  mh_account_t *a = get_acct(h, addr);
  mh_slot_t *s = a ? map_get(&a->storage, key) : NULL;
  if (!s) return -1;
  s->value = s->original = *value;
  return 0;
}

bool memhost_get_account(memhost_t *h, const ethc_address_t *addr, u256_t *balance, uint64_t *nonce,
                         const uint8_t **code, size_t *code_size) {
  mh_account_t *a = find_acct(h, addr);
  if (!a || !a->exists || a->destructed) return false;
  if (balance) *balance = a->balance;
  if (nonce) *nonce = a->nonce;
  if (code) *code = a->code;
  if (code_size) *code_size = a->code_size;
  return true;
}

void memhost_each_storage(memhost_t *h, const ethc_address_t *addr,
                          void (*fn)(void *arg, const u256_t *key, const u256_t *value), void *arg) {
  mh_account_t *a = find_acct(h, addr);
  if (!a || a->destructed) return;
  for (size_t i = 0; i < a->storage.cap; i++)
    if (a->storage.slots[i].used && !u256_is_zero(&a->storage.slots[i].value))
      fn(arg, &a->storage.slots[i].key, &a->storage.slots[i].value);
}

size_t memhost_account_count(memhost_t *h) { return h->naccts; }
const ethc_address_t *memhost_account_address(memhost_t *h, size_t i) {
  return i < h->naccts ? &h->accts[i]->addr : NULL;
}

const memhost_log_t *memhost_logs(memhost_t *h, size_t *count) {
  *count = h->nlogs;
  return h->logs;
}

evm_result_t memhost_transact(memhost_t *h, const evm_message_t *msg) {
  size_t snap = h->njournal;
  if (h->rev >= EVM_BERLIN) {
    h_access_account(h, &msg->sender);
    h_access_account(h, &msg->recipient);
  }
  bool vmtest = h->vmtest;
  h->vmtest = false; /* the top-level call always runs */
  evm_result_t r = h_call(h, msg);
  h->vmtest = vmtest;
  if (r.status != EVM_SUCCESS) memhost_revert(h, snap);
  return r;
}
