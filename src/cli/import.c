/* `ethc import` and `ethc export`: concatenated RLP blocks (the format of geth's
 * export and of hive's chain.rlp files) into and out of the chain database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/chain_file.h"
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

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
  unsigned long long last_gas; /* gas at the last progress line */
} import_stats_t;

/* import_stream's status when a stop signal ended it (the exit status is 128 + the signal's number) */
#define IMPORT_STOPPED (-1)
/* Seconds between progress lines. */
#define IMPORT_PROGRESS_SECS 5.0

/* A progress line on stderr: the block, the counts, Mgas/s since the last line and,
 * when the file's size is known, how much of it was read and the time left. */
static void report_progress(const import_stats_t *s, uint64_t number, double t, chain_reader_t *r, uint64_t used,
                            const char *path, double file_start, uint64_t file_pos0) {
  char where[160] = "";
  uint64_t pos, size;
  if (chain_reader_progress(r, used, &pos, &size) && size > 0) {
    double done = pos >= size ? 1.0 : (double)pos / (double)size;
    double rate = (pos - file_pos0) / (t - file_start); /* bytes of the file per second */
    int n = snprintf(where, sizeof where, ", %.1f%% of %s", done * 100, path);
    if (rate > 0 && pos < size && n > 0 && (size_t)n < sizeof where) {
      double eta = (size - pos) / rate;
      if (eta < 3600) snprintf(where + n, sizeof where - n, ", ETA %dm%02ds", (int)eta / 60, (int)eta % 60);
      else snprintf(where + n, sizeof where - n, ", ETA %dh%02dm", (int)(eta / 3600), (int)eta % 3600 / 60);
    }
  }
  fprintf(stderr, "ethc import: block #%llu, %llu imported, %llu txs, %.1f Mgas/s%s\n", (unsigned long long)number,
          s->imported, s->txs, (s->gas - s->last_gas) / 1e6 / (t - s->last_report), where);
}

/* Reads blocks from `r` one at a time (without loading the whole file) and
 * imports them; stops at the first invalid block, or with IMPORT_STOPPED between
 * blocks (or in a blocked read) once a stop signal came. */
/* No block comes near this size (a 60M-gas block of calldata is under 4 MiB): an item
 * that needs more is refused instead of being read into memory whole. */
#define IMPORT_MAX_ITEM ((size_t)256 << 20)

