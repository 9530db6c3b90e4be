/* The devp2p "p2p" capability's messages (ethereum/devp2p rlpx.md "p2p
 * Capability", EIP-8's forward compatibility): Hello and Disconnect codecs, the
 * disconnect reasons, and message-id negotiation of the shared capabilities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/rlpx.h"

const char *rlpx_disc_reason_str(int reason) {
  switch (reason) {
    case RLPX_DISC_REQUESTED: return "disconnect requested";
    case RLPX_DISC_TCP_ERROR: return "network error";
    case RLPX_DISC_BREACH: return "breach of protocol";
    case RLPX_DISC_USELESS_PEER: return "useless peer";
    case RLPX_DISC_TOO_MANY_PEERS: return "too many peers";
    case RLPX_DISC_ALREADY_CONNECTED: return "already connected";
    case RLPX_DISC_INCOMPATIBLE_VERSION: return "incompatible p2p protocol version";
    case RLPX_DISC_NULL_IDENTITY: return "invalid node identity";
    case RLPX_DISC_QUITTING: return "client quitting";
    case RLPX_DISC_UNEXPECTED_IDENTITY: return "unexpected identity";
    case RLPX_DISC_SELF: return "connected to self";
    case RLPX_DISC_PING_TIMEOUT: return "read timeout";
    case RLPX_DISC_SUBPROTOCOL: return "subprotocol error";
    default: return "unknown reason";
  }
}

int rlpx_hello_encode(const rlpx_hello_t *h, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out), cl;
  int rc = rlp_put_u64(out, h->version);
  if (!rc) rc = rlp_put_bytes(out, (const uint8_t *)h->client_id, strlen(h->client_id));
  cl = rlp_list_begin(out);
  for (size_t i = 0; !rc && i < h->n_caps; i++) {
    size_t c = rlp_list_begin(out);
    rc = rlp_put_bytes(out, (const uint8_t *)h->caps[i].name, strlen(h->caps[i].name));
    if (!rc) rc = rlp_put_u64(out, h->caps[i].version);
    if (!rc) rc = rlp_list_end(out, c);
  }
  if (!rc) rc = rlp_list_end(out, cl);
  if (!rc) rc = rlp_put_u64(out, h->listen_port);
  if (!rc) rc = rlp_put_bytes(out, h->id, 64);
  if (!rc) rc = rlp_list_end(out, l);
  return rc;
}

/* The next item of a list: 0, or ETHC_ERR_RLP_COUNT at its end. */
static int next(rlp_iter_t *it, rlp_item_t *item) {
  int rc = rlp_iter_next(it, item);
  return rc < 0 ? -rc : rc == 0 ? ETHC_ERR_RLP_COUNT : ETHC_OK;
}

int rlpx_hello_decode(const uint8_t *data, size_t len, rlpx_hello_t *h) {
  memset(h, 0, sizeof *h);
  rlp_item_t list, it, caps, cap;
  int rc = rlp_decode(data, len, &list);
  if (rc) return rc;
  if (!list.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t li, ci;
  rlp_iter_init(&li, &list);
  bytes_view_t v;
  uint64_t port;
  if ((rc = next(&li, &it)) || (rc = rlp_get_u64(&it, &h->version))) return rc;
  if ((rc = next(&li, &it)) || (rc = rlp_get_bytes(&it, &v))) return rc;
  size_t n = v.len < sizeof h->client_id - 1 ? v.len : sizeof h->client_id - 1;
  memcpy(h->client_id, v.data, n);
  for (size_t i = 0; i < n; i++) /* keep it printable */
    if ((unsigned char)h->client_id[i] < 0x20 || h->client_id[i] == 0x7f) h->client_id[i] = '?';
  if ((rc = next(&li, &caps))) return rc;
  if (!caps.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_init(&ci, &caps);
  while ((rc = rlp_iter_next(&ci, &cap)) == 1) {
    rlp_iter_t pi;
    rlp_item_t name, ver;
    uint64_t version;
    if (!cap.is_list) return ETHC_ERR_RLP_TYPE;
    rlp_iter_init(&pi, &cap);
    if ((rc = next(&pi, &name)) || (rc = rlp_get_bytes(&name, &v))) return rc;
    if ((rc = next(&pi, &ver)) || (rc = rlp_get_u64(&ver, &version))) return rc;
    if (v.len == 0 || v.len > 8 || version > UINT32_MAX || h->n_caps == RLPX_MAX_CAPS) continue;
    memcpy(h->caps[h->n_caps].name, v.data, v.len);
    h->caps[h->n_caps].name[v.len] = 0;
    if (strlen(h->caps[h->n_caps].name) != v.len) continue; /* an embedded NUL */
    h->caps[h->n_caps++].version = (uint32_t)version;
  }
  if (rc < 0) return -rc;
  if ((rc = next(&li, &it)) || (rc = rlp_get_u64(&it, &port))) return rc;
  if (port > 65535) return ETHC_ERR_OVERFLOW;
  h->listen_port = (uint16_t)port;
  if ((rc = next(&li, &it)) || (rc = rlp_get_fixed(&it, h->id, 64))) return rc;
  return ETHC_OK; /* later elements are ignored */
}

int rlpx_disconnect_encode(int reason, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, (uint64_t)reason);
  return rc ? rc : rlp_list_end(out, l);
}

int rlpx_disconnect_decode(const uint8_t *data, size_t len, int *reason) {
  rlp_item_t item, r;
  uint64_t v = 0;
  *reason = 0;
  int rc = rlp_decode(data, len, &item);
  if (rc) return rc;
  if (item.is_list) {
    rlp_iter_t it;
    rlp_iter_init(&it, &item);
    rc = rlp_iter_next(&it, &r);
    if (rc < 0) return -rc;
    if (rc == 0) return ETHC_OK; /* [] */
    item = r;
  }
  if ((rc = rlp_get_u64(&item, &v))) return rc;
  *reason = v > 0xff ? 0xff : (int)v;
  return ETHC_OK;
}

static int cmp_cap(const void *a, const void *b) {
  return strcmp(((const rlpx_shared_cap_t *)a)->name, ((const rlpx_shared_cap_t *)b)->name);
}

size_t rlpx_negotiate(const rlpx_proto_t *local, size_t n_local, const rlpx_hello_t *remote, rlpx_shared_cap_t *out,
                      size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < n_local; i++) {
    if (strlen(local[i].name) > 8) continue;
    bool theirs = false;
    for (size_t j = 0; j < remote->n_caps && !theirs; j++)
      theirs = strcmp(remote->caps[j].name, local[i].name) == 0 && remote->caps[j].version == local[i].version;
    if (!theirs) continue;
    size_t k = 0;
    while (k < n && strcmp(out[k].name, local[i].name) != 0) k++;
    if (k < n && out[k].version >= local[i].version) continue; /* a higher one is shared already */
    if (k == n) {
      if (n == max) continue;
      n++;
    }
    snprintf(out[k].name, sizeof out[k].name, "%s", local[i].name);
    out[k].version = local[i].version;
    out[k].length = local[i].length;
    out[k].proto = i;
  }
  qsort(out, n, sizeof *out, cmp_cap);
  uint32_t off = RLPX_CAP_BASE;
  for (size_t k = 0; k < n; k++) {
    out[k].offset = off;
    off += out[k].length;
  }
  return n;
}
