/* Block files of `ethc import` and `ethc export` (chain_file.h): plain or gzip data
 * through a small buffer over a file descriptor, and outputs that are replaced
 * atomically (temporary file, fsync, rename) when they are regular files and written
 * in place when they are devices, pipes or stdout. */
#define _GNU_SOURCE /* fopencookie */
#include "cli/chain_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/interrupt.h"

#define CHAIN_FILE_BUF (1u << 16)

/* Waits until `fd` is ready for `events` (at once for files and most devices), looking
 * at the stop flag every quarter second: a signal that lands just before a blocking
 * read or write would otherwise be noticed only when data comes. 0 when ready (or
 * poll cannot tell: the read or write itself reports), -1 with errno EINTR once a
 * stop signal came. */
static int wait_ready(int fd, short events) {
  for (;;) {
    if (cli_interrupted) {
      errno = EINTR;
      return -1;
    }
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, 250);
    if (n > 0 || (n < 0 && errno != EINTR)) return 0;
  }
}

/* ---- reading ---- */

struct chain_reader {
  int fd;
  bool own_fd;
  bool detected; /* the first bytes were looked at */
  bool gzip;
  bool raw_eof;     /* read() returned 0 */
  bool member_done; /* a gzip member ended: next comes another one or the end */
  z_stream z;
  bool z_init;
  uint64_t start;    /* file offset at open (stdin may be a file read part-way) */
  uint64_t consumed; /* bytes of the file used so far */
  uint64_t size;     /* the file's size, 0 when unknown */
  bool sized;
  size_t in_off, in_len;
  char err[160];
  uint8_t in[CHAIN_FILE_BUF];
};

chain_reader_t *chain_reader_open(const char *path) {
  bool is_stdin = strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    if (!is_stdin) close(fd);
    errno = e;
    return NULL;
  }
  chain_reader_t *r = calloc(1, sizeof *r);
  if (!r) {
    if (!is_stdin) close(fd);
    errno = ENOMEM;
    return NULL;
  }
  r->fd = fd;
  r->own_fd = !is_stdin;
  if (S_ISREG(st.st_mode)) {
    off_t at = lseek(fd, 0, SEEK_CUR);
    r->start = at > 0 ? (uint64_t)at : 0;
    r->size = (uint64_t)st.st_size;
    r->sized = true;
  }
  return r;
}

/* Appends what one read() gives to r->in: the count, 0 at the end, -1 on an error
 * (EINTR when a stop signal interrupted it). */
static ssize_t fill(chain_reader_t *r) {
  if (r->in_off == r->in_len) r->in_off = r->in_len = 0;
  if (r->in_len == sizeof r->in) return (ssize_t)(r->in_len - r->in_off); /* (full: nothing to add) */
  for (;;) {
    if (wait_ready(r->fd, POLLIN)) return -1;
    ssize_t n = read(r->fd, r->in + r->in_len, sizeof r->in - r->in_len);
    if (n < 0 && errno == EINTR) continue; /* the loop head looks at the flag */
    if (n < 0) {
      snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
      return -1;
    }
    if (n == 0) r->raw_eof = true;
    r->in_len += (size_t)n;
    return n;
  }
}

static bool gzip_magic(const uint8_t *p) { return p[0] == 0x1f && p[1] == 0x8b; }

static ssize_t read_plain(chain_reader_t *r, uint8_t *buf, size_t len) {
  if (r->in_off == r->in_len) {
    ssize_t n = fill(r);
    if (n <= 0) return n;
  }
  size_t n = r->in_len - r->in_off < len ? r->in_len - r->in_off : len;
  memcpy(buf, r->in + r->in_off, n);
  r->in_off += n;
  r->consumed += n;
  return (ssize_t)n;
}

