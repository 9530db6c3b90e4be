// ethers v6, unmodified, against a dev chain (`ethc node --dev`, or anvil):
// deploys an OpenZeppelin ERC-20 (dev_common.mjs compiles it with solc) from a
// Wallet of the test mnemonic, transfers, approve/transferFrom, reads Transfer
// events through eth_getLogs and a WebSocketProvider `logs` subscription,
// decodes reverts (the ERC20InsufficientBalance custom error, a reason string,
// a mined failure), sends through JsonRpcSigner (eth_sendTransaction) and an
// impersonated account, mines, snapshots and reverts, and travels in time.
// Steps whose server method answers -32601 are skipped with the reason.
// usage: node ethers_dev.mjs HTTP_URL WS_URL WORKDIR
import { ethers } from "ethers";
import {
  ADDRS, CHAIN_ID, KEYS, TEN_THOUSAND_ETH, compileToken, expect, finish, optional, step, waitFor,
} from "./dev_common.mjs";

const [url, wsUrl, workdir] = process.argv.slice(2);
const { abi, bytecode } = compileToken(workdir);
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
provider.pollingInterval = 50;
const w0 = new ethers.Wallet(KEYS[0], provider);
const w1 = new ethers.Wallet(KEYS[1], provider);
const w2 = new ethers.Wallet(KEYS[2], provider);
const E18 = 10n ** 18n;
const SUPPLY = 1_000_000n * E18;

const net = await provider.getNetwork();
expect(net.chainId === BigInt(CHAIN_ID), `chain id ${net.chainId}`);
const accounts = (await provider.send("eth_accounts", [])).map((a) => ethers.getAddress(a));
expect(accounts.length === 10 && accounts[0] === ADDRS[0] && accounts[1] === ADDRS[1],
  `eth_accounts: the 10 accounts of the test mnemonic (${accounts.length})`);
expect(await provider.getBalance(ADDRS[2]) === TEN_THOUSAND_ETH, "account 2 holds 10,000 ETH");

// ---- deploy ----
const factory = new ethers.ContractFactory(abi, bytecode, w0);
const deployed = await factory.deploy(SUPPLY);
await deployed.waitForDeployment();
const address = await deployed.getAddress();
const token = new ethers.Contract(address, abi, w0);
const deployRc = await deployed.deploymentTransaction().wait();
expect(deployRc.status === 1 && deployRc.contractAddress === address, `deployed at ${address} (block ${deployRc.blockNumber})`);
expect((await provider.getCode(address)).length > 1000, "its runtime code");
expect(await token.name() === "Dev Token" && await token.symbol() === "DEV" && await token.decimals() === 18n,
  "name, symbol, decimals");
expect(await token.totalSupply() === SUPPLY && await token.balanceOf(ADDRS[0]) === SUPPLY, "supply minted to the deployer");

// ---- transfer ----
const tx = await token.transfer(ADDRS[1], 100n * E18);
const rc = await tx.wait();
const ev = rc.logs.map((l) => token.interface.parseLog(l)).find((l) => l?.name === "Transfer");
expect(rc.status === 1 && ev && ev.args.from === ADDRS[0] && ev.args.to === ADDRS[1] && ev.args.value === 100n * E18,
  `transfer: status 1, a Transfer log (gas ${rc.gasUsed})`);
expect(await token.balanceOf(ADDRS[1]) === 100n * E18 && await token.balanceOf(ADDRS[0]) === SUPPLY - 100n * E18,
  "balances after the transfer");

// ---- approve / transferFrom ----
await (await token.approve(ADDRS[2], 50n * E18)).wait();
expect(await token.allowance(ADDRS[0], ADDRS[2]) === 50n * E18, "approve: allowance 50");
const rcFrom = await (await token.connect(w2).transferFrom(ADDRS[0], ADDRS[2], 30n * E18)).wait();
expect(rcFrom.status === 1 && await token.allowance(ADDRS[0], ADDRS[2]) === 20n * E18 &&
  await token.balanceOf(ADDRS[2]) === 30n * E18, "transferFrom by the spender: allowance 20, balance 30");

