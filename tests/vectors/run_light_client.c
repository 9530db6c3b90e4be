/* `ethc test light-client PATH...`: consensus-spec-tests light_client/sync cases
 * (consensus-specs tests/formats/light_client/sync.md). A case is a directory:
 * meta.yaml (genesis_validators_root, trusted_block_root, bootstrap and store fork
 * digests), config.yaml (the preset and fork schedule), bootstrap.ssz_snappy, the
 * updates, and steps.yaml: process_update (decode and process one update at
 * current_slot), force_update, upgrade_store, each followed by checks of the
 * store's finalized and optimistic headers (slot, beacon root, execution root). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ethc/bytes.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"
#include "runner.h"
#include "vectors/yaml_json.h"

#define MAX_SSZ (1u << 24)

typedef struct {
  runner_t *r;
  const char *dir;
  const char *name;
  const char *fork_name;
  beacon_config_t cfg;
} lc_case_t;

/* The text of member `key` (every YAML scalar is a string), or NULL. */
static const char *str_of(const cJSON *o, const char *key) { return json_str(o, key); }

static bool u64_of(const cJSON *o, const char *key, uint64_t *out) {
  const char *s = str_of(o, key);
  if (!s || !*s) return false;
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (*end) return false;
  *out = v;
  return true;
}

/* config.yaml and meta.yaml into a config. false with `err` on a missing field. */
static bool load_config(lc_case_t *c, const cJSON *config, const cJSON *meta, char *err, size_t errlen) {
  memset(&c->cfg, 0, sizeof c->cfg);
  c->cfg.name = "test";
  const char *preset = str_of(config, "PRESET_BASE");
  c->cfg.preset = beacon_preset_by_name(preset ? preset : "minimal");
  if (!c->cfg.preset) {
    snprintf(err, errlen, "config.yaml: unknown PRESET_BASE '%s'", preset);
    return false;
  }
  if (!u64_of(config, "SECONDS_PER_SLOT", &c->cfg.seconds_per_slot)) c->cfg.seconds_per_slot = 6;
  static const char *const keys[BEACON_FORK_COUNT] = {"GENESIS", "ALTAIR",  "BELLATRIX", "CAPELLA",
                                                      "DENEB",   "ELECTRA", "FULU"};
  for (unsigned f = 0; f < BEACON_FORK_COUNT; f++) {
    char k[64];
    snprintf(k, sizeof k, "%s_FORK_VERSION", keys[f]);
    const char *v = str_of(config, k);
    if (!v || hex_decode_fixed(v, true, c->cfg.fork_version[f], 4) != 0) {
      if (f == 0) {
        snprintf(err, errlen, "config.yaml: no GENESIS_FORK_VERSION");
        return false;
      }
      c->cfg.fork_epoch[f] = BEACON_FAR_FUTURE_EPOCH;
      continue;
    }
    snprintf(k, sizeof k, "%s_FORK_EPOCH", keys[f]);
    if (f == 0) c->cfg.fork_epoch[f] = 0;
    else if (!u64_of(config, k, &c->cfg.fork_epoch[f])) c->cfg.fork_epoch[f] = BEACON_FAR_FUTURE_EPOCH;
  }
  const char *gvr = str_of(meta, "genesis_validators_root");
  if (!gvr || hex_decode_fixed(gvr, true, c->cfg.genesis_validators_root, 32) != 0) {
    snprintf(err, errlen, "meta.yaml: bad genesis_validators_root");
    return false;
  }
  return true;
}

/* The fork whose digest (pre-Fulu form) is `digest`, latest first. */
static bool fork_of_digest(const lc_case_t *c, const char *digest, beacon_fork_t *out) {
  uint8_t want[4];
  if (!digest || hex_decode_fixed(digest, true, want, 4) != 0) return false;
  for (int f = BEACON_FORK_COUNT - 1; f >= BEACON_FORK_ALTAIR; f--) {
    if (c->cfg.fork_epoch[f] == BEACON_FAR_FUTURE_EPOCH) continue;
    uint8_t d[4];
    beacon_fork_digest(c->cfg.fork_version[f], c->cfg.genesis_validators_root, d);
    if (memcmp(d, want, 4) == 0) {
      *out = (beacon_fork_t)f;
      return true;
    }
  }
  return false;
}

