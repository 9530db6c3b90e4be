/* The on-disk chain: genesis set-up, block import with validation and execution,
 * fork choice (total difficulty before the merge, EIP-3675 after), reorgs and
 * export. Each imported block is one atomic chaindb batch (see CHAINDB.md). */
#include "ethc/chain.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "chain/chain_internal.h"
#include "chain/datadir.h"
#include "chain/header_cache.h"
#include "ethc/block_exec.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_light.h"
#include "ethc/error.h"
#include "ethc/ethash.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state_db.h"

#define MAX_OMMER_DEPTH 7

#define MAX_HEAD_CALLBACKS 8
#define DEFAULT_STATE_CACHE (32u << 20)
/* The head's post-state overlay is kept for the next block while it holds at
 * most this many accounts (its reads and decoded trie paths stay warm). */
#define WARM_MAX_ACCOUNTS 50000

struct chain_snapshot {
  unsigned refs; /* atomic */
  chain_t *chain;
  chain_header_t header;
  ethc_hash_t hash;
  u256_t td;
  ethc_hash_t root; /* the state it reads: the header's, or a dev chain's edit (chain_dev.h) */
  bool remote;      /* a header-only block of a chain with a remote source: its state is the source's */
};

struct chain {
  chaindb_t *db;
  state_db_t *sdb; /* stored states, read by need through one node cache */
  state_t *warm;   /* the head's post-state as the last import left it, or NULL:
                      the next block on the head runs on it (importing thread only) */
  chain_config_t config;
  bool fakepow, sync, read_only, explicit_fork_choice;
  evm_t *vm;
  /* the head as the importing thread knows it */
  chain_header_t head;
  ethc_hash_t head_hash;
  u256_t head_td;
  ethc_hash_t head_root; /* the head's state (chain_effective_root) */
  atomic_bool has_roots; /* some block's state was edited (chain_dev.c) */
  /* some block has forced (impersonated) senders (chain_dev.c) */
  atomic_bool has_forced;
  /* the head as published to readers: swapped under head_lock */
  pthread_mutex_t head_lock;
  chain_snapshot_t *head_snap;
  struct {
    chain_head_fn fn;
    void *ctx;
  } on_head[MAX_HEAD_CALLBACKS];
  size_t on_head_count;
  char *datadir;
  int lock_fd;            /* DIR/ethc.lock (datadir.h), -1 when none */
  char *snapshot;         /* the private snapshot a read-only chain runs on, or NULL */
  header_cache_t *hcache; /* canonical headers by number (chain_read.c) */

  /* light mode: chain_set_remote's source (has_remote false: none) */
  chain_remote_t remote;
  bool has_remote;
  chain_remote_cache_t *remote_cache;
  size_t remote_cache_bytes; /* its bound (0: the default) */
};

/* ---- snapshots ---- */

static chain_snapshot_t *snapshot_new(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, const u256_t *td,
                                      const ethc_hash_t *root) {
  chain_snapshot_t *s = malloc(sizeof *s);
  if (!s) return NULL;
  *s = (chain_snapshot_t){1, c, *h, *hash, *td, *root, false};
  return s;
}

chain_snapshot_t *chain_snapshot_retain(chain_snapshot_t *s) {
  __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
  return s;
}

void chain_snapshot_release(chain_snapshot_t *s) {
  if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) free(s);
}

chain_snapshot_t *chain_snapshot_head(chain_t *c) {
  pthread_mutex_lock(&c->head_lock);
  chain_snapshot_t *s = chain_snapshot_retain(c->head_snap);
  pthread_mutex_unlock(&c->head_lock);
  return s;
}

const chain_header_t *chain_snapshot_header(const chain_snapshot_t *s) { return &s->header; }
const ethc_hash_t *chain_snapshot_hash(const chain_snapshot_t *s) { return &s->hash; }
const u256_t *chain_snapshot_td(const chain_snapshot_t *s) { return &s->td; }
chain_t *chain_snapshot_chain(const chain_snapshot_t *s) { return s->chain; }

void chain_snapshot_base(const chain_snapshot_t *s, state_base_t *out) {
  if (s->remote) chain_remote_state(s->chain, &s->header, &s->hash, out);
  else state_db_base(s->chain->sdb, &s->root, out);
}

bool chain_snapshot_is_remote(const chain_snapshot_t *s) { return s->remote; }

state_t *chain_snapshot_state(const chain_snapshot_t *s) {
  state_base_t base;
  chain_snapshot_base(s, &base);
  return state_new_over(&base);
}

/* A header stored without its body, on a chain with a remote source (a light
 * node's block): its state is the source's, not the local state database. */
static bool header_only(chain_t *c, uint64_t number, const ethc_hash_t *hash) {
  if (!c->has_remote) return false;
  bytes_buf_t body = {0};
  bool yes = chaindb_get_body(c->db, number, hash, &body) == ETHC_ERR_NOT_FOUND;
  bytes_buf_free(&body);
  return yes;
}

/* Makes the importing thread's head the published one (a new snapshot, swapped
 * in under the lock), then tells the callbacks. ETHC_ERR_NOMEM leaves the old
 * snapshot published. */
static int publish_head(chain_t *c) {
  header_cache_head(c->hcache, &c->head, &c->head_hash);
  chain_snapshot_t *s = snapshot_new(c, &c->head, &c->head_hash, &c->head_td, &c->head_root);
  if (!s) return ETHC_ERR_NOMEM;
  s->remote = header_only(c, c->head.number, &c->head_hash); /* a light node's head: the source's state */
  pthread_mutex_lock(&c->head_lock);
  chain_snapshot_t *old = c->head_snap;
  c->head_snap = s;
  pthread_mutex_unlock(&c->head_lock);
  chain_snapshot_release(old);
  for (size_t i = 0; i < c->on_head_count; i++) c->on_head[i].fn(c->on_head[i].ctx, s);
  return ETHC_OK;
}

int chain_on_new_head(chain_t *c, chain_head_fn fn, void *ctx) {
  if (c->on_head_count == MAX_HEAD_CALLBACKS) return ETHC_ERR_LIMIT;
  c->on_head[c->on_head_count].fn = fn;
  c->on_head[c->on_head_count].ctx = ctx;
  c->on_head_count++;
  return ETHC_OK;
}


