/* The in-memory ceilings of a light node's state sources and caches, in one
 * place (issue 15: a light node's RSS after an hour under 64 MB). Not a public
 * header.
 *
 * Verified trie nodes and code also go to the chain database's trie node
 * cache (trie_node_cache.h, LevelDB): a miss in these tables reads it before
 * anything is asked of the network, so small tables cost a LevelDB read, not
 * a fetch. A table over its bound is dropped whole and refills from there.
 * Full and dev nodes keep the sources' own defaults (light_rpc_source.h:
 * 64 + 32 + 8 + 8 MiB; p2p_remote.h: 16384 nodes and entries, 8 MiB code). */
#ifndef ETHC_NODE_LIGHT_LIMITS_H
#define ETHC_NODE_LIGHT_LIMITS_H

/* --execution-rpc's source (light_rpc_source.h): 3.5 MiB of tables in all */
#define LIGHT_RPC_NODE_BYTES ((size_t)2 << 20)       /* proof nodes by hash */
#define LIGHT_RPC_CODE_BYTES ((size_t)1 << 20)       /* code by hash (40 contracts of 24 KiB) */
#define LIGHT_RPC_WHERE_BYTES ((size_t)256 << 10)    /* each "where to ask" table (~2400 accounts) */
#define LIGHT_RPC_READ_CACHE_BYTES ((size_t)4 << 20) /* decoded nodes of the reads (hot path) */

/* the devp2p source (p2p_remote.h): about 2 + 2 + 1 MiB at most */
#define LIGHT_P2P_NODE_SLOTS 4096u             /* verified trie nodes (up to ~530 bytes each) */
#define LIGHT_P2P_CODE_BYTES ((size_t)2 << 20) /* code */
#define LIGHT_P2P_CACHE_ENTRIES 4096u          /* accounts and slots */

/* --light's LevelDB (the full node's defaults: 16 MiB and 64 MiB) */
#define LIGHT_DB_WRITE_BUFFER_BYTES (4u << 20)
#define LIGHT_DB_CACHE_BYTES (8u << 20)

/* --light's canonical header cache (header_cache.h): 1784 bytes a slot, 1.7 MiB */
#define LIGHT_HEADER_CACHE_SLOTS 1024u

#endif
