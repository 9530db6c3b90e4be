/* `ethc ethash verify BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]`:
 * recomputes an Ethash seal with hashimoto-light and says whether it is valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "ethc/ethash.h"

static int cmd_ethash_verify(const cli_command_t *self, int argc, char **argv) {
  const char *args[5];
  int n = 0;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    if (k != CLI_POSITIONAL) return cli_stop(k);
    if (n == 5) return cli_usage_error(self, "expected 4 or 5 arguments, got more");
    args[n++] = a.value;
  }
  if (n < 4) return cli_usage_error(self, "expected 4 or 5 arguments, got %d", n);
  uint64_t number;
  uint8_t header_hash[32], nonce_be[8], mix[32], got_mix[32], final[32];
  if (cli_parse_u64("ethash verify", "BLOCK_NUMBER", args[0], false,
                    (uint64_t)ETHASH_EPOCH_LENGTH * (ETHASH_MAX_EPOCH + 1) - 1, &number))
    return 2;
  static const char *const names[] = {"HEADER_HASH", "NONCE", "MIX_HASH"};
  static const size_t sizes[] = {32, 8, 32};
  uint8_t *outs[] = {header_hash, nonce_be, mix};
  for (int k = 0; k < 3; k++) {
    const char *arg = args[1 + k], *why = cli_hex_problem(arg);
    if (why || hex_decode_fixed(arg, false, outs[k], sizes[k])) {
      fprintf(stderr, "ethc ethash verify: %s: expected %zu bytes of hex, got '%s'%s%s\n", names[k], sizes[k], arg,
              why ? ": " : "", why ? why : "");
      return 2;
    }
  }
  u256_t difficulty;
  if (n == 5 && (!u256_from_string(&difficulty, args[4]) || u256_is_zero(&difficulty))) {
    fprintf(stderr, "ethc ethash verify: DIFFICULTY: expected a positive number: '%s'\n", args[4]);
    return 2;
  }
  uint64_t nonce = 0;
  for (int i = 0; i < 8; i++) nonce = nonce << 8 | nonce_be[i];
  const ethash_cache_t *cache = ethash_cache_acquire((int)(number / ETHASH_EPOCH_LENGTH));
  if (!cache) {
    fprintf(stderr, "ethc ethash verify: cannot build the light cache (out of memory)\n");
    return 1;
  }
  ethash_hash(cache, header_hash, nonce, got_mix, final);
  ethash_cache_release(cache);
  char hex[67];
  printf("final hash %s\n", hex_encode(final, 32, hex));
  printf("mix hash   %s\n", hex_encode(got_mix, 32, hex));
  bool valid = memcmp(got_mix, mix, 32) == 0;
  if (valid && n == 5) valid = ethash_meets_difficulty(final, &difficulty);
  printf("%s\n", valid ? "valid" : "invalid");
  return valid ? 0 : 1;
}
CLI_GROUP(ethash, "Ethash proof-of-work tools")
CLI_COMMAND("ethash", "verify", cmd_ethash_verify, "BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]",
            "recompute an Ethash seal with hashimoto-light and say whether it is valid", NULL,
            "arguments:\n"
            "  BLOCK_NUMBER  the block's number (decimal), which picks the epoch's light cache\n"
            "  HEADER_HASH   the seal hash: keccak256 of the header without mix hash and nonce (32 bytes hex)\n"
            "  NONCE         the header's nonce (8 bytes hex)\n"
            "  MIX_HASH      the header's mix hash (32 bytes hex)\n"
            "  DIFFICULTY    when given, the final hash must also meet it (decimal or 0x-hex)\n"
            "Hex may have a 0x prefix. Exit status: 0 valid, 1 invalid, 2 bad input.\n")
