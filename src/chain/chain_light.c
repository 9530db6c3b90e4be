/* A light node's chain (ethc/chain_light.h): a database without a genesis block
 * for a built-in network, proven headers stored without their parents, and a
 * head set from the beacon light client's proof (consensus-specs
 * altair/light-client/sync-protocol.md; EIP-3675's fork choice: after the merge
 * the consensus layer names the head). */
#include "ethc/chain_light.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chain/chain_internal.h"
#include "chain/datadir.h"
#include "chain/header_cache.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

#define LIGHT_META "light"

/* The network named by the "light" record: 0 (name in out), NOT_FOUND, or an error. */
static int light_network(chaindb_t *db, char *out, size_t cap) {
  bytes_buf_t v = {0};
  int rc = chaindb_get_meta(db, LIGHT_META, &v);
  if (!rc && (v.len == 0 || v.len >= cap)) rc = ETHC_ERR_INVALID;
  if (!rc) {
    memcpy(out, v.data, v.len);
    out[v.len] = 0;
  }
  bytes_buf_free(&v);
  return rc;
}

/* A post-merge header's total difficulty: the network's terminal one. */
static u256_t light_td(const chain_config_t *cfg) {
  u256_t td;
  memset(&td, 0, sizeof td);
  if (cfg->has_ttd) td = cfg->terminal_total_difficulty;
  return td;
}

int chain_light_create(const char *datadir, const char *network, char *err, size_t errlen) {
  if (!chain_config_builtin(network)) {
    snprintf(err, errlen,
             "a light node of '%s' needs its genesis.json (--genesis FILE): ethc has no built-in "
             "chain configuration for it",
             network);
    return ETHC_ERR_INVALID;
  }
  if (datadir_has_database(datadir)) {
    chaindb_t *db = NULL;
    char *dberr = NULL;
    int rc = chaindb_open(datadir, &db, &dberr);
    if (rc) {
      snprintf(err, errlen, "cannot open the database in %s: %s", datadir, dberr ? dberr : ethc_strerror(rc));
      free(dberr);
      return ETHC_ERR_IO;
    }
    char name[64] = "";
    rc = light_network(db, name, sizeof name);
    chaindb_close(db);
    if (rc == 0 && strcmp(name, network) == 0) return ETHC_OK;
    if (rc == 0) snprintf(err, errlen, "%s holds a light node of %s, not %s", datadir, name, network);
    else snprintf(err, errlen, "%s holds a full chain database, not a light node's (use another --datadir)", datadir);
    return ETHC_ERR_INVALID;
  }
  size_t existed = strlen(datadir);
  int fd = -1;
  int rc = datadir_make(datadir, &existed, err, errlen);
  if (!rc) rc = datadir_lock(datadir, true, &fd, err, errlen);
  if (rc) return rc;
  datadir_clean(datadir);
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s/%s", datadir, DATADIR_NEW_DIR);
  if (mkdir(tmp, 0755) != 0) {
    snprintf(err, errlen, "cannot create the database in %s: %s", datadir, strerror(errno));
    datadir_unlock(fd);
    return ETHC_ERR_IO;
  }
  chaindb_t *db = NULL;
  char *dberr = NULL;
  rc = chaindb_open(tmp, &db, &dberr);
  if (rc) snprintf(err, errlen, "cannot create the database in %s: %s", datadir, dberr ? dberr : ethc_strerror(rc));
  free(dberr);
  chaindb_batch_t *b = rc ? NULL : chaindb_batch_new();
  if (!rc && !b) rc = ETHC_ERR_NOMEM;
  if (!rc) {
    chaindb_put_meta(b, LIGHT_META, (const uint8_t *)network, strlen(network));
    if ((rc = chaindb_write(db, b, true))) snprintf(err, errlen, "cannot write the database in %s", datadir);
  }
  chaindb_batch_free(b);
  chaindb_close(db);
  if (!rc) rc = datadir_publish(datadir, err, errlen);
  if (rc) datadir_remove_flat(tmp);
  datadir_unlock(fd);
  return rc;
}

int chain_light_open(chaindb_t *db, chain_config_t *config, chain_header_t *head, ethc_hash_t *head_hash,
                     u256_t *head_td, char *err, size_t errlen) {
  char name[64];
  int rc = light_network(db, name, sizeof name);
  if (rc) {
    if (rc != ETHC_ERR_NOT_FOUND) snprintf(err, errlen, "the light node's database is damaged (its network record)");
    return rc;
  }
  const chain_config_t *cfg = chain_config_builtin(name);
  if (!cfg) {
    snprintf(err, errlen, "the light node's database names an unknown network '%s'", name);
    return ETHC_ERR_INVALID;
  }
  *config = *cfg;
  memset(head, 0, sizeof *head);
  memset(head_hash, 0, sizeof *head_hash);
  memset(head_td, 0, sizeof *head_td);
  rc = chaindb_get_head(db, head_hash);
  if (rc == ETHC_ERR_NOT_FOUND) return ETHC_OK; /* nothing proven yet */
  uint64_t number = 0;
  bytes_buf_t b = {0};
  if (!rc) rc = chaindb_get_number(db, head_hash, &number);
  if (!rc) rc = chaindb_get_header(db, number, head_hash, &b);
  if (!rc) rc = header_decode(b.data, b.len, head) ? ETHC_ERR_INVALID : ETHC_OK;
  if (!rc) rc = chaindb_get_td(db, number, head_hash, head_td);
  bytes_buf_free(&b);
  if (rc) snprintf(err, errlen, "the light node's database is damaged: cannot load its head (%s)", ethc_strerror(rc));
  return rc;
}

