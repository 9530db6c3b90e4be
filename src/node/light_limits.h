/* The in-memory ceilings of a light node's state sources and caches, in one
 * place (issue 15: a light node's RSS after an hour under 64 MB). Not a public
 * header.
 *
 * Verified trie nodes and code also go to the chain database's trie node
 * cache (trie_node_cache.h, LevelDB): a miss in these tables reads it before
 * anything is asked of the network, so small tables cost a LevelDB read, not
 * a fetch. A table over its bound is dropped whole and refills from there.
 * Full and dev nodes keep the sources' own defaults (light_rpc_source.h:
 * 64 + 32 + 8 + 8 MiB; p2p_remote.h: 16384 nodes and entries, 8 MiB code;
 * chain.h: a 64 MiB bodies and receipts cache). */
#ifndef ETHC_NODE_LIGHT_LIMITS_H
#define ETHC_NODE_LIGHT_LIMITS_H

/* The verified bodies and receipts a light chain keeps (chain_remote.c, the
 * chain's remote_cache_bytes; 64 MiB otherwise): a few mainnet blocks' worth,
 * so that a wallet polling eth_getTransactionReceipt in one block fetches its
 * receipts once. One answer over a quarter of it (2 MiB) is not kept; a miss
 * fetches and verifies again. Only a light mode has a remote source. */
#define LIGHT_REMOTE_CACHE_BYTES ((size_t)8 << 20)

/* The largest provider answer (light_http.h) read; a larger one is an error
 * (ETHC_ERR_IO, "the answer is larger than N bytes"), and the read is asked of
 * the devp2p peers if any. Held only while the call parses it. The largest
 * legitimate answer: eth_getBlockReceipts of a 60M-gas block spent on empty
 * LOG0s, 60M / ~385 gas a log = ~156000 logs of ~365 bytes of JSON each
 * (three hashes, numbers, field names) = ~57 MB; debug_getRawBlock of a block
 * of zero calldata bytes is smaller (60M / 10 gas a byte (EIP-7623) = 6 MB,
 * 12 MB of hex). 64 MiB admits both; a gas limit above ~70M needs more. */
#define LIGHT_RPC_MAX_ANSWER_BYTES ((size_t)64 << 20)

/* --execution-rpc's source (light_rpc_source.h): 3.5 MiB of tables in all */
#define LIGHT_RPC_NODE_BYTES ((size_t)2 << 20)       /* proof nodes by hash */
#define LIGHT_RPC_CODE_BYTES ((size_t)1 << 20)       /* code by hash (40 contracts of 24 KiB) */
#define LIGHT_RPC_WHERE_BYTES ((size_t)256 << 10)    /* each "where to ask" table (~2400 accounts) */
#define LIGHT_RPC_READ_CACHE_BYTES ((size_t)4 << 20) /* decoded nodes of the reads (hot path) */

/* the devp2p source (p2p_remote.h): about 2 + 2 + 1 MiB at most */
#define LIGHT_P2P_NODE_SLOTS 4096u             /* verified trie nodes (up to ~530 bytes each) */
#define LIGHT_P2P_CODE_BYTES ((size_t)2 << 20) /* code */
#define LIGHT_P2P_CACHE_ENTRIES 4096u          /* accounts and slots */
/* the devp2p source's transaction lookup table (node_peer_source.c): 72 bytes a
 * slot, 1.1 MiB; emptied at half full, so one block of up to 8192 transactions
 * (60M gas / 21000 = 2857 at most) is always remembered whole */
#define LIGHT_PEER_TX_SLOTS 16384u

/* --light's LevelDB (the full node's defaults: 16 MiB and 64 MiB) */
#define LIGHT_DB_WRITE_BUFFER_BYTES (4u << 20)
#define LIGHT_DB_CACHE_BYTES (8u << 20)

/* --light's canonical header cache (header_cache.h): 1784 bytes a slot, 1.7 MiB */
#define LIGHT_HEADER_CACHE_SLOTS 1024u

#endif
