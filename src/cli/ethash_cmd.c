/* `ethc ethash verify BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]`:
 * recomputes an Ethash seal with hashimoto-light and says whether it is valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "ethc/ethash.h"

static int usage(void) {
  fprintf(stderr, "usage: ethc ethash verify BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]\n"
                  "  hashes in hex (0x optional), NONCE 8 bytes hex, DIFFICULTY decimal or 0x-hex\n");
  return 2;
}

static int cmd_ethash(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "verify") != 0) {
    fprintf(stderr, "ethc ethash: unknown subcommand '%s'\n", argv[1]);
    return usage();
  }
  if (argc < 6 || argc > 7) {
    fprintf(stderr, "ethc ethash verify: expected 4 or 5 arguments, got %d\n", argc < 2 ? 0 : argc - 2);
    return usage();
  }
  uint64_t number;
  uint8_t header_hash[32], nonce_be[8], mix[32], got_mix[32], final[32];
  if (cli_parse_u64("ethash", "BLOCK_NUMBER", argv[2], false,
                    (uint64_t)ETHASH_EPOCH_LENGTH * (ETHASH_MAX_EPOCH + 1) - 1, &number))
    return 2;
  static const char *const names[] = {"HEADER_HASH", "NONCE", "MIX_HASH"};
  static const size_t sizes[] = {32, 8, 32};
  uint8_t *outs[] = {header_hash, nonce_be, mix};
  for (int k = 0; k < 3; k++) {
    const char *arg = argv[3 + k], *why = cli_hex_problem(arg);
    if (why || hex_decode_fixed(arg, false, outs[k], sizes[k])) {
      fprintf(stderr, "ethc ethash: %s: expected %zu bytes of hex, got '%s'%s%s\n", names[k], sizes[k], arg,
              why ? ": " : "", why ? why : "");
      return 2;
    }
  }
  u256_t difficulty;
  if (argc == 7 && (!u256_from_string(&difficulty, argv[6]) || u256_is_zero(&difficulty))) {
    fprintf(stderr, "ethc ethash: DIFFICULTY: expected a positive number: '%s'\n", argv[6]);
    return 2;
  }
  uint64_t nonce = 0;
  for (int i = 0; i < 8; i++) nonce = nonce << 8 | nonce_be[i];
  const ethash_cache_t *cache = ethash_cache_acquire((int)(number / ETHASH_EPOCH_LENGTH));
  if (!cache) {
    fprintf(stderr, "ethc ethash: cannot build the light cache (out of memory)\n");
    return 1;
  }
  ethash_hash(cache, header_hash, nonce, got_mix, final);
  ethash_cache_release(cache);
  char hex[67];
  printf("final hash %s\n", hex_encode(final, 32, hex));
  printf("mix hash   %s\n", hex_encode(got_mix, 32, hex));
  bool valid = memcmp(got_mix, mix, 32) == 0;
  if (valid && argc == 7) valid = ethash_meets_difficulty(final, &difficulty);
  printf("%s\n", valid ? "valid" : "invalid");
  return valid ? 0 : 1;
}
CLI_COMMAND("", "ethash", cmd_ethash, "verify BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]   check an Ethash seal")
