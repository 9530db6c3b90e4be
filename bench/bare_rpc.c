/* The floor of bench/rpc.sh: a bare libmicrohttpd server, one thread per
 * connection, that reads each POST body and answers one constant JSON-RPC
 * response, whatever the request. What ethc's own HTTP layer costs is its
 * figure minus this one's.
 * usage: bare_rpc [PORT [MODE [POOL]]]   (PORT 0 or none: a free port; prints
 * "http://127.0.0.1:PORT" and serves until SIGINT or SIGTERM)
 * MODE "tpc" (the default: a thread per connection), "epoll:N" or "poll:N"
 * (N event threads on epoll or poll, MHD_USE_TURBO); POOL the per-connection memory pool in bytes
 * (MHD_OPTION_CONNECTION_MEMORY_LIMIT; 0 or none: libmicrohttpd's default).
 * The defaults are the floor bench/rpc.sh compares with; the others measure
 * what libmicrohttpd's settings are worth. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x36\"}";
static volatile sig_atomic_t stop;

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state) {
  (void)cls, (void)url, (void)version, (void)upload;
  if (!*state) { /* first call: headers only */
    *state = conn;
    return MHD_YES;
  }
  if (*upload_size) { /* the body arrives: skip it */
    *upload_size = 0;
    return MHD_YES;
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ok = MHD_queue_response(conn, strcmp(method, "POST") ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

int main(int argc, char **argv) {
  unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char *mode = argc > 2 ? argv[2] : "tpc";
  size_t pool = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 0;
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, threads = 0;
  if (!strncmp(mode, "epoll:", 6)) {
    flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO;
    threads = (unsigned)atoi(mode + 6);
  } else if (!strncmp(mode, "poll:", 5)) {
    flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_TURBO;
    threads = (unsigned)atoi(mode + 5);
  }
  struct MHD_OptionItem opts[3];
  size_t n = 0;
  if (pool) opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL};
  if (threads > 1) opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
  opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
  struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, &a,
                                          MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "bare_rpc: cannot listen on port %u\n", port);
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  printf("http://127.0.0.1:%u\n", info ? info->port : port);
  fflush(stdout);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  while (!stop) pause();
  MHD_stop_daemon(d);
  return 0;
}
