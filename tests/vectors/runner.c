/* `ethc test SUITE [--json] [--fork NAME] [--trace] [--skip-file F] PATH...`:
 * the file walker, JSON loading, skip file and reporting shared by every suite
 * runner (ethereum/tests format docs: ethereum-tests.readthedocs.io). */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "ethc/bytes.h"

static runner_suite_t *suites;

void runner_register_suite(runner_suite_t *s) {
  runner_suite_t **p = &suites;
  while (*p) p = &(*p)->next;
  *p = s;
}

static const runner_suite_t *find_suite(const char *name) {
  for (const runner_suite_t *s = suites; s; s = s->next)
    if (strcmp(s->name, name) == 0) return s;
  return NULL;
}

/* ---- skip file: lines "SUITE <tab> PATTERN <tab> REASON"; PATTERN is an
 * fnmatch pattern over "FILE:NAME:FORK" (FILE as walked, so start with '*'). */
struct skip_rule {
  char *suite, *pattern, *reason;
  struct skip_rule *next;
};

static int load_skip_file(runner_t *r, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "ethc test: cannot open skip file %s: %s\n", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "ethc test: skip file %s is not a regular file\n", path);
    fclose(f);
    return -1;
  }
  char line[2048];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == '#' || line[0] == 0) continue;
    char *suite = line, *pattern = strchr(suite, '\t'), *reason = NULL;
    if (pattern) {
      *pattern++ = 0;
      pattern += strspn(pattern, "\t");
      reason = strchr(pattern, '\t');
    }
    if (!pattern || !reason) {
      fprintf(stderr, "ethc test: %s:%d: expected SUITE<tab>PATTERN<tab>REASON\n", path, lineno);
      fclose(f);
      return -1;
    }
    *reason++ = 0;
    reason += strspn(reason, "\t");
    if (strcmp(suite, r->suite->name) != 0) continue;
    struct skip_rule *rule = calloc(1, sizeof *rule);
    if (!rule || !(rule->suite = strdup(suite)) || !(rule->pattern = strdup(pattern)) ||
        !(rule->reason = strdup(reason))) {
      if (rule) free(rule->suite), free(rule->pattern), free(rule);
      fprintf(stderr, "ethc test: out of memory reading %s\n", path);
      fclose(f);
      return -1;
    }
    rule->next = r->skips;
    r->skips = rule;
  }
  fclose(f);
  return 0;
}

static void free_skips(runner_t *r) {
  while (r->skips) {
    struct skip_rule *n = r->skips->next;
    free(r->skips->suite);
    free(r->skips->pattern);
    free(r->skips->reason);
    free(r->skips);
    r->skips = n;
  }
}

/* ---- reporting ---- */

static void json_case(const char *path, const char *name, const char *fork, bool pass, bool skipped,
                      const char *error) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "file", path);
  cJSON_AddStringToObject(o, "name", name);
  cJSON_AddStringToObject(o, "fork", fork ? fork : "");
  cJSON_AddBoolToObject(o, "pass", pass);
  if (skipped) cJSON_AddBoolToObject(o, "skipped", true);
  if (error) cJSON_AddStringToObject(o, "error", error);
  else cJSON_AddNullToObject(o, "error");
  char *s = cJSON_PrintUnformatted(o);
  puts(s);
  free(s);
  cJSON_Delete(o);
}

bool runner_fork_filtered(const runner_t *r, const char *fork) {
  return r->fork && fork && strcmp(r->fork, fork) != 0;
}

bool runner_skip(runner_t *r, const char *path, const char *name, const char *fork) {
  if (!r->skips) return false;
  char id[4096];
  snprintf(id, sizeof id, "%s:%s:%s", path, name, fork ? fork : "");
  for (struct skip_rule *s = r->skips; s; s = s->next) {
    if (fnmatch(s->pattern, id, 0) == 0) {
      r->skipped++;
      if (r->json) json_case(path, name, fork, false, true, s->reason);
      return true;
    }
  }
  return false;
}

void runner_pass(runner_t *r, const char *path, const char *name, const char *fork) {
  r->passed++;
  if (r->json) json_case(path, name, fork, true, false, NULL);
}

void runner_fail(runner_t *r, const char *path, const char *name, const char *fork, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->failed++;
  if (r->json) json_case(path, name, fork, false, false, msg);
  else printf("FAIL %s %s%s%s: %s\n", path, name, fork ? " " : "", fork ? fork : "", msg);
  fflush(stdout);
}

