/* `ethc import` and `ethc export`: concatenated RLP blocks (the format of geth's
 * export and of hive's chain.rlp files) into and out of the chain database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

static const char *default_datadir(char *buf, size_t len) {
  const char *home = getenv("HOME");
  snprintf(buf, len, "%s/.ethc", home && *home ? home : ".");
  return buf;
}

/* Usage checks of the paths before the database is touched: the data directory,
 * when it exists, must be a directory; the genesis file must be a readable file.
 * 0, or 2 after a message naming the option. */
static int check_paths(const char *cmd, const char *datadir, const char *genesis) {
  struct stat st;
  if (!*datadir) {
    fprintf(stderr, "ethc %s: --datadir: empty path\n", cmd);
    return 2;
  }
  if (stat(datadir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "ethc %s: --datadir %s: not a directory\n", cmd, datadir);
    return 2;
  }
  if (genesis) {
    FILE *f = fopen(genesis, "rb");
    if (!f || fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
      fprintf(stderr, "ethc %s: --genesis %s: cannot read: %s\n", cmd, genesis, f ? strerror(EISDIR) : strerror(errno));
      if (f) fclose(f);
      return 2;
    }
    fclose(f);
  }
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  unsigned long long imported, known, txs;
  unsigned long long gas;
  double start, last_report;
} import_stats_t;

/* Reads blocks from `f` one at a time (without loading the whole file) and
 * imports them; stops at the first invalid block. */
/* No block comes near this size (a 60M-gas block of calldata is under 4 MiB): an item
 * that needs more is refused instead of being read into memory whole. */
#define IMPORT_MAX_ITEM ((size_t)256 << 20)

static int import_stream(chain_t *c, FILE *f, const char *path, import_stats_t *s) {
  bytes_buf_t buf = {0};
  size_t off = 0;
  unsigned long long base = 0; /* file offset of buf.data[0] */
  int rc = 0;
  bool eof = false;
  for (;;) {
    rlp_item_t item;
    size_t used = 0;
    int err = off < buf.len ? rlp_decode_item(buf.data + off, buf.len - off, &item, &used) : ETHC_ERR_RLP_TRUNCATED;
    if (err == ETHC_ERR_RLP_TRUNCATED && !eof) {
      if (buf.len - off >= IMPORT_MAX_ITEM) {
        fprintf(stderr, "ethc import: %s: the RLP item at byte offset %llu is larger than %zu MiB: not a block\n",
                path, base + off, IMPORT_MAX_ITEM >> 20);
        rc = 1;
        break;
      }
      /* compact, then read more */
      if (off) memmove(buf.data, buf.data + off, buf.len - off); /* (buf.data is NULL at first) */
      buf.len -= off;
      base += off;
      off = 0;
      if (bytes_buf_reserve(&buf, 1 << 20)) {
        fprintf(stderr, "ethc import: out of memory\n");
        rc = 1;
        break;
      }
      size_t got = fread(buf.data + buf.len, 1, buf.cap - buf.len, f);
      buf.len += got;
      if (got == 0) {
        if (ferror(f)) {
          fprintf(stderr, "ethc import: %s: read error: %s\n", path, strerror(errno));
          rc = 1;
          break;
        }
        eof = true;
      }
      continue;
    }
    if (err == ETHC_ERR_RLP_TRUNCATED && off == buf.len) break; /* clean end of file */
    if (err) {
      fprintf(stderr, "ethc import: %s: malformed RLP at byte offset %llu: %s\n", path, base + off, ethc_strerror(err));
      rc = 1;
      break;
    }
    chain_import_result_t res;
    err = chain_import_block(c, buf.data + off, used, &res);
    if (!err) off += used;
    if (err) {
      char hex[67], phex[67];
      if (err == ETHC_ERR_INVALID && !res.decoded)
        fprintf(stderr, "ethc import: %s: undecodable block at byte offset %llu: %s\n", path, base + off, res.reason);
      else if (err == ETHC_ERR_INVALID && res.error == BLOCK_ERR_UNKNOWN_PARENT)
        fprintf(stderr,
                "ethc import: block #%llu's parent %s is not in %s: wrong --datadir or --genesis? "
                "(%s, byte offset %llu)\n",
                (unsigned long long)res.number, hex_encode(res.parent_hash.bytes, 32, phex), chain_datadir(c), path,
                base + off);
      else if (err == ETHC_ERR_INVALID)
        fprintf(stderr, "ethc import: invalid block #%llu %s (%s, byte offset %llu): %s%s\n",
                (unsigned long long)res.number, hex_encode(res.hash.bytes, 32, hex), path, base + off, res.reason,
                res.error == BLOCK_ERR_POW && res.zero_seal
                    ? " (its seal, mix hash and nonce, is all zero: a generated chain? try --fakepow)"
                    : "");
      else
        fprintf(stderr, "ethc import: cannot store block #%llu: %s\n", (unsigned long long)res.number,
                ethc_strerror(err));
      rc = 1;
      break;
    }
    if (res.known) s->known++;
    else {
      s->imported++;
      s->txs += res.tx_count;
      s->gas += res.gas_used;
    }
    double t = now();
    if (t - s->last_report >= 5.0) {
      s->last_report = t;
      fprintf(stderr, "ethc import: block #%llu, %llu imported, %llu txs, %.1f Mgas/s\n",
              (unsigned long long)res.number, s->imported, s->txs, s->gas / 1e6 / (t - s->start));
    }
  }
  bytes_buf_free(&buf);
  return rc;
}

