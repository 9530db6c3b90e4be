/* The data directory around a chain database: lock file, atomic creation and
 * read-only snapshots (see datadir.h and CHAINDB.md, "The data directory"). */
#define _GNU_SOURCE 1
#include "chain/datadir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethc/bytes.h"
#include "ethc/error.h"

#define PATH_LEN 4096

static bool join(char *out, const char *dir, const char *name) {
  return (size_t)snprintf(out, PATH_LEN, "%s/%s", dir, name) < PATH_LEN;
}

bool datadir_has_database(const char *dir) {
  char p[PATH_LEN];
  struct stat st;
  return join(p, dir, "CURRENT") && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static size_t trimmed_len(const char *dir) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  return n;
}

int datadir_make(const char *dir, size_t *created, char *err, size_t errlen) {
  char p[PATH_LEN];
  size_t n = trimmed_len(dir);
  if (n == 0 || n >= sizeof p) {
    snprintf(err, errlen, "cannot create the directory %s: %s", dir, strerror(ENAMETOOLONG));
    return ETHC_ERR_IO;
  }
  memcpy(p, dir, n);
  p[n] = 0;
  *created = n;
  bool made_one = false;
  for (size_t i = 1; i <= n; i++) {
    if (i < n && p[i] != '/') continue;
    if (p[i - 1] == '/') continue; /* "a//b" */
    char saved = p[i];
    p[i] = 0;
    if (mkdir(p, 0755) == 0) {
      if (!made_one) *created = strlen(p) - strlen(strrchr(p, '/') ? strrchr(p, '/') : p);
      made_one = true;
    } else {
      struct stat st;
      int e = errno;
      if (e != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (e == EEXIST) e = ENOTDIR;
        snprintf(err, errlen, "cannot create the directory %s: %s", dir, strerror(e));
        char *slash = strrchr(p, '/'); /* the failing component's parent: made here or existing */
        if (made_one && slash) {
          *slash = 0;
          datadir_unmake(p, *created);
        }
        *created = n;
        return ETHC_ERR_IO;
      }
    }
    p[i] = saved;
  }
  return ETHC_OK;
}

void datadir_unmake(const char *dir, size_t created) {
  char p[PATH_LEN];
  size_t n = trimmed_len(dir);
  if (n >= sizeof p) return;
  memcpy(p, dir, n);
  p[n] = 0;
  while (strlen(p) > created && rmdir(p) == 0) {
    char *slash = strrchr(p, '/');
    if (!slash) break;
    *slash = 0;
  }
}

/* The pid of the process holding a lock that conflicts with `want`: from the
 * kernel (F_GETLK), else from the lock file; 0 when unknown. */
static long lock_holder(int fd, short want) {
  struct flock fl = {.l_type = want, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) return (long)fl.l_pid;
  char buf[32];
  ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
  if (got <= 0) return 0;
  buf[got] = 0;
  return strtol(buf, NULL, 10);
}

int datadir_lock(const char *dir, bool exclusive, int *fd, char *err, size_t errlen) {
  char p[PATH_LEN];
  *fd = -1;
  if (!join(p, dir, DATADIR_LOCK_FILE)) {
    snprintf(err, errlen, "%s: %s", dir, strerror(ENAMETOOLONG));
    return ETHC_ERR_IO;
  }
  int f = exclusive ? open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : open(p, O_RDONLY | O_CLOEXEC);
  if (f < 0) {
    if (!exclusive && errno == ENOENT) return ETHC_OK; /* a database no writer has locked yet */
    snprintf(err, errlen, exclusive ? "cannot write in %s: %s" : "cannot open %s: %s", exclusive ? dir : p,
             strerror(errno));
    return ETHC_ERR_IO;
  }
  short type = exclusive ? F_WRLCK : F_RDLCK;
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(f, F_SETLK, &fl) != 0) {
    int e = errno;
    if (e == EACCES || e == EAGAIN) {
      long pid = lock_holder(f, type);
      if (pid > 0) snprintf(err, errlen, "%s is in use by another ethc process (pid %ld)", dir, pid);
      else snprintf(err, errlen, "%s is in use by another ethc process", dir);
    } else {
      snprintf(err, errlen, "cannot lock %s: %s", p, strerror(e));
    }
    close(f);
    return ETHC_ERR_IO;
  }
  if (exclusive) {
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)n, 0) != n) {
      snprintf(err, errlen, "cannot write %s: %s", p, strerror(errno));
      close(f);
      return ETHC_ERR_IO;
    }
  }
  *fd = f;
  return ETHC_OK;
}

