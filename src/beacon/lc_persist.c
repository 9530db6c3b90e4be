/* The light client's store in LevelDB (ethc/lc_persist.h). The database DIR/beacon
 * holds one key, "lc/store/v1", written with a single synced write batch, whose
 * value is:
 *
 *   version      1 byte   LC_PERSIST_VERSION (a new layout gets a new version
 *                         and key; an unknown version is refused, never guessed)
 *   gvr         32 bytes  the network's genesis validators root
 *   fork         1 byte   beacon_fork_t of the finalized header (its SSZ shape)
 *   header_len   4 bytes  little-endian
 *   header               SSZ LightClientHeader of `fork`
 *   next_known   1 byte   0 or 1
 *   current              SSZ SyncCommittee (preset size n: n*48 + 48 bytes)
 *   next                 SSZ SyncCommittee (present when next_known)
 *   checksum    32 bytes  sha256 of everything before it
 *
 * The committees are not proven again on loading (the store was verified when
 * it was saved); the checksum catches a damaged record and the header is checked
 * with is_valid_light_client_header. */
#include "ethc/lc_persist.h"

#include <errno.h>
#include <leveldb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/ssz.h"

#define LC_PERSIST_VERSION 1
#define LC_PERSIST_KEY "lc/store/v1"
#define PATH_CAP 4096

static size_t committee_len(const beacon_config_t *c) {
  return ((size_t)c->preset->sync_committee_size + 1) * BEACON_PUBKEY_SIZE;
}

static void put_committee(const beacon_config_t *c, const beacon_sync_committee_t *sc, uint8_t *out) {
  size_t n = c->preset->sync_committee_size;
  memcpy(out, sc->pubkeys, n * BEACON_PUBKEY_SIZE);
  memcpy(out + n * BEACON_PUBKEY_SIZE, sc->aggregate_pubkey, BEACON_PUBKEY_SIZE);
}

static void get_committee(const beacon_config_t *c, const uint8_t *in, beacon_sync_committee_t *sc) {
  size_t n = c->preset->sync_committee_size;
  memset(sc, 0, sizeof *sc);
  memcpy(sc->pubkeys, in, n * BEACON_PUBKEY_SIZE);
  memcpy(sc->aggregate_pubkey, in + n * BEACON_PUBKEY_SIZE, BEACON_PUBKEY_SIZE);
}

/* Opens DIR/beacon; create: make DIR and the database if missing. NULL with a
 * message in err (and *missing set when !create and there is no database). */
static leveldb_t *open_db(const char *dir, bool create, bool *missing, char *err, size_t cap) {
  char path[PATH_CAP];
  struct stat st;
  *missing = false;
  if ((size_t)snprintf(path, sizeof path, "%s/beacon", dir) >= sizeof path) {
    snprintf(err, cap, "--datadir %s: path too long", dir);
    return NULL;
  }
  if (!create) {
    char current[PATH_CAP + 16];
    snprintf(current, sizeof current, "%s/CURRENT", path);
    if (stat(current, &st) != 0) {
      *missing = true;
      return NULL;
    }
  } else if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    snprintf(err, cap, "--datadir %s: cannot create it: %s", dir, strerror(errno));
    return NULL;
  }
  leveldb_options_t *opt = leveldb_options_create();
  leveldb_options_set_create_if_missing(opt, create ? 1 : 0);
  leveldb_options_set_paranoid_checks(opt, 1); /* a damaged log is an error, not a lost record */
  char *e = NULL;
  leveldb_t *db = leveldb_open(opt, path, &e);
  leveldb_options_destroy(opt);
  if (!db) {
    snprintf(err, cap, "cannot open the light-client database %s: %s", path, e ? e : "unknown error");
    leveldb_free(e);
  }
  return db;
}

