// viem v2 (a public client over its http transport, unmodified) reading the
// rpc-compat chain from `ethc node`: block number, blocks, transactions,
// receipts, logs, balances, code, storage, a contract call, a revert and gas
// estimates must be what the execution-apis suite's expected responses say.
// usage: node viem_read.mjs URL
import { createPublicClient, defineChain, http } from "viem";

const url = process.argv[2];
const chain = defineChain({ id: 0xc72dd9d5e883e, name: "rpc-compat", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } } });
const client = createPublicClient({ chain, transport: http(url, { retryCount: 0 }) });
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

expect(await client.getChainId() === 0xc72dd9d5e883e, "getChainId");
const head = await client.getBlockNumber({ cacheTime: 0 });
expect(head === 54n, `getBlockNumber: ${head}`);

const b1 = await client.getBlock({ blockNumber: 1n });
expect(b1.hash === "0x80e911b62f552f563a2544dfef5eb39ec8863d9082c998ca6b657f76e19de38e" &&
  b1.parentHash === "0x44fd89d504659cd58f48f4796b77a7e7012cf296a2409afa2f6c3cb99b5b3d99", "getBlock(1): hash and parent");
expect(b1.transactions.length === 4 && b1.gasUsed === 0x527ebn && b1.number === 1n, "getBlock(1): 4 transactions, gas used");
const latest = await client.getBlock({ blockTag: "latest", includeTransactions: true });
expect(latest.number === 54n && latest.transactions.every((t) => typeof t === "object" && t.blockNumber === 54n),
  "getBlock(latest, includeTransactions): transaction objects");
const byHash = await client.getBlock({ blockHash: b1.hash });
expect(byHash.number === 1n, "getBlock by hash");
try {
  await client.getBlock({ blockNumber: 1000n });
  expect(false, "getBlock(1000) throws BlockNotFoundError");
} catch (e) {
  expect(e.name === "BlockNotFoundError", `getBlock(1000): ${e.name}`);
}
expect(await client.getBlockTransactionCount({ blockNumber: 1n }) === 4, "getBlockTransactionCount");

const create = await client.getTransaction({ hash: "0xc1d605c6612a5fe84dc95810030bfe5b1d327652b381bc695e28f50d13b2b09e" });
expect(create.from === "0x7435ed30a8b4aeb0877cef0c6e8cffe834eb865f" && create.to === null && create.nonce === 0 &&
  create.blockNumber === 1n && create.type === "legacy", "getTransaction: legacy contract creation");
const dyn = await client.getTransaction({ hash: "0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864" });
expect(dyn.type === "eip1559" && dyn.maxFeePerGas === 0x3b9aca01n && dyn.blockNumber === 0x1bn && dyn.value === 2n,
  "getTransaction: EIP-1559 transaction");
const byIndex = await client.getTransaction({ blockNumber: 1n, index: 0 });
expect(byIndex.hash === b1.transactions[0], "getTransaction by block and index");

const rc = await client.getTransactionReceipt({ hash: "0xc1d605c6612a5fe84dc95810030bfe5b1d327652b381bc695e28f50d13b2b09e" });
expect(rc.contractAddress === "0x9344b07175800259691961298ca11c824e65032d" && rc.gasUsed === 0x102d3n && rc.root?.length === 66,
  "getTransactionReceipt: creation's contract address, gas used, pre-Byzantium root");
const rc2 = await client.getTransactionReceipt({ hash: "0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864" });
expect(rc2.status === "success" && rc2.logs.length === 1 && rc2.logs[0].address === "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df" &&
  rc2.type === "eip1559", "getTransactionReceipt: status, type and log");
const conf = await client.getTransactionConfirmations({ hash: "0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864" });
expect(conf === 54n - 0x1bn + 1n, `getTransactionConfirmations: ${conf}`);

const logsByHash = await client.getLogs({ blockHash: "0x98f797a6af91ea770ab3a99d89c17a3a46d14c76db6bb711b18156a3493d2c94" });
expect(logsByHash.length === 1 && logsByHash[0].transactionIndex === 1 && logsByHash[0].blockNumber === 4n, "getLogs: by block hash");
// (the whole chain's logs are 21 MB, past viem's 10 MB response limit: one address's)
const some = await client.getLogs({ address: "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df", fromBlock: 0n, toBlock: "latest" });
expect(some.length > 10 && some.every((l, i) => l.address === "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df" &&
  (i === 0 || l.blockNumber >= some[i - 1].blockNumber)), `getLogs: one address over the chain (${some.length} logs, in order)`);
