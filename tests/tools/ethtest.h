/* ethtest_client: go-ethereum's devp2p conformance suite
 * (cmd/devp2p/internal/ethtest: suite.go, snap.go) ported case by case, run
 * against one node serving the ethtest chain. Shared between the eth cases
 * (ethtest_client.c) and the snap cases (ethtest_snap.c). */
#ifndef ETHTEST_H
#define ETHTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethtest_chain.h"
#include "ethtest_conn.h"

enum { ET_PASS = 0, ET_FAIL = 1, ET_SKIP = 2 };

typedef struct {
  const char *enode;
  et_chain_t chain;
  uint64_t network_id;
  char why[512]; /* a failed or skipped case's reason */
} et_ctx_t;

/* A peered connection: Hello and Status done. */
typedef struct {
  et_conn_t *c;
  int eth, snap;        /* message-id offsets (-1: not negotiated) */
  uint32_t eth_version; /* negotiated */
} et_peer_t;

/* Records the reason and returns ET_FAIL (or ET_SKIP for et_skip). */
int et_fail(et_ctx_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int et_skip(et_ctx_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Dials, exchanges Hello (eth/68..70 and, with `snap`, snap/1) and Status,
 * checking the node's Status against the chain. 0 or -1 (reason recorded). */
int et_peer(et_ctx_t *x, et_peer_t *p, bool snap);
void et_unpeer(et_peer_t *p);
/* Reads until a message of capability-relative `code` at `offset` arrives,
 * skipping others: 0, or -1 for a Disconnect (*disc = reason), a timeout or
 * a closed connection (reason recorded). */
int et_expect(et_ctx_t *x, et_peer_t *p, int offset, uint64_t code, int timeout_ms, bytes_view_t *data);

/* Answers a GetBlockHeaders of the node from the chain (as the Go suite's
 * readers do); other messages are left alone. 0, or -1 on a write error. */
int et_answer(et_ctx_t *x, et_peer_t *p, uint64_t code, bytes_view_t data);

/* The snap cases (ethtest_snap.c). */
int case_snap_status(et_ctx_t *x);
int case_account_range(et_ctx_t *x);
int case_byte_codes(et_ctx_t *x);
int case_trie_nodes(et_ctx_t *x);
int case_storage_ranges(et_ctx_t *x);

/* The transaction cases (ethtest_tx.c). */
int case_large_tx_request(et_ctx_t *x);
int case_transaction(et_ctx_t *x);
int case_invalid_txs(et_ctx_t *x);
int case_new_pooled_txs(et_ctx_t *x);
int case_blob_violations(et_ctx_t *x);
int case_blob_without_sidecar(et_ctx_t *x);
int case_blob_mismatched_sidecar(et_ctx_t *x);

#endif