int chain_light_store(chain_t *c, const uint8_t *rlp, size_t len, ethc_hash_t *hash) {
  if (chain_is_read_only(c)) return ETHC_ERR_UNSUPPORTED;
  chain_header_t h;
  rlp_item_t item;
  if (header_decode(rlp, len, &h) || rlp_decode(rlp, len, &item)) return ETHC_ERR_INVALID;
  int rc = header_hash(&h, hash);
  if (rc) return rc;
  uint64_t known;
  if (chaindb_get_number(chain_db(c), hash, &known) == 0) return ETHC_OK;
  chaindb_batch_t *b = chaindb_batch_new();
  if (!b) return ETHC_ERR_NOMEM;
  u256_t td = light_td(chain_config(c));
  chaindb_put_header(b, h.number, hash, item.raw, item.raw_len);
  chaindb_put_td(b, h.number, hash, &td);
  rc = chaindb_write(chain_db(c), b, chain_syncs(c));
  chaindb_batch_free(b);
  return rc;
}

int chain_light_set_head(chain_t *c, const ethc_hash_t *head, const ethc_hash_t *safe, const ethc_hash_t *finalized) {
  if (chain_is_read_only(c)) return ETHC_ERR_UNSUPPORTED;
  chain_header_t h, fin;
  u256_t td;
  int rc = chain_load_header(c, head, &h, &td);
  if (!rc && safe) rc = chain_load_header(c, safe, &fin, NULL);
  if (!rc && finalized) rc = chain_load_header(c, finalized, &fin, NULL);
  if (rc) return rc;
  uint64_t fin_number = 0;
  ethc_hash_t fin_hash = {0};
  if (finalized) {
    if (fin.number > h.number) return ETHC_ERR_INVALID;
    fin_number = fin.number;
    fin_hash = *finalized;
  }
  const chain_header_t *old = chain_head_header(c, NULL, NULL);
  uint64_t old_number = old->number;
  chaindb_t *db = chain_db(c);
  chaindb_batch_t *b = chaindb_batch_new();
  if (!b) return ETHC_ERR_NOMEM;
  for (uint64_t n = h.number + 1; n <= old_number; n++) chaindb_delete_canonical(b, n);
  /* walk down from the head while the ancestors are stored; in a gap, drop the
   * entries down to the finalized block, which is canonical in any case */
  chaindb_put_canonical(b, h.number, head);
  ethc_hash_t cur = h.parent_hash;
  bool known = true;
  for (uint64_t n = h.number; n-- > 0;) {
    if (finalized && n == fin_number) {
      chaindb_put_canonical(b, n, &fin_hash);
      cur = fin.parent_hash;
      known = true;
      continue;
    }
    chain_header_t p;
    if (known && chain_load_header(c, &cur, &p, NULL) == 0 && p.number == n) {
      ethc_hash_t canon;
      if (n < fin_number && chaindb_get_canonical(db, n, &canon) == 0 && ethc_hash_eq(&canon, &cur)) break;
      chaindb_put_canonical(b, n, &cur);
      cur = p.parent_hash;
      continue;
    }
    known = false;
    if (n < fin_number || !finalized) break;
    chaindb_delete_canonical(b, n);
  }
  chaindb_put_head(b, head);
  if (safe) chaindb_put_meta(b, "safe", safe->bytes, 32);
  if (finalized) chaindb_put_meta(b, "finalized", finalized->bytes, 32);
  rc = chaindb_write(db, b, chain_syncs(c));
  chaindb_batch_free(b);
  if (rc) return rc;
  chain_snapshot_t *snap = chain_snapshot_head(c);
  bool moved = !ethc_hash_eq(head, chain_snapshot_hash(snap));
  chain_snapshot_release(snap);
  if (!moved) return ETHC_OK;
  header_cache_reorg(chain_header_cache(c)); /* the index may have changed below the head */
  chain_head_moved(c, &h, head, &td, &h.state_root);
  return chain_publish_head(c);
}

bool chain_light_has_head(chain_t *c) {
  chain_snapshot_t *s = chain_snapshot_head(c);
  static const ethc_hash_t zero;
  bool yes = !ethc_hash_eq(chain_snapshot_hash(s), &zero);
  chain_snapshot_release(s);
  return yes;
}
