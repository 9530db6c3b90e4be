// One scripted session against a dev chain, printed as JSON for
// tests/system/dev_vs_anvil.py to compare between `ethc node --dev` and anvil:
// raw JSON-RPC (fetch), with ethers v6 only to encode calls and sign. It
// records every result that does not hang on a timestamp or a block hash:
// chain id, accounts, balances, nonces, return data, estimates, receipts
// (status, gasUsed, cumulativeGasUsed, logs), transactions, block numbers,
// gas used and base fees, logs, error codes, snapshot/revert.
// A method answering -32601 is recorded as {"unsupported": code} (the runner
// reports it as skipped).
// Prints {"records": [[key, value], ...]} on stdout.
// usage: node dev_session.mjs URL WORKDIR
import { ethers } from "ethers";
import { ADDRS, KEYS, compileToken } from "./dev_common.mjs";

const [url, workdir] = process.argv.slice(2);
const { abi, bytecode } = compileToken(workdir);
const iface = new ethers.Interface(abi);
const records = [];
const rec = (key, value) => records.push([key, value === undefined ? null : value]);
let id = 0;

async function call(method, params = []) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
  });
  return r.json();
}
// Methods not to call (DEV_SESSION_SKIP, comma-separated): the runner passes those the
// ethc node lacks yet, so that both sessions do the same.
const SKIP = new Set((process.env.DEV_SESSION_SKIP ?? "").split(",").filter(Boolean));
const unsupported = new Set();
// The result, or {error: {code, data}} (messages differ between servers and are not compared).
async function res(method, params = []) {
  if (SKIP.has(method)) return { unsupported: -32601 };
  const j = await call(method, params);
  if (j.error) {
    if (j.error.code === -32601) {
      unsupported.add(method);
      return { unsupported: -32601 };
    }
    return { error: { code: j.error.code, data: j.error.data ?? null }, message: j.error.message };
  }
  return j.result;
}
const hex = (n) => ethers.toQuantity(n);
const low = (a) => a.toLowerCase();

const GWEI = 10n ** 9n;
const FEES = { maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: GWEI };
const wallets = KEYS.map((k) => new ethers.Wallet(k));
const nonces = [0, 0, 0];
const sent = []; // [label, hash]
const fees = {}; // sender -> wei paid for gas (mined, kept transactions)
let tips = 0n; // wei the coinbase earned