/* Header RLP and total difficulty of a stored block. */
static int load_header(chain_t *c, const ethc_hash_t *hash, chain_header_t *h, u256_t *td) {
  uint64_t number;
  int err = chaindb_get_number(c->db, hash, &number);
  if (err) return err;
  bytes_buf_t b = {0};
  err = chaindb_get_header(c->db, number, hash, &b);
  if (!err) err = header_decode(b.data, b.len, h) ? ETHC_ERR_INVALID : ETHC_OK;
  if (!err && td) err = chaindb_get_td(c->db, number, hash, td);
  bytes_buf_free(&b);
  return err;
}

/* The body of a block as stored: rlp([transactions, ommers(, withdrawals)]). */
static int body_of(const uint8_t *block_rlp, size_t len, bytes_buf_t *out) {
  rlp_item_t block, item;
  int err = rlp_decode(block_rlp, len, &block);
  if (err) return err;
  rlp_iter_t it;
  rlp_iter_init(&it, &block);
  if (rlp_iter_next(&it, &item) != 1) return ETHC_ERR_RLP_COUNT; /* skip the header */
  size_t start = rlp_list_begin(out);
  while (rlp_iter_next(&it, &item) == 1)
    if ((err = rlp_put_raw(out, item.raw, item.raw_len))) return err;
  return rlp_list_end(out, start);
}

/* Transaction index entries (CHAINDB.md) of the transactions of a stored body
 * rlp([transactions, ...]): each one's hash is keccak256 of its canonical
 * encoding (a legacy list item, or the payload of a typed one's string). */
static int put_tx_index(chaindb_batch_t *batch, uint64_t number, const ethc_hash_t *hash, const uint8_t *body,
                        size_t len) {
  rlp_item_t b, txs, item;
  rlp_iter_t it;
  if (rlp_decode(body, len, &b) || !b.is_list) return ETHC_ERR_INVALID;
  rlp_iter_init(&it, &b);
  if (rlp_iter_next(&it, &txs) != 1 || !txs.is_list) return ETHC_ERR_INVALID;
  rlp_iter_init(&it, &txs);
  uint32_t i = 0;
  int r;
  while ((r = rlp_iter_next(&it, &item)) == 1) {
    ethc_hash_t tx_hash;
    if (item.is_list) keccak256(item.raw, item.raw_len, tx_hash.bytes);
    else keccak256(item.payload, item.payload_len, tx_hash.bytes);
    chaindb_put_tx_index(batch, &tx_hash, number, hash, i++);
  }
  return r < 0 ? ETHC_ERR_INVALID : ETHC_OK;
}

/* Meta "config": the text of the genesis.json's config object, so that opening
 * the database needs not parse the whole genesis.json again. */
static int put_config_text(chaindb_batch_t *b, const bytes_buf_t *genesis_json) {
  cJSON *doc = cJSON_ParseWithLength((const char *)genesis_json->data, genesis_json->len);
  if (!doc) return ETHC_ERR_NOMEM; /* it parsed before: only memory can fail now */
  const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(doc, "config");
  char *text = cfg ? cJSON_PrintUnformatted(cfg) : NULL;
  int err = ETHC_OK;
  if (text) chaindb_put_meta(b, "config", (const uint8_t *)text, strlen(text));
  else if (cfg) err = ETHC_ERR_NOMEM;
  else chaindb_put_meta(b, "config", (const uint8_t *)"{}", 2);
  cJSON_free(text);
  cJSON_Delete(doc);
  return err;
}

/* The genesis block's records, its state and the chain's identity (the
 * genesis.json it was made from and its config): one batch, written with fsync. */
static int write_genesis(chaindb_t *db, const bytes_buf_t *genesis_json, state_t *st, const chain_header_t *h) {
  chaindb_batch_t *b = chaindb_batch_new();
  if (!b) return ETHC_ERR_NOMEM;
  bytes_buf_t hdr = {0}, body = {0};
  ethc_hash_t hash, root;
  int err = header_encode(h, &hdr);
  if (!err) err = header_hash(h, &hash);
  if (!err) {
    size_t start = rlp_list_begin(&body);
    int lists = h->has_withdrawals_root ? 3 : 2;
    for (int i = 0; i < lists; i++) err |= rlp_put_raw(&body, (const uint8_t *)"\xc0", 1);
    err |= rlp_list_end(&body, start);
  }
  state_writer_t w;
  chaindb_state_writer(b, &w);
  if (!err) err = state_db_save(st, &w, &root);
  if (!err) {
    chaindb_put_header(b, h->number, &hash, hdr.data, hdr.len);
    chaindb_put_body(b, h->number, &hash, body.data, body.len);
    chaindb_put_receipts(b, h->number, &hash, (const uint8_t *)"\xc0", 1);
    chaindb_put_td(b, h->number, &hash, &h->difficulty);
    chaindb_put_canonical(b, h->number, &hash);
    chaindb_put_head(b, &hash);
    chaindb_put_meta(b, "genesis", genesis_json->data, genesis_json->len);
    err = put_config_text(b, genesis_json);
  }
  if (!err) {
    /* the transaction index covers every canonical block from the genesis on */
    chaindb_put_meta(b, "txindex", (const uint8_t *)"1", 1);
    err = chaindb_write(db, b, true);
  }
  bytes_buf_free(&hdr);
  bytes_buf_free(&body);
  chaindb_batch_free(b);
  return err;
}

/* A genesis.json text: its config, state, header and block hash. */
typedef struct {
  bytes_buf_t text;
  chain_config_t config;
  state_t *state;
  chain_header_t header;
  ethc_hash_t hash;
} genesis_t;

static void genesis_free(genesis_t *g) {
  bytes_buf_free(&g->text);
  state_free(g->state);
  g->state = NULL;
}

/* Parses g->text (`name` names it in messages). */
static int parse_genesis(genesis_t *g, const char *name, char *err, size_t errlen) {
  g->state = state_new();
  if (!g->state) return ETHC_ERR_NOMEM;
  char gerr[400] = "";
  int rc = genesis_from_text((const char *)g->text.data, g->text.len, name, &g->config, g->state, &g->header, gerr,
                             sizeof gerr);
  if (!rc) rc = header_hash(&g->header, &g->hash);
  if (rc) {
    snprintf(err, errlen, "genesis %s", gerr[0] ? gerr : ethc_strerror(rc));
    state_free(g->state);
    g->state = NULL;
  }
  return rc;
}

/* Builds a new database in DIR/.ethc-new with the genesis written, then
 * publishes it in DIR (datadir_publish): a kill at any moment leaves DIR
 * either without a database or with this one, complete. */
