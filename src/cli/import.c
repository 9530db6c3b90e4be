/* `ethc import` and `ethc export`: concatenated RLP blocks (the format of geth's
 * export and of hive's chain.rlp files) into and out of the chain database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

static const char *default_datadir(char *buf, size_t len) {
  const char *home = getenv("HOME");
  snprintf(buf, len, "%s/.ethc", home && *home ? home : ".");
  return buf;
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
static int import_stream(chain_t *c, FILE *f, const char *path, import_stats_t *s) {
  bytes_buf_t buf = {0};
  size_t off = 0;
  int rc = 0;
  bool eof = false;
  for (;;) {
    rlp_item_t item;
    size_t used = 0;
    int err = off < buf.len ? rlp_decode_item(buf.data + off, buf.len - off, &item, &used) : ETHC_ERR_RLP_TRUNCATED;
    if (err == ETHC_ERR_RLP_TRUNCATED && !eof) {
      /* compact, then read more */
      memmove(buf.data, buf.data + off, buf.len - off);
      buf.len -= off;
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
      fprintf(stderr, "ethc import: %s: malformed RLP at byte offset %zu: %s\n", path, off, ethc_strerror(err));
      rc = 1;
      break;
    }
    chain_import_result_t res;
    err = chain_import_block(c, buf.data + off, used, &res);
    off += used;
    if (err) {
      char hex[67];
      if (err == ETHC_ERR_INVALID)
        fprintf(stderr, "ethc import: invalid block #%llu %s: %s\n", (unsigned long long)res.number,
                hex_encode(res.hash.bytes, 32, hex), res.reason);
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

static int import_usage(void) {
  fprintf(stderr, "usage: ethc import [--datadir DIR] [--genesis FILE] [--fakepow] [--sync] FILE.rlp...\n");
  return 2;
}

static int cmd_import(int argc, char **argv) {
  char dd[1024];
  chain_open_opts_t o = {default_datadir(dd, sizeof dd), NULL, false, false};
  int first_file = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--datadir") == 0 && i + 1 < argc) o.datadir = argv[++i];
    else if (strcmp(argv[i], "--genesis") == 0 && i + 1 < argc) o.genesis_path = argv[++i];
    else if (strcmp(argv[i], "--fakepow") == 0) o.fakepow = true;
    else if (strcmp(argv[i], "--sync") == 0) o.sync = true;
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "ethc import: unknown option '%s'\n", argv[i]);
      return import_usage();
    } else {
      first_file = i;
      break;
    }
  }
  if (!first_file) return import_usage();
  chain_t *c;
  char err[512];
  if (chain_open(&o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc import: %s\n", err);
    return 1;
  }
  import_stats_t s = {0};
  s.start = s.last_report = now();
  int rc = 0;
  for (int i = first_file; i < argc && !rc; i++) {
    FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "ethc import: cannot open %s: %s\n", argv[i], strerror(errno));
      rc = 1;
      break;
    }
    rc = import_stream(c, f, argv[i], &s);
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
CLI_COMMAND("", "import", cmd_import, "[--datadir DIR] [--genesis FILE] [--fakepow] [--sync] FILE.rlp...   import blocks")

static int cmd_export(int argc, char **argv) {
  char dd[1024];
  chain_open_opts_t o = {default_datadir(dd, sizeof dd), NULL, false, false};
  unsigned long long first = 1, last = UINT64_MAX;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    char *end;
    if (strcmp(argv[i], "--datadir") == 0 && i + 1 < argc) o.datadir = argv[++i];
    else if (strcmp(argv[i], "--first") == 0 && i + 1 < argc) {
      first = strtoull(argv[++i], &end, 10);
      if (*end) { fprintf(stderr, "ethc export: --first: not a number\n"); return 2; }
    } else if (strcmp(argv[i], "--last") == 0 && i + 1 < argc) {
      last = strtoull(argv[++i], &end, 10);
      if (*end) { fprintf(stderr, "ethc export: --last: not a number\n"); return 2; }
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "ethc export: unknown option '%s'\n", argv[i]);
      return 2;
    } else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: ethc export [--datadir DIR] [--first N] [--last N] FILE.rlp\n");
    return 2;
  }
  chain_t *c;
  char err[512];
  if (chain_open(&o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc export: %s\n", err);
    return 1;
  }
  FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "ethc export: cannot create %s: %s\n", path, strerror(errno));
    chain_close(c);
    return 1;
  }
  int rc = chain_export(c, f, first, last);
  if (f != stdout && fclose(f) != 0) rc = ETHC_ERR_IO;
  if (rc) fprintf(stderr, "ethc export: %s\n", ethc_strerror(rc));
  chain_close(c);
  return rc ? 1 : 0;
}
CLI_COMMAND("", "export", cmd_export, "[--datadir DIR] [--first N] [--last N] FILE.rlp   write the canonical chain as RLP")
