/* The process's log (log.h): a level filter and one write(2) per line, as text
 * or JSON lines, so threads' lines never interleave. */
#include "ethc/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_int log_level = ETHC_LOG_INFO;
static atomic_bool log_json = false;

void ethc_log_set_level(int level) { atomic_store(&log_level, level); }
void ethc_log_set_json(bool json) { atomic_store(&log_json, json); }
bool ethc_log_enabled(ethc_log_level_t level) { return (int)level <= atomic_load(&log_level); }

void ethc_log(ethc_log_level_t level, const char *fmt, ...) {
  if (!ethc_log_enabled(level)) return;
  static const char *const names[] = {"", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  static const char *const lower[] = {"", "error", "warn", "info", "debug", "trace"};
  char msg[1024], line[2300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  int n;
  if (atomic_load(&log_json)) {
    char esc[2100];
    size_t o = 0;
    for (const char *p = msg; *p && o + 7 < sizeof esc; p++) {
      unsigned char ch = (unsigned char)*p;
      if (ch == '"' || ch == '\\') esc[o++] = '\\', esc[o++] = (char)ch;
      else if (ch < 0x20) o += (size_t)snprintf(esc + o, sizeof esc - o, "\\u%04x", ch);
      else esc[o++] = (char)ch;
    }
    esc[o] = 0;
    char ts[40];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line, sizeof line, "{\"t\":\"%s.%03ld\",\"lvl\":\"%s\",\"msg\":\"%s\"}\n", ts, (long)tv.tv_usec / 1000,
                 lower[level], esc);
  } else {
    n = snprintf(line, sizeof line, "%-5s [%02d-%02d|%02d:%02d:%02d.%03ld] %s\n", names[level], tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec / 1000, msg);
  }
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  ssize_t w = write(STDERR_FILENO, line, (size_t)n);
  (void)w;
}
