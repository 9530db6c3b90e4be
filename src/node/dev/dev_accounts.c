/* The dev accounts handed to the RPC server (dev.h, rpc/accounts.h). */
#include <stdlib.h>
#include <string.h>

#include "node/dev/dev.h"
#include "rpc/accounts.h"

struct rpc_accounts *dev_rpc_accounts(const dev_account_t *accts, size_t n) {
  ethc_address_t *addrs = malloc((n ? n : 1) * sizeof *addrs);
  uint8_t(*keys)[32] = malloc((n ? n : 1) * sizeof *keys);
  rpc_accounts_t *a = NULL;
  if (addrs && keys) {
    for (size_t i = 0; i < n; i++) addrs[i] = accts[i].addr, memcpy(keys[i], accts[i].key, 32);
    a = rpc_accounts_new(addrs, (const uint8_t(*)[32])keys, n);
    memset(keys, 0, n * sizeof *keys);
  }
  free(addrs), free(keys);
  return a;
}