async function sendRaw(label, i, tx) {
  const signed = await wallets[i].signTransaction({ chainId: 31337, type: 2, nonce: nonces[i], ...FEES, value: 0n, ...tx });
  const h = await res("eth_sendRawTransaction", [signed]);
  if (typeof h === "string") nonces[i]++;
  rec(`${label}: eth_sendRawTransaction`, h);
  if (typeof h === "string") sent.push([label, h]);
  return h;
}
async function sendNode(label, i, tx) { // signed by the node: eth_sendTransaction
  const h = await res("eth_sendTransaction", [{ from: ADDRS[i], nonce: hex(nonces[i]), maxFeePerGas: hex(FEES.maxFeePerGas),
    maxPriorityFeePerGas: hex(FEES.maxPriorityFeePerGas), ...tx }]);
  if (typeof h === "string") nonces[i]++;
  rec(`${label}: eth_sendTransaction`, h);
  if (typeof h === "string") sent.push([label, h]);
  return h;
}
async function receipt(label, h) {
  let r = null;
  for (let k = 0; k < 200 && typeof h === "string"; k++) {
    r = await res("eth_getTransactionReceipt", [h]);
    if (r) break;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  if (!r || r.error) {
    rec(`${label}: receipt`, r);
    return null;
  }
  for (const k of ["status", "gasUsed", "cumulativeGasUsed", "contractAddress", "type", "transactionIndex",
    "effectiveGasPrice", "blockNumber", "from", "to", "logsBloom"]) {
    rec(`${label}: receipt.${k}`, typeof r[k] === "string" ? low(r[k]) : r[k]);
  }
  const from = low(r.from);
  r.fee = BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
  fees[from] = (fees[from] ?? 0n) + r.fee;
  const blk = await res("eth_getBlockByNumber", [r.blockNumber, false]);
  r.tip = BigInt(r.gasUsed) * (BigInt(r.effectiveGasPrice) - BigInt(blk.baseFeePerGas));
  tips += r.tip;
  rec(`${label}: receipt.logs`, r.logs.map((l) => ({ address: low(l.address), topics: l.topics, data: l.data,
    logIndex: l.logIndex, transactionIndex: l.transactionIndex, removed: l.removed ?? false })));
  return r;
}
const ethCall = (from, to, data, tag = "latest") => res("eth_call", [{ from, to, data }, tag]);

// ---- the chain as it starts ----
const ACC = (await res("eth_accounts")).map((a) => ethers.getAddress(a));
rec("eth_chainId", await res("eth_chainId"));
rec("net_version", await res("net_version"));
rec("eth_accounts", (await res("eth_accounts")).map(low));
rec("eth_blockNumber at start", await res("eth_blockNumber"));
for (let i = 0; i < 10; i++) {
  const a = (await res("eth_accounts"))[i];
  rec(`balance of account ${i} at start`, await res("eth_getBalance", [a, "latest"]));
}
const g = await res("eth_getBlockByNumber", ["0x0", false]);
for (const k of ["number", "gasLimit", "baseFeePerGas", "gasUsed", "difficulty", "blobGasUsed", "excessBlobGas"]) {
  rec(`genesis.${k}`, g[k]);
}
rec("eth_getCode of the CREATE2 deployer", ethers.keccak256(await res("eth_getCode", ["0x4e59b44847b379578588920ca78fbf26c0b4956c", "latest"])));
rec("eth_getAutomine", await res("anvil_getAutomine"));

// ---- deploy ----
const deployData = ethers.concat([bytecode, iface.encodeDeploy([1_000_000n * 10n ** 18n])]);
rec("estimate: deploy", await res("eth_estimateGas", [{ from: ADDRS[0], data: deployData }]));
const hDeploy = await sendRaw("deploy", 0, { data: deployData, gasLimit: 1_500_000n });
const rDeploy = await receipt("deploy", hDeploy);
const token = rDeploy?.contractAddress ?? ethers.getCreateAddress({ from: ADDRS[0], nonce: 0 });
rec("code hash of the token", ethers.keccak256(await res("eth_getCode", [token, "latest"])));
rec("code at the deploy's parent block", await res("eth_getCode", [token, "0x0"]));

// ---- calls ----
for (const [fn, args] of [["name", []], ["symbol", []], ["decimals", []], ["totalSupply", []], ["balanceOf", [ADDRS[0]]],
  ["owner", []], ["allowance", [ADDRS[0], ADDRS[1]]]]) {
  rec(`eth_call ${fn}`, await ethCall(ADDRS[0], token, iface.encodeFunctionData(fn, args)));
}
rec("eth_call of an overdrawn transfer (error)", await ethCall(ADDRS[1], token, iface.encodeFunctionData("transfer", [ADDRS[2], 1n])));
rec("eth_call of mint by a stranger (error)", await ethCall(ADDRS[1], token, iface.encodeFunctionData("mint", [ADDRS[1], 1n])));
rec("eth_call at block 0 (no code yet)", await ethCall(ADDRS[0], token, iface.encodeFunctionData("totalSupply"), "0x0"));

// ---- estimates ----
const E = async (label, tx) => rec(`estimate: ${label}`, await res("eth_estimateGas", [tx]));
await E("ETH transfer to an EOA", { from: ADDRS[0], to: ACC[5], value: "0x1" });
await E("ETH transfer to the token (no receive: error)", { from: ADDRS[0], to: token, value: "0x1" });
await E("token transfer", { from: ADDRS[0], to: token, data: iface.encodeFunctionData("transfer", [ADDRS[1], 100n]) });
await E("token transfer to a fresh holder with calldata zeros", { from: ADDRS[0], to: token,
  data: iface.encodeFunctionData("transfer", ["0x0000000000000000000000000000000000000001", 1n]) });
await E("approve", { from: ADDRS[0], to: token, data: iface.encodeFunctionData("approve", [ADDRS[2], 50n]) });
await E("overdrawn transfer (error)", { from: ADDRS[1], to: token, data: iface.encodeFunctionData("transfer", [ADDRS[2], 1n]) });
await E("mint by the owner", { from: ADDRS[0], to: token, data: iface.encodeFunctionData("mint", [ACC[3], 5n]) });
await E("mint by a stranger (error)", { from: ADDRS[1], to: token, data: iface.encodeFunctionData("mint", [ACC[3], 5n]) });

// ---- transactions ----
const hT = await sendRaw("transfer 100 to account 1", 0, { to: token, data: iface.encodeFunctionData("transfer", [ADDRS[1], 100n * 10n ** 18n]), gasLimit: 100000n });
await receipt("transfer 100 to account 1", hT);
const hA = await sendNode("approve 50 for account 2", 0, { to: token, data: iface.encodeFunctionData("approve", [ADDRS[2], 50n]), gas: hex(80000) });
await receipt("approve 50 for account 2", hA);
await E("transferFrom by the spender", { from: ADDRS[2], to: token, data: iface.encodeFunctionData("transferFrom", [ADDRS[0], ADDRS[2], 30n]) });
const hF = await sendRaw("transferFrom 30 by account 2", 2, { to: token, data: iface.encodeFunctionData("transferFrom", [ADDRS[0], ADDRS[2], 30n]), gasLimit: 100000n });
await receipt("transferFrom 30 by account 2", hF);
const hE = await sendNode("ETH transfer 1.5 ETH", 1, { to: ACC[6], value: hex(15n * 10n ** 17n), gas: hex(21000) });
await receipt("ETH transfer 1.5 ETH", hE);
const hR = await sendRaw("mint by a stranger, mined (reverts)", 1, { to: token, data: iface.encodeFunctionData("mint", [ADDRS[1], 1n]), gasLimit: 100000n });
await receipt("mint by a stranger, mined (reverts)", hR);
const hL = await sendRaw("legacy ETH transfer", 2, { type: 0, gasPrice: 5n * GWEI, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined, to: ACC[7], value: 12345n, gasLimit: 21000n });
await receipt("legacy ETH transfer", hL);
rec("a nonce too low (error code)", (await res("eth_sendRawTransaction", [await wallets[0].signTransaction({ chainId: 31337, type: 2, nonce: 0, ...FEES, to: ADDRS[1], gasLimit: 21000n })])).error?.code ?? "accepted");

for (const [label, h] of sent) {
  const t = await res("eth_getTransactionByHash", [h]);
  if (!t || t.error) { rec(`${label}: transaction`, t); continue; }
  rec(`${label}: transaction`, Object.fromEntries(["hash", "from", "to", "nonce", "value", "gas", "input", "type", "chainId",
    "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice", "r", "s", "v", "yParity", "blockNumber", "transactionIndex"]
    .map((k) => [k, typeof t[k] === "string" ? low(t[k]) : t[k] ?? null])));
}

// ---- mining ----
rec("anvil_mine 5", await res("anvil_mine", ["0x5"]));
rec("eth_blockNumber after anvil_mine 5", await res("eth_blockNumber"));
rec("evm_mine", await res("evm_mine"));
rec("eth_blockNumber after evm_mine", await res("eth_blockNumber"));
rec("hardhat_mine 2", await res("hardhat_mine", ["0x2"]));
const head = await res("eth_blockNumber");
rec("eth_blockNumber after hardhat_mine 2", head);
for (let n = 0; n <= Number(head); n++) {
  const b = await res("eth_getBlockByNumber", [hex(n), false]);
  rec(`block ${n}`, { gasUsed: b.gasUsed, gasLimit: b.gasLimit, baseFeePerGas: b.baseFeePerGas, transactions: b.transactions,
    miner: low(b.miner), difficulty: b.difficulty, blobGasUsed: b.blobGasUsed ?? null, excessBlobGas: b.excessBlobGas ?? null,
    withdrawals: b.withdrawals ?? null });
}

// ---- logs ----
const transferTopic = iface.getEvent("Transfer").topicHash;
const strip = (ls) => (Array.isArray(ls) ? ls.map((l) => ({ address: low(l.address), topics: l.topics, data: l.data,
  blockNumber: l.blockNumber, transactionHash: l.transactionHash, logIndex: l.logIndex })) : ls);
rec("eth_getLogs of the token", strip(await res("eth_getLogs", [{ address: token, fromBlock: "0x0", toBlock: "latest" }])));
rec("eth_getLogs Transfer to account 2", strip(await res("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest",
  topics: [transferTopic, null, ethers.zeroPadValue(ADDRS[2], 32)] }])));