enum { IMPORT_DATADIR, IMPORT_GENESIS, IMPORT_FAKEPOW, IMPORT_SYNC };
static const cli_option_t import_options[] = {
    [IMPORT_DATADIR] = {"--datadir", "DIR", "the chain database", "~/.ethc"},
    [IMPORT_GENESIS] = {"--genesis", "FILE", "a geth-style genesis.json; needed when DIR holds no database yet", NULL},
    [IMPORT_FAKEPOW] = {"--fakepow", NULL, "skip the Ethash seal check (for generated chains whose seals are zero)", NULL},
    [IMPORT_SYNC] = {"--sync", NULL, "fsync every block", NULL},
    {0}};

static int import_files(chain_open_opts_t *o, const char **files, int nfiles);

static int cmd_import(const cli_command_t *self, int argc, char **argv) {
  char dd[1024];
  chain_open_opts_t o = {.datadir = default_datadir(dd, sizeof dd)};
  const char **files = calloc((size_t)argc, sizeof *files);
  int nfiles = 0;
  if (!files) return 1;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
    case IMPORT_DATADIR: o.datadir = a.value; break;
    case IMPORT_GENESIS: o.genesis_path = a.value; break;
    case IMPORT_FAKEPOW: o.fakepow = true; break;
    case IMPORT_SYNC: o.sync = true; break;
    case CLI_POSITIONAL: files[nfiles++] = a.value; break;
    default: free(files); return cli_stop(k);
    }
  }
  if (!nfiles) {
    free(files);
    return cli_usage_error(self, "no FILE.rlp given");
  }
  int rc = import_files(&o, files, nfiles);
  free(files);
  return rc;
}
CLI_COMMAND("", "import", cmd_import, "FILE.rlp...", "validate, execute and store blocks (concatenated RLP, - for stdin)",
            import_options,
            "Blocks are stored one atomic LevelDB batch each: a crash leaves the last fully imported\n"
            "block as head, and a rerun continues from there. The first invalid block stops the import.\n")

