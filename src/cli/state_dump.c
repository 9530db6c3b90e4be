/* World states as JSON in go-ethereum's dump style (state_dump.h). */
#include "cli/state_dump.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"

typedef struct {
  ethc_address_t *addrs;
  size_t n, cap;
} addr_list_t;

static int collect_account(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance,
                           const uint8_t *code, size_t code_size) {
  addr_list_t *l = ctx;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 32;
    ethc_address_t *p = realloc(l->addrs, nc * sizeof *p);
    if (!p) return 1;
    l->addrs = p;
    l->cap = nc;
  }
  l->addrs[l->n++] = *a;
  return 0;
}

typedef struct {
  u256_t key, value;
} slot_t;

typedef struct {
  slot_t *slots;
  size_t n, cap;
} slot_list_t;

static int collect_slot(void *ctx, const u256_t *key, const u256_t *value) {
  slot_list_t *l = ctx;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 16;
    slot_t *p = realloc(l->slots, nc * sizeof *p);
    if (!p) return 1;
    l->slots = p;
    l->cap = nc;
  }
  l->slots[l->n].key = *key;
  l->slots[l->n++].value = *value;
  return 0;
}

static int cmp_addr(const void *a, const void *b) { return memcmp(a, b, sizeof(ethc_address_t)); }

static int cmp_slot(const void *a, const void *b) {
  const u256_t *x = &((const slot_t *)a)->key, *y = &((const slot_t *)b)->key;
  return u256_lt(x, y) ? -1 : u256_lt(y, x);
}

static void add_hex(cJSON *o, const char *key, const uint8_t *d, size_t n) {
  char *buf = malloc(2 * n + 3);
  if (!buf) return;
  cJSON_AddStringToObject(o, key, hex_encode(d, n, buf));
  free(buf);
}

static void word_hex(const u256_t *v, char out[67]) {
  uint8_t be[32];
  u256_to_be(v, be);
  hex_encode(be, 32, out);
}

cJSON *cli_state_dump(state_t *st) {
  cJSON *dump = cJSON_CreateObject(), *accounts = cJSON_CreateObject();
  addr_list_t list = {0};
  ethc_hash_t h;
  if (!dump || !accounts || state_root(st, &h) != 0 || state_foreach_account(st, collect_account, &list) != 0) {
    cJSON_Delete(dump);
    cJSON_Delete(accounts);
    free(list.addrs);
    return NULL;
  }
  add_hex(dump, "root", h.bytes, 32);
  qsort(list.addrs, list.n, sizeof *list.addrs, cmp_addr);
  for (size_t i = 0; i < list.n; i++) {
    const ethc_address_t *a = &list.addrs[i];
    cJSON *acct = cJSON_CreateObject();
    char addr[43], dec[79];
    hex_encode(a->bytes, 20, addr);
    cJSON_AddItemToObject(accounts, addr, acct);
    u256_t bal;
    state_get_balance(st, a, &bal);
    u256_to_dec(&bal, dec);
    cJSON_AddStringToObject(acct, "balance", dec);
    cJSON_AddNumberToObject(acct, "nonce", (double)state_get_nonce(st, a));
    if (state_storage_root(st, a, &h)) { /* cached by state_root above: only memory can fail */
      free(list.addrs);
      cJSON_Delete(accounts);
      cJSON_Delete(dump);
      return NULL;
    }
    add_hex(acct, "root", h.bytes, 32);
    size_t code_size;
    const uint8_t *code = state_get_code(st, a, &code_size, &h);
    add_hex(acct, "codeHash", h.bytes, 32);
    if (code_size) add_hex(acct, "code", code, code_size);
    slot_list_t slots = {0};
    state_foreach_slot(st, a, collect_slot, &slots);
    if (slots.n) {
      qsort(slots.slots, slots.n, sizeof *slots.slots, cmp_slot);
      cJSON *storage = cJSON_AddObjectToObject(acct, "storage");
      for (size_t k = 0; k < slots.n; k++) {
        char key[67], value[67];
        word_hex(&slots.slots[k].key, key);
        word_hex(&slots.slots[k].value, value);
        cJSON_AddStringToObject(storage, key, value);
      }
    }
    free(slots.slots);
  }
  free(list.addrs);
  cJSON_AddItemToObject(dump, "accounts", accounts);
  return dump;
}

char *cli_json_print(const cJSON *j) {
  /* cJSON indents with tabs and puts a tab after each colon; raw tabs appear
   * nowhere else (strings escape theirs), so each becomes two spaces, or one after
   * a colon. */
  char *t = cJSON_Print(j);
  if (!t) return NULL;
  size_t tabs = 0;
  for (const char *p = t; *p; p++) tabs += *p == '\t';
  char *out = malloc(strlen(t) + tabs + 1), *o = out;
  if (out) {
    for (const char *p = t; *p; p++) {
      if (*p != '\t') *o++ = *p;
      else if (p > t && p[-1] == ':') *o++ = ' ';
      else *o++ = ' ', *o++ = ' ';
    }
    *o = 0;
  }
  free(t);
  return out;
}
