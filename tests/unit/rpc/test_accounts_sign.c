/* The dev node's signing primitives (rpc/accounts.h): EIP-712 against the EIP's
 * own "Mail" example (type hash, digest and the signature by keccak256("cow")),
 * its edge cases (arrays, missing EIP712Domain in types, bad input), and EIP-191
 * personal messages recovered to the signer. */
#include <cjson/cJSON.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "ethc/secp256k1.h"
#include "rpc/accounts.h"

static void unhex(const char *h, uint8_t *out, size_t n) {
  if (hex_decode_fixed(h, false, out, n)) {
    fprintf(stderr, "bad test hex %s\n", h);
    exit(1);
  }
}

static const char *mail =
    "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"},"
    "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
    "\"Person\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],"
    "\"Mail\":[{\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},"
    "{\"name\":\"contents\",\"type\":\"string\"}]},\"primaryType\":\"Mail\","
    "\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1,"
    "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
    "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
    "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},\"contents\":\"Hello, "
    "Bob!\"}}";

static void eip712_mail(void) {
  cJSON *doc = cJSON_Parse(mail);
  uint8_t h[32], want[32];
  char err[200] = "";
  CHECK_MSG(eip712_hash(doc, h, err, sizeof err) == 0, "%s", err);
  unhex("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2", want, 32);
  CHECK_MEM(h, want, 32);
  /* signed by keccak256("cow") as the EIP shows: v 28, r, s */
  uint8_t key[32], sig[65], r[32], s[32];
  keccak256((const uint8_t *)"cow", 3, key);
  CHECK(sign_hash65(key, h, sig) == 0);
  unhex("4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d", r, 32);
  unhex("07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562", s, 32);
  CHECK_MEM(sig, r, 32);
  CHECK_MEM(sig + 32, s, 32);
  CHECK(sig[64] == 28);
  /* the same without EIP712Domain in types: derived from the domain's fields */
  cJSON_DeleteItemFromObject(cJSON_GetObjectItem(doc, "types"), "EIP712Domain");
  CHECK(eip712_hash(doc, h, err, sizeof err) == 0);
  CHECK_MEM(h, want, 32);
  /* chainId as a hex string: the same digest */
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "domain"), "chainId", cJSON_CreateString("0x1"));
  CHECK(eip712_hash(doc, h, err, sizeof err) == 0);
  CHECK_MEM(h, want, 32);
  /* another message: another digest */
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "message"), "contents", cJSON_CreateString("Hello, Alice!"));
  CHECK(eip712_hash(doc, h, err, sizeof err) == 0);
  CHECK(memcmp(h, want, 32) != 0);
  /* bad input: an unknown primary type, a bad address, a missing field */
  cJSON_ReplaceItemInObject(doc, "primaryType", cJSON_CreateString("Letter"));
  CHECK(eip712_hash(doc, h, err, sizeof err) != 0 && strstr(err, "Letter"));
  cJSON_ReplaceItemInObject(doc, "primaryType", cJSON_CreateString("Mail"));
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "message"), "to"), "wallet",
                            cJSON_CreateString("0x12"));
  CHECK(eip712_hash(doc, h, err, sizeof err) != 0 && strstr(err, "address"));
  cJSON_DeleteItemFromObject(cJSON_GetObjectItem(doc, "message"), "contents");
  CHECK(eip712_hash(doc, h, err, sizeof err) != 0);
  cJSON_Delete(doc);
  CHECK(eip712_hash(NULL, h, err, sizeof err) != 0);
}

/* Arrays and atomic types: the digest must equal one computed by hand from the rules. */
static void eip712_arrays(void) {
  const char *text =
      "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"}],"
      "\"T\":[{\"name\":\"a\",\"type\":\"uint8[]\"},{\"name\":\"b\",\"type\":\"bytes\"},{\"name\":\"c\",\"type\":"
      "\"int256\"},{\"name\":\"d\",\"type\":\"bool\"},{\"name\":\"e\",\"type\":\"bytes4\"}]},"
      "\"primaryType\":\"T\",\"domain\":{\"name\":\"x\"},"
      "\"message\":{\"a\":[1,\"0x2\"],\"b\":\"0xdeadbeef\",\"c\":\"-1\",\"d\":true,\"e\":\"0x01020304\"}}";
  cJSON *doc = cJSON_Parse(text);
  uint8_t h[32], enc[6 * 32] = {0}, words[64] = {0}, dom[64], th[32], ds[32], ms[32], buf[66];
  char err[200] = "";
  CHECK_MSG(eip712_hash(doc, h, err, sizeof err) == 0, "%s", err);
  const char *tt = "T(uint8[] a,bytes b,int256 c,bool d,bytes4 e)";
  keccak256((const uint8_t *)tt, strlen(tt), enc);
  words[31] = 1, words[63] = 2;
  keccak256(words, 64, enc + 32);
  const uint8_t dead[4] = {0xde, 0xad, 0xbe, 0xef};
  keccak256(dead, 4, enc + 64);
  memset(enc + 96, 0xff, 32);
  enc[159] = 1;
  enc[160] = 1, enc[161] = 2, enc[162] = 3, enc[163] = 4;
  keccak256(enc, sizeof enc, ms);
  keccak256((const uint8_t *)"EIP712Domain(string name)", 25, dom);
  keccak256((const uint8_t *)"x", 1, dom + 32);
  keccak256(dom, 64, ds);
  (void)th;
  buf[0] = 0x19, buf[1] = 0x01;
  memcpy(buf + 2, ds, 32), memcpy(buf + 34, ms, 32);
  uint8_t want[32];
  keccak256(buf, 66, want);
  CHECK_MEM(h, want, 32);
  /* a negative value for an unsigned type is refused */
  cJSON_ReplaceItemInArray(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "message"), "a"), 0, cJSON_CreateString("-1"));
  CHECK(eip712_hash(doc, h, err, sizeof err) != 0);
  cJSON_Delete(doc);
}

static void eip191(void) {
  /* keccak256("\x19Ethereum Signed Message:\n5hello") */
  uint8_t h[32], want[32], key[32], sig[65];
  eip191_hash((const uint8_t *)"hello", 5, h);
  const char *pre =
      "\x19"
      "Ethereum Signed Message:\n5hello";
  keccak256((const uint8_t *)pre, strlen(pre), want);
  CHECK_MEM(h, want, 32);
  unhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", key, 32);
  CHECK(sign_hash65(key, h, sig) == 0);
  CHECK(sig[64] == 27 || sig[64] == 28);
  ethc_address_t a, wa;
  CHECK(ethc_secp256k1_recover_address(h, sig[64] - 27, sig, sig + 32, true, &a) == 0);
  unhex("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", wa.bytes, 20);
  CHECK_MEM(a.bytes, wa.bytes, 20);
}

int main(void) {
  eip712_mail();
  eip712_arrays();
  eip191();
  return check_summary();
}
