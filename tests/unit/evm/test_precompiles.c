/* Precompiles: address/fork table, names, gas formulas (EIP-198/2565/7883 examples),
 * failure paths (EIP-7823 bounds, bad BLAKE2F input, out of gas), and, when
 * ETHC_SHARED is set, go-ethereum's vector files for the non-pairing precompiles. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "ethc/precompiles.h"
#include "ethc/secp256k1.h"

static ethc_address_t addr_n(unsigned n) {
  ethc_address_t a;
  memset(&a, 0, sizeof a);
  a.bytes[18] = (uint8_t)(n >> 8);
  a.bytes[19] = (uint8_t)n;
  return a;
}

static bool exists(unsigned n, evm_revision_t rev) {
  ethc_address_t a = addr_n(n);
  return evm_precompile_get(&a, rev) != NULL;
}

static void put_word(uint8_t *p, uint64_t v) {
  memset(p, 0, 32);
  for (int i = 0; i < 8; i++) p[31 - i] = (uint8_t)(v >> (8 * i));
}

/* Runs p with plenty of gas; returns the status and copies the output. */
static evm_status_t call(const evm_precompile_t *p, evm_revision_t rev, const uint8_t *in, size_t len, uint8_t *out,
                         size_t *out_len) {
  evm_result_t r = evm_precompile_call(p, rev, in, len, 100000000);
  *out_len = r.output_size;
  if (out && r.output_size) memcpy(out, r.output, r.output_size);
  evm_status_t s = r.status;
  evm_result_release(&r);
  return s;
}

static int run_vector_file(const char *dir, const char *file, const char *name, evm_revision_t rev, bool fail_file,
                           int *total) {
  char path[1024];
  snprintf(path, sizeof path, "%s/precompiles/%s", dir, file);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)sz + 1);
  size_t got = fread(text, 1, (size_t)sz, f);
  text[got] = 0;
  fclose(f);
  cJSON *root = cJSON_Parse(text);
  free(text);
  const evm_precompile_t *p = evm_precompile_by_name(name);
  int bad = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, root) {
    uint8_t *in = NULL, *exp = NULL;
    size_t in_len = 0, exp_len = 0;
    (*total)++;
    const cJSON *ji = cJSON_GetObjectItem(c, "Input");
    if (!cJSON_IsString(ji) || hex_decode_alloc(ji->valuestring, false, &in, &in_len) != 0) {
      bad++;
      continue;
    }
    evm_result_t r;
    if (fail_file) {
      r = evm_precompile_call(p, rev, in, in_len, INT64_MAX);
      if (r.status == EVM_SUCCESS) bad++;
    } else {
      const cJSON *je = cJSON_GetObjectItem(c, "Expected"), *jg = cJSON_GetObjectItem(c, "Gas");
      hex_decode_alloc(je->valuestring, false, &exp, &exp_len);
      int64_t gas = (int64_t)jg->valuedouble;
      r = evm_precompile_call(p, rev, in, in_len, gas);
      if (r.status != EVM_SUCCESS || r.gas_left != 0 || r.output_size != exp_len ||
          (exp_len && memcmp(r.output, exp, exp_len))) {
        bad++;
        fprintf(stderr, "%s: %s failed\n", file, cJSON_GetObjectItem(c, "Name")->valuestring);
      }
    }
    evm_result_release(&r);
    free(in);
    free(exp);
  }
  cJSON_Delete(root);
  return bad;
}