// ---- events through eth_getLogs ----
await step("eth_getLogs", async () => {
  const all = await token.queryFilter(token.filters.Transfer(), 0, "latest");
  expect(all.length === 3 && all[0].args.from === ethers.ZeroAddress && all[2].args.to === ADDRS[2],
    `queryFilter(Transfer): mint, transfer, transferFrom (${all.length})`);
  const to2 = await token.queryFilter(token.filters.Transfer(null, ADDRS[2]), deployRc.blockNumber);
  expect(to2.length === 1 && to2[0].transactionHash === rcFrom.hash, "a topic filter: the transfer to account 2");
  const approvals = await token.queryFilter(token.filters.Approval(ADDRS[0]));
  // OpenZeppelin 5 logs no Approval when transferFrom spends the allowance
  expect(approvals.length === 1 && approvals[0].args.value === 50n * E18, "the Approval event");
});

// ---- a WebSocket logs subscription ----
await step("WebSocket logs subscription", async () => {
  const ws = new ethers.WebSocketProvider(wsUrl, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const wsToken = new ethers.Contract(address, abi, ws);
    const got = [];
    await wsToken.on("Transfer", (...a) => got.push(a));
    await ws.getBlockNumber(); // the eth_subscribe went first on this socket
    const sent = await (await token.transfer(ADDRS[1], 7n)).wait();
    const back = await (await token.connect(w1).transfer(ADDRS[0], 1n)).wait();
    await waitFor("the Transfer events", () => got.length >= 2);
    const [from, to, value, payload] = got[0];
    expect(from === ADDRS[0] && to === ADDRS[1] && value === 7n && payload?.log?.transactionHash === sent.hash,
      "the subscription delivers the first Transfer, decoded");
    expect(got[1][0] === ADDRS[1] && got[1][3]?.log?.transactionHash === back.hash, "and the second");
    await wsToken.removeAllListeners();
  } finally {
    await ws.destroy();
  }
});

// ---- reverts ----
await step("reverts", async () => {
  const t1 = token.connect(w1);
  const bal1 = await token.balanceOf(ADDRS[1]);
  try {
    await t1.transfer.staticCall(ADDRS[2], bal1 + 1n);
    expect(false, "an overdrawn transfer reverts");
  } catch (e) {
    expect(e.code === "CALL_EXCEPTION" && e.data?.startsWith("0xe450d38c") && e.revert?.name === "ERC20InsufficientBalance" &&
      e.revert.args[0] === ADDRS[1] && e.revert.args[1] === bal1 && e.revert.args[2] === bal1 + 1n,
      `eth_call: ERC20InsufficientBalance(${e.revert?.args?.join(", ")})`);
  }
  try {
    await t1.transfer.estimateGas(ADDRS[2], bal1 + 1n);
    expect(false, "estimateGas of an overdrawn transfer fails");
  } catch (e) {
    const err = e.data ? token.interface.parseError(e.data) : null;
    expect(e.code === "CALL_EXCEPTION" && err?.name === "ERC20InsufficientBalance" && err.args[2] === bal1 + 1n,
      `eth_estimateGas: the same custom error in its data (${e.code} ${err?.name ?? e.shortMessage})`);
  }
  try {
    await t1.mint.staticCall(ADDRS[1], 1n);
    expect(false, "mint by another account reverts");
  } catch (e) {
    expect(e.code === "CALL_EXCEPTION" && e.reason === "DevToken: caller is not the owner", `a reason string: "${e.reason}"`);
  }
  const failing = await t1.mint(ADDRS[1], 1n, { gasLimit: 100000 });
  try {
    await failing.wait();
    expect(false, "a mined failing transaction");
  } catch (e) {
    expect(e.code === "CALL_EXCEPTION" && e.receipt?.status === 0, `a mined failing transaction: receipt status 0 (gas ${e.receipt?.gasUsed})`);
  }
  expect(await provider.getTransactionCount(ADDRS[1]) === 2, "its nonce is spent all the same");
});

