/* Holding the core for a single client's next request (http_spin.c), on the
 * HTTP server's event threads (http.c).
 *
 * A client that sends its requests one after another on one connection (a
 * wallet, a script, an indexer) waits, per request, for the server's event
 * thread to wake up, and the server's answer then wakes the client. On a
 * virtual machine whose idle cores halt, each wake-up of a sleeping core is an
 * inter-processor interrupt and a VM exit: most of an 80 us round trip. So an
 * event thread that has just answered keeps polling its connection for a
 * short window, and a request arriving in the window is read with no
 * wake-up, when:
 *   - the thread serves exactly one connection (with more, the others'
 *     requests wait for no one's window), and
 *   - no other event thread answered in the last HTTP_SPIN_QUIET_US (a
 *     second busy event thread means the cores are wanted: the clients need
 *     them to read their answers, and the window would only delay them).
 * A window that ends empty makes the thread skip its next windows (1, 2, 4,
 * ... up to 64 answers), so a client that pauses between requests costs
 * little CPU; between polls the thread yields the core to anything runnable.
 *
 * Per-thread state is thread-local; the answer times are atomics shared by
 * the event threads. Thread-safe. */
#ifndef ETHC_RPC_HTTP_SPIN_H
#define ETHC_RPC_HTTP_SPIN_H

#include <stdbool.h>

/* The longest wait for the next request, in microseconds. */
#define HTTP_SPIN_US 50
/* How recently another event thread's answer counts as "busy". */
#define HTTP_SPIN_QUIET_US 200

/* A connection was opened on / closed from the calling thread. */
void http_spin_opened(void);
void http_spin_closed(void);

/* Records that the calling thread has sent an answer, and returns whether it
 * should now wait for its connection's next request (the conditions above). */
bool http_spin_wanted(void);

/* Waits up to HTTP_SPIN_US for fd (the connection's socket) to become
 * readable, polling it without sleeping and yielding the core between polls.
 * Returns whether fd became readable (or has an error or hang-up to read). */
bool http_spin_wait(int fd);

#endif
