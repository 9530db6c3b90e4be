// Shared by the dev-chain interop scripts (LIB_dev.mjs, dev_session.mjs, dev_tps.mjs):
// compiles an ERC-20 from the installed OpenZeppelin sources with the installed
// solc (npm packages pinned in package.json; nothing generated is committed: the
// output is cached in the caller's work directory), the anvil / hardhat test
// accounts, and check helpers that tell a method the server does not have yet
// (JSON-RPC -32601) from a real failure.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const MNEMONIC = "test test test test test test test test test test test junk";
// The first accounts of MNEMONIC (m/44'/60'/0'/0/i): the well-known anvil / hardhat test keys.
export const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
export const ADDRS = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
];
export const CHAIN_ID = 31337;
export const TEN_THOUSAND_ETH = 10000n * 10n ** 18n;

// An OpenZeppelin ERC-20 with a fixed supply minted to the deployer, and a
// mint() that reverts with a reason string for anyone but the deployer.
export const TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract DevToken is ERC20 {
    address public immutable owner;
    constructor(uint256 supply) ERC20("Dev Token", "DEV") {
        owner = msg.sender;
        _mint(msg.sender, supply);
    }
    function mint(address to, uint256 amount) external {
        require(msg.sender == owner, "DevToken: caller is not the owner");
        _mint(to, amount);
    }
}
`;

function findImport(p) {
  try {
    return { contents: fs.readFileSync(require.resolve(p), "utf8") };
  } catch {
    return { error: `not found: ${p}` };
  }
}

// { abi, bytecode } of DevToken; cacheDir (optional) keeps the compiler output
// between runs, keyed by the solc and OpenZeppelin versions.
export function compileToken(cacheDir) {
  const solcVersion = require("solc/package.json").version;
  const ozVersion = JSON.parse(fs.readFileSync(path.join(here, "node_modules/@openzeppelin/contracts/package.json"))).version;
  const cache = cacheDir ? path.join(cacheDir, `DevToken-solc${solcVersion}-oz${ozVersion}.json`) : null;
  if (cache && fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8"));
  const solc = require("solc");
  const input = {
    language: "Solidity",
    sources: { "DevToken.sol": { content: TOKEN_SOURCE } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error("solc: " + errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts["DevToken.sol"].DevToken;
  const token = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object, solc: solcVersion, oz: ozVersion };
  if (cache) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cache}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(token));
    fs.renameSync(tmp, cache); // atomic: parallel tests never read half a file
  }
  return token;
}

// ---- checks ----
let failed = 0;
let skipped = 0;

export function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
  return cond;
}

// The JSON-RPC "method not found" (-32601) somewhere in a library's error chain.
export function methodNotFound(e, depth = 0) {
  if (!e || typeof e !== "object" || depth > 8) return false;
  if (e.code === -32601) return true;
  if (typeof e.message === "string" && /"code":\s*-32601/.test(e.message)) return true;
  for (const k of ["error", "cause", "info", "innerError", "data", "payload"]) {
    if (k in e && methodNotFound(e[k], depth + 1)) return true;
  }
  return false;
}

// A feature the node says it does not have yet ("... not supported by this
// node's ... yet").
export function notYet(e, depth = 0) {
  if (!e || typeof e !== "object" || depth > 8) return false;
  if (["message", "details", "shortMessage"].some((k) => /not supported by this node's [a-z]+ yet/.test(String(e[k] ?? "")))) return true;
  return ["error", "cause", "info", "innerError", "data", "payload"].some((k) => k in e && notYet(e[k], depth + 1));
}

// Runs a step that needs server methods the node may not have yet: a -32601
// answer (or notYet) prints why the step is skipped; any other error fails it.
export async function optional(what, fn) {
  try {
    await fn();
  } catch (e) {
    if (methodNotFound(e) || notYet(e)) {
      skipped++;
      const why = methodNotFound(e) ? "the node answered -32601 (method not found)" : "the node does not support it yet";
      console.log(`SKIP ${what}: ${why}: ${String(e.shortMessage ?? e.message).split("\n")[0].slice(0, 300)}`);
      return;
    }
    failed++;
    console.log(`FAIL ${what}: ${e.stack ?? e}`);
  }
}

// Runs a step; an exception fails it (and the script goes on).
export async function step(what, fn) {
  try {
    await fn();
  } catch (e) {
    failed++;
    console.log(`FAIL ${what}: ${e.stack ?? e}`);
  }
}

export function finish() {
  console.log(`${failed ? `${failed} failed` : "all passed"}${skipped ? `, ${skipped} steps skipped` : ""}`);
  process.exit(failed ? 1 : 0);
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Resolves with the first value cond() returns truthy within ms, else rejects.
export async function waitFor(what, cond, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// A raw JSON-RPC request over HTTP (for methods a library does not wrap).
export async function rpc(url, method, params = []) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) {
    const e = new Error(`${method}: ${j.error.message} (${j.error.code})`);
    e.code = j.error.code;
    e.data = j.error.data;
    throw e;
  }
  return j.result;
}