static int create_database(const char *dir, genesis_t *g, char *err, size_t errlen) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s/%s", dir, DATADIR_NEW_DIR);
  if (mkdir(tmp, 0755) != 0) {
    snprintf(err, errlen, "cannot create the database in %s: %s", dir, strerror(errno));
    return ETHC_ERR_IO;
  }
  chaindb_t *db = NULL;
  char *dberr = NULL;
  int rc = chaindb_open(tmp, &db, &dberr);
  if (rc) snprintf(err, errlen, "cannot create the database in %s: %s", dir, dberr ? dberr : ethc_strerror(rc));
  free(dberr);
  if (!rc && (rc = write_genesis(db, &g->text, g->state, &g->header)))
    snprintf(err, errlen, "cannot write the genesis block in %s: %s", dir, ethc_strerror(rc));
  chaindb_close(db);
  if (!rc) rc = datadir_publish(dir, err, errlen);
  if (rc) datadir_remove_flat(tmp);
  return rc;
}

static void hex_hash(const ethc_hash_t *h, char out[67]) { hex_encode(h->bytes, 32, out); }

int chain_open(const chain_open_opts_t *o, chain_t **out, char *err, size_t errlen) {
  /* Everything that can be checked before touching the data directory is: a bad
   * genesis file or a missing database leave the disk as it was. */
  genesis_t given = {0}, stored = {0};
  int rc;
  *out = NULL;
  if (o->genesis_path) {
    errno = 0;
    given.text.data = bytes_read_file(o->genesis_path, &given.text.len);
    if (!given.text.data) {
      snprintf(err, errlen, "cannot read %s%s%s", o->genesis_path, errno ? ": " : "", errno ? strerror(errno) : "");
      return ETHC_ERR_IO;
    }
    if ((rc = parse_genesis(&given, o->genesis_path, err, errlen))) {
      genesis_free(&given);
      return rc;
    }
  }
  bool creating = o->genesis_path && !o->read_only;
  if (!creating && !datadir_has_database(o->datadir)) {
    snprintf(err, errlen, "no chain database in %s%s", o->datadir,
             o->read_only ? "" : " (give --genesis FILE to create one)");
    genesis_free(&given);
    return ETHC_ERR_NOT_FOUND;
  }
  chain_t *c = calloc(1, sizeof *c);
  if (!c) {
    genesis_free(&given);
    return ETHC_ERR_NOMEM;
  }
  c->lock_fd = -1;
  pthread_mutex_init(&c->head_lock, NULL);
  c->explicit_fork_choice = o->explicit_fork_choice;
  c->fakepow = o->fakepow;
  c->sync = o->sync;
  c->read_only = o->read_only;
  c->datadir = strdup(o->datadir);
  size_t existed = strlen(o->datadir); /* the part of the path that existed (mkdir -p) */
  bool made = false;                   /* the database was created by this call */
  rc = c->datadir ? ETHC_OK : ETHC_ERR_NOMEM;
  if (!rc && creating) rc = datadir_make(o->datadir, &existed, err, errlen);
  if (!rc) rc = datadir_lock(o->datadir, !o->read_only, &c->lock_fd, err, errlen);
  if (rc) goto fail;
  if (!o->read_only) datadir_clean(o->datadir); /* what an interrupted creation left */
  if (!datadir_has_database(o->datadir)) {
    if (!creating) {
      snprintf(err, errlen, "no chain database in %s", o->datadir);
      rc = ETHC_ERR_NOT_FOUND;
      goto fail;
    }
    if ((rc = create_database(o->datadir, &given, err, errlen))) goto fail;
    made = true;
  }
  char *dberr = NULL;
  const char *dbdir = o->datadir;
  if (o->read_only) {
    if ((rc = datadir_snapshot(o->datadir, &c->snapshot, err, errlen))) goto fail;
    dbdir = c->snapshot;
  }
  rc = chaindb_open_sized(dbdir, o->db_write_buffer_bytes, o->db_cache_bytes, &c->db, &dberr);
  if (rc) {
    snprintf(err, errlen, "cannot open the database in %s: %s", o->datadir, dberr ? dberr : "unknown error");
    free(dberr);
    goto fail;
  }
  /* a light node's database (chain_light.h): a built-in config, proven headers */
  rc = chain_light_open(c->db, &c->config, &c->head, &c->head_hash, &c->head_td, err, errlen);
  if (rc == ETHC_OK && o->genesis_path) {
    snprintf(err, errlen, "%s holds a light node's chain (no genesis block): --genesis does not apply", o->datadir);
    rc = ETHC_ERR_INVALID;
  }
  if (rc == ETHC_OK) goto light_opened;
  if (rc != ETHC_ERR_NOT_FOUND) goto fail;
  rc = ETHC_OK;
  /* the chain's identity: its configuration and genesis hash, stored apart
   * from the genesis.json (which may hold a whole large allocation) */
  bytes_buf_t config_text = {0};
  rc = chaindb_get_meta(c->db, "config", &config_text);
  if (rc == ETHC_OK) {
    char cerr[200] = "";
    rc = chain_config_from_text((const char *)config_text.data, config_text.len, &stored.config, cerr, sizeof cerr);
    if (!rc) rc = chaindb_get_canonical(c->db, 0, &stored.hash);
    if (!rc) rc = load_header(c, &stored.hash, &stored.header, NULL);
  } else if (rc == ETHC_ERR_NOT_FOUND) {
    rc = chaindb_get_meta(c->db, "genesis", &stored.text); /* a database from before "config" */
  }
  bytes_buf_free(&config_text);
  bool identified = !rc && stored.text.len == 0;
  if (rc && rc != ETHC_ERR_NOT_FOUND) {
    snprintf(err, errlen, "cannot read the database in %s", o->datadir);
    goto fail;
  }
  if (rc == ETHC_ERR_NOT_FOUND) {
    /* an empty LevelDB database: left by an interrupted creation of an ethc
     * from before creation was atomic; a writer with a genesis fills it in */
    if (!creating) {
      snprintf(err, errlen, "%s holds no chain yet: give --genesis FILE", o->datadir);
      rc = ETHC_ERR_NOT_FOUND;
      goto fail;
    }
    if ((rc = write_genesis(c->db, &given.text, given.state, &given.header))) {
      snprintf(err, errlen, "cannot write the genesis block in %s: %s", o->datadir, ethc_strerror(rc));
      goto fail;
    }
    made = true;
  }
  if (made) {
    genesis_free(&stored);
    stored = given;
    memset(&given, 0, sizeof given);
  } else {
    char name[4200];
    snprintf(name, sizeof name, "stored in %s", o->datadir);
    if (!identified && (rc = parse_genesis(&stored, name, err, errlen))) goto fail;
    if (o->genesis_path && !ethc_hash_eq(&given.hash, &stored.hash)) {
      char have[67], want[67];
      hex_hash(&stored.hash, have);
      hex_hash(&given.hash, want);
      snprintf(err, errlen, "%s holds the chain of genesis block %s, not %s's genesis block %s", o->datadir, have,
               o->genesis_path, want);
      rc = ETHC_ERR_INVALID;
      goto fail;
    }
    if (o->genesis_path && memcmp(&given.config, &stored.config, sizeof given.config) != 0) {
      snprintf(err, errlen, "%s has the same genesis block as %s but a different chain configuration (config)",
               o->datadir, o->genesis_path);
      rc = ETHC_ERR_INVALID;
      goto fail;
    }
  }
  c->config = stored.config;
  if (made) {
    c->head = stored.header;
    c->head_hash = stored.hash;
    c->head_td = stored.header.difficulty;
  } else {
    rc = chaindb_get_head(c->db, &c->head_hash);
    if (!rc) rc = load_header(c, &c->head_hash, &c->head, &c->head_td);
    if (rc) {
      snprintf(err, errlen, "the database in %s is damaged: cannot load the head block (%s)", o->datadir,
               ethc_strerror(rc));
      goto fail;
    }
  }
light_opened:; /* a declaration follows: C11 needs a statement after a label */
  /* the head state is not loaded: every read of it goes through the node cache */
  state_store_t store;
  chaindb_state_store(c->db, &store);
  c->sdb = state_db_new(&store, o->state_cache_bytes ? o->state_cache_bytes : DEFAULT_STATE_CACHE);
  chain_roots_open(c);
  if ((rc = chain_effective_root(c, &c->head_hash, &c->head, &c->head_root))) {
    snprintf(err, errlen, "the database in %s is damaged: cannot read the head's state root", o->datadir);
    goto fail;
  }
  c->head_snap = snapshot_new(c, &c->head, &c->head_hash, &c->head_td, &c->head_root);
  c->vm = evm_create();
  c->hcache = header_cache_new(o->header_cache_slots, &c->head, &c->head_hash);
  c->remote_cache_bytes = o->remote_cache_bytes;
  if (!c->vm || !c->sdb || !c->head_snap || !c->hcache) {
    rc = ETHC_ERR_NOMEM;
    goto fail;
  }
  genesis_free(&given);
  genesis_free(&stored);
  *out = c;
  return ETHC_OK;
fail:
  genesis_free(&given);
  genesis_free(&stored);
  if (creating && !made && !datadir_has_database(o->datadir)) {
    /* nothing was created: take back our lock file and the directories made */
    if (c->lock_fd >= 0) {
      char lock[4200];
      snprintf(lock, sizeof lock, "%s/%s", o->datadir, DATADIR_LOCK_FILE);
      unlink(lock);
    }
    datadir_unmake(o->datadir, existed);
  }
  chain_close(c);
  return rc ? rc : ETHC_ERR_INVALID;
}

