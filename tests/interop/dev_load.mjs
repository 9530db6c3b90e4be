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
import net from "node:net";
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
await setup(senders.map((s) => ({ to: s.address, value: 10n * 10n ** 18n, gasLimit: 21000n }))); // covers every pooled tx at its max fee (geth's overdraft check)
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

// A bare keep-alive HTTP/1.1 JSON-RPC connection: the timed phase costs the
// client little (fetch's per-request cost would make the client the bottleneck).
class Conn {
  constructor(u) {
    const { hostname, port, pathname } = new URL(u);
    this.head = `POST ${pathname || "/"} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: `;
    this.sock = net.connect(Number(port), hostname);
    this.sock.setNoDelay(true);
    this.buf = Buffer.alloc(0);
    this.waiting = null;
    this.sock.on("data", (d) => { this.buf = Buffer.concat([this.buf, d]); this.parse(); });
    this.sock.on("error", (e) => this.waiting?.reject(e));
  }
  parse() {
    if (!this.waiting) return;
    const end = this.buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const headers = this.buf.subarray(0, end).toString().toLowerCase();
    const m = /content-length: *(\d+)/.exec(headers);
    let body;
    if (m) {
      const len = Number(m[1]);
      if (this.buf.length < end + 4 + len) return;
      body = this.buf.subarray(end + 4, end + 4 + len);
      this.buf = this.buf.subarray(end + 4 + len);
    } else { // chunked
      let at = end + 4;
      const parts = [];
      for (;;) {
        const nl = this.buf.indexOf("\r\n", at);
        if (nl < 0) return;
        const size = parseInt(this.buf.subarray(at, nl).toString(), 16);
        if (this.buf.length < nl + 2 + size + 2) return;
        if (size === 0) { at = nl + 4; break; }
        parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
        at = nl + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      this.buf = this.buf.subarray(at);
    }
    const w = this.waiting;
    this.waiting = null;
    w.resolve(JSON.parse(body.toString()));
  }
  async call(method, params) {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
    const p = new Promise((resolve, reject) => { this.waiting = { resolve, reject }; });
    this.sock.write(this.head + Buffer.byteLength(body) + "\r\n\r\n" + body);
    const j = await p;
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result;
  }
  async receipt(h) {
    const end = Date.now() + Number(process.env.DEV_LOAD_TIMEOUT_MS ?? 120000);
    for (;;) {
      const r = await this.call("eth_getTransactionReceipt", [h]);
      if (r) return r;
      if (Date.now() > end) throw new Error(`no receipt for ${h}`);
      await sleep(2);
    }
  }
}
const conns = signed.map(() => new Conn(url));
await Promise.all(conns.map((c) => new Promise((r) => c.sock.once("connect", r))));

// ---- timed ----
const t0 = process.hrtime.bigint();
const hashes = await Promise.all(signed.map(async (txs, c) => {
  const conn = conns[c];
  const hs = [];
  for (const raw of txs) {
    hs.push(await conn.call("eth_sendRawTransaction", [raw]));
    if (pace === "wait") await conn.receipt(hs[hs.length - 1]);
  }
  await conn.receipt(hs[hs.length - 1]);
  return hs;
}));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
for (const c of conns) c.sock.destroy();

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
