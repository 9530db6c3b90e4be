/* The node key (geth's DATADIR/nodekey): the secp256k1 secret of the node's p2p
 * identity, stored as 64 hex digits, created with mode 0600 when missing. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/p2p_node.h"
#include "ethc/secp256k1.h"

static int valid_key(const uint8_t key[32]) {
  uint8_t pub[64];
  return ethc_secp256k1_pubkey_create(key, pub);
}

static int create_key(const char *path, uint8_t key[32], char *err, size_t errlen) {
  do {
    if (getrandom(key, 32, 0) != 32) return snprintf(err, errlen, "no randomness for a node key"), ETHC_ERR_IO;
  } while (valid_key(key));
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno)), ETHC_ERR_IO;
  char hex[67];
  hex_encode(key, 32, hex);
  bool ok = write(fd, hex + 2, 64) == 64;
  ok = !close(fd) && ok;
  if (!ok) return snprintf(err, errlen, "cannot write %s", path), ETHC_ERR_IO;
  return 0;
}

int nodekey_load(const char *path, bool create, uint8_t key[32], bool *created, char *err, size_t errlen) {
  if (created) *created = false;
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    if (errno == ENOENT && create) {
      int rc = create_key(path, key, err, errlen);
      if (!rc && created) *created = true;
      return rc;
    }
    return snprintf(err, errlen, "cannot read the node key %s: %s", path, strerror(errno)), ETHC_ERR_IO;
  }
  char *s = text, *e = text + len;
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  *e = 0;
  int rc = hex_decode_fixed(s, false, key, 32) || valid_key(key) ? ETHC_ERR_INVALID : 0;
  memset(text, 0, len);
  free(text);
  if (rc) snprintf(err, errlen, "%s: not a node key (want 64 hex digits of a valid secp256k1 secret)", path);
  return rc;
}
