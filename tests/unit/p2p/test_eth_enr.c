/* The ENR "eth" entry (devp2p enr-entries/eth.md; EIP-2124 fork ids in
 * src/p2p/enr.c): our [[fork-hash, fork-next]] signs into a record and reads
 * back; a value with more elements after the fork id (geth's rlp:"tail")
 * still gives it; a record without the entry, or a malformed value, does not. */
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/p2p_enr.h"
#include "ethc/rlp.h"

static const uint8_t key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t ip[4] = {127, 0, 0, 1};

static int sign_with(const uint8_t *eth, size_t len, enr_t *e) {
  enr_fields_t f = {.ip = ip, .tcp = 30303, .udp = 30303, .eth = eth, .eth_len = len};
  return enr_sign(key, 7, &f, e);
}

int main(void) {
  /* mainnet's fork id after Prague (EIP-2124 style: hash 0xc376cf8b, next 0) and one with a next fork */
  forkid_t ids[2] = {{0xc376cf8bu, 0}, {0xfe3366e7u, 1735371u}};
  for (int i = 0; i < 2; i++) {
    bytes_buf_t v = {0};
    enr_t e;
    forkid_t back = {0};
    CHECK(enr_eth_entry_encode(&ids[i], &v) == 0);
    CHECK(v.len > 6 && v.data[0] >= 0xc0); /* [[...]] */
    CHECK(sign_with(v.data, v.len, &e) == 0);
    CHECK(e.eth_len == v.len && memcmp(e.raw + e.eth_off, v.data, v.len) == 0);
    CHECK(enr_eth_forkid(&e, &back) == 0 && back.hash == ids[i].hash && back.next == ids[i].next);
    /* the text form round trip keeps it */
    char text[ENR_TEXT_MAX];
    enr_t t;
    CHECK(enr_to_text(&e, text, sizeof text) > 0 && enr_from_text(text, &t) == 0);
    CHECK(enr_eth_forkid(&t, &back) == 0 && back.hash == ids[i].hash);
    bytes_buf_free(&v);
  }
  /* a tail after the fork id is allowed */
  {
    bytes_buf_t v = {0};
    size_t l = rlp_list_begin(&v);
    CHECK(forkid_encode(&ids[1], &v) == 0 && rlp_put_u64(&v, 5) == 0 && rlp_list_end(&v, l) == 0);
    enr_t e;
    forkid_t back;
    CHECK(sign_with(v.data, v.len, &e) == 0 && enr_eth_forkid(&e, &back) == 0 && back.next == ids[1].next);
    bytes_buf_free(&v);
  }
  /* none, and malformed ones */
  {
    enr_t e;
    forkid_t back;
    CHECK(sign_with(NULL, 0, &e) == 0 && enr_eth_forkid(&e, &back) == ETHC_ERR_NOT_FOUND);
    static const uint8_t empty_list[] = {0xc0}, not_list[] = {0x82, 1, 2}, short_hash[] = {0xc4, 0xc3, 0x82, 1, 2};
    CHECK(sign_with(empty_list, sizeof empty_list, &e) == 0 && enr_eth_forkid(&e, &back) != 0);
    CHECK(sign_with(not_list, sizeof not_list, &e) == 0 && enr_eth_forkid(&e, &back) != 0);
    CHECK(sign_with(short_hash, sizeof short_hash, &e) == 0 && enr_eth_forkid(&e, &back) != 0);
  }
  return check_summary();
}
