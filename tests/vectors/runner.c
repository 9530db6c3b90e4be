/* `ethc test SUITE [options] PATH...`: the file walker, JSON loading, skip file,
 * case selection (--fork, --run, --index), progress on a terminal and reporting
 * shared by every suite runner (ethereum/tests format docs:
 * ethereum-tests.readthedocs.io). */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "exception_names.h"

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

/* ---- progress: on a terminal a status line "[i/n] FILE" on stderr, redrawn per
 * file; with --verbose a line per passed or skipped case (failed ones have theirs
 * on stdout). ETHC_TEST_PROGRESS=1 forces the status line (for the tests). ---- */

struct runner_progress {
  bool status;  /* draw the status line */
  bool verbose; /* a line per case */
  bool shown;   /* the status line is on the screen */
  size_t width; /* of the terminal */
};

static void clear_status(runner_t *r) {
  if (r->progress && r->progress->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    r->progress->shown = false;
  }
}

static void show_status(runner_t *r, size_t i, size_t n, const char *path) {
  struct runner_progress *p = r->progress;
  if (!p || !p->status) return;
  char head[48];
  int hl = snprintf(head, sizeof head, "[%zu/%zu] ", i, n);
  size_t room = p->width > (size_t)hl + 4 ? p->width - (size_t)hl - 1 : 3, len = strlen(path);
  /* one line, or \r cannot overwrite it: keep the end of a long path */
  if (len > room) fprintf(stderr, "\r%s...%s\033[K", head, path + len - (room - 3));
  else fprintf(stderr, "\r%s%s\033[K", head, path);
  fflush(stderr);
  p->shown = true;
}

static void verbose_case(runner_t *r, const char *what, const char *path, const char *name, const char *fork,
                         const char *why) {
  if (!r->progress || !r->progress->verbose) return;
  clear_status(r);
  fprintf(stderr, "%s %s %s%s%s%s%s\n", what, path, name, fork ? " " : "", fork ? fork : "", why ? ": " : "",
          why ? why : "");
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

bool runner_fork_filtered(const runner_t *r, const char *fork) { return r->fork && fork && strcmp(r->fork, fork) != 0; }

struct runner_select {
  regex_t re;
};

bool runner_selected(const runner_t *r, const char *name) {
  return !r->select || regexec(&r->select->re, name, 0, NULL, 0) == 0;
}

bool runner_index_filtered(const runner_t *r, size_t index) {
  return r->index >= 0 && (unsigned long long)r->index != index;
}

bool runner_skip(runner_t *r, const char *path, const char *name, const char *fork) {
  if (!(r->suite->opts & RUNNER_OWN_RUN) && !runner_selected(r, name)) return true;
  if (!r->skips) return false;
  char id[4096];
  snprintf(id, sizeof id, "%s:%s:%s", path, name, fork ? fork : "");
  for (struct skip_rule *s = r->skips; s; s = s->next) {
    if (fnmatch(s->pattern, id, 0) == 0) {
      r->skipped++;
      if (r->json) json_case(path, name, fork, false, true, s->reason);
      verbose_case(r, "SKIP", path, name, fork, s->reason);
      return true;
    }
  }
  return false;
}

void runner_pass(runner_t *r, const char *path, const char *name, const char *fork) {
  r->passed++;
  if (r->json) json_case(path, name, fork, true, false, NULL);
  verbose_case(r, "PASS", path, name, fork, NULL);
}

void runner_fail(runner_t *r, const char *path, const char *name, const char *fork, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->failed++;
  clear_status(r);
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
  if (r->suite->opts & RUNNER_CASE_DIRS) {
    r->suite->run_file(r, path, NULL);
    return;
  }
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

/* The files to run, in order: a path that cannot be opened is kept with its
 * error, reported when its turn comes. */
typedef struct {
  char *path;
  const char *error; /* NULL, or why it cannot be opened (the path is then a "(file)" failure) */
  int err;
} walk_item_t;

typedef struct {
  walk_item_t *items;
  size_t n, cap;
} walk_list_t;

static void walk_add(walk_list_t *l, const char *path, const char *error, int err) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 256;
    walk_item_t *p = realloc(l->items, nc * sizeof *p);
    if (!p) {
      fprintf(stderr, "ethc test: out of memory\n");
      exit(2);
    }
    l->items = p;
    l->cap = nc;
  }
  char *copy = strdup(path);
  if (!copy) {
    fprintf(stderr, "ethc test: out of memory\n");
    exit(2);
  }
  l->items[l->n++] = (walk_item_t){copy, error, err};
}