void chain_close(chain_t *c) {
  if (!c) return;
  if (c->vm) evm_destroy(c->vm);
  state_free(c->warm);
  chain_snapshot_release(c->head_snap);
  header_cache_free(c->hcache);
  chain_remote_cache_free(c->remote_cache);
  state_db_free(c->sdb);
  chaindb_close(c->db);
  pthread_mutex_destroy(&c->head_lock);
  if (c->snapshot) datadir_remove_flat(c->snapshot);
  free(c->snapshot);
  datadir_unlock(c->lock_fd);
  free(c->datadir);
  free(c);
}

const char *chain_datadir(const chain_t *c) { return c->datadir; }
header_cache_t *chain_header_cache(chain_t *c) { return c->hcache; }

void chain_head(const chain_t *c, uint64_t *number, ethc_hash_t *hash) {
  if (number) *number = c->head.number;
  if (hash) *hash = c->head_hash;
}

const chain_config_t *chain_config(const chain_t *c) { return &c->config; }
chaindb_t *chain_db(chain_t *c) { return c->db; }
state_db_t *chain_state_db(chain_t *c) { return c->sdb; }

int chain_snapshot_at(chain_t *c, const ethc_hash_t *hash, chain_snapshot_t **out) {
  chain_header_t h;
  u256_t td;
  *out = NULL;
  ethc_hash_t root;
  int err = load_header(c, hash, &h, &td);
  if (!err) err = chain_effective_root(c, hash, &h, &root);
  if (err) return err;
  bool remote = header_only(c, h.number, hash); /* a header alone (a light sync's): no body, no state stored */
  if (!(*out = snapshot_new(c, &h, hash, &td, &root))) return ETHC_ERR_NOMEM;
  (*out)->remote = remote;
  return ETHC_OK;
}

void chain_set_remote(chain_t *c, const chain_remote_t *r) {
  if (r && !c->remote_cache) c->remote_cache = chain_remote_cache_new(c->remote_cache_bytes);
  if (r) c->remote = *r;
  else memset(&c->remote, 0, sizeof c->remote);
  c->has_remote = r != NULL;
  /* a light node restarted on a header-only head: that head's state is the source's */
  if (r && header_only(c, c->head.number, &c->head_hash)) (void)publish_head(c); /* NOMEM: the old one stays */
}

const chain_remote_t *chain_get_remote(const chain_t *c) { return c->has_remote ? &c->remote : NULL; }
bool chain_has_remote(const chain_t *c) { return c->has_remote; }
chain_remote_cache_t *chain_get_remote_cache(chain_t *c) { return c->remote_cache; }

/* ---- BLOCKHASH: ancestors of the block being executed ---- */
typedef struct {
  chain_t *c;
  ethc_hash_t parent;
  uint64_t parent_number;
  bool canonical; /* the parent is the head: the canonical index is this branch */
} ancestry_t;

static int ancestor_hash(void *ctx, uint64_t number, ethc_hash_t *out) {
  ancestry_t *a = ctx;
  if (number > a->parent_number) return ETHC_ERR_NOT_FOUND;
  if (a->canonical) return chaindb_get_canonical(a->c->db, number, out);
  ethc_hash_t h = a->parent;
  for (uint64_t n = a->parent_number; n > number; n--) {
    chain_header_t hdr;
    int err = load_header(a->c, &h, &hdr, NULL);
    if (err) return err;
    h = hdr.parent_hash;
  }
  *out = h;
  return ETHC_OK;
}

/* ---- ommers: the ancestors block_validate_ommers needs (Yellow Paper 11.1) ---- */
#define OMMERS_PER_BLOCK 2

