/* Shared by the verifiers (verify_state.c, verify_receipts.c, verify_txs.c):
 * failure messages and strict readers of the JSON-RPC fields (Ethereum JSON-RPC
 * "quantity" and "data" encodings). Internal to the chain layer. */
#ifndef ETHC_CHAIN_VERIFY_INTERNAL_H
#define ETHC_CHAIN_VERIFY_INTERNAL_H

#include <cjson/cJSON.h>

#include "ethc/verify.h"

/* Writes the message to err (if not NULL) and returns code. */
int verify_fail(verify_err_t *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The string member `name` of obj, or NULL when absent or not a string. */
const char *vj_str(const cJSON *obj, const char *name);
/* A quantity ("0x" and 1..64 hex digits) into *out: 0 or ETHC_ERR_JSON. */
int vj_quantity(const char *s, u256_t *out);
/* A quantity that fits 64 bits: 0 or ETHC_ERR_JSON. */
int vj_u64(const char *s, uint64_t *out);
/* Data of exactly n bytes ("0x" and 2n hex digits): 0 or ETHC_ERR_JSON. */
int vj_fixed(const char *s, uint8_t *out, size_t n);
/* Data of any length, malloc'ed into *out (caller frees; NULL for empty): 0,
 * ETHC_ERR_JSON or ETHC_ERR_NOMEM. */
int vj_bytes(const char *s, uint8_t **out, size_t *len);

/* A list of byte strings decoded from a JSON array of data strings. */
typedef struct {
  bytes_view_t *items;
  size_t count;
} vj_list_t;
/* Decodes every string of arr (a JSON array of data) into l (free with
 * vj_list_free): 0, ETHC_ERR_JSON or ETHC_ERR_NOMEM. */
int vj_bytes_list(const cJSON *arr, vj_list_t *l);
void vj_list_free(vj_list_t *l);

#endif