rec("eth_getLogs of an empty range", strip(await res("eth_getLogs", [{ address: token, fromBlock: hex(Number(head)), toBlock: hex(Number(head)) }])));

// ---- snapshot / revert ----
const snap = await res("evm_snapshot");
rec("evm_snapshot", snap?.unsupported ? snap : "an id");
if (!snap?.unsupported) {
  const h = await sendRaw("transfer after the snapshot", 0, { to: token, data: iface.encodeFunctionData("transfer", [ACC[3], 7n]), gasLimit: 100000n });
  const undone = await receipt("transfer after the snapshot", h);
  rec("balanceOf account 3 after the snapshot", await ethCall(ADDRS[0], token, iface.encodeFunctionData("balanceOf", [ACC[3]])));
  rec("evm_revert", await res("evm_revert", [snap]));
  nonces[0]--;
  fees[low(ADDRS[0])] -= undone?.fee ?? 0n; // the revert undid the transaction, fee and tip
  tips -= undone?.tip ?? 0n;
  sent.pop();
  rec("eth_blockNumber after evm_revert", await res("eth_blockNumber"));
  rec("balanceOf account 3 after evm_revert", await ethCall(ADDRS[0], token, iface.encodeFunctionData("balanceOf", [ACC[3]])));
  rec("nonce of account 0 after evm_revert", await res("eth_getTransactionCount", [ADDRS[0], "latest"]));
  rec("the reverted transaction's receipt", await res("eth_getTransactionReceipt", [h]));
  rec("evm_revert of the same id again", await res("evm_revert", [snap]));
  const h2 = await sendRaw("transfer after the revert", 0, { to: token, data: iface.encodeFunctionData("transfer", [ACC[4], 8n]), gasLimit: 100000n });
  await receipt("transfer after the revert", h2);
}