void datadir_unlock(int fd) {
  if (fd >= 0) close(fd); /* closing the descriptor releases the lock */
}

void datadir_remove_flat(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
  closedir(d);
  rmdir(dir);
}

static bool all_digits(const char *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* LevelDB's numbered files: NNNNNN.log / .ldb / .sst / .dbtmp and MANIFEST-NNNNNN. */
static bool leveldb_numbered(const char *name) {
  if (strncmp(name, "MANIFEST-", 9) == 0) return all_digits(name + 9, strlen(name + 9));
  const char *dot = strrchr(name, '.');
  if (!dot || !all_digits(name, (size_t)(dot - name))) return false;
  return !strcmp(dot, ".log") || !strcmp(dot, ".ldb") || !strcmp(dot, ".sst") || !strcmp(dot, ".dbtmp");
}

void datadir_clean(const char *dir) {
  char p[PATH_LEN];
  if (join(p, dir, DATADIR_NEW_DIR)) datadir_remove_flat(p);
  if (datadir_has_database(dir)) return;
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (leveldb_numbered(e->d_name)) unlinkat(dirfd(d), e->d_name, 0);
  closedir(d);
}

int datadir_publish(const char *dir, char *err, size_t errlen) {
  char src[PATH_LEN];
  if (!join(src, dir, DATADIR_NEW_DIR)) return ETHC_ERR_IO;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = opendir(src);
  int rc = ETHC_OK;
  const char *what = dir;
  if (dfd < 0 || !d) rc = ETHC_ERR_IO;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    const char *n = e->d_name;
    if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "CURRENT") || !strcmp(n, "LOCK") || !strcmp(n, "LOG") ||
        !strcmp(n, "LOG.old"))
      continue;
    if (renameat(dirfd(d), n, dfd, n) != 0) {
      rc = ETHC_ERR_IO;
      what = n;
    }
  }
  /* every file of the database is in place (and on disk) before CURRENT makes it one */
  if (!rc && fsync(dfd) != 0) rc = ETHC_ERR_IO;
  if (!rc && renameat(dirfd(d), "CURRENT", dfd, "CURRENT") != 0) {
    rc = ETHC_ERR_IO;
    what = "CURRENT";
  }
  if (!rc && fsync(dfd) != 0) rc = ETHC_ERR_IO;
  if (rc) snprintf(err, errlen, "cannot create the database in %s: %s: %s", dir, what, strerror(errno));
  if (d) closedir(d);
  if (dfd >= 0) close(dfd);
  if (!rc) datadir_remove_flat(src); /* LevelDB's LOCK and LOG of the build */
  return rc;
}

static int copy_file(const char *from, const char *to) {
  size_t len;
  uint8_t *data = bytes_read_file(from, &len);
  if (!data) return ETHC_ERR_IO;
  int rc = ETHC_OK;
  FILE *f = fopen(to, "wb");
  if (!f || fwrite(data, 1, len, f) != len) rc = ETHC_ERR_IO;
  if (f && fclose(f) != 0) rc = ETHC_ERR_IO;
  free(data);
  return rc;
}

/* Snapshots left behind by processes that were killed. */
static void remove_stale_snapshots(const char *tmp) {
  DIR *d = opendir(tmp);
  if (!d) return;
  struct dirent *e;
  static const char prefix[] = "ethc-snapshot-";
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0) continue;
    char *end;
    long pid = strtol(e->d_name + sizeof prefix - 1, &end, 10);
    struct stat st;
    if (pid <= 0 || *end != '-' || pid == (long)getpid() || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
        !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
      continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* its process still runs */
    char p[PATH_LEN];
    if (join(p, tmp, e->d_name)) datadir_remove_flat(p);
  }
  closedir(d);
}

