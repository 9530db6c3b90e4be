/* The dispatcher's fast path (request_scan.c): the envelope of one plain
 * JSON-RPC 2.0 request object (jsonrpc.org/specification, RFC 8259), read
 * straight from the body's text without building a cJSON tree. It accepts only
 * the common shape whose meaning is beyond doubt and leaves every other body
 * (batches, notifications, escapes, unknown or repeated keys, errors) to the
 * full parse, so answers are byte for byte those of the full path. */
#ifndef ETHC_RPC_REQUEST_SCAN_H
#define ETHC_RPC_REQUEST_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  size_t id_start, id_len;         /* the id's raw text (a strict number, a string or null) */
  size_t method_start, method_len; /* the method name, between its quotes */
  size_t params_start, params_len; /* the params value's text; len 0: no params or null */
  bool params_empty;               /* params is an array with nothing in it */
} rpc_envelope_t;

/* Whether b[0..n) is one object of exactly the keys "jsonrpc" (the string
 * "2.0"), "id" (a number of at most 32 characters, a string without escapes
 * or null), "method" (a string of printable ASCII without escapes, shorter
 * than 128 bytes) and, optionally, "params" (an array, nested at most 64 deep,
 * or null), each once and in any order, with only JSON white space (as cJSON
 * takes it: any byte up to 0x20) around. The text of an array of params is
 * only delimited: the caller parses it and falls back to the full path if it
 * is not JSON. Does not check UTF-8. Pure: thread-safe. */
bool rpc_scan_request(const char *b, size_t n, rpc_envelope_t *out);

#endif
