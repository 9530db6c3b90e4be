// web3.js v4 (Web3 over its HTTP provider, unmodified) reading the rpc-compat
// chain from `ethc node`: block number, blocks, transactions, receipts, logs,
// balances, code, storage, a contract call, a revert and gas estimates must be
// what the execution-apis suite's expected responses say.
// usage: node web3_read.mjs URL
import { Web3 } from "web3";

const web3 = new Web3(process.argv[2]);
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

expect(await web3.eth.getChainId() === 0xc72dd9d5e883en, "getChainId");
expect(await web3.eth.net.getId() === 0xc72dd9d5e883en, "net.getId");
const head = await web3.eth.getBlockNumber();
expect(head === 54n, `getBlockNumber: ${head}`);

const b1 = await web3.eth.getBlock(1);
expect(b1.hash === "0x80e911b62f552f563a2544dfef5eb39ec8863d9082c998ca6b657f76e19de38e" &&
  b1.parentHash === "0x44fd89d504659cd58f48f4796b77a7e7012cf296a2409afa2f6c3cb99b5b3d99", "getBlock(1): hash and parent");
expect(b1.transactions.length === 4 && b1.gasUsed === 0x527ebn && b1.number === 1n, "getBlock(1): 4 transactions, gas used");
const latest = await web3.eth.getBlock("latest", true);
expect(latest.number === 54n && latest.transactions.every((t) => typeof t === "object" && t.blockNumber === 54n),
  "getBlock(latest, hydrated): transaction objects");
expect((await web3.eth.getBlock(b1.hash)).number === 1n, "getBlock by hash");
expect(await web3.eth.getBlockTransactionCount(1) === 4n, "getBlockTransactionCount");
let missing;
try {
  missing = await web3.eth.getBlock(1000);
} catch (e) {
  missing = e.name;
}
expect(missing === null, `getBlock(1000): ${missing}`);

const create = await web3.eth.getTransaction("0xc1d605c6612a5fe84dc95810030bfe5b1d327652b381bc695e28f50d13b2b09e");
expect(create.from === "0x7435ed30a8b4aeb0877cef0c6e8cffe834eb865f" && !create.to && create.nonce === 0n && create.blockNumber === 1n,
  "getTransaction: legacy contract creation");
const dyn = await web3.eth.getTransaction("0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864");
expect(dyn.type === 2n && dyn.maxFeePerGas === 0x3b9aca01n && dyn.blockNumber === 0x1bn && dyn.value === 2n,
  "getTransaction: EIP-1559 transaction");
const byIndex = await web3.eth.getTransactionFromBlock(1, 0);
expect(byIndex.hash === b1.transactions[0], "getTransactionFromBlock");

const rc = await web3.eth.getTransactionReceipt("0xc1d605c6612a5fe84dc95810030bfe5b1d327652b381bc695e28f50d13b2b09e");
expect(rc.contractAddress === "0x9344b07175800259691961298ca11c824e65032d" && rc.gasUsed === 0x102d3n,
  "getTransactionReceipt: creation's contract address, gas used");
const rc2 = await web3.eth.getTransactionReceipt("0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864");
expect(rc2.status === 1n && rc2.logs.length === 1 && rc2.logs[0].address === "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df",
  "getTransactionReceipt: status and log");

const logsByHash = await web3.eth.getPastLogs({ blockHash: "0x98f797a6af91ea770ab3a99d89c17a3a46d14c76db6bb711b18156a3493d2c94" });
expect(logsByHash.length === 1 && logsByHash[0].transactionIndex === 1n && logsByHash[0].blockNumber === 4n, "getPastLogs: by block hash");
const byTopic = await web3.eth.getPastLogs({ fromBlock: 3, toBlock: 6,
  topics: [null, "0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0"] });
expect(byTopic.length === 1 && byTopic[0].transactionHash === "0xd48ebacfb769b85602310e2e0cf322e19f8cce25ac69cfd52f2d8622e3bbc3c9",
  "getPastLogs: range and topic wildcard");
const all = await web3.eth.getPastLogs({ fromBlock: 0, toBlock: "latest" });
expect(all.length > 10 && all.every((l, i) => i === 0 || l.blockNumber >= all[i - 1].blockNumber), `getPastLogs: whole chain (${all.length} logs, in order)`);

const contract = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df";
expect(await web3.eth.getBalance(contract) === 0x76n, "getBalance");
const balAt = await web3.eth.getBalance(contract, "0xa38f2a6f7d276298d8e7a9bfa28625e4dc8948021f5a7369d0a04571879e98d2");
expect(balAt === 0x56n, `getBalance at a block hash: ${balAt}`);
expect(await web3.eth.getTransactionCount("0x0300100f529a704d19736a8714837adbc934db7f") === 1n, "getTransactionCount");
expect(await web3.eth.getCode(contract) === "0x3680600080376000206000548082558060010160005560005263656d697460206000a2", "getCode");
const slot = await web3.eth.getStorageAt(contract, 0);
expect(slot === "0x0000000000000000000000000000000000000000000000000000000000000038", `getStorageAt: ${slot}`);

// the callenv contract of the chain returns its block environment as 7 words
const out = await web3.eth.call({ from: "0x0000000000000000000000000000000000000000", to: "0x9344b07175800259691961298ca11c824e65032d" });
expect(out.length === 2 + 7 * 64 && BigInt("0x" + out.slice(2, 66)) === 54n && BigInt("0x" + out.slice(66, 130)) === 0xc72dd9d5e883en,
  "call: callenv sees block 54 and the chain id");
try {
  await web3.eth.call({ from: "0x0000000000000000000000000000000000000000", to: "0x0ee3ab1371c93e7c0c281cc0c2107cdebc8b1930",
    data: "0x01", gas: 100000 });
  expect(false, "call: a reverting call throws");
} catch (e) {
  const inner = e.cause ?? e.innerError ?? {};
  expect(/user error/.test(inner.message ?? e.message) && inner.code === 3, `call: revert (${e.name}: ${inner.code} ${inner.message})`);
}
const est = await web3.eth.estimateGas({ from: "0xaa00000000000000000000000000000000000000", to: "0x0100000000000000000000000000000000000000" });
expect(est === 21000n, `estimateGas: transfer ${est}`);
const est2 = await web3.eth.estimateGas({ from: "0x0102030000000000000000000000000000000000",
  to: "0x17e7eedce4ac02ef114a7ed9fe6e2f33feba1667", data: "0xff01" });
expect(est2 === 0x5316n, `estimateGas: contract call ${est2}`);
const price = await web3.eth.getGasPrice();
expect(price > 0n, `getGasPrice: ${price}`);
const hist = await web3.eth.getFeeHistory(4, "latest", [25, 75]);
expect(hist.baseFeePerGas.length === 5 && BigInt(hist.oldestBlock) === 51n, `getFeeHistory: oldest ${hist.oldestBlock}`);

console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