/* The decompressed bytes of DIR/NAME.ssz_snappy (caller frees), or NULL. */
static uint8_t *read_ssz(const lc_case_t *c, const char *name, size_t *len, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.ssz_snappy", c->dir, name);
  size_t clen;
  uint8_t *comp = bytes_read_file(path, &clen);
  if (!comp) {
    snprintf(err, errlen, "cannot read %.200s.ssz_snappy", name);
    return NULL;
  }
  uint8_t *out = NULL;
  if (ssz_snappy_block_decode(comp, clen, MAX_SSZ, &out, len) != 0)
    snprintf(err, errlen, "%.200s.ssz_snappy: bad snappy data", name);
  free(comp);
  return out;
}

static bool check_header(const lc_case_t *c, const char *what, const beacon_lc_header_t *h, const cJSON *want,
                         char *err, size_t errlen) {
  if (!want) return true;
  uint64_t slot;
  uint8_t root[32], exec[32], got_root[32], got_exec[32];
  if (!u64_of(want, "slot", &slot) || hex_decode_fixed(str_of(want, "beacon_root"), true, root, 32) != 0) {
    snprintf(err, errlen, "steps.yaml: malformed %s check", what);
    return false;
  }
  ssz_root_block_header(&h->beacon, got_root);
  lc_execution_root(&c->cfg, h, got_exec);
  if (h->beacon.slot != slot) {
    snprintf(err, errlen, "%s slot %llu, expected %llu", what, (unsigned long long)h->beacon.slot,
             (unsigned long long)slot);
    return false;
  }
  if (memcmp(got_root, root, 32) != 0) {
    snprintf(err, errlen, "%s beacon root differs (slot %llu)", what, (unsigned long long)slot);
    return false;
  }
  const char *er = str_of(want, "execution_root");
  if (er) {
    if (hex_decode_fixed(er, true, exec, 32) != 0) {
      snprintf(err, errlen, "steps.yaml: malformed %s execution_root", what);
      return false;
    }
    if (memcmp(got_exec, exec, 32) != 0) {
      snprintf(err, errlen, "%s execution root differs (slot %llu)", what, (unsigned long long)slot);
      return false;
    }
  }
  return true;
}

static bool check_store(const lc_case_t *c, const lc_store_t *s, const cJSON *checks, size_t step, char *err,
                        size_t errlen) {
  char e[400];
  if (!checks) return true;
  if (!check_header(c, "finalized header", &s->finalized_header, json_get(checks, "finalized_header"), e, sizeof e) ||
      !check_header(c, "optimistic header", &s->optimistic_header, json_get(checks, "optimistic_header"), e,
                    sizeof e)) {
    snprintf(err, errlen, "step %zu: %s", step, e);
    return false;
  }
  return true;
}

