/* The engine API's payload decoding (src/rpc/engine_payload.c): an
 * ExecutionPayload object becomes a block whose RLP the block decoder reads
 * back with the same header (difficulty 0, no ommers, the roots computed), the
 * EIP-7685 requests commitment (a real Prague block's), and the -32602 and
 * INVALID cases; engine_* is not on a server without the engine lock. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/block.h"
#include "ethc/rpc.h"
#include "rpc/engine.h"

static const char *base_fields =
    "\"parentHash\":\"0x1111111111111111111111111111111111111111111111111111111111111111\","
    "\"feeRecipient\":\"0x2222222222222222222222222222222222222222\","
    "\"stateRoot\":\"0x3333333333333333333333333333333333333333333333333333333333333333\","
    "\"receiptsRoot\":\"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421\","
    "\"prevRandao\":\"0x4444444444444444444444444444444444444444444444444444444444444444\","
    "\"blockNumber\":\"0x2a\",\"gasLimit\":\"0x1c9c380\",\"gasUsed\":\"0x0\",\"timestamp\":\"0x64\","
    "\"baseFeePerGas\":\"0x7\",\"blockHash\":\"0x5555555555555555555555555555555555555555555555555555555555555555\"";

/* A payload object: the base fields, logsBloom zero, then `extra` (JSON members). */
static cJSON *payload(const char *extra_data, const char *more) {
  static char text[4096];
  char bloom[515] = "0x";
  memset(bloom + 2, '0', 512);
  bloom[514] = 0;
  snprintf(text, sizeof text, "{%s,\"logsBloom\":\"%s\",\"extraData\":\"%s\"%s%s}", base_fields, bloom, extra_data,
           more[0] ? "," : "", more);
  return cJSON_Parse(text);
}

static void test_roundtrip(void) {
  rpc_call_t c = {0};
  cJSON *o = payload("0x657468",
                     "\"transactions\":[],\"withdrawals\":[{\"index\":\"0x1\",\"validatorIndex\":\"0x2\","
                     "\"address\":\"0x6666666666666666666666666666666666666666\",\"amount\":\"0x3\"}]");
  engine_payload_t p;
  CHECK(o && engine_payload_parse(&c, o, NULL, NULL, &p) == 0 && !p.invalid[0]);
  chain_block_t b;
  CHECK(block_decode(p.rlp.data, p.rlp.len, &b) == 0);
  const chain_header_t *h = &b.header;
  CHECK(h->number == 42 && h->gas_limit == 30000000 && h->timestamp == 100 && h->extra_len == 3);
  CHECK(u256_is_zero(&h->difficulty) && h->nonce[0] == 0 && h->mix_hash.bytes[0] == 0x44);
  CHECK(h->coinbase.bytes[0] == 0x22 && h->has_base_fee && h->base_fee.w[0] == 7);
  CHECK(ethc_hash_eq(&h->ommers_hash, &HEADER_EMPTY_OMMERS_HASH));
  CHECK(ethc_hash_eq(&h->tx_root, &HEADER_EMPTY_TRIE_ROOT) && b.tx_count == 0);
  ethc_hash_t wr, hh;
  CHECK(b.has_withdrawals && b.withdrawal_count == 1 && b.withdrawals[0].amount_gwei == 3);
  CHECK(block_withdrawals_root(&b, &wr) == 0 && ethc_hash_eq(&wr, &h->withdrawals_root) && h->has_withdrawals_root);
  CHECK(!h->has_blob_gas && !h->has_parent_beacon_root && !h->has_requests_hash);
  CHECK(header_hash(h, &hh) == 0 && ethc_hash_eq(&hh, &p.computed_hash));
  CHECK(p.block_hash.bytes[0] == 0x55 && !ethc_hash_eq(&p.block_hash, &p.computed_hash));
  block_free(&b);
  engine_payload_free(&p);
  cJSON_Delete(o);

  /* V3 fields: blob gas, the beacon root and the requests hash given by the caller */
  o = payload("0x", "\"transactions\":[],\"withdrawals\":[],\"blobGasUsed\":\"0x20000\",\"excessBlobGas\":\"0x0\"");
  ethc_hash_t root = {{9}}, reqs = {{8}};
  CHECK(engine_payload_parse(&c, o, &root, &reqs, &p) == 0);
  CHECK(block_decode(p.rlp.data, p.rlp.len, &b) == 0);
  CHECK(b.header.has_blob_gas && b.header.blob_gas_used == 0x20000 && b.header.parent_beacon_root.bytes[0] == 9);
  CHECK(b.header.has_requests_hash && b.header.requests_hash.bytes[0] == 8);
  CHECK(ethc_hash_eq(&b.header.withdrawals_root, &HEADER_EMPTY_TRIE_ROOT));
  block_free(&b);
  engine_payload_free(&p);
  cJSON_Delete(o);
}