int lc_persist_save(const char *dir, const beacon_config_t *c, const lc_store_t *s, char *err, size_t cap) {
  size_t hlen = ssz_encode_lc_header(&s->finalized_header, NULL, 0), clen = committee_len(c);
  bool next = lc_next_sync_committee_known(s);
  size_t len = 1 + 32 + 1 + 4 + hlen + 1 + clen + (next ? clen : 0) + 32;
  uint8_t *v = malloc(len);
  if (!v) {
    snprintf(err, cap, "out of memory");
    return ETHC_ERR_NOMEM;
  }
  uint8_t *p = v;
  *p++ = LC_PERSIST_VERSION;
  memcpy(p, c->genesis_validators_root, 32);
  p += 32;
  *p++ = (uint8_t)s->finalized_header.fork;
  for (int i = 0; i < 4; i++) *p++ = (uint8_t)(hlen >> (8 * i));
  p += ssz_encode_lc_header(&s->finalized_header, p, hlen);
  *p++ = next ? 1 : 0;
  put_committee(c, &s->current_sync_committee, p);
  p += clen;
  if (next) {
    put_committee(c, &s->next_sync_committee, p);
    p += clen;
  }
  (void)hash_sha256(v, (size_t)(p - v), p);

  bool missing;
  leveldb_t *db = open_db(dir, true, &missing, err, cap);
  if (!db) {
    free(v);
    return ETHC_ERR_IO;
  }
  leveldb_writebatch_t *wb = leveldb_writebatch_create();
  leveldb_writebatch_put(wb, LC_PERSIST_KEY, strlen(LC_PERSIST_KEY), (const char *)v, len);
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  leveldb_writeoptions_set_sync(wo, 1);
  char *e = NULL;
  leveldb_write(db, wo, wb, &e);
  leveldb_writeoptions_destroy(wo);
  leveldb_writebatch_destroy(wb);
  leveldb_close(db);
  free(v);
  if (e) {
    snprintf(err, cap, "cannot save the light-client store in %s/beacon: %s", dir, e);
    leveldb_free(e);
    return ETHC_ERR_IO;
  }
  return 0;
}

/* Decodes a record (the format above) into *s: "" when it did, NULL for another
 * network, else a static reason. */
static const char *decode(const beacon_config_t *c, const uint8_t *v, size_t len, lc_store_t *s) {
  size_t clen = committee_len(c);
  if (len < 1 || v[0] != LC_PERSIST_VERSION) return "an unknown format version";
  if (len < 1 + 32 + 1 + 4 + 1 + 32) return "a truncated record";
  uint8_t sum[32];
  (void)hash_sha256(v, len - 32, sum);
  if (memcmp(sum, v + len - 32, 32) != 0) return "a damaged record (checksum mismatch)";
  if (memcmp(v + 1, c->genesis_validators_root, 32) != 0) return NULL; /* the caller names the network */
  const uint8_t *p = v + 33;
  unsigned fork = *p++;
  size_t hlen = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
  p += 4;
  size_t rest = len - 32 - (size_t)(p - v);
  if (fork >= BEACON_FORK_COUNT || hlen > rest) return "a damaged record (header)";
  memset(s, 0, sizeof *s);
  if (ssz_decode_lc_header(p, hlen, (beacon_fork_t)fork, &s->finalized_header) != 0 ||
      !lc_header_is_valid(c, &s->finalized_header))
    return "a damaged record (header does not decode or is not valid)";
  p += hlen;
  rest -= hlen;
  if (rest < 1) return "a truncated record";
  bool next = *p++ == 1;
  rest--;
  if (rest != clen * (next ? 2 : 1)) return "a damaged record (committee sizes)";
  get_committee(c, p, &s->current_sync_committee);
  if (next) get_committee(c, p + clen, &s->next_sync_committee);
  s->optimistic_header = s->finalized_header;
  return "";
}

int lc_persist_decode(const beacon_config_t *c, const uint8_t *v, size_t len, lc_store_t *s, const char **why) {
  const char *r = decode(c, v, len, s);
  *why = r && *r ? r : NULL;
  return r && !*r ? 0 : ETHC_ERR_INVALID;
}

int lc_persist_load(const char *dir, const beacon_config_t *c, lc_store_t *s, char *err, size_t cap) {
  bool missing;
  leveldb_t *db = open_db(dir, false, &missing, err, cap);
  if (!db) return missing ? ETHC_ERR_NOT_FOUND : ETHC_ERR_IO;
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_readoptions_set_verify_checksums(ro, 1);
  size_t len = 0;
  char *e = NULL;
  char *v = leveldb_get(db, ro, LC_PERSIST_KEY, strlen(LC_PERSIST_KEY), &len, &e);
  leveldb_readoptions_destroy(ro);
  leveldb_close(db);
  if (e) {
    snprintf(err, cap, "cannot read the light-client store in %s/beacon: %s", dir, e);
    leveldb_free(e);
    leveldb_free(v);
    return ETHC_ERR_IO;
  }
  if (!v) return ETHC_ERR_NOT_FOUND;
  const char *why = decode(c, (const uint8_t *)v, len, s);
  int rc = 0;
  if (!why) {
    char hex[67];
    snprintf(err, cap,
             "%s/beacon holds a light-client store of another network (genesis validators root %s), not %s: use "
             "another --datadir",
             dir, hex_encode((const uint8_t *)v + 1, 32, hex), c->name);
    rc = ETHC_ERR_INVALID;
  } else if (*why) {
    snprintf(err, cap, "%s/beacon holds %s: refusing to resume from it (remove %s/beacon to start again)", dir, why,
             dir);
    rc = ETHC_ERR_INVALID;
  }
  leveldb_free(v);
  return rc;
}