static ssize_t read_gzip(chain_reader_t *r, uint8_t *buf, size_t len) {
  for (;;) {
    if (r->member_done) {
      /* another member follows (gzip -c a b > c), or the data ends here */
      while (r->in_len - r->in_off < 2 && !r->raw_eof) {
        memmove(r->in, r->in + r->in_off, r->in_len - r->in_off);
        r->in_len -= r->in_off;
        r->in_off = 0;
        if (fill(r) < 0) return -1;
      }
      if (r->in_off == r->in_len) return 0;
      if (r->in_len - r->in_off < 2 || !gzip_magic(r->in + r->in_off)) {
        snprintf(r->err, sizeof r->err, "gzip data: trailing garbage at byte offset %llu",
                 (unsigned long long)(r->start + r->consumed));
        return -1;
      }
      inflateReset(&r->z);
      r->member_done = false;
    }
    if (r->in_off == r->in_len && !r->raw_eof && fill(r) < 0) return -1;
    r->z.next_in = r->in + r->in_off;
    r->z.avail_in = (uInt)(r->in_len - r->in_off);
    r->z.next_out = buf;
    r->z.avail_out = (uInt)(len > UINT_MAX ? UINT_MAX : len);
    uInt avail_in = r->z.avail_in, avail_out = r->z.avail_out;
    int zr = inflate(&r->z, Z_NO_FLUSH);
    size_t used = avail_in - r->z.avail_in, made = avail_out - r->z.avail_out;
    r->in_off += used;
    r->consumed += used;
    if (zr == Z_STREAM_END) r->member_done = true;
    else if (zr != Z_OK && zr != Z_BUF_ERROR) {
      snprintf(r->err, sizeof r->err, "gzip data: %s at byte offset %llu",
               r->z.msg            ? r->z.msg
               : zr == Z_MEM_ERROR ? "out of memory"
                                   : "corrupt data",
               (unsigned long long)(r->start + r->consumed));
      return -1;
    }
    if (made) return (ssize_t)made;
    if (!r->member_done && r->in_off == r->in_len && r->raw_eof) {
      snprintf(r->err, sizeof r->err, "gzip data: unexpected end of file (truncated?)");
      return -1;
    }
  }
}

ssize_t chain_reader_read(chain_reader_t *r, void *buf, size_t len) {
  if (!len) return 0;
  if (!r->detected) {
    while (r->in_len < 2 && !r->raw_eof)
      if (fill(r) < 0) return -1;
    r->detected = true;
    r->gzip = r->in_len >= 2 && gzip_magic(r->in);
    if (r->gzip) {
      if (inflateInit2(&r->z, 15 + 16) != Z_OK) { /* 15 + 16: gzip wrapper only */
        snprintf(r->err, sizeof r->err, "out of memory");
        return -1;
      }
      r->z_init = true;
    }
  }
  return r->gzip ? read_gzip(r, buf, len) : read_plain(r, buf, len);
}

const char *chain_reader_error(const chain_reader_t *r) { return r->err[0] ? r->err : "read error"; }
bool chain_reader_is_gzip(const chain_reader_t *r) { return r->gzip; }

bool chain_reader_progress(const chain_reader_t *r, uint64_t used, uint64_t *pos, uint64_t *size) {
  if (!r->sized) return false;
  *pos = r->start + (r->gzip ? r->consumed : used);
  *size = r->size;
  return true;
}

void chain_reader_close(chain_reader_t *r) {
  if (!r) return;
  if (r->z_init) inflateEnd(&r->z);
  if (r->own_fd) close(r->fd);
  free(r);
}

/* ---- writing ---- */

struct chain_writer {
  int fd;
  bool own_fd;  /* closed at the end (not stdout) */
  char *path;   /* as given, for messages */
  char *target; /* the file that is replaced (symbolic links followed), or NULL */
  char *tmp;    /* the temporary file beside it, or NULL when written in place */
  bool gzip, z_init;
  bool discard; /* abandoning: buffered data goes nowhere */
  int error;    /* errno of the first failed write, 0 while none */
  z_stream z;
  FILE *stream;
  uint8_t out[CHAIN_FILE_BUF];
};

