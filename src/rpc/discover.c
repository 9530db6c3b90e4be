/* rpc_discover: this server's OpenRPC document (OpenRPC 1.2.6, "Service
 * Discovery Method"), listing exactly the methods it has enabled. Each method
 * is described by one line of the table below: a summary, its parameters and
 * its result in a compact notation that this file turns into JSON Schema.
 *
 *   params  "name:Type, name:Type?"   (a trailing ? marks an optional parameter)
 *   result  "name:Type"
 *   Type    Base, Base[] (an array of them), or alternatives joined by |
 *
 * The bases (Quantity, Hash, Address, Data, BlockTag, BlockRef, ...) are in
 * `bases`. tests/unit/rpc/test_discover.c checks that every method of the
 * method table has a line here, with as many parameters as it takes, and that
 * no line names a method the server does not have. */
#include <stdio.h>
#include <string.h>

#include "rpc/rpc_internal.h"

#define QTY "{\"type\":\"string\",\"pattern\":\"^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$\"}"
#define HASH "{\"type\":\"string\",\"pattern\":\"^0x[0-9a-fA-F]{64}$\"}"
#define TAGS "{\"type\":\"string\",\"enum\":[\"earliest\",\"latest\",\"pending\",\"safe\",\"finalized\"]}"
#define OBJ(title) "{\"type\":\"object\",\"title\":\"" title "\"}"

typedef struct {
  const char *name;
  const char *schema; /* JSON Schema */
} base_t;

static const base_t bases[] = {
    {"Quantity", QTY},
    {"Hash", HASH},
    {"Address", "{\"type\":\"string\",\"pattern\":\"^0x[0-9a-fA-F]{40}$\"}"},
    {"Data", "{\"type\":\"string\",\"pattern\":\"^0x([0-9a-fA-F]{2})*$\"}"},
    {"Slot", "{\"type\":\"string\",\"pattern\":\"^0x[0-9a-fA-F]{1,64}$\"}"},
    {"PayloadId", "{\"type\":\"string\",\"pattern\":\"^0x[0-9a-fA-F]{16}$\"}"},
    {"BlockTag", "{\"oneOf\":[" QTY "," TAGS "]}"},
    {"BlockRef", "{\"oneOf\":[" QTY "," TAGS "," HASH ",{\"type\":\"object\",\"properties\":{\"blockNumber\":" QTY
                 ",\"blockHash\":" HASH ",\"requireCanonical\":{\"type\":\"boolean\"}}}]}"},
    {"SubKind", "{\"type\":\"string\",\"enum\":[\"newHeads\",\"logs\",\"newPendingTransactions\"]}"},
    {"Bool", "{\"type\":\"boolean\"}"},
    {"String", "{\"type\":\"string\"}"},
    {"Number", "{\"type\":\"number\"}"},
    {"Object", "{\"type\":\"object\"}"},
    {"null", "{\"type\":\"null\"}"},
    {"Any", "{}"},
    /* objects of the execution-apis schemas, by their name there */
    {"Block", OBJ("Block")},
    {"Header", OBJ("Header")},
    {"Transaction", OBJ("Transaction")},
    {"Receipt", OBJ("Receipt")},
    {"Log", OBJ("Log")},
    {"Filter", OBJ("Filter")},
    {"CallObject", OBJ("GenericTransaction")},
    {"StateOverrides", OBJ("StateOverrides")},
    {"BlockOverrides", OBJ("BlockOverrides")},
    {"AccessListResult", OBJ("AccessListResult")},
    {"FeeHistory", OBJ("FeeHistoryResult")},
    {"AccountProof", OBJ("AccountProof")},
    {"TraceConfig", OBJ("TraceConfig")},
    {"Trace", OBJ("Trace")},
    {"TxPoolContent", OBJ("TxPoolContent")},
    {"TxPoolStatus", OBJ("TxPoolStatus")},
    {"SyncStatus", OBJ("SyncingStatus")},
    {"Config", OBJ("EthConfig")},
    {"SimulatePayload", OBJ("EthSimulatePayload")},
    {"SimulatedBlock", OBJ("SimulatedBlock")},
    {"PayloadAttributes", OBJ("PayloadAttributes")},
    {"ExecutionPayload", OBJ("ExecutionPayload")},
    {"PayloadEnvelope", OBJ("ExecutionPayloadEnvelope")},
    {"PayloadStatus", OBJ("PayloadStatus")},
    {"ForkchoiceState", OBJ("ForkchoiceState")},
    {"ForkchoiceResult", OBJ("ForkchoiceUpdatedResponse")},
    {"PayloadBody", OBJ("ExecutionPayloadBody")},
    {"BlobAndProof", OBJ("BlobAndProof")},
    {"ClientVersion", OBJ("ClientVersionV1")},
    {"TypedData", OBJ("EIP712TypedData")},
    {"MineOptions", OBJ("MineOptions")},
    {"OpenRPC", OBJ("OpenrpcDocument")},
};

