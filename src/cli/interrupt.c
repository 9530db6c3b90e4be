/* SIGINT / SIGTERM as a request to stop (interrupt.h). */
#include "cli/interrupt.h"

#include <pthread.h>
#include <string.h>

volatile sig_atomic_t cli_interrupted = 0;
static pthread_t main_thread;

static void on_stop_signal(int sig) {
  cli_interrupted = sig;
  /* only the main thread's blocked read or write must see EINTR */
  if (!pthread_equal(pthread_self(), main_thread)) pthread_kill(main_thread, sig);
}

void cli_catch_interrupts(void) {
  main_thread = pthread_self();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sigaction(SIGXFSZ, &sa, NULL);
}
