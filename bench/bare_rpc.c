/* The floor of bench/rpc.sh: a bare libmicrohttpd server, one thread per
 * connection, that reads each POST body and answers one constant JSON-RPC
 * response, whatever the request. What ethc's own HTTP layer costs is its
 * figure minus this one's.
 * usage: bare_rpc [PORT]   (0 or none: a free port; prints "http://127.0.0.1:PORT"
 * and serves until SIGINT or SIGTERM) */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
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
  struct MHD_Daemon *d =
      MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
                       MHD_OPTION_SOCK_ADDR, &a, MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
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