/* The descriptions, one line per method, grouped by namespace. */
static const rpc_doc_t docs[] = {
    /* web3, net, rpc */
    {"web3_clientVersion", "The name and version of this client.", "", "version:String"},
    {"web3_sha3", "The Keccak-256 hash of the given bytes.", "data:Data", "hash:Hash"},
    {"net_version", "The network id, the chain id in decimal.", "", "id:String"},
    {"net_listening", "Whether the node listens for peers (always true).", "", "listening:Bool"},
    {"net_peerCount", "The number of connected peers (no p2p yet: 0).", "", "count:Quantity"},
    {"rpc_modules", "The enabled namespaces, each with a version.", "", "modules:Object"},
    {"rpc_discover", "This OpenRPC document: the methods the server has enabled.", "", "document:OpenRPC"},
    /* eth: the node and the chain head */
    {"eth_chainId", "The chain id (EIP-155).", "", "chainId:Quantity"},
    {"eth_syncing", "Sync progress, or false when not syncing (always false).", "", "status:Bool|SyncStatus"},
    {"eth_blockNumber", "The number of the head block.", "", "number:Quantity"},
    {"eth_config", "The fork configuration in force now, next and last (EIP-7910).", "", "config:Config|null"},
    {"eth_capabilities", "What the node can serve: its range of blocks and state.", "", "capabilities:Object"},
    /* eth: blocks, transactions, receipts */
    {"eth_getBlockByNumber", "A block by number or tag, its transactions as hashes or as objects.",
     "block:BlockTag, hydrated:Bool", "block:Block|null"},
    {"eth_getBlockByHash", "A block by hash, its transactions as hashes or as objects.", "hash:Hash, hydrated:Bool",
     "block:Block|null"},
    {"eth_getHeaderByNumber", "A block's header fields by number or tag (a light sync's headers too).",
     "block:BlockTag", "header:Header|null"},
    {"eth_getHeaderByHash", "A block's header fields by hash.", "hash:Hash", "header:Header|null"},
    {"eth_getBlockTransactionCountByNumber", "How many transactions a block holds.", "block:BlockTag",
     "count:Quantity|null"},
    {"eth_getBlockTransactionCountByHash", "How many transactions a block holds.", "hash:Hash", "count:Quantity|null"},
    {"eth_getUncleCountByBlockNumber", "How many uncles (ommers) a block has.", "block:BlockTag",
     "count:Quantity|null"},
    {"eth_getUncleCountByBlockHash", "How many uncles (ommers) a block has.", "hash:Hash", "count:Quantity|null"},
    {"eth_getUncleByBlockNumberAndIndex", "An uncle header of a block, by position.", "block:BlockTag, index:Quantity",
     "uncle:Block|null"},
    {"eth_getUncleByBlockHashAndIndex", "An uncle header of a block, by position.", "hash:Hash, index:Quantity",
     "uncle:Block|null"},
    {"eth_getTransactionByHash", "A transaction by hash, from a block or from the pool.", "hash:Hash",
     "transaction:Transaction|null"},
    {"eth_getTransactionByBlockHashAndIndex", "A block's transaction by position.", "hash:Hash, index:Quantity",
     "transaction:Transaction|null"},
    {"eth_getTransactionByBlockNumberAndIndex", "A block's transaction by position.", "block:BlockTag, index:Quantity",
     "transaction:Transaction|null"},
    {"eth_getRawTransactionByHash", "A transaction's canonical encoding, by hash.", "hash:Hash", "raw:Data|null"},
    {"eth_getTransactionReceipt", "The receipt of an included transaction.", "hash:Hash", "receipt:Receipt|null"},
    {"eth_getBlockReceipts", "The receipts of every transaction of a block.", "block:BlockRef",
     "receipts:Receipt[]|null"},
    /* eth: state */
    {"eth_getBalance", "An account's balance in wei at a block.", "address:Address, block:BlockRef?",
     "balance:Quantity"},
    {"eth_getCode", "An account's code at a block.", "address:Address, block:BlockRef?", "code:Data"},
    {"eth_getStorageAt", "One storage slot of an account at a block.", "address:Address, slot:Slot, block:BlockRef?",
     "value:Hash"},
    {"eth_getStorageValues", "Several storage slots of several accounts at a block.", "slots:Object, block:BlockRef?",
     "values:Object"},
    {"eth_getTransactionCount", "An account's nonce at a block (\"pending\" counts pooled transactions).",
     "address:Address, block:BlockRef?", "nonce:Quantity"},
    {"eth_getProof", "An account and some of its storage with Merkle proofs (EIP-1186).",
     "address:Address, slots:Slot[], block:BlockRef", "proof:AccountProof"},
    /* eth: execution */
    {"eth_call", "Runs a call on the state of a block without making a transaction; returns its output.",
     "transaction:CallObject, block:BlockRef?, stateOverrides:StateOverrides?, blockOverrides:BlockOverrides?",
     "output:Data"},
    {"eth_estimateGas", "The least gas limit with which a transaction would succeed.",
     "transaction:CallObject, block:BlockRef?, stateOverrides:StateOverrides?, blockOverrides:BlockOverrides?",
     "gas:Quantity"},
    {"eth_createAccessList", "The accounts and slots a transaction touches (EIP-2930), and its gas with them.",
     "transaction:CallObject, block:BlockRef?, stateOverrides:StateOverrides?, blockOverrides:BlockOverrides?",
     "result:AccessListResult"},
    {"eth_simulateV1", "Runs calls in a chain of simulated blocks over a block's state, with overrides.",
     "payload:SimulatePayload, block:BlockRef?", "blocks:SimulatedBlock[]"},
    /* eth: fees */
    {"eth_gasPrice", "A legacy gas price: a suggested tip plus the head's base fee.", "", "price:Quantity"},
    {"eth_maxPriorityFeePerGas", "A suggested priority fee (tip) per gas, from recent blocks.", "", "tip:Quantity"},
    {"eth_baseFee", "The base fee per gas of the block after the head (EIP-1559).", "", "baseFee:Quantity|null"},
    {"eth_blobBaseFee", "The blob base fee of the block after the head (EIP-4844).", "", "blobBaseFee:Quantity"},
    {"eth_feeHistory", "Base fees, gas ratios and tip percentiles of a range of blocks ending at one.",
     "blockCount:Quantity, newestBlock:BlockTag, rewardPercentiles:Number[]?", "history:FeeHistory"},
    /* eth: logs, filters, subscriptions */
    {"eth_getLogs", "The logs matching a filter over a block range or a block hash.", "filter:Filter", "logs:Log[]"},
    {"eth_newFilter", "Installs a log filter polled with eth_getFilterChanges; returns its id.", "filter:Filter",
     "id:Quantity"},
    {"eth_newBlockFilter", "Installs a filter of new block hashes; returns its id.", "", "id:Quantity"},
    {"eth_newPendingTransactionFilter", "Installs a filter of transactions entering the pool; returns its id.",
     "fullTransactions:Bool?", "id:Quantity"},
    {"eth_getFilterChanges", "What a filter caught since it was last polled.", "id:Quantity",
     "changes:Log[]|Hash[]|Transaction[]"},
    {"eth_getFilterLogs", "All the logs a log filter matches.", "id:Quantity", "logs:Log[]"},
    {"eth_uninstallFilter", "Removes a filter; false when there was none.", "id:Quantity", "removed:Bool"},
    {"eth_subscribe", "Subscribes a WebSocket connection to new heads, logs or pool transactions.",
     "kind:SubKind, filter:Filter|Bool?", "id:Quantity"},
    {"eth_unsubscribe", "Ends a subscription of this connection.", "id:Quantity", "removed:Bool"},
    /* eth: transactions, accounts and signing */
    {"eth_sendRawTransaction", "Adds a signed transaction to the pool; returns its hash.", "transaction:Data",
     "hash:Hash"},
    {"eth_accounts", "The addresses of the node's own keys.", "", "accounts:Address[]"},
    {"eth_sendTransaction", "Signs a transaction with one of the node's keys and adds it to the pool.",
     "transaction:CallObject", "hash:Hash"},
    {"eth_signTransaction", "Signs a transaction with one of the node's keys, without sending it.",
     "transaction:CallObject", "signed:Data|Object"},
    {"eth_sign", "Signs a message (EIP-191 personal prefix) with one of the node's keys.",
     "address:Address, message:Data", "signature:Data"},
    {"eth_signTypedData_v4", "Signs EIP-712 typed data with one of the node's keys.",
     "address:Address, typedData:TypedData|String", "signature:Data"},
    {"personal_sign", "Signs a message (EIP-191 personal prefix): eth_sign with its parameters swapped.",
     "message:Data, address:Address, password:String?", "signature:Data"},
    {"eth_fillTransaction",
     "Fills in a transaction's nonce, gas and fees; returns it unsigned, encoded and as an object.",
     "transaction:CallObject", "filled:Object"},
    /* txpool */
    {"txpool_content", "The pooled transactions, pending and queued, by sender and nonce.", "",
     "content:TxPoolContent"},
    {"txpool_contentFrom", "One sender's pooled transactions, pending and queued.", "address:Address",
     "content:TxPoolContent"},
    {"txpool_status", "How many pooled transactions are pending and queued.", "", "status:TxPoolStatus"},
    {"txpool_inspect", "A one-line summary of each pooled transaction.", "", "summary:TxPoolContent"},
    /* debug */
    {"debug_getRawHeader", "A block header's RLP encoding.", "block:BlockRef", "rlp:Data"},
    {"debug_getRawBlock", "A block's RLP encoding.", "block:BlockRef", "rlp:Data"},
    {"debug_getRawReceipts", "The consensus encodings of a block's receipts.", "block:BlockRef", "receipts:Data[]"},
    {"debug_getRawTransaction", "A transaction's canonical encoding, by hash.", "hash:Hash", "raw:Data"},
    {"debug_traceTransaction", "Re-executes an included transaction under a tracer.", "hash:Hash, config:TraceConfig?",
     "trace:Trace"},
    {"debug_traceBlockByNumber", "Re-executes every transaction of a block under a tracer.",
     "block:BlockTag, config:TraceConfig?", "traces:Trace[]"},
    {"debug_traceBlockByHash", "Re-executes every transaction of a block under a tracer.",
     "hash:Hash, config:TraceConfig?", "traces:Trace[]"},
    {"debug_traceCall", "Runs a call on a block's state under a tracer.",
     "transaction:CallObject, block:BlockRef?, config:TraceConfig?", "trace:Trace"},
    /* engine (the consensus client's API) */
    {"engine_exchangeCapabilities", "The engine methods each side supports.", "capabilities:String[]",
     "capabilities:String[]"},
    {"engine_getClientVersionV1", "This client's name and version, given the consensus client's.",
     "clientVersion:ClientVersion", "versions:ClientVersion[]"},
    {"engine_newPayloadV1", "Validates and imports an execution payload (Paris).", "payload:ExecutionPayload",
     "status:PayloadStatus"},
    {"engine_newPayloadV2", "Validates and imports an execution payload (Shanghai: withdrawals).",
     "payload:ExecutionPayload", "status:PayloadStatus"},
    {"engine_newPayloadV3", "Validates and imports an execution payload (Cancun: blobs, beacon root).",
     "payload:ExecutionPayload, versionedHashes:Hash[], parentBeaconBlockRoot:Hash", "status:PayloadStatus"},
    {"engine_newPayloadV4", "Validates and imports an execution payload (Prague: execution requests).",
     "payload:ExecutionPayload, versionedHashes:Hash[], parentBeaconBlockRoot:Hash, executionRequests:Data[]",
     "status:PayloadStatus"},
    {"engine_forkchoiceUpdatedV1", "Sets the head, safe and finalized blocks; may start building a payload.",
     "state:ForkchoiceState, attributes:PayloadAttributes|null?", "result:ForkchoiceResult"},
    {"engine_forkchoiceUpdatedV2", "forkchoiceUpdated with Shanghai payload attributes (withdrawals).",
     "state:ForkchoiceState, attributes:PayloadAttributes|null?", "result:ForkchoiceResult"},
    {"engine_forkchoiceUpdatedV3", "forkchoiceUpdated with Cancun payload attributes (beacon root).",
     "state:ForkchoiceState, attributes:PayloadAttributes|null?", "result:ForkchoiceResult"},
    {"engine_getPayloadV1", "The payload built for an id (Paris).", "payloadId:PayloadId", "payload:ExecutionPayload"},
    {"engine_getPayloadV2", "The payload built for an id, with its value (Shanghai).", "payloadId:PayloadId",
     "envelope:PayloadEnvelope"},
    {"engine_getPayloadV3", "The payload built for an id, with its blobs bundle (Cancun).", "payloadId:PayloadId",
     "envelope:PayloadEnvelope"},
    {"engine_getPayloadV4", "The payload built for an id, with its execution requests (Prague).", "payloadId:PayloadId",
     "envelope:PayloadEnvelope"},
    {"engine_getPayloadV5", "The payload built for an id, with cell proofs (Osaka).", "payloadId:PayloadId",
     "envelope:PayloadEnvelope"},
    {"engine_getPayloadBodiesByHashV1", "The transactions and withdrawals of blocks by hash.", "hashes:Hash[]",
     "bodies:PayloadBody[]"},
    {"engine_getPayloadBodiesByRangeV1", "The transactions and withdrawals of a range of blocks.",
     "start:Quantity, count:Quantity", "bodies:PayloadBody[]"},
    {"engine_getBlobsV1", "Pooled blobs and their proofs by versioned hash.", "versionedHashes:Hash[]",
     "blobs:BlobAndProof[]"},
    {"engine_getBlobsV2", "Pooled blobs and their cell proofs by versioned hash (Osaka).", "versionedHashes:Hash[]",
     "blobs:BlobAndProof[]|null"},
    {"testing_buildBlockV1", "Builds a block on a parent from the given transactions, without importing it.",
     "parentHash:Hash, attributes:PayloadAttributes, transactions:Data[]|null, extraData:Data?",
     "envelope:PayloadEnvelope"},
    /* development chain controls (anvil and hardhat names) */
    {"evm_mine", "Mines a block now, or several, optionally at a timestamp.", "options:MineOptions|Quantity?",
     "result:String"},
    {"evm_snapshot", "Snapshots the chain; returns an id for evm_revert.", "", "id:Quantity"},
    {"evm_revert", "Returns the chain to a snapshot; false when the id is unknown.", "id:Quantity", "reverted:Bool"},
    {"evm_increaseTime", "Moves the clock of later blocks forward by some seconds.", "seconds:Quantity|Number",
     "total:Quantity|Number"},
    {"evm_setNextBlockTimestamp", "The timestamp of the next block mined.", "timestamp:Quantity|Number", "result:Any"},
    {"anvil_setBalance", "Sets an account's balance.", "address:Address, balance:Quantity", "result:null"},
    {"anvil_setCode", "Sets an account's code.", "address:Address, code:Data", "result:null"},
    {"anvil_setStorageAt", "Sets one storage slot of an account.", "address:Address, slot:Slot, value:Hash",
     "result:Bool"},
    {"anvil_setNonce", "Sets an account's nonce.", "address:Address, nonce:Quantity", "result:null"},
    {"anvil_impersonateAccount", "Lets eth_sendTransaction send from an address without its key.", "address:Address",
     "result:null"},
    {"anvil_stopImpersonatingAccount", "Ends an impersonation.", "address:Address", "result:null"},
    {"anvil_autoImpersonateAccount", "Lets eth_sendTransaction send from any address, or stops it.", "enabled:Bool",
     "result:null"},
    {"evm_setAutomine", "Whether each pooled transaction is mined at once in a block of its own.", "enabled:Bool",
     "result:Any"},
    {"anvil_setAutomine", "Whether each pooled transaction is mined at once in a block of its own.", "enabled:Bool",
     "result:Any"},
    {"anvil_getAutomine", "Whether automine is on.", "", "enabled:Bool"},
    {"hardhat_getAutomine", "Whether automine is on.", "", "enabled:Bool"},
    {"evm_setIntervalMining", "Mines a block every so often (0: off).", "interval:Quantity|Number", "result:Any"},
    {"anvil_setIntervalMining", "Mines a block every so many seconds (0: off).", "seconds:Quantity|Number",
     "result:Any"},
    {"anvil_mine", "Mines some blocks, some seconds apart.", "blocks:Quantity?, interval:Quantity?", "result:null"},
    {"hardhat_setBalance", "Sets an account's balance.", "address:Address, balance:Quantity", "result:Bool"},
    {"hardhat_setCode", "Sets an account's code.", "address:Address, code:Data", "result:Bool"},
    {"hardhat_setStorageAt", "Sets one storage slot of an account.", "address:Address, slot:Slot, value:Hash",
     "result:Bool"},
    {"hardhat_setNonce", "Sets an account's nonce.", "address:Address, nonce:Quantity", "result:Bool"},
    {"hardhat_impersonateAccount", "Lets eth_sendTransaction send from an address without its key.", "address:Address",
     "result:Bool"},
    {"hardhat_stopImpersonatingAccount", "Ends an impersonation.", "address:Address", "result:Bool"},
    {"hardhat_mine", "Mines some blocks, some seconds apart.", "blocks:Quantity?, interval:Quantity?", "result:Bool"},
    /* dev_tools.c, dev_state.c */
    {"anvil_reset", "Makes the genesis the head again, with its state and an empty pool (no forking).",
     "options:Object?", "result:null"},
    {"hardhat_reset", "Makes the genesis the head again, with its state and an empty pool (no forking).",
     "options:Object?", "result:Bool"},
    {"anvil_increaseTime", "Moves the clock of later blocks forward by some seconds; returns the total offset.",
     "seconds:Quantity|Number", "offset:Number"},
    {"anvil_setNextBlockTimestamp", "The timestamp of the next block mined.", "timestamp:Quantity|Number",
     "result:null"},
    {"anvil_setBlockTimestampInterval", "Each later block this many seconds after its parent.",
     "seconds:Quantity|Number", "result:null"},
    {"anvil_removeBlockTimestampInterval", "Blocks follow the clock again; whether an interval was set.", "",
     "removed:Bool"},
    {"anvil_setCoinbase", "The fee recipient of later blocks.", "address:Address", "result:null"},
    {"hardhat_setCoinbase", "The fee recipient of later blocks.", "address:Address", "result:Bool"},
    {"anvil_setNextBlockBaseFeePerGas", "The base fee of the next block.", "baseFee:Quantity", "result:null"},
    {"hardhat_setNextBlockBaseFeePerGas", "The base fee of the next block.", "baseFee:Quantity", "result:Bool"},
    {"anvil_setPrevRandao", "The PREVRANDAO (mixHash) of the next block.", "randao:Slot", "result:null"},
    {"hardhat_setPrevRandao", "The PREVRANDAO (mixHash) of the next block.", "randao:Slot", "result:Bool"},
    {"evm_setBlockGasLimit", "The gas limit of later blocks.", "gasLimit:Quantity|Number", "result:Bool"},
    {"anvil_setBlockGasLimit", "The gas limit of later blocks.", "gasLimit:Quantity|Number", "result:Bool"},
    {"anvil_dropTransaction", "Removes a transaction from the pool; its hash, or null when it was not there.",
     "hash:Hash", "hash:Hash|null"},
    {"hardhat_dropTransaction", "Removes a transaction from the pool; whether it was there.", "hash:Hash",
     "removed:Bool"},
    {"anvil_dropAllTransactions", "Empties the pool.", "", "result:null"},
    {"anvil_dumpState",
     "The head's whole state: hex of gzipped JSON {accounts: {address: {nonce, balance, code, "
     "storage}}}.",
     "", "state:Data"},
    {"anvil_loadState", "Sets the accounts of a dump (anvil_dumpState's, gzipped or plain JSON) in the head's state.",
     "state:Data", "result:Bool"},
    {"admin_nodeInfo", "The node's p2p identity: enode, ENR, id, ports, protocols.", "", "result:Object"},
    {"debug_p2pTable", "The nodes in the discovery table.", "", "result:Object[]"},
    {"admin_peers", "The connected peers: id, name, enode, network (inbound, trusted, static), protocols.", "",
     "result:Object[]"},
    {"admin_addPeer", "Adds a static node by its enode URL (IPv4, or IPv6 in brackets): dialled, and redialled.",
     "enode:String", "result:Bool"},
    {"admin_removePeer", "Disconnects a node and removes it from the static nodes.", "enode:String", "result:Bool"},
    {"admin_addTrustedPeer", "Trusts a node: it may connect past --maxpeers.", "enode:String", "result:Bool"},
    {"admin_removeTrustedPeer", "No longer trusts a node.", "enode:String", "result:Bool"},
    {0},
};