/* Runs the case; false with `err` on the first difference. */
static bool run_case(lc_case_t *c, char *err, size_t errlen) {
  char path[4096], e[400] = "";
  bool ok = false;
  cJSON *meta = NULL, *config = NULL, *steps = NULL;
  uint8_t *bytes = NULL;
  lc_store_t *store = calloc(1, sizeof *store);
  beacon_lc_bootstrap_t *boot = calloc(1, sizeof *boot);
  beacon_lc_update_t *upd = calloc(1, sizeof *upd);
  if (!store || !boot || !upd) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  snprintf(path, sizeof path, "%s/meta.yaml", c->dir);
  if (!(meta = yaml_file_to_json(path, e, sizeof e))) goto yaml_fail;
  snprintf(path, sizeof path, "%s/config.yaml", c->dir);
  if (!(config = yaml_file_to_json(path, e, sizeof e))) goto yaml_fail;
  snprintf(path, sizeof path, "%s/steps.yaml", c->dir);
  if (!(steps = yaml_file_to_json(path, e, sizeof e))) goto yaml_fail;
  if (!cJSON_IsArray(steps)) {
    snprintf(err, errlen, "steps.yaml: not a list");
    goto out;
  }
  if (!load_config(c, config, meta, err, errlen)) goto out;
  beacon_fork_t fork;
  if (!fork_of_digest(c, str_of(meta, "bootstrap_fork_digest"), &fork)) {
    snprintf(err, errlen, "meta.yaml: bootstrap_fork_digest matches no fork of config.yaml");
    goto out;
  }
  c->fork_name = beacon_fork_name(fork);
  uint8_t trusted[32];
  if (hex_decode_fixed(str_of(meta, "trusted_block_root"), true, trusted, 32) != 0) {
    snprintf(err, errlen, "meta.yaml: bad trusted_block_root");
    goto out;
  }
  size_t len;
  if (!(bytes = read_ssz(c, "bootstrap", &len, err, errlen))) goto out;
  if (ssz_decode_lc_bootstrap(bytes, len, fork, c->cfg.preset->sync_committee_size, boot) != 0) {
    snprintf(err, errlen, "bootstrap: SSZ does not decode as a %s LightClientBootstrap", c->fork_name);
    goto out;
  }
  const char *why = "";
  if (lc_store_init(store, &c->cfg, trusted, boot, &why) != 0) {
    snprintf(err, errlen, "bootstrap rejected: %s", why);
    goto out;
  }
  size_t i = 0;
  for (const cJSON *step = steps->child; step; step = step->next, i++) {
    const cJSON *body = step->child;
    if (!cJSON_IsObject(step) || !body) {
      snprintf(err, errlen, "step %zu: malformed", i);
      goto out;
    }
    uint64_t slot = 0;
    const char *kind = body->string;
    if (strcmp(kind, "process_update") == 0) {
      const char *name = str_of(body, "update");
      beacon_fork_t uf;
      if (!name || !u64_of(body, "current_slot", &slot)) {
        snprintf(err, errlen, "step %zu: process_update without update or current_slot", i);
        goto out;
      }
      if (!fork_of_digest(c, str_of(body, "update_fork_digest"), &uf)) uf = fork;
      free(bytes);
      if (!(bytes = read_ssz(c, name, &len, err, errlen))) goto out;
      if (ssz_decode_lc_update(bytes, len, uf, c->cfg.preset->sync_committee_size, upd) != 0) {
        snprintf(err, errlen, "step %zu: %s does not decode as a %s LightClientUpdate", i, name, beacon_fork_name(uf));
        goto out;
      }
      if (lc_process_update(store, &c->cfg, upd, slot, &why) != 0) {
        snprintf(err, errlen, "step %zu: %s rejected: %s", i, name, why);
        goto out;
      }
    } else if (strcmp(kind, "force_update") == 0) {
      if (!u64_of(body, "current_slot", &slot)) {
        snprintf(err, errlen, "step %zu: force_update without current_slot", i);
        goto out;
      }
      (void)lc_force_update(store, &c->cfg, slot);
    } else if (strcmp(kind, "upgrade_store") == 0) {
      beacon_fork_t to;
      if (!fork_of_digest(c, str_of(body, "store_fork_digest"), &to)) {
        snprintf(err, errlen, "step %zu: upgrade_store: unknown store_fork_digest", i);
        goto out;
      }
      lc_store_upgrade(store, to);
    } else {
      snprintf(err, errlen, "step %zu: unknown step '%s'", i, kind);
      goto out;
    }
    if (!check_store(c, store, json_get(body, "checks"), i, err, errlen)) goto out;
  }
  ok = true;
  goto out;
yaml_fail:
  snprintf(err, errlen, "%s: %s", strrchr(path, '/') + 1, e);
out:
  cJSON_Delete(meta);
  cJSON_Delete(config);
  cJSON_Delete(steps);
  free(bytes);
  free(store);
  free(boot);
  free(upd);
  return ok;
}

static void run_light_client(runner_t *r, const char *path, const cJSON *root) {
  (void)root;
  const char *name = strrchr(path, '/');
  name = name ? name + 1 : path;
  lc_case_t c = {.r = r, .dir = path, .name = name, .fork_name = NULL};
  if (runner_skip(r, path, name, NULL)) return;
  char err[600];
  char steps[4096];
  snprintf(steps, sizeof steps, "%s/steps.yaml", path);
  if (access(steps, R_OK) != 0) {
    runner_fail(r, path, name, NULL, "not a light_client case directory (no readable steps.yaml)");
    return;
  }
  if (run_case(&c, err, sizeof err)) runner_pass(r, path, name, c.fork_name);
  else runner_fail(r, path, name, c.fork_name, "%s", err);
}
RUNNER_SUITE("light-client", run_light_client, RUNNER_CASE_DIRS)