static void test_bad_payloads(void) {
  rpc_call_t c = {0};
  engine_payload_t p;
  /* no transactions member: -32602 naming it */
  cJSON *o = payload("0x", "");
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == -1 && c.err_code == -32602 && strstr(c.err_msg, "transactions"));
  engine_payload_free(&p);
  cJSON_Delete(o);
  /* a malformed quantity names its field */
  c = (rpc_call_t){0};
  o = payload("0x", "\"transactions\":[]");
  cJSON_ReplaceItemInObject(o, "gasUsed", cJSON_CreateString("0x01"));
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == -1 && c.err_code == -32602 && strstr(c.err_msg, "gasUsed"));
  engine_payload_free(&p);
  cJSON_Delete(o);
  /* null is absent */
  c = (rpc_call_t){0};
  o = payload("0x", "\"transactions\":[]");
  cJSON_ReplaceItemInObject(o, "stateRoot", cJSON_CreateNull());
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == -1 && strstr(c.err_msg, "missing field stateRoot"));
  engine_payload_free(&p);
  cJSON_Delete(o);
  /* verdicts, not parameter errors: a transaction that does not decode, extra data over 32 bytes */
  c = (rpc_call_t){0};
  o = payload("0x", "\"transactions\":[\"0x02ff\"]");
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == 0 && strstr(p.invalid, "transaction 0"));
  engine_payload_free(&p);
  cJSON_Delete(o);
  char extra[80] = "0x";
  memset(extra + 2, 'a', 66);
  extra[68] = 0;
  o = payload(extra, "\"transactions\":[]");
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == 0 && strstr(p.invalid, "extraData"));
  engine_payload_free(&p);
  cJSON_Delete(o);
  /* blob gas fields need withdrawals and a beacon root */
  o = payload("0x", "\"transactions\":[],\"blobGasUsed\":\"0x0\",\"excessBlobGas\":\"0x0\"");
  CHECK(engine_payload_parse(&c, o, NULL, NULL, &p) == -1 && c.err_code == -32602);
  engine_payload_free(&p);
  cJSON_Delete(o);
}

static void test_requests(void) {
  rpc_call_t c = {0};
  ethc_hash_t h;
  cJSON *a = cJSON_Parse("[]");
  /* sha256 of nothing */
  CHECK(engine_requests_hash(&c, a, &h) == 0 && h.bytes[0] == 0xe3 && h.bytes[1] == 0xb0 && h.bytes[31] == 0x55);
  cJSON_Delete(a);
  /* block 45 of the rpc-compat chain: one EIP-7002 withdrawal request */
  a = cJSON_Parse(
      "[\"0x017435ed30a8b4aeb0877cef0c6e8cffe834eb865fb917cfdc0d25b72d55cf94db328e1629b7f4fde2c30cdacf873b66"
      "4416f76a0c7f7cc50c9f72a3cb84be88144cde9125800d000000000000\"]");
  CHECK(engine_requests_hash(&c, a, &h) == 0);
  CHECK(h.bytes[0] == 0x57 && h.bytes[1] == 0xca && h.bytes[2] == 0xc3 && h.bytes[31] == 0x43);
  cJSON_Delete(a);
  static const char *bad[] = {"[\"0x01\"]", "[\"0x01aa\",\"0x00bb\"]", "[\"0x01aa\",\"0x01bb\"]", "[\"0x1\"]", "{}",
                              "[1]"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    c = (rpc_call_t){0};
    a = cJSON_Parse(bad[i]);
    CHECK_MSG(engine_requests_hash(&c, a, &h) == -1 && c.err_code == -32602, "%s", bad[i]);
    cJSON_Delete(a);
  }
}

static void test_public_server(void) {
  rpc_config_t cfg = {.apis = "eth,engine"};
  rpc_server_t *s = NULL;
  char err[128];
  CHECK(rpc_server_new(&cfg, &s, err, sizeof err) == 0);
  const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"engine_exchangeCapabilities\",\"params\":[[]]}";
  char *resp = NULL;
  size_t len;
  CHECK(rpc_server_handle(s, req, strlen(req), &resp, &len) == 0);
  CHECK_MSG(resp && strstr(resp, "-32601"), "%s", resp ? resp : "(null)");
  free(resp);
  rpc_server_free(s);
}

int main(void) {
  test_roundtrip();
  test_bad_payloads();
  test_requests();
  test_public_server();
  return check_summary();
}