/* ---- the live files of a LevelDB database, from its MANIFEST ----
 * A snapshot must link only these: LevelDB names every file it creates with a
 * number above those its MANIFEST accounts for, and opens it with O_TRUNC, so a
 * link to a leftover file of such a number (a table a killed writer wrote but
 * never recorded) would be written through. The MANIFEST is a LevelDB log
 * (32 KiB blocks of records: crc32c, length, type) of VersionEdit records. */
typedef struct {
  uint64_t *v;
  size_t n, cap;
} u64_list_t;

static int list_add(u64_list_t *l, uint64_t x) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    uint64_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) return ETHC_ERR_NOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
  return ETHC_OK;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static bool list_has(const u64_list_t *sorted, uint64_t x) {
  return sorted->n && bsearch(&x, sorted->v, sorted->n, sizeof x, cmp_u64);
}

typedef struct {
  u64_list_t added, deleted; /* table numbers over all edits */
  uint64_t log_number, prev_log_number;
} manifest_t;

static bool varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  *out = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    *out |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

static bool skip_slice(const uint8_t **p, const uint8_t *end) {
  uint64_t len;
  if (!varint(p, end, &len) || len > (uint64_t)(end - *p)) return false;
  *p += len;
  return true;
}

/* One VersionEdit. A table deleted and added in the same edit (moved to another
 * level) stays live. */
static int version_edit(manifest_t *m, const uint8_t *p, const uint8_t *end) {
  u64_list_t del = {0};
  size_t first_add = m->added.n;
  int rc = ETHC_OK;
  while (!rc && p < end) {
    uint64_t tag, level, x;
    if (!varint(&p, end, &tag)) rc = ETHC_ERR_INVALID;
    else if (tag == 1) rc = skip_slice(&p, end) ? ETHC_OK : ETHC_ERR_INVALID; /* comparator */
    else if (tag == 2) rc = varint(&p, end, &m->log_number) ? ETHC_OK : ETHC_ERR_INVALID;
    else if (tag == 3 || tag == 4) rc = varint(&p, end, &x) ? ETHC_OK : ETHC_ERR_INVALID; /* next file, sequence */
    else if (tag == 5) rc = varint(&p, end, &level) && skip_slice(&p, end) ? ETHC_OK : ETHC_ERR_INVALID;
    else if (tag == 6) rc = varint(&p, end, &level) && varint(&p, end, &x) ? list_add(&del, x) : ETHC_ERR_INVALID;
    else if (tag == 7)
      rc = varint(&p, end, &level) && varint(&p, end, &x) && varint(&p, end, &level) && skip_slice(&p, end) &&
                   skip_slice(&p, end)
               ? list_add(&m->added, x)
               : ETHC_ERR_INVALID;
    else if (tag == 9) rc = varint(&p, end, &m->prev_log_number) ? ETHC_OK : ETHC_ERR_INVALID;
    else rc = ETHC_ERR_INVALID;
  }
  for (size_t i = 0; !rc && i < del.n; i++) {
    bool moved = false;
    for (size_t j = first_add; j < m->added.n && !moved; j++) moved = m->added.v[j] == del.v[i];
    if (!moved) rc = list_add(&m->deleted, del.v[i]);
  }
  free(del.v);
  return rc;
}

#define LOG_BLOCK 32768
#define LOG_HEADER 7

static int read_manifest(const char *path, manifest_t *m) {
  size_t len;
  uint8_t *data = bytes_read_file(path, &len);
  if (!data) return ETHC_ERR_IO;
  bytes_buf_t rec = {0};
  int rc = ETHC_OK;
  size_t off = 0;
  while (!rc && off + LOG_HEADER <= len) {
    size_t left_in_block = LOG_BLOCK - off % LOG_BLOCK;
    if (left_in_block < LOG_HEADER) { /* the block's zero trailer */
      off += left_in_block;
      continue;
    }
    size_t n = (size_t)data[off + 4] | (size_t)data[off + 5] << 8;
    uint8_t type = data[off + 6];
    if (type == 0 && n == 0) { /* zero padding (a preallocated tail) */
      off += left_in_block;
      continue;
    }
    if (n > left_in_block - LOG_HEADER || off + LOG_HEADER + n > len || type < 1 || type > 4) break; /* torn tail */
    const uint8_t *frag = data + off + LOG_HEADER;
    off += LOG_HEADER + n;
    if (type == 1 || type == 2) rec.len = 0; /* FULL, FIRST */
    rc = bytes_buf_append(&rec, frag, n);
    if (!rc && (type == 1 || type == 4)) rc = version_edit(m, rec.data, rec.data + rec.len); /* FULL, LAST */
  }
  bytes_buf_free(&rec);
  free(data);
  if (!rc && m->added.n) qsort(m->added.v, m->added.n, sizeof(uint64_t), cmp_u64);
  if (!rc && m->deleted.n) qsort(m->deleted.v, m->deleted.n, sizeof(uint64_t), cmp_u64);
  return rc;
}