const rpc_doc_t *rpc_doc_find(const char *name) {
  for (const rpc_doc_t *d = docs; d->name; d++)
    if (!strcmp(d->name, name)) return d;
  return NULL;
}

size_t rpc_doc_all(const rpc_doc_t **out) {
  *out = docs;
  return sizeof docs / sizeof *docs - 1;
}

static const base_t *base_find(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
    if (strlen(bases[i].name) == n && !strncmp(bases[i].name, s, n)) return &bases[i];
  return NULL;
}

/* Writes the schema of the type s[0..n) (alternatives, arrays) to w when w is
 * not NULL: 0, or -1 when it names an unknown base or is malformed. */
static int write_type(jw_t *w, const char *s, size_t n) {
  size_t alts = 1;
  for (size_t i = 0; i < n; i++) alts += s[i] == '|';
  if (alts > 1 && w) {
    jw_obj_begin(w);
    jw_key(w, "oneOf");
    jw_arr_begin(w);
  }
  for (size_t i = 0; i <= n;) {
    size_t len = strcspn(s + i, "|");
    if (i + len > n) len = n - i;
    bool array = len > 2 && !strncmp(s + i + len - 2, "[]", 2);
    const base_t *b = base_find(s + i, array ? len - 2 : len);
    if (!b) return -1;
    if (w) {
      if (array) {
        jw_obj_begin(w);
        jw_key(w, "type");
        jw_cstr(w, "array");
        jw_key(w, "items");
      }
      jw_raw(w, b->schema, strlen(b->schema));
      if (array) jw_obj_end(w);
    }
    i += len + 1;
  }
  if (alts > 1 && w) {
    jw_arr_end(w);
    jw_obj_end(w);
  }
  return 0;
}