typedef struct {
  chain_header_t headers[MAX_OMMER_DEPTH];
  ethc_hash_t ommer_hashes[MAX_OMMER_DEPTH][OMMERS_PER_BLOCK];
  block_ancestor_t list[MAX_OMMER_DEPTH];
  size_t count;
} ancestors_t;

/* Hashes of the ommers a stored block included (at most OMMERS_PER_BLOCK). */
static int stored_ommer_hashes(chain_t *c, uint64_t number, const ethc_hash_t *hash, ethc_hash_t *out, size_t *count) {
  bytes_buf_t body = {0};
  int err = chaindb_get_body(c->db, number, hash, &body);
  rlp_item_t b, parts[3];
  int n = 0;
  if (!err && (rlp_decode(body.data, body.len, &b) || !b.is_list || (n = rlp_list_count(&b)) < 2 || n > 3 ||
               rlp_list_items(&b, parts, (size_t)n)))
    err = ETHC_ERR_INVALID;
  *count = 0;
  if (!err) {
    rlp_iter_t it;
    rlp_item_t o;
    rlp_iter_init(&it, &parts[1]);
    while (*count < OMMERS_PER_BLOCK && rlp_iter_next(&it, &o) == 1) keccak256(o.raw, o.raw_len, out[(*count)++].bytes);
  }
  bytes_buf_free(&body);
  return err;
}

/* Up to MAX_OMMER_DEPTH ancestors from `parent` back (fewer near the genesis or
 * a header imported alone); 0, or the error of a read that failed. */
static int load_ancestors(chain_t *c, const ethc_hash_t *parent, ancestors_t *a) {
  ethc_hash_t h = *parent;
  a->count = 0;
  while (a->count < MAX_OMMER_DEPTH) {
    size_t i = a->count;
    size_t n_ommers = 0;
    int err = load_header(c, &h, &a->headers[i], NULL);
    if (!err) err = stored_ommer_hashes(c, a->headers[i].number, &h, a->ommer_hashes[i], &n_ommers);
    if (err == ETHC_ERR_NOT_FOUND) break;
    if (err) return err;
    a->list[i] = (block_ancestor_t){h, &a->headers[i], a->ommer_hashes[i], n_ommers};
    a->count++;
    if (a->headers[i].number == 0) break;
    h = a->headers[i].parent_hash;
  }
  return ETHC_OK;
}

/* Receipts as stored: an RLP list of the receipt encodings (typed ones as strings). */
static int encode_receipts(const block_exec_result_t *r, bytes_buf_t *out) {
  size_t start = rlp_list_begin(out);
  bytes_buf_t one = {0};
  int err = 0;
  for (size_t i = 0; i < r->receipt_count && !err; i++) {
    one.len = 0;
    err = receipt_encode(&r->receipts[i], &one);
    if (!err)
      err = r->receipts[i].type == TX_LEGACY ? rlp_put_raw(out, one.data, one.len)
                                             : rlp_put_bytes(out, one.data, one.len);
  }
  bytes_buf_free(&one);
  return err ? err : rlp_list_end(out, start);
}

/* Points the canonical index at the branch ending in (number, hash), and the
 * transaction index at the transactions of the blocks that become canonical
 * (the new block's own entries are written by its caller). */
static int set_canonical(chain_t *c, chaindb_batch_t *batch, const chain_header_t *h, const ethc_hash_t *hash) {
  if (!ethc_hash_eq(&h->parent_hash, &c->head_hash)) header_cache_reorg(c->hcache); /* until published */
  for (uint64_t n = h->number + 1; n <= c->head.number; n++) chaindb_delete_canonical(batch, n);
  chaindb_put_canonical(batch, h->number, hash);
  ethc_hash_t cur = h->parent_hash;
  bytes_buf_t body = {0};
  int err = ETHC_OK;
  for (uint64_t n = h->number; n-- > 0 && !err;) {
    ethc_hash_t canon;
    if (chaindb_get_canonical(c->db, n, &canon) == 0 && ethc_hash_eq(&canon, &cur)) break;
    chaindb_put_canonical(batch, n, &cur);
    body.len = 0;
    if ((err = chaindb_get_body(c->db, n, &cur, &body)) || (err = put_tx_index(batch, n, &cur, body.data, body.len)))
      break;
    chain_header_t hdr;
    if ((err = load_header(c, &cur, &hdr, NULL))) break;
    cur = hdr.parent_hash;
  }
  bytes_buf_free(&body);
  return err;
}

static int invalid(chain_import_result_t *res, block_error_t e, const char *why) {
  res->error = e;
  snprintf(res->reason, sizeof res->reason, "%s%s%.200s", block_error_message(e), why && *why ? ": " : "",
           why ? why : "");
  return ETHC_ERR_INVALID;
}

/* header_validate's last rule, the Ethash seal of a proof-of-work header, run
 * here so that a failure to check it (the epoch's cache could not be built) is
 * a local error, not BLOCK_ERR_POW. 0 with *be set (BLOCK_VALID or
 * BLOCK_ERR_POW), or a local error. */
static int check_seal(const chain_header_t *h, block_error_t *be) {
  ethc_hash_t seal;
  int rc = header_seal_hash(h, &seal);
  if (!rc) rc = ethash_verify(h->number, seal.bytes, header_nonce_u64(h), h->mix_hash.bytes, &h->difficulty);
  *be = rc == ETHC_ERR_INVALID ? BLOCK_ERR_POW : BLOCK_VALID;
  return rc == ETHC_ERR_INVALID ? ETHC_OK : rc;
}

/* header_validate with the seal checked by check_seal: 0 with *be, or a local error. */
static int validate_header(chain_t *c, const chain_header_t *h, const chain_header_t *parent, bool post_merge,
                           block_error_t *be) {
  *be = header_validate(&c->config, h, parent, post_merge, false);
  if (*be != BLOCK_VALID || post_merge || c->fakepow) return ETHC_OK;
  return check_seal(h, be);
}

static bool zero_seal(const chain_header_t *h) {
  uint8_t any = 0;
  for (size_t i = 0; i < sizeof h->mix_hash.bytes; i++) any |= h->mix_hash.bytes[i];
  for (size_t i = 0; i < sizeof h->nonce; i++) any |= h->nonce[i];
  return any == 0;
}

