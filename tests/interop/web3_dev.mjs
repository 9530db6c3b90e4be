// web3.js v4, unmodified, against a dev chain (`ethc node --dev`, or anvil):
// deploys an OpenZeppelin ERC-20 (dev_common.mjs compiles it) with a wallet
// account of the test mnemonic's keys (eth_sendRawTransaction), transfers,
// approve/transferFrom, reads events with getPastEvents (eth_getLogs) and
// contract.events.Transfer over a WebSocketProvider (a `logs` subscription),
// decodes the ERC20InsufficientBalance custom error and a reason string, sends
// from a node account (eth_sendTransaction), mines, snapshots and reverts, and
// travels in time through the provider's request.
// Steps whose server method answers -32601 are skipped with the reason.
// usage: node web3_dev.mjs HTTP_URL WS_URL WORKDIR
import { Web3, WebSocketProvider } from "web3";
import {
  ADDRS, CHAIN_ID, KEYS, TEN_THOUSAND_ETH, compileToken, expect, finish, optional, step, waitFor,
} from "./dev_common.mjs";

const [url, wsUrl, workdir] = process.argv.slice(2);
const { abi, bytecode } = compileToken(workdir);
const web3 = new Web3(url);
const E18 = 10n ** 18n;
const SUPPLY = 1_000_000n * E18;
for (const k of KEYS) web3.eth.accounts.wallet.add(k);
const req = (method, params = []) => web3.currentProvider.request({ jsonrpc: "2.0", id: 1, method, params })
  .then((r) => {
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.message}`), { code: r.error.code });
    return r.result;
  });
const lower = (a) => a.toLowerCase();

expect(await web3.eth.getChainId() === BigInt(CHAIN_ID), "getChainId: 31337");
const accounts = await web3.eth.getAccounts();
expect(accounts.length === 10 && lower(accounts[0]) === lower(ADDRS[0]), `getAccounts: ${accounts.length}`);
expect(await web3.eth.getBalance(ADDRS[2]) === TEN_THOUSAND_ETH, "account 2 holds 10,000 ETH");

// ---- deploy ----
const Token = new web3.eth.Contract(abi);
const token = await Token.deploy({ data: bytecode, arguments: [SUPPLY] }).send({ from: ADDRS[0] });
const address = token.options.address;
expect(/^0x[0-9a-fA-F]{40}$/.test(address ?? ""), `deploy().send: ${address}`);
expect(await token.methods.symbol().call() === "DEV" && await token.methods.totalSupply().call() === SUPPLY,
  "symbol, totalSupply");

// ---- transfer, approve, transferFrom ----
const rc = await token.methods.transfer(ADDRS[1], 100n * E18).send({ from: ADDRS[0] });
const ev = rc.events?.Transfer;
expect(rc.status === 1n && ev && lower(ev.returnValues.to) === lower(ADDRS[1]) && ev.returnValues.value === 100n * E18,
  `transfer: status 1, the Transfer event decoded (gas ${rc.gasUsed})`);
await token.methods.approve(ADDRS[2], 50n * E18).send({ from: ADDRS[0] });
expect(await token.methods.allowance(ADDRS[0], ADDRS[2]).call() === 50n * E18, "approve: allowance 50");
const rcFrom = await token.methods.transferFrom(ADDRS[0], ADDRS[2], 30n * E18).send({ from: ADDRS[2] });
expect(rcFrom.status === 1n && await token.methods.balanceOf(ADDRS[2]).call() === 30n * E18 &&
  await token.methods.allowance(ADDRS[0], ADDRS[2]).call() === 20n * E18, "transferFrom: balance 30, allowance 20");

// ---- events through eth_getLogs ----
await step("getPastEvents", async () => {
  const all = await token.getPastEvents("Transfer", { fromBlock: 0, toBlock: "latest" });
  expect(all.length === 3 && lower(all[2].returnValues.to) === lower(ADDRS[2]), `getPastEvents(Transfer): ${all.length}`);
  const to1 = await token.getPastEvents("Transfer", { filter: { to: ADDRS[1] }, fromBlock: 0 });
  expect(to1.length === 1 && to1[0].transactionHash === rc.transactionHash, "an indexed-argument filter");
});

// ---- a WebSocket logs subscription ----
await step("contract.events over WebSocket", async () => {
  const wsWeb3 = new Web3(new WebSocketProvider(wsUrl, {}, { autoReconnect: false }));
  try {
    const wsToken = new wsWeb3.eth.Contract(abi, address);
    const sub = wsToken.events.Transfer({ filter: { from: ADDRS[0] } });
    const got = [];
    sub.on("data", (e) => got.push(e));
    await new Promise((resolve, reject) => {
      sub.on("connected", resolve);
      sub.on("error", reject);
    });
    const sent = await token.methods.transfer(ADDRS[1], 7n).send({ from: ADDRS[0] });
    await token.methods.transfer(ADDRS[0], 1n).send({ from: ADDRS[1] }); // from account 1: not asked for
    await waitFor("the Transfer event", () => got.length > 0);
    expect(got.length === 1 && got[0].transactionHash === sent.transactionHash && got[0].returnValues.value === 7n,
      "the logs subscription delivers the Transfer from account 0, decoded");
    await sub.unsubscribe();
  } finally {
    wsWeb3.provider.disconnect();
  }
});

// ---- reverts ----
await step("reverts", async () => {
  const bal1 = await token.methods.balanceOf(ADDRS[1]).call();
  try {
    await token.methods.transfer(ADDRS[2], bal1 + 1n).call({ from: ADDRS[1] });
    expect(false, "an overdrawn transfer reverts");
  } catch (e) {
    const c = e.cause ?? e;
    expect(c.errorName === "ERC20InsufficientBalance" && c.errorArgs?.[2] === bal1 + 1n && c.data?.startsWith("0xe450d38c"),
      `call: ${c.errorName}(${c.errorArgs?.[0]}, ${c.errorArgs?.[1]}, ${c.errorArgs?.[2]})`);
  }
  try {
    await token.methods.mint(ADDRS[1], 1n).call({ from: ADDRS[1] });
    expect(false, "mint by another account reverts");
  } catch (e) {
    const c = e.cause ?? e;
    expect(c.message?.includes("DevToken: caller is not the owner"), `a reason string: ${c.message}`);
  }
  try {
    await token.methods.mint(ADDRS[1], 1n).send({ from: ADDRS[1], gas: 100000 });
    expect(false, "a mined failing transaction");
  } catch (e) {
    const r = e.receipt;
    expect(r?.status === 0n, `a mined failing transaction: receipt status ${r?.status}`);
  }
});

// ---- a node account (eth_sendTransaction) ----
await optional("eth_sendTransaction from a node account", async () => {
  const r = await web3.eth.sendTransaction({ from: accounts[3], to: ADDRS[0], value: 1000n }, undefined,
    { checkRevertBeforeSending: false, ignoreGasPricing: false });
  expect(r.status === 1n && lower(r.from) === lower(accounts[3]), "a transfer the node signs for account 3");
});

// ---- mining, snapshot / revert, time ----
await step("mine", async () => {
  const n0 = await web3.eth.getBlockNumber();
  await req("evm_mine");
  await req("anvil_mine", ["0x2"]);
  expect(await web3.eth.getBlockNumber() === n0 + 3n, "evm_mine and anvil_mine 2: three blocks");
});
await optional("evm_snapshot / evm_revert", async () => {
  const b0 = await token.methods.balanceOf(ADDRS[2]).call();
  const id = await req("evm_snapshot");
  await token.methods.transfer(ADDRS[2], 5n).send({ from: ADDRS[0] });
  expect(await req("evm_revert", [id]) === true && await token.methods.balanceOf(ADDRS[2]).call() === b0,
    "evm_revert restores the balance");
});
await optional("evm_increaseTime / evm_setNextBlockTimestamp", async () => {
  const t0 = (await web3.eth.getBlock("latest")).timestamp;
  await req("evm_increaseTime", [600]);
  await req("evm_mine");
  const t1 = (await web3.eth.getBlock("latest")).timestamp;
  expect(t1 >= t0 + 600n && t1 < t0 + 700n, `evm_increaseTime 600: ${t0} -> ${t1}`);
  await req("evm_setNextBlockTimestamp", [Number(t1) + 50]);
  const r = await token.methods.transfer(ADDRS[1], 1n).send({ from: ADDRS[0] });
  expect((await web3.eth.getBlock(r.blockNumber)).timestamp === t1 + 50n, "evm_setNextBlockTimestamp: the next block");
});

finish();
