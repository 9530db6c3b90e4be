/* `ethc ethash verify BLOCK_NUMBER HEADER_HASH NONCE MIX_HASH [DIFFICULTY]`:
 * recomputes an Ethash seal with hashimoto-light and says whether it is valid. */
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
  if (argc < 6 || argc > 7 || strcmp(argv[1], "verify") != 0) return usage();
  char *end;
  unsigned long long number = strtoull(argv[2], &end, 10);
  uint8_t header_hash[32], nonce_be[8], mix[32], got_mix[32], final[32];
  if (*argv[2] == 0 || *end || number / ETHASH_EPOCH_LENGTH > ETHASH_MAX_EPOCH) {
    fprintf(stderr, "ethc ethash: BLOCK_NUMBER: not a block number in range: '%s'\n", argv[2]);
    return 2;
  }
  if (hex_decode_fixed(argv[3], false, header_hash, 32)) {
    fprintf(stderr, "ethc ethash: HEADER_HASH: expected 32 bytes of hex\n");
    return 2;
  }
  if (hex_decode_fixed(argv[4], false, nonce_be, 8)) {
    fprintf(stderr, "ethc ethash: NONCE: expected 8 bytes of hex\n");
    return 2;
  }
  if (hex_decode_fixed(argv[5], false, mix, 32)) {
    fprintf(stderr, "ethc ethash: MIX_HASH: expected 32 bytes of hex\n");
    return 2;
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