const cJSON *json_get(const cJSON *obj, const char *key) {
  return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *json_str(const cJSON *obj, const char *key) {
  const cJSON *v = json_get(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- walking ---- */


static void run_one_file(runner_t *r, const char *path) {
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    runner_fail(r, path, "(file)", NULL, "cannot read file: %s", strerror(errno));
    return;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!root) {
    size_t off = end ? (size_t)(end - text) : 0;
    runner_fail(r, path, "(file)", NULL, "malformed JSON near byte %zu", off);
  } else if (!r->suite->array_root && !cJSON_IsObject(root)) { /* array suites sort their files themselves */
    runner_fail(r, path, "(file)", NULL, "the top level is not a JSON object");
    cJSON_Delete(root);
  } else {
    r->suite->run_file(r, path, root);
    cJSON_Delete(root);
  }
  free(text);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk(runner_t *r, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    runner_fail(r, path, "(file)", NULL, "cannot open: %s", strerror(errno));
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    run_one_file(r, path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) {
    runner_fail(r, path, "(file)", NULL, "cannot open directory: %s", strerror(errno));
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, names[i]);
    struct stat cs;
    if (stat(child, &cs) == 0 && S_ISDIR(cs.st_mode)) walk(r, child);
    else if (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0) run_one_file(r, child);
    free(names[i]);
  }
  free(names);
}

static int test_usage(void) {
  fprintf(stderr,
          "usage: ethc test SUITE [--json] [--fork NAME] [--trace] [--skip-file FILE] PATH...\n"
          "suites:");
  for (const runner_suite_t *s = suites; s; s = s->next) fprintf(stderr, " %s", s->name);
  fprintf(stderr, "\n");
  return 2;
}

int runner_main(const char *suite_name, int argc, char **argv) {
  runner_t r = {0};
  r.suite = find_suite(suite_name);
  if (!r.suite) {
    fprintf(stderr, "ethc test: unknown suite '%s'\n", suite_name);
    return test_usage();
  }
  const char *skip_file = NULL;
  char **paths = calloc((size_t)argc + 1, sizeof *paths);
  int npaths = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) r.json = true;
    else if (strcmp(argv[i], "--trace") == 0) r.trace = true;
    else if (strcmp(argv[i], "--fork") == 0 && i + 1 < argc) r.fork = argv[++i];
    else if (strcmp(argv[i], "--skip-file") == 0 && i + 1 < argc) skip_file = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "ethc test: unknown option '%s'\n", argv[i]);
      free(paths);
      return test_usage();
    } else paths[npaths++] = argv[i];
  }
  if (npaths == 0) {
    free(paths);
    return test_usage();
  }
  /* No skip file unless one is named: the program has no built-in path to a
   * source tree (ctest passes tests/vectors/skip.txt). */
  if (skip_file && load_skip_file(&r, skip_file) != 0) {
    free(paths);
    return 2;
  }
  for (int i = 0; i < npaths; i++) walk(&r, paths[i]);
  free(paths);
  free_skips(&r);
  /* In --json mode stdout carries only case objects; the summary goes to stderr. */
  fprintf(r.json ? stderr : stdout, "%zu passed, %zu failed, %zu skipped\n", r.passed, r.failed, r.skipped);
  if (r.fork && r.passed + r.failed + r.skipped == 0) {
    fprintf(stderr, "ethc test: no %s case of fork '%s' under the given paths\n", r.suite->name, r.fork);
    return 1;
  }
  return r.failed ? 1 : 0;
}

static int cmd_test(int argc, char **argv) {
  if (argc < 2) return test_usage();
  return runner_main(argv[1], argc - 2, argv + 2);
}
CLI_COMMAND("", "test", cmd_test, "SUITE [--json] [--fork NAME] [--trace] [--skip-file FILE] PATH...   run official test vectors")

static int cmd_statetest(int argc, char **argv) { return runner_main("state", argc - 1, argv + 1); }
CLI_COMMAND("", "statetest", cmd_statetest, "PATH...   alias of `ethc test state`")

bool runner_names_match(const char *names, runner_name_fn matches, runner_name_fn known, const void *ctx,
                        char *unknown, size_t ulen) {
  unknown[0] = 0;
  char one[256];
  size_t used = 0;
  for (const char *p = names; *p;) {
    size_t n = strcspn(p, "|");
    if (n < sizeof one) {
      memcpy(one, p, n);
      one[n] = 0;
      if (matches(ctx, one)) return true;
      if (!known(ctx, one) && used + n + 2 < ulen)
        used += (size_t)snprintf(unknown + used, ulen - used, "%s%s", used ? ", " : "", one);
    }
    p += n;
    if (*p == '|') p++;
  }
  return false;
}

static bool tx_class_matches(const void *ctx, const char *name) {
  return tx_invalid_matches(*(const tx_invalid_t *)ctx, name);
}

static bool tx_name_known(const void *ctx, const char *name) {
  (void)ctx;
  return tx_invalid_name_known(name);
}

bool runner_tx_names_match(tx_invalid_t c, const char *names, char *unknown, size_t ulen) {
  return runner_names_match(names, tx_class_matches, tx_name_known, &c, unknown, ulen);
}