static int import_stream(chain_t *c, chain_reader_t *r, const char *path, import_stats_t *s) {
  bytes_buf_t buf = {0};
  size_t off = 0;
  unsigned long long base = 0; /* file offset of buf.data[0] */
  int rc = 0;
  bool eof = false;
  double file_start = now();
  uint64_t file_pos0 = 0, size;
  chain_reader_progress(r, 0, &file_pos0, &size);
  for (;;) {
    if (cli_interrupted) { /* between blocks: the last one is stored whole */
      rc = IMPORT_STOPPED;
      break;
    }
    rlp_item_t item;
    size_t used = 0;
    int err = off < buf.len ? rlp_decode_item(buf.data + off, buf.len - off, &item, &used) : ETHC_ERR_RLP_TRUNCATED;
    if (err == ETHC_ERR_RLP_TRUNCATED && !eof) {
      if (buf.len - off >= IMPORT_MAX_ITEM) {
        fprintf(stderr, "ethc import: %s: the RLP item at byte offset %llu is larger than %zu MiB: not a block\n", path,
                base + off, IMPORT_MAX_ITEM >> 20);
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
      ssize_t got = chain_reader_read(r, buf.data + buf.len, buf.cap - buf.len);
      if (got < 0) {
        if (cli_interrupted) continue; /* (the loop head stops) */
        fprintf(stderr, "ethc import: %s: %s\n", path, chain_reader_error(r));
        rc = 1;
        break;
      }
      buf.len += (size_t)got;
      if (got == 0) eof = true;
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
    if (t - s->last_report >= IMPORT_PROGRESS_SECS) {
      report_progress(s, res.number, t, r, base + off, path, file_start, file_pos0);
      s->last_report = t;
      s->last_gas = s->gas;
    }
  }
  bytes_buf_free(&buf);
  return rc;
}

enum { IMPORT_DATADIR, IMPORT_GENESIS, IMPORT_FAKEPOW, IMPORT_SYNC };
static const cli_option_t import_options[] = {
    [IMPORT_DATADIR] = {"--datadir", "DIR", "the chain database", "~/.ethc"},
    [IMPORT_GENESIS] = {"--genesis", "FILE", "a geth-style genesis.json; needed when DIR holds no database yet", NULL},
    [IMPORT_FAKEPOW] = {"--fakepow", NULL, "skip the Ethash seal check (for generated chains whose seals are zero)",
                        NULL},
    [IMPORT_SYNC] = {"--sync", NULL, "fsync every block", NULL},
    {0}};

static int import_files(chain_open_opts_t *o, const char **files, int nfiles);

static int cmd_import(const cli_command_t *self, int argc, char **argv) {
  chain_open_opts_t o = {.datadir = cli_default_datadir()};
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
CLI_COMMAND("", "import", cmd_import, "FILE.rlp...",
            "validate, execute and store blocks (concatenated RLP, gzip too; - for stdin)", import_options,
            "Blocks are stored one atomic LevelDB batch each: a crash leaves the last fully imported\n"
            "block as head, and a rerun continues from there. The first invalid block stops the import.\n"
            "gzip-compressed files (and stdin) are recognised by their first bytes, whatever the name.\n"
            "A progress line (block, counts, Mgas/s; for a file also how much was read and an ETA)\n"
            "goes to stderr every 5 seconds. Ctrl-C (SIGINT) or SIGTERM stops after the current block\n"
            "(\"stopped at #N; run again to resume\", exit status 130 or 143).\n")

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
  cli_catch_interrupts(); /* Ctrl-C stops after the current block */
  if (chain_open(o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc import: %s\n", err);
    return 1;
  }
  import_stats_t s = {0};
  s.start = s.last_report = now();
  int rc = 0;
  for (int i = 0; i < nfiles && !rc; i++) {
    chain_reader_t *r = chain_reader_open(files[i]); /* plain or gzip; - is stdin */
    if (!r) {
      fprintf(stderr, "ethc import: cannot open %s: %s\n", files[i], strerror(errno));
      rc = 1;
      break;
    }
    rc = import_stream(c, r, files[i], &s);
    chain_reader_close(r);
  }
  uint64_t head;
  ethc_hash_t hash;
  chain_head(c, &head, &hash);
  char hex[67];
  double secs = now() - s.start;
  printf("imported %llu blocks (%llu already known), %llu txs, %.1f Mgas in %.2f s; head #%llu %s\n", s.imported,
         s.known, s.txs, s.gas / 1e6, secs, (unsigned long long)head, hex_encode(hash.bytes, 32, hex));
  chain_close(c);
  if (rc == IMPORT_STOPPED) {
    fflush(stdout);
    fprintf(stderr, "ethc import: %s: stopped at #%llu; run again to resume\n",
            cli_interrupted == SIGTERM ? "SIGTERM" : "interrupted", (unsigned long long)head);
    return 128 + cli_interrupted;
  }
  return rc;
}

enum { EXPORT_DATADIR, EXPORT_FIRST, EXPORT_LAST };
static const cli_option_t export_options[] = {
    [EXPORT_DATADIR] = {"--datadir", "DIR", "the chain database", "~/.ethc"},
    [EXPORT_FIRST] = {"--first", "N", "the first block to write (or FIRST after FILE)", "1"},
    [EXPORT_LAST] = {"--last", "N", "the last block to write (or LAST after FILE)", "the head"},
    {0}};

/* True when `path` names a gzip file: it ends in ".gz". */
static bool gz_name(const char *path) {
  size_t n = strlen(path);
  return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

static int cmd_export(const cli_command_t *self, int argc, char **argv) {
  chain_open_opts_t o = {.datadir = cli_default_datadir(), .read_only = true};
  uint64_t first = 1, last = UINT64_MAX;
  bool have_first = false, have_last = false; /* defaults: 1 .. the head (nothing when the head is genesis) */
  const char *path = NULL, *pos[3];           /* FILE [FIRST [LAST]] */
  const char *first_name = "--first", *last_name = "--last"; /* as the range was given, for messages */
  int npos = 0;
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
        if (npos == 3) return cli_usage_error(self, "too many arguments ('%s' after FILE FIRST LAST)", a.value);
        pos[npos++] = a.value;
        break;
      default: return cli_stop(k);
    }
  }
  if (!npos) return cli_usage_error(self, "no output FILE.rlp given");
  path = pos[0];
  if (npos > 1 && (have_first || have_last)) /* geth's positional range, or the options: not both */
    return cli_usage_error(self, "the block range is given twice (FIRST/LAST after FILE and --first/--last)");
  if (npos > 1 && (pos[1][0] < '0' || pos[1][0] > '9'))
    return cli_usage_error(self, "more than one output file ('%s' and '%s'); what follows FILE is FIRST [LAST]", path,
                           pos[1]);
  if (npos > 1) {
    first_name = "FIRST", last_name = "LAST";
    if (cli_parse_u64("export", first_name, pos[1], false, UINT64_MAX, &first)) return 2;
    have_first = true;
  }
  if (npos > 2) {
    if (cli_parse_u64("export", last_name, pos[2], false, UINT64_MAX, &last)) return 2;
    have_last = true;
  }
  if (check_paths("export", o.datadir, NULL)) return 2;
  if (first > last) {
    fprintf(stderr, "ethc export: %s %llu is after %s %llu\n", first_name, (unsigned long long)first, last_name,
            (unsigned long long)last);
    return 2;
  }
  /* from here on a file-size limit or a closed pipe is an error, not death (the
   * read-only snapshot that chain_open makes may copy files too) */
  cli_catch_interrupts();
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
    fprintf(stderr, "ethc export: %s %llu is past the head block #%llu\n", bad_first ? first_name : last_name,
            (unsigned long long)(bad_first ? first : last), (unsigned long long)head);
    chain_close(c);
    return 2;
  }
  /* a regular file is replaced only once the export is complete; a device, pipe or
   * stdout is written in place; nothing is ever removed but our temporary file */
  chain_writer_t *w;
  if (chain_writer_open(path, gz_name(path), &w, err, sizeof err)) {
    fprintf(stderr, "ethc export: %s\n", err);
    chain_close(c);
    return cli_interrupted ? 128 + cli_interrupted : 1;
  }
  int rc = chain_export(c, ethc_write_stdio, chain_writer_stream(w), first, last);
  if (rc) {
    int e = chain_writer_abort(w);
    if (e == EINTR) fprintf(stderr, "ethc export: %s: interrupted\n", path);
    else if (e) fprintf(stderr, "ethc export: %s: write error: %s\n", path, strerror(e));
    else fprintf(stderr, "ethc export: %s: %s\n", path, ethc_strerror(rc));
  } else if (chain_writer_commit(w, err, sizeof err)) {
    fprintf(stderr, "ethc export: %s\n", err);
    rc = ETHC_ERR_IO;
  }
  chain_close(c);
  if (rc && cli_interrupted) return 128 + cli_interrupted;
  return rc ? 1 : 0;
}
CLI_COMMAND("", "export", cmd_export, "FILE.rlp [FIRST [LAST]]",
            "write the canonical chain as concatenated RLP blocks (- for stdout; gzip for FILE.gz)", export_options,
            "FIRST and LAST after FILE are geth's form of --first and --last (not both forms at once).\n"
            "A regular FILE is written to a temporary file beside it (.FILE.tmp-PID) that replaces it\n"
            "only when the export is complete: a failed or interrupted export leaves an existing FILE\n"
            "as it was. A symbolic link is followed (the link stays, the file it names is replaced).\n"
            "A device, FIFO or - (stdout) is written directly; a write error (ENOSPC, EPIPE) is\n"
            "reported and exits 1, and the target is never removed.\n")