/* One "name:Type" (with a trailing ? when optional) of s[0..n): as a content
 * descriptor {name, required?, schema} written to w when w is not NULL.
 * 0, or -1 when malformed. */
static int write_descriptor(jw_t *w, const char *s, size_t n, bool param) {
  while (n && s[0] == ' ') s++, n--;
  while (n && s[n - 1] == ' ') n--;
  const char *colon = memchr(s, ':', n);
  if (!colon || colon == s) return -1;
  size_t name_len = (size_t)(colon - s);
  const char *type = colon + 1;
  size_t type_len = n - name_len - 1;
  bool optional = type_len && type[type_len - 1] == '?';
  if (optional) {
    if (!param) return -1;
    type_len--;
  }
  if (!type_len) return -1;
  if (write_type(NULL, type, type_len)) return -1;
  if (!w) return 0;
  jw_obj_begin(w);
  jw_key(w, "name");
  jw_str(w, s, name_len);
  if (param) {
    jw_key(w, "required");
    jw_bool(w, !optional);
  }
  jw_key(w, "schema");
  write_type(w, type, type_len);
  jw_obj_end(w);
  return 0;
}

/* Calls write_descriptor on each of the comma-separated params (w may be
 * NULL). Returns the count, or -1 when one is malformed or a required one
 * follows an optional one. */