int chain_import_block(chain_t *c, const uint8_t *rlp, size_t len, chain_import_result_t *res) {
  memset(res, 0, sizeof *res);
  if (c->read_only) return ETHC_ERR_UNSUPPORTED;
  chain_block_t b;
  char decode_why[200] = "";
  int err = block_decode(rlp, len, &b);
  if (err == ETHC_ERR_NOMEM) return err; /* no verdict: the block may be fine */
  if (err) {
    block_error_t decode_err = block_decode_classified(&c->config, rlp, len, &b, NULL, decode_why, sizeof decode_why);
    if (decode_err == BLOCK_VALID) block_free(&b); /* cannot happen: it failed once */
    return invalid(res, decode_err == BLOCK_VALID ? BLOCK_ERR_RLP : decode_err, decode_why);
  }
  const chain_header_t *h = &b.header;
  if ((err = header_hash(h, &res->hash))) {
    block_free(&b);
    return err; /* out of memory: no verdict */
  }
  res->decoded = true;
  res->number = h->number;
  res->parent_hash = h->parent_hash;
  res->zero_seal = zero_seal(h);
  res->tx_count = (unsigned)b.tx_count;
  uint64_t known_number;
  bytes_buf_t known_body = {0}; /* a block imported as a header alone is not known yet */
  err = chaindb_get_number(c->db, &res->hash, &known_number);
  if (!err) err = chaindb_get_body(c->db, known_number, &res->hash, &known_body);
  bytes_buf_free(&known_body);
  if (err != ETHC_ERR_NOT_FOUND) { /* known, or a read that failed */
    block_free(&b);
    res->known = !err;
    return err;
  }
  chain_header_t parent;
  u256_t parent_td;
  if ((err = load_header(c, &h->parent_hash, &parent, &parent_td))) {
    block_free(&b);
    if (err != ETHC_ERR_NOT_FOUND) return err; /* a read that failed: no verdict */
    char hex[67];
    return invalid(res, BLOCK_ERR_UNKNOWN_PARENT, hex_encode(res->parent_hash.bytes, 32, hex));
  }
  const chain_config_t *cfg = &c->config;
  bool post_merge = cfg->has_ttd && !u256_lt(&parent_td, &cfg->terminal_total_difficulty);
  evm_revision_t rev = chain_config_revision(cfg, h->number, h->timestamp, post_merge);
  block_error_t be = block_check_rlp_size(rev, len);
  if (be == BLOCK_VALID && (err = validate_header(c, h, &parent, post_merge, &be))) {
    block_free(&b);
    return err; /* the seal could not be checked: no verdict */
  }
  char why[200] = "";
  if (be == BLOCK_VALID && !post_merge && b.ommer_count) {
    ancestors_t *anc = malloc(sizeof *anc);
    if (!anc) {
      block_free(&b);
      return ETHC_ERR_NOMEM;
    }
    int lerr = load_ancestors(c, &h->parent_hash, anc);
    if (!lerr) be = block_validate_ommers(cfg, &b, &res->hash, anc->list, anc->count, false, why, sizeof why, &lerr);
    /* the ommers' seals, checked here for the same reason as the block's */
    for (size_t i = 0; !lerr && be == BLOCK_VALID && !c->fakepow && i < b.ommer_count; i++) {
      lerr = check_seal(&b.ommers[i], &be);
      if (be != BLOCK_VALID) snprintf(why, sizeof why, "ommer %zu: invalid proof-of-work seal", i);
    }
    free(anc);
    if (lerr) { /* a read or an allocation that failed: no verdict */
      block_free(&b);
      return lerr;
    }
  }
  if (be != BLOCK_VALID) {
    block_free(&b);
    return invalid(res, be, why);
  }

  /* The block runs on an overlay of its parent's stored state: nothing is
   * loaded whole, and an invalid block is forgotten with its overlay. A block
   * on the head takes the overlay the head's import left (what it read is still
   * in memory); if the block fails, that overlay goes with it and the next
   * block starts from the database, which the failure never touched. */
  bool extends_head = ethc_hash_eq(&h->parent_hash, &c->head_hash);
  state_t *st = NULL;
  if (extends_head) { /* taken: on failure it goes (a side block leaves it to the head) */
    st = c->warm;
    c->warm = NULL;
  }
  if (!st) {
    state_base_t base;
    ethc_hash_t parent_root;
    if ((err = chain_effective_root(c, &h->parent_hash, &parent, &parent_root))) {
      block_free(&b);
      return err;
    }
    state_db_base(c->sdb, &parent_root, &base);
    st = state_new_over(&base);
  }
  if (!st) {
    block_free(&b);
    return ETHC_ERR_NOMEM;
  }
  ancestry_t anc = {c, h->parent_hash, parent.number, extends_head};
  block_exec_opts_t opts = {cfg, rev, post_merge, ancestor_hash, &anc, NULL, NULL, NULL, NULL};
  block_exec_result_t er;
  memset(&er, 0, sizeof er);
  be = block_execute(st, c->vm, &b, &opts, &er);
  if ((err = er.local_error) || (err = state_error(st))) { /* ethc's own failure: no verdict */
    snprintf(res->reason, sizeof res->reason, "cannot execute the block: %s", ethc_strerror(err));
    block_exec_result_free(&er);
    block_free(&b);
    state_free(st);
    return err;
  }
  if (be != BLOCK_VALID) {
    invalid(res, be, er.reason);
    block_exec_result_free(&er);
    block_free(&b);
    state_free(st);
    return ETHC_ERR_INVALID;
  }
  res->gas_used = er.gas_used;

  /* One batch: the block, its receipts, its state, and (if it wins) the head. */
  chaindb_batch_t *batch = chaindb_batch_new();
  bytes_buf_t body = {0}, receipts = {0};
  ethc_hash_t root;
  u256_t td;
  u256_add(&td, &parent_td, &h->difficulty);
  state_writer_t w;
  err = batch ? ETHC_OK : ETHC_ERR_NOMEM;
  if (!err) err = body_of(rlp, len, &body);
  if (!err) err = encode_receipts(&er, &receipts);
  if (!err) {
    chaindb_state_writer(batch, &w);
    err = state_db_save(st, &w, &root);
  }
  /* block_execute compared the root already: a difference now is ethc's bug */
  if (!err && !ethc_hash_eq(&root, &h->state_root)) err = ETHC_ERR_INVALID;
  bool wins = post_merge ? !c->explicit_fork_choice : u256_lt(&c->head_td, &td);
  rlp_item_t blk, hdr_item;
  if (!err && (rlp_decode(rlp, len, &blk) || rlp_decode_item(blk.payload, blk.payload_len, &hdr_item, NULL)))
    err = ETHC_ERR_INVALID; /* cannot happen: the block decoded above */
  if (!err) {
    chaindb_put_header(batch, h->number, &res->hash, hdr_item.raw, hdr_item.raw_len);
    chaindb_put_body(batch, h->number, &res->hash, body.data, body.len);
    chaindb_put_receipts(batch, h->number, &res->hash, receipts.data, receipts.len);
    chaindb_put_td(batch, h->number, &res->hash, &td);
    if (wins) {
      err = set_canonical(c, batch, h, &res->hash);
      if (!err) err = put_tx_index(batch, h->number, &res->hash, body.data, body.len);
      chaindb_put_head(batch, &res->hash);
    }
  }
  if (!err) err = chaindb_write(c->db, batch, c->sync);
  if (!err && wins) {
    c->head = *h;
    c->head_hash = res->hash;
    c->head_td = td;
    c->head_root = h->state_root;
    res->new_head = true;
    state_free(c->warm);
    c->warm = NULL;
    if (state_account_count(st) <= WARM_MAX_ACCOUNTS) {
      c->warm = st; /* committed and written: the new head's state */
      st = NULL;
    }
    err = publish_head(c);
  }
  state_free(st);
  chaindb_batch_free(batch);
  bytes_buf_free(&body);
  bytes_buf_free(&receipts);
  block_exec_result_free(&er);
  block_free(&b);
  return err;
}