/* Checks the files, opens (or creates) the database and imports every file. */
static int import_files(chain_open_opts_t *o, const char **files, int nfiles) {
  if (check_paths("import", o->datadir, o->genesis_path)) return 2;
  /* every file must be there before the database is opened (or created) */
  for (int i = 0; i < nfiles; i++) {
    struct stat st;
    if (strcmp(files[i], "-") == 0) continue;
    int e = stat(files[i], &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (e) {
      fprintf(stderr, "ethc import: cannot open %s: %s\n", files[i], strerror(e));
      return 2;
    }
  }
  chain_t *c;
  char err[512];
  if (chain_open(o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc import: %s\n", err);
    return 1;
  }
  import_stats_t s = {0};
  s.start = s.last_report = now();
  int rc = 0;
  for (int i = 0; i < nfiles && !rc; i++) {
    FILE *f = strcmp(files[i], "-") == 0 ? stdin : fopen(files[i], "rb");
    if (!f) {
      fprintf(stderr, "ethc import: cannot open %s: %s\n", files[i], strerror(errno));
      rc = 1;
      break;
    }
    rc = import_stream(c, f, files[i], &s);
    if (f != stdin) fclose(f);
  }
  uint64_t head;
  ethc_hash_t hash;
  chain_head(c, &head, &hash);
  char hex[67];
  double secs = now() - s.start;
  printf("imported %llu blocks (%llu already known), %llu txs, %.1f Mgas in %.2f s; head #%llu %s\n", s.imported,
         s.known, s.txs, s.gas / 1e6, secs, (unsigned long long)head, hex_encode(hash.bytes, 32, hex));
  chain_close(c);
  return rc;
}

enum { EXPORT_DATADIR, EXPORT_FIRST, EXPORT_LAST };
static const cli_option_t export_options[] = {
    [EXPORT_DATADIR] = {"--datadir", "DIR", "the chain database", "~/.ethc"},
    [EXPORT_FIRST] = {"--first", "N", "the first block to write", "1"},
    [EXPORT_LAST] = {"--last", "N", "the last block to write", "the head"},
    {0}};

static int cmd_export(const cli_command_t *self, int argc, char **argv) {
  char dd[1024];
  chain_open_opts_t o = {.datadir = default_datadir(dd, sizeof dd), .read_only = true};
  uint64_t first = 1, last = UINT64_MAX;
  bool have_first = false, have_last = false; /* defaults: 1 .. the head (nothing when the head is genesis) */
  const char *path = NULL;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
    case EXPORT_DATADIR: o.datadir = a.value; break;
    case EXPORT_FIRST:
      if (cli_parse_u64("export", "--first", a.value, false, UINT64_MAX, &first)) return 2;
      have_first = true;
      break;
    case EXPORT_LAST:
      if (cli_parse_u64("export", "--last", a.value, false, UINT64_MAX, &last)) return 2;
      have_last = true;
      break;
    case CLI_POSITIONAL:
      if (path) return cli_usage_error(self, "more than one output file ('%s' and '%s')", path, a.value);
      path = a.value;
      break;
    default: return cli_stop(k);
    }
  }
  if (!path) return cli_usage_error(self, "no output FILE.rlp given");
  if (check_paths("export", o.datadir, NULL)) return 2;
  if (first > last) {
    fprintf(stderr, "ethc export: --first %llu is after --last %llu\n", (unsigned long long)first,
            (unsigned long long)last);
    return 2;
  }
  chain_t *c;
  char err[512];
  if (chain_open(&o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc export: %s\n", err);
    return 1;
  }
  uint64_t head;
  ethc_hash_t head_hash;
  chain_head(c, &head, &head_hash);
  bool bad_first = have_first && first > head;
  if (bad_first || (have_last && last > head)) {
    fprintf(stderr, "ethc export: %s %llu is past the head block #%llu\n", bad_first ? "--first" : "--last",
            (unsigned long long)(bad_first ? first : last), (unsigned long long)head);
    chain_close(c);
    return 2;
  }
  bool to_stdout = strcmp(path, "-") == 0;
  FILE *f = to_stdout ? stdout : fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "ethc export: cannot create %s: %s\n", path, strerror(errno));
    chain_close(c);
    return 1;
  }
  int rc = chain_export(c, f, first, last);
  if (to_stdout ? fflush(f) != 0 : fclose(f) != 0) rc = rc ? rc : ETHC_ERR_IO;
  if (rc) {
    fprintf(stderr, "ethc export: %s: %s\n", path, ethc_strerror(rc));
    if (!to_stdout) remove(path); /* no partial chain file left behind */
  }
  chain_close(c);
  return rc ? 1 : 0;
}
CLI_COMMAND("", "export", cmd_export, "FILE.rlp", "write the canonical chain as concatenated RLP blocks (- for stdout)",
            export_options, NULL)
