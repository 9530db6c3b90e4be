/* The process's log: one line per event on stderr, as text
 * ("INFO  [12-03|10:40:00.123] message key=value") or as one JSON object per
 * line, filtered by a verbosity level as geth's --verbosity (0 silent ... 5
 * trace). Safe from any thread: each line is one write(2). */
#ifndef ETHC_LOG_H
#define ETHC_LOG_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ETHC_LOG_ERROR = 1,
  ETHC_LOG_WARN = 2,
  ETHC_LOG_INFO = 3,
  ETHC_LOG_DEBUG = 4,
  ETHC_LOG_TRACE = 5
} ethc_log_level_t;

/* Only the messages at or below `level` are written (default ETHC_LOG_INFO). */
void ethc_log_set_level(int level);
/* JSON lines ({"t":"...","lvl":"info","msg":"..."}) instead of text. */
void ethc_log_set_json(bool json);
bool ethc_log_enabled(ethc_log_level_t level);
void ethc_log(ethc_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