// ---- eth_sendTransaction through JsonRpcSigner ----
await optional("JsonRpcSigner (eth_sendTransaction)", async () => {
  const signer = await provider.getSigner(ADDRS[1]);
  const r = await (await token.connect(signer).transfer(ADDRS[2], 2n)).wait();
  expect(r.status === 1 && r.from === ADDRS[1], "a transfer the node signs for account 1");
  const msg = await signer.signMessage("hello");
  expect(ethers.verifyMessage("hello", msg) === ADDRS[1], "personal_sign recovers to account 1");
});

// ---- mining ----
await step("mining", async () => {
  const n0 = await provider.getBlockNumber();
  await provider.send("evm_mine", []);
  expect(await provider.getBlockNumber() === n0 + 1, "evm_mine: one block");
  await provider.send("anvil_mine", ["0x5"]);
  expect(await provider.getBlockNumber() === n0 + 6, "anvil_mine 5: five blocks");
  await provider.send("hardhat_mine", ["0x3"]);
  expect(await provider.getBlockNumber() === n0 + 9, "hardhat_mine 3: three blocks");
});

// ---- snapshot / revert ----
await optional("evm_snapshot / evm_revert", async () => {
  const n0 = await provider.getBlockNumber();
  const b0 = await token.balanceOf(ADDRS[2]);
  const id = await provider.send("evm_snapshot", []);
  await (await token.transfer(ADDRS[2], 5n)).wait();
  expect(await token.balanceOf(ADDRS[2]) === b0 + 5n, "a transfer after the snapshot");
  expect(await provider.send("evm_revert", [id]) === true, "evm_revert: true");
  expect(await token.balanceOf(ADDRS[2]) === b0 && await provider.getBlockNumber() === n0, "the balance and head are back");
  const r = await (await token.transfer(ADDRS[2], 6n)).wait();
  expect(r.blockNumber === n0 + 1 && await token.balanceOf(ADDRS[2]) === b0 + 6n, "the chain goes on from the snapshot");
});

// ---- time travel ----
await optional("evm_increaseTime", async () => {
  const t0 = (await provider.getBlock("latest")).timestamp;
  await provider.send("evm_increaseTime", [3600]);
  await provider.send("evm_mine", []);
  const t1 = (await provider.getBlock("latest")).timestamp;
  expect(t1 >= t0 + 3600 && t1 < t0 + 3700, `evm_increaseTime 3600: ${t0} -> ${t1}`);
});
await optional("evm_setNextBlockTimestamp", async () => {
  const t0 = (await provider.getBlock("latest")).timestamp;
  await provider.send("evm_setNextBlockTimestamp", [t0 + 1000]);
  await (await token.transfer(ADDRS[1], 1n)).wait();
  const b = await provider.getBlock("latest");
  expect(b.timestamp === t0 + 1000, `evm_setNextBlockTimestamp: the next block at ${b.timestamp}`);
});

// ---- state edits and impersonation ----
const stranger = "0x000000000000000000000000000000000000dEaD";
await optional("anvil_setBalance", async () => {
  await provider.send("anvil_setBalance", [stranger, "0x56bc75e2d63100000"]); // 100 ETH
  expect(await provider.getBalance(stranger) === 100n * E18, "anvil_setBalance: 100 ETH");
});
await step("anvil_impersonateAccount", async () => {
  await (await w0.sendTransaction({ to: stranger, value: E18 })).wait();
  await (await token.transfer(stranger, 9n)).wait();
  await provider.send("anvil_impersonateAccount", [stranger]);
  const signer = new ethers.JsonRpcSigner(provider, stranger);
  const r = await (await token.connect(signer).transfer(ADDRS[2], 4n)).wait();
  expect(r.status === 1 && r.from === stranger && await token.balanceOf(stranger) === 5n,
    "an impersonated account sends a transfer it has no key for");
  await provider.send("anvil_stopImpersonatingAccount", [stranger]);
  try {
    await signer.sendTransaction({ to: ADDRS[0], value: 1n });
    expect(false, "after stopImpersonatingAccount it cannot send");
  } catch {
    expect(true, "after stopImpersonatingAccount it cannot send");
  }
});

provider.destroy();
finish();