static void walk(walk_list_t *l, const char *path, bool case_dirs) {
  struct stat st;
  if (stat(path, &st) != 0) {
    walk_add(l, path, "cannot open", errno);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    walk_add(l, path, NULL, 0);
    return;
  }
  if (case_dirs) {
    char steps[4096];
    snprintf(steps, sizeof steps, "%s/steps.yaml", path);
    if (stat(steps, &st) == 0) {
      walk_add(l, path, NULL, 0);
      return;
    }
  }
  DIR *d = opendir(path);
  if (!d) {
    walk_add(l, path, "cannot open directory", errno);
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
    if (stat(child, &cs) == 0 && S_ISDIR(cs.st_mode)) walk(l, child, case_dirs);
    else if (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0) walk_add(l, child, NULL, 0);
    free(names[i]);
  }
  free(names);
}

enum { OPT_JSON, OPT_FORK, OPT_RUN, OPT_INDEX, OPT_DUMP, OPT_TRACE, OPT_VERBOSE, OPT_V, OPT_SKIP_FILE };
static const cli_option_t test_options[] = {
    [OPT_JSON] = {"--json", NULL,
                  "one JSON object per case on stdout: {\"file\",\"name\",\"fork\",\"pass\",\"error\"};\n"
                  "the closing line goes to stderr",
                  NULL},
    [OPT_FORK] = {"--fork", "NAME",
                  "run only the cases of this fork or network (state, block, tx, difficulty, precompile)", "all"},
    [OPT_RUN] = {"--run", "REGEX",
                 "run only the tests whose name matches this POSIX extended regular expression\n"
                 "(state: the test's name without #INDEX); other cases are not counted",
                 "all"},
    [OPT_INDEX] = {"--index", "N",
                   "run only post entry N of each fork: the data/gas/value combination, the case\n"
                   "named TEST#N (state)",
                   "all"},
    [OPT_DUMP] = {"--dump", NULL, "print each failing case's post state as JSON on stderr (state)", NULL},
    [OPT_TRACE] = {"--trace", NULL, "EIP-3155 trace, one JSON line per instruction, on stderr (state, vm, block)",
                   NULL},
    [OPT_VERBOSE] = {"--verbose", NULL, "a line per passed or skipped case on stderr (failed ones are on stdout)",
                     NULL},
    [OPT_V] = {"-v", NULL, "the same as --verbose", NULL},
    [OPT_SKIP_FILE] = {"--skip-file", "FILE",
                       "the skip list: lines SUITE<tab>PATTERN<tab>REASON\n"
                       "(ctest passes the repository's tests/vectors/skip.txt)",
                       "none"},
    {0}};

static const char *suite_list(void) {
  static char buf[256];
  size_t n = 0;
  buf[0] = 0;
  for (const runner_suite_t *s = suites; s; s = s->next)
    n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s", n ? ", " : "", s->name);
  return buf;
}

/* The suites honouring option bit `opt`, as "state, vm". */
static const char *suites_with(unsigned opt) {
  static char buf[256];
  size_t n = 0;
  buf[0] = 0;
  for (const runner_suite_t *s = suites; s; s = s->next)
    if (s->opts & opt)
      n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s", n ? ", " : "", s->name);
  return buf;
}