static int each_param(jw_t *w, const char *params) {
  int count = 0;
  bool seen_optional = false;
  for (const char *p = params; *p;) {
    size_t len = strcspn(p, ",");
    if (write_descriptor(w, p, len, true)) return -1;
    size_t end = len;
    while (end && p[end - 1] == ' ') end--;
    bool optional = end && p[end - 1] == '?';
    if (seen_optional && !optional) return -1;
    seen_optional |= optional;
    count++;
    p += len;
    if (*p == ',') p++;
  }
  return count;
}

int rpc_doc_check(const rpc_doc_t *d) {
  if (!d->summary || !*d->summary || !d->params || !d->result) return -1;
  if (write_descriptor(NULL, d->result, strlen(d->result), false)) return -1;
  return each_param(NULL, d->params);
}

static int rpc_discover(rpc_call_t *c, const cJSON *p) {
  jw_t *w = c->w;
  jw_obj_begin(w);
  jw_key(w, "openrpc");
  jw_cstr(w, "1.2.6");
  jw_key(w, "info");
  jw_obj_begin(w);
  jw_key(w, "title");
  jw_cstr(w, "ethc JSON-RPC API");
  jw_key(w, "description");
  jw_cstr(w, "The methods of this ethc node, as enabled by its --http.api.");
  jw_key(w, "version");
  jw_cstr(w, c->srv->client_version);
  jw_obj_end(w);
  jw_key(w, "methods");
  jw_arr_begin(w);
  const rpc_method_t *all[RPC_MAX_METHODS];
  size_t n = rpc_method_all(all, RPC_MAX_METHODS);
  if (n > RPC_MAX_METHODS) n = RPC_MAX_METHODS;
  for (size_t i = 0; i < n; i++) {
    if (!c->srv->ns_enabled[all[i]->ns]) continue;
    const rpc_doc_t *d = rpc_doc_find(all[i]->name);
    bool ok = d && rpc_doc_check(d) >= 0; /* the unit test makes it so */
    jw_obj_begin(w);
    jw_key(w, "name");
    jw_cstr(w, all[i]->name);
    if (ok) {
      jw_key(w, "summary");
      jw_cstr(w, d->summary);
    }
    jw_key(w, "params");
    jw_arr_begin(w);
    if (ok) each_param(w, d->params);
    jw_arr_end(w);
    jw_key(w, "result");
    if (ok) write_descriptor(w, d->result, strlen(d->result), false);
    else {
      static const char none[] = "{\"name\":\"result\",\"schema\":{}}";
      jw_raw(w, none, sizeof none - 1);
    }
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_obj_end(w);
  return 0;
}

const rpc_method_t rpc_methods_discover[] = {
    {"rpc_discover", RPC_NS_RPC, rpc_discover, 0},
    {0},
};
