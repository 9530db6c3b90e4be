// The load of bench/dev_tps.sh: transactions per second from submission to
// mined receipt on a dev chain (ethc node --dev, anvil, hardhat). Untimed
// setup: CLIENTS fresh senders are funded from test account 0 (and, for erc20,
// given tokens of an OpenZeppelin ERC-20 deployed from it), then each
// sender's PER_CLIENT transactions are pre-signed with sequential nonces
// (simple 1-wei transfers, or ERC-20 transfer() calls). Timed: CLIENTS
// concurrent clients each send their raw transactions (eth_sendRawTransaction,
// one request in flight per client): PACE "wait" waits for each receipt
// before the next (a test suite's send-and-wait, for automine), "pipeline"
// sends them back to back and waits for the last receipt (for interval
// mining); the clock stops when every client has its last receipt.
// Afterwards every receipt is checked (status 1). Prints one JSON line.
// usage: node dev_load.mjs URL eth|erc20 CLIENTS PER_CLIENT WORKDIR [wait|pipeline]
import fs from "node:fs";
import { ethers } from "ethers";
import { KEYS, compileToken } from "./dev_common.mjs";

const [url, kind, clientsArg, perArg, workdir, pace = "pipeline"] = process.argv.slice(2);
const CLIENTS = Number(clientsArg);
const PER = Number(perArg);
const GWEI = 10n ** 9n;
const FEES = { maxFeePerGas: 200n * GWEI, maxPriorityFeePerGas: GWEI };
let id = 0;

async function rpc(method, params = []) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function receipt(h, ms = Number(process.env.DEV_LOAD_TIMEOUT_MS ?? 120000)) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await rpc("eth_getTransactionReceipt", [h]);
    if (r) return r;
    if (Date.now() > end) {
      const pool = await rpc("txpool_status").catch((e) => e.message);
      throw new Error(`no receipt for ${h}; txpool_status ${JSON.stringify(pool)}`);
    }
    await sleep(5);
  }
}

// ---- setup ----
const chainId = Number(await rpc("eth_chainId"));
const funder = new ethers.Wallet(KEYS[0]);
let funderNonce = Number(await rpc("eth_getTransactionCount", [funder.address, "pending"]));
const senders = Array.from({ length: CLIENTS }, (_, i) => new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`dev_load ${kind} sender ${i}`))));
const base = { chainId, type: 2, ...FEES };
const setup = async (txs) => {
  const hashes = [];
  for (const tx of txs) hashes.push(await rpc("eth_sendRawTransaction", [await funder.signTransaction({ ...base, nonce: funderNonce++, ...tx })]));
  for (const h of hashes) if ((await receipt(h)).status !== "0x1") throw new Error(`setup transaction ${h} failed`);
  return hashes;
};
let token = null;
let iface = null;
if (kind === "erc20") {
  const { abi, bytecode } = compileToken(workdir);
  iface = new ethers.Interface(abi);
  const [h] = await setup([{ data: ethers.concat([bytecode, iface.encodeDeploy([10n ** 30n])]), gasLimit: 1_500_000n }]);
  token = (await receipt(h)).contractAddress;
}
await setup(senders.map((s) => ({ to: s.address, value: 10n ** 18n, gasLimit: 21000n })));
if (token) {
  await setup(senders.map((s) => ({ to: token, data: iface.encodeFunctionData("transfer", [s.address, 10n ** 24n]), gasLimit: 100000n })));
}
// The signed transactions depend on nothing but the arguments (fresh chains
// deploy the token at the same address): cached in WORKDIR across runs.
const cache = `${workdir}/dev_load-${kind}-${chainId}-${CLIENTS}x${PER}-${token ?? "eth"}.json`;
const signed = fs.existsSync(cache) ? JSON.parse(fs.readFileSync(cache, "utf8")) : await Promise.all(senders.map(async (s, c) => {
  const out = [];
  for (let n = 0; n < PER; n++) {
    const to = ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x10000 + c * PER + n), 20));
    const tx = token
      ? { to: token, data: iface.encodeFunctionData("transfer", [to, 1n]), gasLimit: 60000n }
      : { to, value: 1n, gasLimit: 21000n };
    out.push(await s.signTransaction({ ...base, nonce: n, ...tx }));
  }
  return out;
}));
fs.writeFileSync(`${cache}.${process.pid}`, JSON.stringify(signed));
fs.renameSync(`${cache}.${process.pid}`, cache);
const head0 = Number(await rpc("eth_blockNumber"));

// ---- timed ----
const t0 = process.hrtime.bigint();
const hashes = await Promise.all(signed.map(async (txs) => {
  const hs = [];
  for (const raw of txs) {
    hs.push(await rpc("eth_sendRawTransaction", [raw]));
    if (pace === "wait") await receipt(hs[hs.length - 1]);
  }
  await receipt(hs[hs.length - 1]);
  return hs;
}));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

// ---- check ----
let failed = 0;
const blocks = new Set();
for (const hs of hashes) {
  for (const h of hs) {
    const r = await receipt(h, 10000);
    if (r.status !== "0x1") failed++;
    blocks.add(r.blockNumber);
  }
}
const txs = CLIENTS * PER;
console.log(JSON.stringify({ kind, txs, seconds, tps: txs / seconds, failed, blocks: blocks.size,
  head: Number(await rpc("eth_blockNumber")) - head0 }));
process.exit(failed ? 1 : 0);
