/* Stopping a long command cleanly on SIGINT or SIGTERM: the handler only records
 * the signal; the command checks the flag between units of work (blocks) and
 * after a read or write that the signal interrupted. */
#ifndef ETHC_CLI_INTERRUPT_H
#define ETHC_CLI_INTERRUPT_H

#include <signal.h>

/* The number of the signal that asked to stop (SIGINT, SIGTERM), 0 while none did. */
extern volatile sig_atomic_t cli_interrupted;

/* Installs the handlers of SIGINT and SIGTERM (without SA_RESTART, so a read or
 * write blocked in the kernel returns EINTR and the caller sees the flag; a signal
 * that lands in another thread, e.g. LevelDB's, is passed on to the calling one) and
 * ignores SIGPIPE (a closed pipe is a write error, EPIPE, not death) and SIGXFSZ
 * (a file-size limit is a write error, EFBIG). Call once, from the main thread. */
void cli_catch_interrupts(void);

#endif