static size_t terminal_width(void) {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

static int runner_main(const cli_command_t *self, const char *suite_name, int argc, char **argv) {
  runner_t r = {0};
  r.index = -1;
  const char *skip_file = NULL, *run_re = NULL, *used[4] = {0}; /* used[k]: the option given for bit k */
  bool verbose = false;
  char **paths = calloc((size_t)argc + 1, sizeof *paths);
  int npaths = 0;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
      case OPT_JSON: r.json = true; break;
      case OPT_TRACE:
        r.trace = true;
        used[1] = a.option;
        break;
      case OPT_FORK:
        r.fork = a.value;
        used[0] = a.option;
        break;
      case OPT_RUN: run_re = a.value; break;
      case OPT_INDEX: {
        uint64_t v;
        if (cli_parse_u64(cli_full_name(self), "--index", a.value, false, 1000000000, &v)) {
          free(paths);
          return 2;
        }
        r.index = (long long)v;
        used[2] = a.option;
        break;
      }
      case OPT_DUMP:
        r.dump = true;
        used[3] = a.option;
        break;
      case OPT_VERBOSE:
      case OPT_V: verbose = true; break;
      case OPT_SKIP_FILE: skip_file = a.value; break;
      case CLI_POSITIONAL:
        if (!suite_name) suite_name = a.value;
        else paths[npaths++] = (char *)a.value;
        break;
      default: free(paths); return cli_stop(k);
    }
  }
  if (!suite_name) {
    free(paths);
    return cli_usage_error(self, "no SUITE given (one of %s)", suite_list());
  }
  r.suite = find_suite(suite_name);
  if (!r.suite) {
    free(paths);
    const char *names[32];
    size_t n = 0;
    for (const runner_suite_t *s = suites; s && n < 32; s = s->next) names[n++] = s->name;
    const char *near = cli_nearest(suite_name, names, n);
    if (near) return cli_usage_error(self, "unknown suite '%s' (did you mean %s?)", suite_name, near);
    return cli_usage_error(self, "unknown suite '%s' (one of %s)", suite_name, suite_list());
  }
  for (unsigned k = 0; k < 4; k++) {
    if (used[k] && !(r.suite->opts & (1u << k))) {
      free(paths);
      return cli_usage_error(self, "%s does not apply to the %s suite (only to %s)", used[k], r.suite->name,
                             suites_with(1u << k));
    }
  }
  if (npaths == 0) {
    free(paths);
    return cli_usage_error(self, "no PATH given");
  }
  struct runner_select select;
  if (run_re) {
    int e = regcomp(&select.re, run_re, REG_EXTENDED | REG_NOSUB);
    if (e) {
      char msg[256];
      regerror(e, &select.re, msg, sizeof msg);
      free(paths);
      return cli_usage_error(self, "--run: bad regular expression '%s': %s", run_re, msg);
    }
    r.select = &select;
  }
  /* No skip file unless one is named: the program has no built-in path to a
   * source tree (ctest passes tests/vectors/skip.txt). */
  if (skip_file && load_skip_file(&r, skip_file) != 0) {
    free(paths);
    if (r.select) regfree(&select.re);
    return 2;
  }
  struct runner_progress progress = {0};
  const char *force = getenv("ETHC_TEST_PROGRESS");
  progress.status = !r.trace && (isatty(STDERR_FILENO) || (force && strcmp(force, "1") == 0));
  progress.verbose = verbose;
  progress.width = terminal_width();
  r.progress = &progress;

  walk_list_t files = {0};
  for (int i = 0; i < npaths; i++) walk(&files, paths[i], (r.suite->opts & RUNNER_CASE_DIRS) != 0);
  free(paths);
  for (size_t i = 0; i < files.n; i++) {
    walk_item_t *it = &files.items[i];
    show_status(&r, i + 1, files.n, it->path);
    if (it->error) runner_fail(&r, it->path, "(file)", NULL, "%s: %s", it->error, strerror(it->err));
    else run_one_file(&r, it->path);
    free(it->path);
  }
  free(files.items);
  clear_status(&r);
  free_skips(&r);
  if (r.select) regfree(&select.re);
  /* In --json mode stdout carries only case objects; the summary goes to stderr. */
  fprintf(r.json ? stderr : stdout, "%zu passed, %zu failed, %zu skipped\n", r.passed, r.failed, r.skipped);
  if (r.passed + r.failed + r.skipped == 0 && (r.fork || run_re || r.index >= 0)) {
    char what[512] = "";
    size_t n = 0;
    if (r.fork) n += (size_t)snprintf(what + n, sizeof what - n, " of fork '%s'", r.fork);
    if (run_re && n < sizeof what)
      n += (size_t)snprintf(what + n, sizeof what - n, "%s matching --run '%s'", n ? " and" : "", run_re);
    if (r.index >= 0 && n < sizeof what)
      snprintf(what + n, sizeof what - n, "%s with index %lld", n ? " and" : "", r.index);
    fprintf(stderr, "ethc test: no %s case%s under the given paths\n", r.suite->name, what);
    return 1;
  }
  return r.failed ? 1 : 0;
}

static int cmd_test(const cli_command_t *self, int argc, char **argv) { return runner_main(self, NULL, argc, argv); }
CLI_COMMAND("", "test", cmd_test, "SUITE PATH...", "replay official test vectors", test_options,
            "SUITE is one of rlp, trie, tx, vm, state, block, difficulty, pow, precompile, light-client.\n"
            "PATH is a file or a directory searched recursively for .json files. One line is printed per\n"
            "failing case, then the closing line 'N passed, N failed, N skipped'; the exit status is 1\n"
            "when any case failed. When stderr is a terminal a status line shows the file being run.\n"
            "light-client cases are directories holding steps.yaml (consensus-spec-tests light_client/sync).\n")

static int cmd_statetest(const cli_command_t *self, int argc, char **argv) {
  return runner_main(self, "state", argc, argv);
}
CLI_COMMAND("", "statetest", cmd_statetest, "PATH...", "alias of 'ethc test state'", test_options, NULL)

bool runner_names_match(const char *names, runner_name_fn matches, runner_name_fn known, const void *ctx, char *unknown,
                        size_t ulen) {
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
  return exception_tx_matches(*(const tx_invalid_t *)ctx, name);
}

static bool tx_name_known(const void *ctx, const char *name) {
  (void)ctx;
  return exception_tx_name_known(name);
}

bool runner_tx_names_match(tx_invalid_t c, const char *names, char *unknown, size_t ulen) {
  return runner_names_match(names, tx_class_matches, tx_name_known, &c, unknown, ulen);
}
