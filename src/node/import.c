/* Importing a chain file while the node serves (`ethc node --import FILE`): on
 * a libuv worker thread, one block at a time through chain_import_block, which
 * writes each block in one atomic batch, so RPC readers (chain_read.h) see a
 * block whole or not at all. A stop flag, checked between blocks, ends it at
 * shutdown. Plain concatenated RLP blocks (as `ethc export` writes them). */
#include "node/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "ethc/rlp.h"

static void import_work(uv_work_t *req) {
  node_import_t *im = req->data;
  size_t len = 0;
  uint8_t *data = bytes_read_file(im->path, &len);
  if (!data) {
    snprintf(im->error, sizeof im->error, "cannot read %s", im->path);
    return;
  }
  size_t off = 0;
  while (off < len && !atomic_load(&im->stop)) {
    rlp_item_t item;
    size_t used = 0;
    if (rlp_decode_item(data + off, len - off, &item, &used) || !item.is_list) {
      snprintf(im->error, sizeof im->error, "%s: no RLP block at byte offset %zu", im->path, off);
      break;
    }
    chain_import_result_t res;
    if (im->lock) pthread_mutex_lock(im->lock);
    int rc = chain_import_block(im->chain, data + off, used, &res);
    if (im->lock) pthread_mutex_unlock(im->lock);
    if (rc) {
      if (rc == ETHC_ERR_INVALID)
        snprintf(im->error, sizeof im->error, "invalid block #%llu: %s%s%s", (unsigned long long)res.number,
                 block_error_message(res.error), res.reason[0] ? ": " : "", res.reason);
      else snprintf(im->error, sizeof im->error, "block #%llu: %s", (unsigned long long)res.number, ethc_strerror(rc));
      break;
    }
    if (!res.known) im->imported++;
    im->head = res.number > im->head ? res.number : im->head;
    off += used;
  }
  free(data);
}

static void import_done(uv_work_t *req, int status) {
  node_import_t *im = req->data;
  if (im->error[0]) ethc_log(ETHC_LOG_ERROR, "import %s: %s", im->path, im->error);
  ethc_log(ETHC_LOG_INFO, "import %s: %llu blocks imported%s", im->path, (unsigned long long)im->imported,
           atomic_load(&im->stop) ? " (stopped)" : "");
  im->running = false;
}

int node_import_start(uv_loop_t *loop, node_import_t *im, chain_t *chain, const char *path) {
  return node_import_start_locked(loop, im, chain, path, NULL);
}

int node_import_start_locked(uv_loop_t *loop, node_import_t *im, chain_t *chain, const char *path,
                             pthread_mutex_t *lock) {
  memset(im, 0, sizeof *im);
  im->chain = chain;
  im->path = path;
  im->lock = lock;
  im->work.data = im;
  im->running = true;
  atomic_init(&im->stop, false);
  int rc = uv_queue_work(loop, &im->work, import_work, import_done);
  if (rc) im->running = false;
  return rc;
}

void node_import_stop(node_import_t *im) { atomic_store(&im->stop, true); }