int main(void) {
  /* ---- table ---- */
  CHECK(exists(1, EVM_FRONTIER) && exists(4, EVM_FRONTIER) && !exists(5, EVM_FRONTIER));
  CHECK(!exists(5, EVM_SPURIOUS_DRAGON) && exists(5, EVM_BYZANTIUM) && exists(8, EVM_BYZANTIUM));
  CHECK(!exists(9, EVM_PETERSBURG) && exists(9, EVM_ISTANBUL));
  CHECK(!exists(0x0a, EVM_SHANGHAI) && exists(0x0a, EVM_CANCUN));
  CHECK(!exists(0x0b, EVM_CANCUN) && exists(0x0b, EVM_PRAGUE) && exists(0x11, EVM_PRAGUE));
  CHECK(!exists(0x12, EVM_OSAKA) && !exists(0, EVM_OSAKA));
  CHECK(!exists(0x100, EVM_PRAGUE) && exists(0x100, EVM_OSAKA) && !exists(0x101, EVM_OSAKA));
  ethc_address_t hi = addr_n(1);
  hi.bytes[0] = 1;
  CHECK(evm_precompile_get(&hi, EVM_OSAKA) == NULL);
  CHECK(evm_precompile_by_name("blsG1Mul") == evm_precompile_by_name("blsG1MultiExp"));
  CHECK(evm_precompile_by_name("blsG2Mul") == evm_precompile_by_name("blsG2MultiExp"));
  CHECK(evm_precompile_by_name("nope") == NULL && evm_precompile_by_name(NULL) == NULL);
  const char *names[] = {"ecRecover", "sha256",         "ripemd160",    "identity",      "modexp",
                         "bn256Add",  "bn256ScalarMul", "bn256Pairing", "blake2F",       "pointEvaluation",
                         "blsG1Add",  "blsG1MultiExp",  "blsG2Add",     "blsG2MultiExp", "blsPairing",
                         "blsMapG1",  "blsMapG2",       "p256Verify"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const evm_precompile_t *p = evm_precompile_by_name(names[i]);
    CHECK_MSG(p != NULL, "%s", names[i]);
  }
  ethc_address_t a5 = addr_n(5);
  CHECK(evm_precompile_get(&a5, EVM_OSAKA) == evm_precompile_by_name("modexp"));

  uint8_t out[1100];
  size_t out_len;
  /* ---- identity, sha256, ripemd160 ---- */
  const evm_precompile_t *id = evm_precompile_by_name("identity");
  CHECK(id->gas((const uint8_t *)"", 0, EVM_OSAKA) == 15);
  CHECK(id->gas(out, 33, EVM_OSAKA) == 21);
  CHECK(call(id, EVM_OSAKA, (const uint8_t *)"hello", 5, out, &out_len) == EVM_SUCCESS && out_len == 5 &&
        memcmp(out, "hello", 5) == 0);
  CHECK(call(id, EVM_OSAKA, NULL, 0, out, &out_len) == EVM_SUCCESS && out_len == 0);
  {
    evm_result_t r = evm_precompile_call(id, EVM_OSAKA, (const uint8_t *)"x", 1, 17);
    CHECK(r.status == EVM_OUT_OF_GAS && r.gas_left == 0 && r.output_size == 0);
    evm_result_release(&r);
    r = evm_precompile_call(id, EVM_OSAKA, (const uint8_t *)"x", 1, 20);
    CHECK(r.status == EVM_SUCCESS && r.gas_left == 2);
    evm_result_release(&r);
  }
  const evm_precompile_t *sha = evm_precompile_by_name("sha256"), *rmd = evm_precompile_by_name("ripemd160");
  CHECK(sha->gas(NULL, 64, EVM_FRONTIER) == 84 && rmd->gas(NULL, 1, EVM_FRONTIER) == 720);
  CHECK(call(sha, EVM_FRONTIER, (const uint8_t *)"abc", 3, out, &out_len) == EVM_SUCCESS && out_len == 32 &&
        out[0] == 0xba && out[31] == 0xad);
  CHECK(call(rmd, EVM_FRONTIER, (const uint8_t *)"abc", 3, out, &out_len) == EVM_SUCCESS && out_len == 32 &&
        out[11] == 0 && out[12] == 0x8e && out[31] == 0xfc);

  /* ---- ecrecover ---- */
  const evm_precompile_t *ecr = evm_precompile_by_name("ecRecover");
  {
    uint8_t sk[32] = {0}, in[128] = {0}, r[32], s[32];
    sk[31] = 1;
    keccak256((const uint8_t *)"ethc", 4, in);
    int recid;
    CHECK(ethc_secp256k1_sign(sk, in, r, s, &recid) == 0);
    in[63] = (uint8_t)(27 + recid);
    memcpy(in + 64, r, 32);
    memcpy(in + 96, s, 32);
    CHECK(ecr->gas(in, 128, EVM_FRONTIER) == 3000);
    CHECK(call(ecr, EVM_FRONTIER, in, 128, out, &out_len) == EVM_SUCCESS && out_len == 32);
    uint8_t want[20];
    hex_decode_fixed("7e5f4552091a69125d5dfcb7b8c2659029395bdf", false, want, 20);
    CHECK(memcmp(out + 12, want, 20) == 0 && out[0] == 0 && out[11] == 0);
    /* trailing bytes beyond 128 are ignored */
    uint8_t longer[140];
    memcpy(longer, in, 128);
    memset(longer + 128, 0xff, 12);
    CHECK(call(ecr, EVM_FRONTIER, longer, 140, out, &out_len) == EVM_SUCCESS && out_len == 32);
    in[63] = 29; /* bad v: success, empty output */
    CHECK(call(ecr, EVM_FRONTIER, in, 128, out, &out_len) == EVM_SUCCESS && out_len == 0);
    in[63] = (uint8_t)(27 + recid);
    in[32] = 1; /* v with high bytes set */
    CHECK(call(ecr, EVM_FRONTIER, in, 128, out, &out_len) == EVM_SUCCESS && out_len == 0);
    in[32] = 0;
    memset(in + 96, 0, 32); /* s = 0 */
    CHECK(call(ecr, EVM_FRONTIER, in, 128, out, &out_len) == EVM_SUCCESS && out_len == 0);
    CHECK(call(ecr, EVM_FRONTIER, NULL, 0, out, &out_len) == EVM_SUCCESS && out_len == 0);
  }

  /* ---- modexp ---- */
  const evm_precompile_t *me = evm_precompile_by_name("modexp");
  {
    /* EIP-198's example: 3^(p-1) mod p = 1 for the secp256k1 field prime p, gas 13056;
     * EIP-2565 prices the same call at 1360. */
    uint8_t in[96 + 1 + 32 + 32];
    put_word(in, 1);
    put_word(in + 32, 32);
    put_word(in + 64, 32);
    in[96] = 3;
    uint8_t p[32];
    hex_decode_fixed("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", false, p, 32);
    memcpy(in + 97, p, 32);
    in[97 + 31] -= 1;
    memcpy(in + 129, p, 32);
    CHECK(me->gas(in, sizeof in, EVM_BYZANTIUM) == 13056);
    CHECK(me->gas(in, sizeof in, EVM_BERLIN) == 1360);
    CHECK(call(me, EVM_BYZANTIUM, in, sizeof in, out, &out_len) == EVM_SUCCESS && out_len == 32 && out[31] == 1 &&
          out[0] == 0);
    /* The modulus is read past the end of the input as zeros: modulus 0 -> zero output. */
    CHECK(call(me, EVM_BERLIN, in, 129, out, &out_len) == EVM_SUCCESS && out_len == 32 && out[31] == 0);
  }
  {
    /* 3^5 mod 7 = 5, and 0^0 mod 7 = 1 (Python semantics) */
    uint8_t in[99];
    put_word(in, 1);
    put_word(in + 32, 1);
    put_word(in + 64, 1);
    in[96] = 3;
    in[97] = 5;
    in[98] = 7;
    CHECK(call(me, EVM_OSAKA, in, 99, out, &out_len) == EVM_SUCCESS && out_len == 1 && out[0] == 5);
    in[96] = 0;
    in[97] = 0;
    CHECK(call(me, EVM_OSAKA, in, 99, out, &out_len) == EVM_SUCCESS && out_len == 1 && out[0] == 1);
    CHECK(me->gas(in, 99, EVM_OSAKA) == 500 && me->gas(in, 99, EVM_BERLIN) == 200 &&
          me->gas(in, 99, EVM_BYZANTIUM) == 0);
  }
  {
    /* Huge lengths: astronomically priced, never crash. */
    uint8_t in[96];
    memset(in, 0, sizeof in);
    in[0] = 0x80; /* base_len = 2^255 */
    put_word(in + 64, 1);
    CHECK(me->gas(in, 96, EVM_BYZANTIUM) == INT64_MAX && me->gas(in, 96, EVM_BERLIN) == INT64_MAX &&
          me->gas(in, 96, EVM_OSAKA) == INT64_MAX);
    CHECK(call(me, EVM_BERLIN, in, 96, out, &out_len) == EVM_OUT_OF_GAS);
    /* exp_len huge but base and modulus empty: cheap before Osaka, empty output. */
    memset(in, 0, sizeof in);
    memset(in + 32, 0xff, 32);
    CHECK(me->gas(in, 96, EVM_BYZANTIUM) == 0 && me->gas(in, 96, EVM_BERLIN) == 200);
    CHECK(call(me, EVM_BERLIN, in, 96, out, &out_len) == EVM_SUCCESS && out_len == 0);
    /* EIP-7823: any length above 1024 fails from Osaka, even when otherwise cheap. */
    CHECK(call(me, EVM_OSAKA, in, 96, out, &out_len) != EVM_SUCCESS);
    put_word(in + 32, 1025);
    CHECK(call(me, EVM_OSAKA, in, 96, out, &out_len) != EVM_SUCCESS);
    put_word(in + 32, 1024);
    CHECK(call(me, EVM_OSAKA, in, 96, out, &out_len) == EVM_SUCCESS && out_len == 0);
    put_word(in + 32, 0);
    put_word(in + 64, 1025);
    CHECK(call(me, EVM_OSAKA, in, 96, out, &out_len) != EVM_SUCCESS);
    CHECK(call(me, EVM_PRAGUE, in, 96, out, &out_len) == EVM_SUCCESS && out_len == 1025);
    put_word(in + 64, 0);
    put_word(in, 1025);
    CHECK(call(me, EVM_OSAKA, in, 96, out, &out_len) != EVM_SUCCESS);
    CHECK(call(me, EVM_OSAKA, NULL, 0, out, &out_len) == EVM_SUCCESS && out_len == 0);
  }

  /* ---- blake2f ---- */
  const evm_precompile_t *bf = evm_precompile_by_name("blake2F");
  {
    uint8_t in[214] = {0};
    in[3] = 12;
    CHECK(bf->gas(in, 213, EVM_ISTANBUL) == 12);
    CHECK(call(bf, EVM_ISTANBUL, in, 213, out, &out_len) == EVM_SUCCESS && out_len == 64);
    CHECK(call(bf, EVM_ISTANBUL, in, 212, out, &out_len) != EVM_SUCCESS);
    CHECK(call(bf, EVM_ISTANBUL, in, 214, out, &out_len) != EVM_SUCCESS);
    in[212] = 2;
    CHECK(call(bf, EVM_ISTANBUL, in, 213, out, &out_len) != EVM_SUCCESS);
    in[0] = 0xff;
    in[1] = 0xff;
    in[2] = 0xff;
    in[3] = 0xff;
    in[212] = 1;
    CHECK(bf->gas(in, 213, EVM_ISTANBUL) == 0xffffffffLL);
  }

  /* ---- p256verify ---- */
  const evm_precompile_t *pv = evm_precompile_by_name("p256Verify");
  {
    uint8_t in[161] = {0};
    CHECK(pv->gas(in, 160, EVM_OSAKA) == 6900);
    CHECK(call(pv, EVM_OSAKA, in, 160, out, &out_len) == EVM_SUCCESS && out_len == 0);
    CHECK(call(pv, EVM_OSAKA, in, 161, out, &out_len) == EVM_SUCCESS && out_len == 0);
    CHECK(call(pv, EVM_OSAKA, in, 0, out, &out_len) == EVM_SUCCESS && out_len == 0);
  }

  /* ---- random inputs: never crash, sane output sizes (runs under ASan in CI) ---- */
  {
    uint64_t x = 0x243f6a8885a308d3ULL;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    const char *fuzz_names[] = {"ecRecover", "sha256", "ripemd160", "identity", "modexp", "blake2F", "p256Verify"};
    int bad = 0;
    uint8_t in[400];
    for (int iter = 0; iter < 3000; iter++) {
      const char *nm = fuzz_names[iter % 7];
      const evm_precompile_t *p = evm_precompile_by_name(nm);
      size_t len = NEXT() % sizeof in;
      for (size_t i = 0; i < len; i++) in[i] = (uint8_t)NEXT();
      if (p == me && len >= 96) {
        for (int w = 0; w < 3; w++) { /* mostly small lengths, sometimes huge */
          uint64_t v = NEXT();
          if (v % 8) put_word(in + 32 * w, v % 80);
        }
      }
      if (p == bf && iter % 2) {
        len = 213;
        in[0] = in[1] = 0;
        in[212] &= 1;
      }
      if ((p == ecr || p == pv) && iter % 3 == 0) len = p == ecr ? 128 : 160;
      evm_revision_t rev = (evm_revision_t)(EVM_BYZANTIUM + NEXT() % (EVM_OSAKA - EVM_BYZANTIUM + 1));
      if (p == bf && rev < EVM_ISTANBUL) rev = EVM_ISTANBUL;
      evm_result_t r = evm_precompile_call(p, rev, in, len, 10000000);
      if (r.status == EVM_SUCCESS) {
        size_t n = r.output_size;
        if ((p == ecr || p == pv) && n != 0 && n != 32) bad++;
        if ((p == sha || p == rmd) && n != 32) bad++;
        if (p == id && n != len) bad++;
        if (p == bf && n != 64) bad++;
      } else if (r.status != EVM_OUT_OF_GAS && r.status != EVM_PRECOMPILE_FAILURE) {
        bad++;
      }
      if (r.status != EVM_SUCCESS && (r.gas_left != 0 || r.output_size != 0)) bad++;
      evm_result_release(&r);
    }
#undef NEXT
    CHECK_MSG(bad == 0, "%d random calls misbehaved", bad);
  }

  /* ---- vector files ---- */
  const char *shared = check_shared_dir();
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/precompiles", shared);
  if (check_need(dir, "go-ethereum precompile vectors")) {
    static const struct {
      const char *file, *name;
      evm_revision_t rev;
      bool fail;
    } files[] = {
        {"ecRecover.json", "ecRecover", EVM_OSAKA, false},    {"modexp.json", "modexp", EVM_BYZANTIUM, false},
        {"modexp_eip2565.json", "modexp", EVM_BERLIN, false}, {"modexp_eip7883.json", "modexp", EVM_OSAKA, false},
        {"blake2F.json", "blake2F", EVM_OSAKA, false},        {"fail-blake2f.json", "blake2F", EVM_OSAKA, true},
        {"p256Verify.json", "p256Verify", EVM_OSAKA, false},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
      int total = 0;
      int bad = run_vector_file(shared, files[i].file, files[i].name, files[i].rev, files[i].fail, &total);
      CHECK_MSG(bad == 0 && total > 0, "%s: %d of %d failed", files[i].file, bad, total);
    }
  }
  return check_summary();
}
