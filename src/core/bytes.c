/* Growable byte buffers (bytes_buf_t of include/ethc/bytes.h): amortised
 * doubling, overflow-checked sizes, no abort on allocation failure. */
#include "ethc/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"

int ethc_write_stdio(void *file, const uint8_t *data, size_t len) {
  return fwrite(data, 1, len, (FILE *)file) == len ? 0 : -1;
}

int bytes_buf_reserve(bytes_buf_t *b, size_t extra) {
  if (extra <= b->cap - b->len) return ETHC_OK;
  if (extra > SIZE_MAX - b->len) return ETHC_ERR_NOMEM;
  size_t need = b->len + extra;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  uint8_t *p = realloc(b->data, cap);
  if (!p) return ETHC_ERR_NOMEM;
  b->data = p;
  b->cap = cap;
  return ETHC_OK;
}

int bytes_buf_append(bytes_buf_t *b, const uint8_t *data, size_t len) {
  if (len == 0) return ETHC_OK;
  int rc = bytes_buf_reserve(b, len);
  if (rc) return rc;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return ETHC_OK;
}

int bytes_buf_push(bytes_buf_t *b, uint8_t byte) {
  if (b->len == b->cap) {
    int rc = bytes_buf_reserve(b, 1);
    if (rc) return rc;
  }
  b->data[b->len++] = byte;
  return ETHC_OK;
}

void bytes_buf_free(bytes_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

uint8_t *bytes_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  bytes_buf_t b = {0};
  uint8_t chunk[65536];
  size_t got;
  int err = 0;
  while (!err && (got = fread(chunk, 1, sizeof chunk, f)) > 0) err = bytes_buf_append(&b, chunk, got);
  if (!err && ferror(f)) err = 1;
  fclose(f);
  if (!err) err = bytes_buf_push(&b, 0);
  if (err) {
    bytes_buf_free(&b);
    return NULL;
  }
  if (len) *len = b.len - 1;
  return b.data;
}
