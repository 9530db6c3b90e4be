/* libFuzzer harness for the EIP-1459 record parser (p2p_dnsdisc.h): any bytes
 * are parsed as a root, a tree entry and a URL, or refused, without a crash or
 * a read past the input; what parses keeps its invariants (a branch's children
 * are valid names inside the input, a root's signed part is a prefix). */
#include <stdlib.h>
#include <string.h>

#include "ethc/p2p_dnsdisc.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static dnsdisc_entry_t e;
  const char *txt = (const char *)data;
  dnsdisc_root_t r;
  if (dnsdisc_parse_root(txt, size, &r) == 0) {
    must(r.signed_len < size && strlen(r.eroot) == DNSDISC_HASH_LEN && strlen(r.lroot) == DNSDISC_HASH_LEN);
    uint8_t key[64] = {0};
    (void)dnsdisc_root_verify(&r, txt, key);
  }
  if (dnsdisc_parse_entry(txt, size, &e) == 0 && e.kind == DNSDISC_BRANCH) {
    must(e.n_children <= DNSDISC_BRANCH_MAX);
    for (size_t i = 0; i < e.n_children; i++)
      must(e.children[i] >= txt && e.children[i] + DNSDISC_HASH_LEN <= txt + size);
  }
  char h[DNSDISC_HASH_LEN + 1];
  dnsdisc_hash(txt, size, h);
  if (size >= DNSDISC_HASH_LEN) must(dnsdisc_hash_matches(h, txt, size));
  if (size < 600) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    dnsdisc_url_t u;
    if (dnsdisc_parse_url(s, &u) == 0) {
      char back[DNSDISC_DOMAIN_MAX + 80];
      must(dnsdisc_format_url(u.pubkey, u.domain, back, sizeof back) > 0);
      dnsdisc_url_t again;
      must(dnsdisc_parse_url(back, &again) == 0 && !memcmp(again.pubkey, u.pubkey, 64) &&
           !strcmp(again.domain, u.domain));
    }
    free(s);
  }
  return 0;
}