static int write_all(chain_writer_t *w, const uint8_t *p, size_t n) {
  while (n) {
    if (wait_ready(w->fd, POLLOUT)) {
      w->error = EINTR;
      return -1;
    }
    ssize_t k = write(w->fd, p, n);
    if (k < 0 && errno == EINTR) continue; /* the loop head looks at the flag */
    if (k < 0) {
      w->error = errno;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Runs deflate over the pending input with `flush`, writing what it makes. */
static int deflate_out(chain_writer_t *w, int flush) {
  for (;;) {
    w->z.next_out = w->out;
    w->z.avail_out = sizeof w->out;
    int zr = deflate(&w->z, flush);
    if (zr == Z_STREAM_ERROR) {
      w->error = EIO;
      return -1;
    }
    if (write_all(w, w->out, sizeof w->out - w->z.avail_out)) return -1;
    if (flush == Z_FINISH ? zr == Z_STREAM_END : w->z.avail_out != 0) return 0;
  }
}

static ssize_t stream_write(void *cookie, const char *buf, size_t size) {
  chain_writer_t *w = cookie;
  if (w->discard) return (ssize_t)size;
  if (w->error) return 0;
  if (cli_interrupted) {
    w->error = EINTR;
    return 0;
  }
  if (w->gzip) {
    w->z.next_in = (Bytef *)buf;
    w->z.avail_in = (uInt)size; /* (a block, or stdio's buffer: far below 4 GiB) */
    if (deflate_out(w, Z_NO_FLUSH)) return 0;
  } else if (write_all(w, (const uint8_t *)buf, size)) return 0;
  return (ssize_t)size;
}

static int stream_close(void *cookie) { return 0; } /* the descriptor is closed by commit/abort */

/* Follows symbolic links from `path` to the file they finally name (which may not
 * exist yet): a malloc'd path, or NULL with errno. */
static char *final_target(const char *path) {
  char *p = strdup(path);
  for (int hops = 0; p; hops++) {
    struct stat st;
    if (lstat(p, &st) != 0) {
      if (errno == ENOENT) return p; /* a new file (its directory is checked on create) */
      free(p);
      return NULL;
    }
    if (!S_ISLNK(st.st_mode)) return p;
    if (hops == 40) {
      free(p);
      errno = ELOOP;
      return NULL;
    }
    char link[PATH_MAX];
    ssize_t n = readlink(p, link, sizeof link - 1);
    if (n < 0) {
      free(p);
      return NULL;
    }
    link[n] = 0;
    char *next;
    const char *slash = strrchr(p, '/');
    if (link[0] == '/' || !slash) next = strdup(link);
    else if (asprintf(&next, "%.*s/%s", (int)(slash - p), p, link) < 0) next = NULL;
    free(p);
    p = next;
  }
  errno = ENOMEM;
  return NULL;
}

/* Creates a new temporary file beside `target`: ".NAME.tmp-PID" in its directory (with
 * "-2", "-3", ... after it while that name is taken, e.g. left by a killed export of
 * a process that had the same PID). The descriptor and, in *tmp, its malloc'd path; or
 * -1 with errno. */
static int create_temp(const char *target, char **tmp) {
  const char *slash = strrchr(target, '/');
  int dirlen = slash ? (int)(slash - target) + 1 : 0;
  for (int i = 1; i <= 100; i++) {
    char suffix[24] = "";
    if (i > 1) snprintf(suffix, sizeof suffix, "-%d", i);
    if (asprintf(tmp, "%.*s.%s.tmp-%ld%s", dirlen, target, target + dirlen, (long)getpid(), suffix) < 0) {
      *tmp = NULL;
      errno = ENOMEM;
      return -1;
    }
    int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    int e = errno;
    free(*tmp);
    *tmp = NULL;
    errno = e;
    if (e != EEXIST) return -1;
  }
  return -1;
}

static void writer_free(chain_writer_t *w) {
  if (w->z_init) deflateEnd(&w->z);
  free(w->path);
  free(w->target);
  free(w->tmp);
  free(w);
}

int chain_writer_open(const char *path, bool gzip, chain_writer_t **out, char *err, size_t errlen) {
  chain_writer_t *w = calloc(1, sizeof *w);
  if (!w || !(w->path = strdup(path))) {
    free(w);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  w->fd = -1;
  int e = 0;
  if (strcmp(path, "-") == 0) {
    w->fd = STDOUT_FILENO;
  } else if (!(w->target = final_target(path))) {
    e = errno;
  } else {
    struct stat st;
    bool exists = stat(w->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
      e = EISDIR;
    } else if (exists && !S_ISREG(st.st_mode)) {
      /* a device, FIFO or socket: written in place, never truncated or removed */
      while ((w->fd = open(w->target, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0 && errno == EINTR && !cli_interrupted) {}
      if (w->fd < 0) e = errno;
      w->own_fd = true;
      free(w->target);
      w->target = NULL;
    } else if (exists && access(w->target, W_OK) != 0) {
      e = errno; /* not ours to replace */
    } else if ((w->fd = create_temp(w->target, &w->tmp)) < 0) {
      e = errno;
    } else {
      w->own_fd = true;
      if (exists) { /* the new file keeps the old one's owner (where allowed) and permissions */
        if (fchown(w->fd, st.st_uid, st.st_gid) != 0) {} /* only root may give files away */
        fchmod(w->fd, st.st_mode & 07777);               /* (after fchown, which may clear set-id bits) */
      }
    }
  }
  if (e) {
    if (e == EINTR && cli_interrupted)
      snprintf(err, errlen, "%s: interrupted", path); /* (a FIFO waiting for a reader) */
    else snprintf(err, errlen, "cannot create %s: %s", path, strerror(e));
    if (w->own_fd && w->fd >= 0) close(w->fd);
    writer_free(w);
    return -1;
  }
  if (gzip) {
    /* 15 + 16: a gzip wrapper around a 32 KiB-window deflate stream */
    if (deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      snprintf(err, errlen, "out of memory");
      chain_writer_abort(w);
      return -1;
    }
    w->gzip = w->z_init = true;
  }
  cookie_io_functions_t io = {.read = NULL, .write = stream_write, .seek = NULL, .close = stream_close};
  if (!(w->stream = fopencookie(w, "w", io))) {
    snprintf(err, errlen, "out of memory");
    chain_writer_abort(w);
    return -1;
  }
  setvbuf(w->stream, NULL, _IOFBF, CHAIN_FILE_BUF);
  *out = w;
  return 0;
}

FILE *chain_writer_stream(chain_writer_t *w) { return w->stream; }

int chain_writer_abort(chain_writer_t *w) {
  int e = w->error;
  w->discard = true;
  if (w->stream) fclose(w->stream);
  if (w->own_fd && w->fd >= 0) close(w->fd);
  if (w->tmp) unlink(w->tmp); /* only what this command created */
  writer_free(w);
  return e;
}

int chain_writer_commit(chain_writer_t *w, char *err, size_t errlen) {
  const char *what = "write error";
  if (fflush(w->stream) != 0 && !w->error) w->error = EIO;
  if (!w->error && w->gzip) deflate_out(w, Z_FINISH);
  if (!w->error && w->tmp && fsync(w->fd) != 0) w->error = errno, what = "fsync";
  if (!w->error && w->own_fd) {
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) != 0 && errno != EINTR) w->error = errno, what = "close";
  }
  if (!w->error && w->tmp) {
    if (rename(w->tmp, w->target) != 0) {
      w->error = errno;
      what = "cannot rename the temporary file into place";
    } else {
      free(w->tmp);
      w->tmp = NULL;
      /* make the rename itself durable (best effort: not every file system allows it) */
      char *slash = strrchr(w->target, '/');
      if (slash) *slash = 0;
      int dfd = open(slash ? (*w->target ? w->target : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
      }
    }
  }
  if (w->error) {
    if (w->error == EINTR) snprintf(err, errlen, "%s: interrupted", w->path);
    else snprintf(err, errlen, "%s: %s: %s", w->path, what, strerror(w->error));
    chain_writer_abort(w);
    return -1;
  }
  w->discard = true;
  fclose(w->stream);
  writer_free(w);
  return 0;
}