int chain_export(chain_t *c, ethc_write_fn write, void *ctx, uint64_t first, uint64_t last) {
  if (last > c->head.number) last = c->head.number;
  bytes_buf_t hdr = {0}, body = {0}, block = {0};
  int err = ETHC_OK;
  for (uint64_t n = first; n <= last && !err; n++) {
    ethc_hash_t hash;
    hdr.len = body.len = block.len = 0;
    if ((err = chaindb_get_canonical(c->db, n, &hash)) || (err = chaindb_get_header(c->db, n, &hash, &hdr)) ||
        (err = chaindb_get_body(c->db, n, &hash, &body)))
      break;
    rlp_item_t bl;
    if (rlp_decode(body.data, body.len, &bl)) {
      err = ETHC_ERR_INVALID;
      break;
    }
    size_t start = rlp_list_begin(&block);
    err = rlp_put_raw(&block, hdr.data, hdr.len) | rlp_put_raw(&block, bl.payload, bl.payload_len) |
          rlp_list_end(&block, start);
    if (!err && write(ctx, block.data, block.len)) err = ETHC_ERR_IO;
  }
  bytes_buf_free(&hdr);
  bytes_buf_free(&body);
  bytes_buf_free(&block);
  return err;
}

/* ---- fork choice and headers alone ---- */

/* Whether `anc` (stored) is `h` (hash `hash`) or one of its ancestors. */
static int is_ancestor(chain_t *c, const ethc_hash_t *anc, const chain_header_t *h, const ethc_hash_t *hash,
                       bool *yes) {
  uint64_t n;
  int err = chaindb_get_number(c->db, anc, &n);
  if (err) return err;
  chain_header_t cur = *h;
  ethc_hash_t cur_hash = *hash;
  while (cur.number > n) {
    cur_hash = cur.parent_hash;
    if ((err = load_header(c, &cur_hash, &cur, NULL))) return err;
  }
  *yes = cur.number == n && ethc_hash_eq(&cur_hash, anc);
  return ETHC_OK;
}

int chain_set_head(chain_t *c, const ethc_hash_t *head, const ethc_hash_t *safe, const ethc_hash_t *finalized) {
  if (c->read_only) return ETHC_ERR_UNSUPPORTED;
  chain_header_t h;
  u256_t td;
  ethc_hash_t root;
  int err = load_header(c, head, &h, &td);
  if (!err) err = chain_effective_root(c, head, &h, &root);
  if (err) return err;
  /* only a block executed here has its state stored (not a header alone) */
  bytes_buf_t node = {0}, body = {0};
  err = chaindb_get_trie_node(c->db, &root, &node);
  bytes_buf_free(&node);
  if (err == ETHC_ERR_NOT_FOUND && ethc_hash_eq(&root, &STATE_EMPTY_ROOT)) err = ETHC_OK;
  if (!err) err = chaindb_get_body(c->db, h.number, head, &body);
  const ethc_hash_t *marks[2] = {safe, finalized};
  for (int i = 0; i < 2 && !err; i++) {
    bool yes = false;
    if (marks[i] && !(err = is_ancestor(c, marks[i], &h, head, &yes)) && !yes) err = ETHC_ERR_INVALID;
  }
  chaindb_batch_t *batch = err ? NULL : chaindb_batch_new();
  if (!err && !batch) err = ETHC_ERR_NOMEM;
  if (!err && !ethc_hash_eq(head, &c->head_hash)) {
    err = set_canonical(c, batch, &h, head);
    if (!err) err = put_tx_index(batch, h.number, head, body.data, body.len);
    chaindb_put_head(batch, head);
  }
  if (!err && safe) chaindb_put_meta(batch, "safe", safe->bytes, 32);
  if (!err && finalized) chaindb_put_meta(batch, "finalized", finalized->bytes, 32);
  if (!err) err = chaindb_write(c->db, batch, c->sync);
  bool moved = !err && !ethc_hash_eq(head, &c->head_hash);
  if (moved) {
    state_free(c->warm); /* the old head's */
    c->warm = NULL;
    c->head = h;
    c->head_hash = *head;
    c->head_td = td;
    c->head_root = root;
    err = publish_head(c);
  }
  chaindb_batch_free(batch);
  bytes_buf_free(&body);
  return err;
}