const byTopic = await client.getLogs({ fromBlock: 3n, toBlock: 6n });
expect(byTopic.some((l) => l.transactionHash === "0xd48ebacfb769b85602310e2e0cf322e19f8cce25ac69cfd52f2d8622e3bbc3c9"), "getLogs: a range");
// a filter through viem's createEventFilter-less path: a block filter polled once
const filter = await client.createBlockFilter();
const changes = await client.getFilterChanges({ filter });
expect(Array.isArray(changes) && changes.length === 0, "createBlockFilter, getFilterChanges: no new blocks");

const contract = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df";
expect(await client.getBalance({ address: contract }) === 0x76n, "getBalance");
const balAt = await client.getBalance({ address: contract, blockNumber: 1n });
expect(balAt === 0n, `getBalance at block 1, before the contract: ${balAt}`);
const nonce = await client.getTransactionCount({ address: "0x0300100f529a704d19736a8714837adbc934db7f" });
expect(nonce === 1, `getTransactionCount: ${nonce}`);
const code = await client.getCode({ address: contract });
expect(code === "0x3680600080376000206000548082558060010160005560005263656d697460206000a2", "getCode");
expect(await client.getCode({ address: "0xc1cadaffffffffffffffffffffffffffffffffff" }) === undefined, "getCode of an unknown account: undefined");
const slot = await client.getStorageAt({ address: contract, slot: "0x0" });
expect(slot === "0x0000000000000000000000000000000000000000000000000000000000000038", `getStorageAt: ${slot}`);

// the callenv contract of the chain returns its block environment as 7 words
const out = await client.call({ account: "0x0000000000000000000000000000000000000000", to: "0x9344b07175800259691961298ca11c824e65032d" });
expect(out.data.length === 2 + 7 * 64 && BigInt("0x" + out.data.slice(2, 66)) === 54n &&
  BigInt("0x" + out.data.slice(66, 130)) === 0xc72dd9d5e883en, "call: callenv sees block 54 and the chain id");
const userError = "0x08c379a00000000000000000000000000000000000000000000000000000000000000020" +
  "000000000000000000000000000000000000000000000000000000000000000a75736572206572726f72";
try {
  await client.call({ account: "0x0000000000000000000000000000000000000000", to: "0x0ee3ab1371c93e7c0c281cc0c2107cdebc8b1930",
    data: "0x01", gas: 100000n });
  expect(false, "call: a reverting call throws");
} catch (e) {
  const raw = e.walk((x) => x.name === "RawContractError" || typeof x.data === "string");
  expect(e.name === "CallExecutionError" && raw?.data === userError, `call: revert data (${e.name}: ${e.shortMessage})`);
}
const est = await client.estimateGas({ account: "0xaa00000000000000000000000000000000000000", to: "0x0100000000000000000000000000000000000000" });
expect(est === 21000n, `estimateGas: transfer ${est}`);
const est2 = await client.estimateGas({ account: "0x0102030000000000000000000000000000000000",
  to: "0x17e7eedce4ac02ef114a7ed9fe6e2f33feba1667", data: "0xff01" });
expect(est2 === 0x5316n, `estimateGas: contract call ${est2}`);
try {
  await client.estimateGas({ account: "0x0102030000000000000000000000000000000000", to: "0x0ee3ab1371c93e7c0c281cc0c2107cdebc8b1930", data: "0x01" });
  expect(false, "estimateGas: a reverting call throws");
} catch (e) {
  expect(e.name === "EstimateGasExecutionError" && /revert/i.test(e.details ?? e.message), `estimateGas: reverts (${e.name})`);
}
const fees = await client.estimateFeesPerGas();
expect(fees.maxFeePerGas > 0n && fees.maxPriorityFeePerGas >= 0n, `estimateFeesPerGas: ${fees.maxFeePerGas}, ${fees.maxPriorityFeePerGas}`);
const hist = await client.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
expect(hist.baseFeePerGas.length === 5 && hist.reward.length === 4 && hist.oldestBlock === 51n, `getFeeHistory: oldest ${hist.oldestBlock}`);

// rpc_discover: the OpenRPC document of what this node enables (--http.api eth,net,web3,txpool)
const doc = await client.request({ method: "rpc_discover" });
const names = doc.methods.map((m) => m.name);
const call = doc.methods.find((m) => m.name === "eth_call");
expect(/^1\.2\./.test(doc.openrpc) && names.includes("eth_call") && names.includes("txpool_status") &&
  names.includes("rpc_discover") && !names.some((n) => n.startsWith("debug_")),
  `rpc_discover: OpenRPC ${doc.openrpc}, ${names.length} methods, eth_call and no debug_*`);
expect(call.params[0].name === "transaction" && call.params[0].required === true && call.params[1].required === false &&
  call.result.schema.pattern !== undefined, "rpc_discover: eth_call's params and result");
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
