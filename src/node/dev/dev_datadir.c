/* The dev chain's data directory (dev.h): the genesis file kept next to the
 * chain database so that a restart rebuilds the same genesis block (same time),
 * the check that a restart asks for the same chain, temporary directories for
 * --dev.ephemeral, and the start-up banner. */
#define _XOPEN_SOURCE 700
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "node/dev/dev.h"

static int mkdirs(const char *dir) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return -1;
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) && errno != EEXIST) return -1;
    *p = '/';
  }
  return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

int dev_write_file(const char *file, const char *text, char *err, size_t errlen) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE *f = fopen(tmp, "w");
  size_t n = strlen(text);
  if (!f || fwrite(text, 1, n, f) != n || fputc('\n', f) == EOF || fclose(f) || rename(tmp, file)) {
    snprintf(err, errlen, "cannot write %s: %s", file, strerror(errno));
    if (f) unlink(tmp);
    return ETHC_ERR_IO;
  }
  return ETHC_OK;
}

/* The chain id and time of a stored genesis file: 0, or -1 when unreadable. */
static int read_stored(const char *path, char chain_id[80], uint64_t *timestamp) {
  size_t len;
  uint8_t *text = bytes_read_file(path, &len);
  if (!text) return -1;
  cJSON *doc = cJSON_ParseWithLength((const char *)text, len);
  free(text);
  const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(doc, "config");
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(cfg, "chainId");
  const cJSON *ts = cJSON_GetObjectItemCaseSensitive(doc, "timestamp");
  u256_t t, cid;
  int rc = -1;
  bool id_ok = cJSON_IsNumber(id) ? (cid = u256_from_u64((uint64_t)id->valuedouble), true)
                                  : cJSON_IsString(id) && u256_from_string(&cid, id->valuestring);
  if (id_ok && cJSON_IsString(ts) && u256_from_string(&t, ts->valuestring) && u256_fits_u64(&t)) {
    u256_to_dec(&cid, chain_id);
    *timestamp = t.w[0];
    rc = 0;
  }
  cJSON_Delete(doc);
  return rc;
}

/* Whether dir holds anything (a first start must not claim another chain's directory). */
static bool dir_has_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return false;
  struct dirent *e;
  bool any = false;
  while (!any && (e = readdir(d))) any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return any;
}

int dev_datadir_prepare(const char *dir, dev_genesis_opts_t *o, const dev_account_t *accts, char *path, size_t pathlen,
                        char *err, size_t errlen) {
  if (mkdirs(dir)) {
    snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    return ETHC_ERR_IO;
  }
  if (snprintf(path, pathlen, "%s/%s", dir, DEV_GENESIS_FILE) >= (int)pathlen) {
    snprintf(err, errlen, "%s: path too long", dir);
    return ETHC_ERR_IO;
  }
  char stored_id[80], want_id[79];
  uint64_t ts;
  bool have = access(path, F_OK) == 0;
  if (!have && dir_has_entries(dir)) {
    snprintf(err, errlen, "%s is not empty and holds no dev chain (no %s): use another --datadir", dir,
             DEV_GENESIS_FILE);
    return ETHC_ERR_INVALID;
  }
  if (have) {
    if (read_stored(path, stored_id, &ts)) {
      snprintf(err, errlen, "%s is damaged: remove %s, or use another --datadir", path, dir);
      return ETHC_ERR_INVALID;
    }
    u256_to_dec(&o->chain_id, want_id);
    if (strcmp(stored_id, want_id)) {
      snprintf(err, errlen,
               "the dev chain in %s has chain id %s, not %s: start it with --chain-id %s, or use another "
               "--datadir (or --dev.ephemeral, or remove %s)",
               dir, stored_id, want_id, stored_id, dir);
      return ETHC_ERR_INVALID;
    }
    o->timestamp = ts;
  }
  char *text = dev_genesis_json(o, accts);
  if (!text) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  int rc = ETHC_OK;
  if (have) {
    size_t len;
    uint8_t *old = bytes_read_file(path, &len);
    bool same = old && len >= strlen(text) && !memcmp(old, text, strlen(text));
    free(old);
    if (!same) {
      snprintf(err, errlen,
               "the dev chain in %s was made with other --dev.mnemonic, --dev.accounts, --dev.balance or "
               "--gas-limit values: start it with the same ones, or use another --datadir (or "
               "--dev.ephemeral, or remove %s)",
               dir, dir);
      rc = ETHC_ERR_INVALID;
    }
  } else {
    rc = dev_write_file(path, text, err, errlen);
  }
  free(text);
  return rc;
}

int dev_tempdir(char *path, size_t pathlen, char *err, size_t errlen) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  if (snprintf(path, pathlen, "%s/ethc-dev-XXXXXX", tmp) >= (int)pathlen || !mkdtemp(path)) {
    snprintf(err, errlen, "cannot create a temporary directory in %s: %s", tmp, strerror(errno));
    return ETHC_ERR_IO;
  }
  return ETHC_OK;
}

static int remove_one(const char *p, const struct stat *st, int type, struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(p) && errno != ENOENT ? -1 : 0;
}

int dev_remove_tree(const char *path) {
  return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) ? ETHC_ERR_IO : ETHC_OK;
}

const char *dev_default_datadir(void) {
  static char buf[4096];
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  if (xdg && xdg[0] == '/') snprintf(buf, sizeof buf, "%s/ethc/dev", xdg);
  else snprintf(buf, sizeof buf, "%s/.local/share/ethc/dev", home && *home ? home : ".");
  return buf;
}

void dev_print_banner(FILE *f, const dev_genesis_opts_t *o, const dev_account_t *accts, const char *datadir,
                      bool ephemeral) {
  char bal[79], id[79];
  /* the balance in ETH when whole, else in wei */
  u256_t eth = u256_from_u64(1000000000000000000ULL), q, r;
  u256_div(&q, &o->balance, &eth);
  u256_mod(&r, &o->balance, &eth);
  if (u256_is_zero(&r)) u256_to_dec(&q, bal);
  else u256_to_dec(&o->balance, bal);
  const char *unit = u256_is_zero(&r) ? "ETH" : "wei";
  u256_to_dec(&o->chain_id, id);
  fprintf(f, "\nethc dev chain (chain id %s)\n\nAvailable Accounts\n==================\n", id);
  for (unsigned i = 0; i < o->accounts; i++) {
    char a[43];
    fprintf(f, "(%u) %s (%s %s)\n", i, hex_encode(accts[i].addr.bytes, 20, a), bal, unit);
  }
  fprintf(f, "\nPrivate Keys\n==================\n");
  for (unsigned i = 0; i < o->accounts; i++) {
    char k[67];
    fprintf(f, "(%u) %s\n", i, hex_encode(accts[i].key, 32, k));
  }
  fprintf(f,
          "\nWallet\n==================\nMnemonic:          %s\nDerivation path:   %s<i>\n\n"
          "Chain ID:          %s\nGas limit:         %llu\nBase fee:          1000000000 (1 gwei)\n"
          "Data directory:    %s%s\n\n",
          o->mnemonic, DEV_PATH_PREFIX, id, (unsigned long long)o->gas_limit, datadir,
          ephemeral ? " (removed at exit)" : "");
  fflush(f);
}

void dev_print_ready(FILE *f, const char *url) {
  fprintf(f,
          "Try: curl -s -H 'Content-Type: application/json' -d "
          "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\"}' %s\n",
          url);
  fflush(f);
}