int chain_import_header(chain_t *c, const uint8_t *rlp, size_t len, chain_import_result_t *res) {
  memset(res, 0, sizeof *res);
  if (c->read_only) return ETHC_ERR_UNSUPPORTED;
  chain_header_t h;
  if (header_decode(rlp, len, &h)) return invalid(res, BLOCK_ERR_RLP, "the header does not decode");
  int err = header_hash(&h, &res->hash);
  if (err) return err;
  res->decoded = true;
  res->number = h.number;
  res->parent_hash = h.parent_hash;
  res->zero_seal = zero_seal(&h);
  uint64_t known_number;
  err = chaindb_get_number(c->db, &res->hash, &known_number);
  if (!err) {
    res->known = true;
    return ETHC_OK;
  }
  if (err != ETHC_ERR_NOT_FOUND) return err;
  chain_header_t parent;
  u256_t parent_td;
  if ((err = load_header(c, &h.parent_hash, &parent, &parent_td))) {
    if (err != ETHC_ERR_NOT_FOUND) return err;
    char hex[67];
    return invalid(res, BLOCK_ERR_UNKNOWN_PARENT, hex_encode(h.parent_hash.bytes, 32, hex));
  }
  const chain_config_t *cfg = &c->config;
  bool post_merge = cfg->has_ttd && !u256_lt(&parent_td, &cfg->terminal_total_difficulty);
  block_error_t be;
  if ((err = validate_header(c, &h, &parent, post_merge, &be))) return err; /* no verdict */
  if (be != BLOCK_VALID) return invalid(res, be, NULL);
  u256_t td;
  u256_add(&td, &parent_td, &h.difficulty);
  chaindb_batch_t *batch = chaindb_batch_new();
  if (!batch) return ETHC_ERR_NOMEM;
  rlp_item_t item;
  err = rlp_decode(rlp, len, &item) ? ETHC_ERR_INVALID : ETHC_OK; /* decoded above: cannot fail */
  if (!err) {
    chaindb_put_header(batch, h.number, &res->hash, item.raw, item.raw_len);
    chaindb_put_td(batch, h.number, &res->hash, &td);
    err = chaindb_write(c->db, batch, c->sync);
  }
  chaindb_batch_free(batch);
  return err;
}

int chain_import_headers(chain_t *c, const bytes_view_t *items, size_t n, size_t *done, chain_import_result_t *res) {
  return chain_import_headers_hashed(c, items, NULL, n, done, res);
}

int chain_import_headers_hashed(chain_t *c, const bytes_view_t *items, const ethc_hash_t *hashes, size_t n,
                                size_t *done, chain_import_result_t *res) {
  memset(res, 0, sizeof *res);
  *done = 0;
  if (c->read_only) return ETHC_ERR_UNSUPPORTED;
  chaindb_batch_t *batch = chaindb_batch_new();
  if (!batch) return ETHC_ERR_NOMEM;
  chain_header_t parent, h;
  ethc_hash_t parent_hash = {0};
  u256_t parent_td;
  bool have_parent = false; /* parent: the previous item, held here (its record may be in `batch` only) */
  bool fresh = false;       /* a header was new: those after it cannot be stored already */
  int err = ETHC_OK;
  size_t i = 0;
  for (; i < n && !err; i++) {
    memset(res, 0, sizeof *res);
    if (header_decode(items[i].data, items[i].len, &h)) {
      err = invalid(res, BLOCK_ERR_RLP, "the header does not decode");
      break;
    }
    if (hashes) res->hash = hashes[i]; /* the caller's keccak256 of items[i] */
    else if ((err = header_hash(&h, &res->hash))) break;
    res->decoded = true;
    res->number = h.number;
    res->parent_hash = h.parent_hash;
    res->zero_seal = zero_seal(&h);
    if (have_parent && !ethc_hash_eq(&h.parent_hash, &parent_hash)) {
      err = invalid(res, BLOCK_ERR_UNKNOWN_PARENT, "not the previous header's child");
      break;
    }
    if (!fresh) { /* a stored header's children may be stored too; a new header's cannot be */
      uint64_t known_number;
      err = chaindb_get_number(c->db, &res->hash, &known_number);
      if (!err) {
        res->known = true;
        if ((err = load_header(c, &res->hash, &parent, &parent_td))) break;
        parent_hash = res->hash;
        have_parent = true;
        continue;
      }
      if (err != ETHC_ERR_NOT_FOUND) break;
      err = ETHC_OK;
    }
    if (!have_parent && (err = load_header(c, &h.parent_hash, &parent, &parent_td))) {
      if (err != ETHC_ERR_NOT_FOUND) break;
      char hex[67];
      err = invalid(res, BLOCK_ERR_UNKNOWN_PARENT, hex_encode(h.parent_hash.bytes, 32, hex));
      break;
    }
    bool post_merge = c->config.has_ttd && !u256_lt(&parent_td, &c->config.terminal_total_difficulty);
    block_error_t be;
    if ((err = validate_header(c, &h, &parent, post_merge, &be))) break; /* no verdict */
    if (be != BLOCK_VALID) {
      err = invalid(res, be, NULL);
      break;
    }
    u256_t td;
    u256_add(&td, &parent_td, &h.difficulty);
    rlp_item_t item;
    if (rlp_decode(items[i].data, items[i].len, &item)) { /* decoded above: cannot fail */
      err = ETHC_ERR_INVALID;
      break;
    }
    chaindb_put_header(batch, h.number, &res->hash, item.raw, item.raw_len);
    chaindb_put_td(batch, h.number, &res->hash, &td);
    parent = h;
    parent_hash = res->hash;
    parent_td = td;
    have_parent = fresh = true;
  }
  *done = i;
  /* what was verified before a failure is stored all the same */
  int werr = chaindb_write(c->db, batch, c->sync);
  chaindb_batch_free(batch);
  if (werr) *done = 0;
  return err ? err : werr;
}

/* ---- for the chain's other files (chain_internal.h) ---- */

bool chain_is_read_only(const chain_t *c) { return c->read_only; }
bool chain_syncs(const chain_t *c) { return c->sync; }
atomic_bool *chain_has_roots(chain_t *c) { return &c->has_roots; }
atomic_bool *chain_has_forced(chain_t *c) { return &c->has_forced; }
const chain_header_t *chain_head_header(const chain_t *c, u256_t *td, ethc_hash_t *root) {
  if (td) *td = c->head_td;
  if (root) *root = c->head_root;
  return &c->head;
}
void chain_head_moved(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, const u256_t *td,
                      const ethc_hash_t *root) {
  state_free(c->warm); /* the old head's, or the state before an edit */
  c->warm = NULL;
  c->head = *h;
  c->head_hash = *hash;
  c->head_td = *td;
  c->head_root = *root;
}
int chain_load_header(chain_t *c, const ethc_hash_t *hash, chain_header_t *h, u256_t *td) {
  return load_header(c, hash, h, td);
}
int chain_body_of(const uint8_t *block_rlp, size_t len, bytes_buf_t *out) { return body_of(block_rlp, len, out); }
int chain_put_canonical_branch(chain_t *c, chaindb_batch_t *b, const chain_header_t *h, const ethc_hash_t *hash,
                               const uint8_t *body, size_t body_len) {
  int err = set_canonical(c, b, h, hash);
  if (!err) err = put_tx_index(b, h->number, hash, body, body_len);
  if (!err) chaindb_put_head(b, hash);
  return err;
}
int chain_publish_head(chain_t *c) { return publish_head(c); }
const ethc_hash_t *chain_snapshot_state_root(const chain_snapshot_t *s) { return &s->root; }