// ---- the end state ----
const accounts = await res("eth_accounts");
for (let i = 0; i < 10; i++) {
  const bal = await res("eth_getBalance", [accounts[i], "latest"]);
  rec(`final balance of account ${i}`, bal);
  rec(`final balance of account ${i} + the gas fees it paid`, hex(BigInt(bal) + (fees[low(accounts[i])] ?? 0n)));
  rec(`final nonce of account ${i}`, await res("eth_getTransactionCount", [accounts[i], "latest"]));
  rec(`final pending nonce of account ${i}`, await res("eth_getTransactionCount", [accounts[i], "pending"]));
}
for (const a of [ADDRS[0], ADDRS[1], ADDRS[2], ACC[3], ACC[4]]) {
  rec(`final token balance of ${a}`, await ethCall(ADDRS[0], token, iface.encodeFunctionData("balanceOf", [a])));
}
rec("final token totalSupply", await ethCall(ADDRS[0], token, iface.encodeFunctionData("totalSupply")));
const coinbase = await res("eth_getBalance", ["0x0000000000000000000000000000000000000000", "latest"]);
rec("balance of the coinbase 0x0", coinbase);
rec("the coinbase holds the tips: gasUsed x (effectiveGasPrice - baseFeePerGas)", BigInt(coinbase) === tips);
rec("eth_getStorageAt token slot 2 (totalSupply)", await res("eth_getStorageAt", [token, "0x2", "latest"]));
rec("an unknown method (error code)", (await call("eth_noSuchMethod")).error?.code ?? "answered");
rec("txpool_status", await res("txpool_status"));

console.log(JSON.stringify({ records, unsupported: [...unsupported] }));
