/* Argument checks shared by the commands (cli.h): whole numbers, seconds and hex
 * diagnostics, each reported as one line naming the command and the argument. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int cli_parse_u64(const char *cmd, const char *what, const char *s, bool hex_ok, uint64_t max, uint64_t *out) {
  bool hex = hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char *d = hex ? s + 2 : s;
  bool ok = *d != 0;
  for (const char *p = d; ok && *p; p++) ok = hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p);
  if (ok) {
    errno = 0;
    unsigned long long v = strtoull(d, NULL, hex ? 16 : 10);
    if (errno == ERANGE || v > max) {
      fprintf(stderr, "ethc %s: %s: '%s' is too large (at most %llu)\n", cmd, what, s, (unsigned long long)max);
      return 2;
    }
    *out = v;
    return 0;
  }
  fprintf(stderr, "ethc %s: %s: expected a whole number%s, got '%s'\n", cmd, what, hex_ok ? " (decimal or 0x-hex)" : "",
          s);
  return 2;
}

int cli_parse_seconds(const char *cmd, const char *what, const char *s, bool zero_ok, double max, double *out) {
  char *end;
  errno = 0;
  double v = *s && !isspace((unsigned char)*s) ? strtod(s, &end) : NAN;
  if (isnan(v) || *end || errno == ERANGE || !isfinite(v) || v < 0 || (v == 0 && !zero_ok) || v > max) {
    fprintf(stderr, "ethc %s: %s: expected a number of seconds in %s0, %g], got '%s'\n", cmd, what, zero_ok ? "[" : "(",
            max, s);
    return 2;
  }
  *out = v;
  return 0;
}

const char *cli_hex_problem(const char *s) {
  static char buf[64];
  const char *d = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
  size_t n = 0;
  for (; d[n]; n++)
    if (!isxdigit((unsigned char)d[n])) {
      if (isprint((unsigned char)d[n]))
        snprintf(buf, sizeof buf, "bad hex digit '%c' at position %zu", d[n], (size_t)(d - s) + n);
      else
        snprintf(buf, sizeof buf, "bad hex digit (byte 0x%02x) at position %zu", (unsigned char)d[n],
                 (size_t)(d - s) + n);
      return buf;
    }
  if (n & 1) return "odd number of hex digits";
  return NULL;
}

void cli_print_json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

const char *cli_default_datadir(void) {
  static char buf[1024];
  const char *home = getenv("HOME");
  snprintf(buf, sizeof buf, "%s/.ethc", home && *home ? home : ".");
  return buf;
}
