/* Block files of `ethc import` and `ethc export`: concatenated block RLP, plain or
 * gzip-compressed, read from a file or stdin and written to a file, a device, a
 * pipe or stdout without ever destroying what the command did not create. */
#ifndef ETHC_CLI_CHAIN_FILE_H
#define ETHC_CLI_CHAIN_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- reading ---- */

typedef struct chain_reader chain_reader_t;

/* Opens PATH for reading ("-" is stdin). gzip data (told by its magic bytes, whatever
 * the name) is decompressed on the fly, concatenated gzip members included. NULL with
 * errno set when the file cannot be opened. */
chain_reader_t *chain_reader_open(const char *path);
/* Reads up to `len` (decompressed) bytes: the count, 0 at the end of the data, or -1
 * on an error, whose message chain_reader_error gives. A read blocked when a stop
 * signal arrives (cli_interrupted) returns -1 with errno EINTR. */
ssize_t chain_reader_read(chain_reader_t *r, void *buf, size_t len);
const char *chain_reader_error(const chain_reader_t *r);
bool chain_reader_is_gzip(const chain_reader_t *r);
/* How far into the file the caller is, in bytes of the file, given the `used` bytes
 * of data it has dealt with (for gzip, the compressed bytes read so far), and the
 * file's size; false when the size is unknown (a pipe, a terminal). */
bool chain_reader_progress(const chain_reader_t *r, uint64_t used, uint64_t *pos, uint64_t *size);
void chain_reader_close(chain_reader_t *r);

/* ---- writing ---- */

typedef struct chain_writer chain_writer_t;

/* Opens PATH for writing, gzip-compressed when `gzip`:
 *  - "-" is stdout, written directly;
 *  - a device, FIFO or socket (after following symbolic links) is written directly:
 *    it is neither truncated nor ever removed;
 *  - a regular file, or a path that does not exist yet, gets a temporary file beside
 *    it (".NAME.tmp-PID" in the same directory) that chain_writer_commit fsyncs and
 *    renames into place, keeping the old file's mode; a symbolic link is followed to
 *    its final target, so the link stays a link and the file it names is replaced;
 *  - a directory, or an existing file the caller may not write, is refused.
 * 0, or -1 with a message ("cannot create PATH: ...") in `err`. */
int chain_writer_open(const char *path, bool gzip, chain_writer_t **out, char *err, size_t errlen);
/* The stream to write the blocks to. A write fails (the stream's error flag is set)
 * after a write error of the target or once a stop signal arrived. */
FILE *chain_writer_stream(chain_writer_t *w);
/* Finishes the output (flush, gzip trailer, fsync, rename into place) and frees the
 * writer. 0, or -1 with the failure's message in `err`; on failure the temporary
 * file is removed and an existing target is left as it was. */
int chain_writer_commit(chain_writer_t *w, char *err, size_t errlen);
/* Abandons the output and frees the writer: removes the temporary file, nothing
 * else. Returns the errno of the first write error (EINTR after a stop signal), or
 * 0 when no write failed. */
int chain_writer_abort(chain_writer_t *w);

#endif