/* Whether a database file belongs in a snapshot: the current MANIFEST, the log
 * files LevelDB replays, the live tables. */
static bool live_file(const char *name, const char *manifest, const manifest_t *m) {
  if (strncmp(name, "MANIFEST-", 9) == 0) return strcmp(name, manifest) == 0;
  if (!leveldb_numbered(name)) return false;
  uint64_t num = strtoull(name, NULL, 10);
  const char *ext = strrchr(name, '.');
  if (!strcmp(ext, ".log")) return num >= m->log_number || num == m->prev_log_number;
  if (!strcmp(ext, ".ldb") || !strcmp(ext, ".sst")) return list_has(&m->added, num) && !list_has(&m->deleted, num);
  return false;
}

int datadir_snapshot(const char *dir, char **out, char *err, size_t errlen) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  remove_stale_snapshots(tmp);
  char snap[PATH_LEN], from[PATH_LEN], to[PATH_LEN], manifest[256] = "";
  manifest_t m = {0};
  char *abs = realpath(dir, NULL);
  /* CURRENT names the MANIFEST ("MANIFEST-000005\n") */
  size_t clen = 0;
  uint8_t *current = abs && join(from, abs, "CURRENT") ? bytes_read_file(from, &clen) : NULL;
  int rc = current && clen > 1 && clen < sizeof manifest && current[clen - 1] == '\n' ? ETHC_OK : ETHC_ERR_IO;
  if (!rc) {
    memcpy(manifest, current, clen - 1);
    manifest[clen - 1] = 0;
    rc = strncmp(manifest, "MANIFEST-", 9) == 0 && !strchr(manifest, '/') && join(from, abs, manifest)
             ? read_manifest(from, &m)
             : ETHC_ERR_INVALID;
  }
  free(current);
  if (rc) {
    snprintf(err, errlen, "cannot read the database in %s: %s", dir,
             rc == ETHC_ERR_IO ? strerror(errno) : "a damaged CURRENT or MANIFEST file");
    free(abs);
    free(m.added.v);
    free(m.deleted.v);
    return rc;
  }
  snprintf(snap, sizeof snap, "%s/ethc-snapshot-%ld-XXXXXX", tmp, (long)getpid());
  if (!mkdtemp(snap)) {
    snprintf(err, errlen, "cannot create a snapshot directory in %s: %s", tmp, strerror(errno));
    free(abs);
    free(m.added.v);
    free(m.deleted.v);
    return ETHC_ERR_IO;
  }
  DIR *d = opendir(abs);
  rc = d ? ETHC_OK : ETHC_ERR_IO;
  const char *what = dir;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    const char *n = e->d_name;
    if (!join(from, abs, n) || !join(to, snap, n)) rc = ETHC_ERR_IO;
    else if (!strcmp(n, "CURRENT")) rc = copy_file(from, to);
    else if (live_file(n, manifest, &m) && symlink(from, to) != 0) rc = ETHC_ERR_IO;
    if (rc) what = from;
  }
  if (rc) snprintf(err, errlen, "cannot snapshot the database in %s: %s: %s", dir, what, strerror(errno));
  if (d) closedir(d);
  free(abs);
  free(m.added.v);
  free(m.deleted.v);
  if (rc) {
    datadir_remove_flat(snap);
    return rc;
  }
  *out = strdup(snap);
  if (!*out) {
    datadir_remove_flat(snap);
    return ETHC_ERR_NOMEM;
  }
  return ETHC_OK;
}
