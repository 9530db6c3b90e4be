// viem v2, unmodified, against a dev chain (`ethc node --dev`, or anvil): its
// `foundry` chain preset pointed at the node's URL; a wallet client with a
// local account of the test mnemonic deploys an OpenZeppelin ERC-20
// (dev_common.mjs compiles it), transfers, approve/transferFrom, reads events
// with getContractEvents (eth_getLogs) and watchContractEvent over WebSocket
// (a `logs` subscription), decodes the ERC20InsufficientBalance custom error and
// a reason string; a test client (mode anvil) mines, snapshots and reverts,
// increases time, sets the next timestamp and balances, and impersonates.
// Steps whose server method answers -32601 are skipped with the reason.
// usage: node viem_dev.mjs HTTP_URL WS_URL WORKDIR
import {
  BaseError, ContractFunctionRevertedError, createPublicClient, createTestClient, createWalletClient, getAddress,
  http, parseEther, webSocket, zeroAddress,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import {
  ADDRS, CHAIN_ID, MNEMONIC, TEN_THOUSAND_ETH, compileToken, expect, finish, optional, step, waitFor,
} from "./dev_common.mjs";

const [url, wsUrl, workdir] = process.argv.slice(2);
const { abi, bytecode } = compileToken(workdir);
const chain = { ...foundry, rpcUrls: { default: { http: [url], webSocket: [wsUrl] } } };
const transport = http(url, { retryCount: 0 });
const client = createPublicClient({ chain, transport, pollingInterval: 50 });
const acct = [0, 1, 2].map((i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
const wallet = acct.map((account) => createWalletClient({ account, chain, transport }));
const test = createTestClient({ chain, mode: "anvil", transport });
const SUPPLY = parseEther("1000000");
const receipt = (hash) => client.waitForTransactionReceipt({ hash, pollingInterval: 50 });

expect(foundry.id === CHAIN_ID && await client.getChainId() === CHAIN_ID, "the foundry preset's chain id");
expect(acct.every((a, i) => a.address === ADDRS[i]), "mnemonicToAccount: the test accounts");
const accounts = await client.request({ method: "eth_accounts" });
expect(accounts.length === 10 && getAddress(accounts[0]) === ADDRS[0], `eth_accounts: ${accounts.length}`);
expect(await client.getBalance({ address: ADDRS[2] }) === TEN_THOUSAND_ETH, "account 2 holds 10,000 ETH");

// ---- deploy ----
const deployHash = await wallet[0].deployContract({ abi, bytecode, args: [SUPPLY] });
const deployRc = await receipt(deployHash);
const address = deployRc.contractAddress;
expect(deployRc.status === "success" && address, `deployContract: ${address}`);
const read = (functionName, args = []) => client.readContract({ address, abi, functionName, args });
expect(await read("name") === "Dev Token" && await read("decimals") === 18 && await read("totalSupply") === SUPPLY,
  "name, decimals, totalSupply");

// ---- transfer, approve, transferFrom ----
const write = (i, functionName, args) => wallet[i].writeContract({ address, abi, functionName, args });
const rc1 = await receipt(await write(0, "transfer", [ADDRS[1], parseEther("100")]));
expect(rc1.status === "success" && rc1.logs.length === 1 && rc1.logs[0].address === address.toLowerCase(),
  `transfer: success, one log (gas ${rc1.gasUsed})`);
expect(await read("balanceOf", [ADDRS[1]]) === parseEther("100"), "balanceOf the receiver");
await receipt(await write(0, "approve", [ADDRS[2], parseEther("50")]));
expect(await read("allowance", [ADDRS[0], ADDRS[2]]) === parseEther("50"), "approve: allowance 50");
const rcFrom = await receipt(await write(2, "transferFrom", [ADDRS[0], ADDRS[2], parseEther("30")]));
expect(rcFrom.status === "success" && await read("allowance", [ADDRS[0], ADDRS[2]]) === parseEther("20") &&
  await read("balanceOf", [ADDRS[2]]) === parseEther("30"), "transferFrom: allowance 20, balance 30");

// ---- events through eth_getLogs ----
await step("getContractEvents", async () => {
  const all = await client.getContractEvents({ address, abi, eventName: "Transfer", fromBlock: 0n });
  expect(all.length === 3 && all[0].args.from === zeroAddress && all[2].args.to === ADDRS[2],
    `getContractEvents(Transfer): ${all.length}`);
  const to2 = await client.getContractEvents({ address, abi, eventName: "Transfer", args: { to: ADDRS[2] }, fromBlock: 0n });
  expect(to2.length === 1 && to2[0].transactionHash === rcFrom.transactionHash, "an indexed-argument filter");
});

// ---- a WebSocket logs subscription ----
await step("watchContractEvent over WebSocket", async () => {
  const ws = createPublicClient({ chain, transport: webSocket(wsUrl, { retryCount: 0 }) });
  const got = [];
  const unwatch = ws.watchContractEvent({
    address, abi, eventName: "Transfer", args: { from: ADDRS[0] },
    onLogs: (logs) => got.push(...logs),
    onError: (e) => console.log(`watch error: ${e.message}`),
  });
  // viem holds a subscription once the node has answered its eth_subscribe
  const socket = await ws.transport.getRpcClient();
  await waitFor("the subscription", () => socket.subscriptions.size > 0);
  const h = await write(0, "transfer", [ADDRS[1], 7n]);
  await receipt(h);
  await receipt(await write(1, "transfer", [ADDRS[0], 1n])); // from account 1: not asked for
  await waitFor("the Transfer log", () => got.length > 0);
  expect(got.length === 1 && got[0].transactionHash === h && got[0].args.value === 7n && got[0].args.to === ADDRS[1],
    "the logs subscription delivers the Transfer from account 0, decoded");
  unwatch();
  await socket.close();
});

// ---- reverts ----
await step("reverts", async () => {
  const bal1 = await read("balanceOf", [ADDRS[1]]);
  try {
    await client.simulateContract({ account: acct[1], address, abi, functionName: "transfer", args: [ADDRS[2], bal1 + 1n] });
    expect(false, "an overdrawn transfer reverts");
  } catch (e) {
    const r = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
    expect(r?.data?.errorName === "ERC20InsufficientBalance" && r.data.args[0] === ADDRS[1] && r.data.args[2] === bal1 + 1n,
      `simulateContract: ${r?.data?.errorName}(${r?.data?.args?.join(", ")})`);
    expect(r?.raw?.startsWith("0xe450d38c"), "its raw revert data");
  }
  try {
    await client.estimateContractGas({ account: acct[1], address, abi, functionName: "transfer", args: [ADDRS[2], bal1 + 1n] });
    expect(false, "estimateContractGas of an overdrawn transfer fails");
  } catch (e) {
    const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
    expect(r?.data?.errorName === "ERC20InsufficientBalance", `estimateContractGas: ${r?.data?.errorName ?? e.shortMessage}`);
  }
  try {
    await client.simulateContract({ account: acct[1], address, abi, functionName: "mint", args: [ADDRS[1], 1n] });
    expect(false, "mint by another account reverts");
  } catch (e) {
    const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
    expect(r?.reason === "DevToken: caller is not the owner", `a reason string: "${r?.reason}"`);
  }
  const failing = await write(1, "mint", [ADDRS[1], 1n]).catch(() => null);
  expect(failing === null, "writeContract refuses a call that would revert (its gas estimate fails)");
  const h = await wallet[1].writeContract({ address, abi, functionName: "mint", args: [ADDRS[1], 1n], gas: 100000n });
  expect((await receipt(h)).status === "reverted", "with a gas limit it is mined: status reverted");
});

// ---- the test client ----
await step("mine", async () => {
  const n0 = await client.getBlockNumber({ cacheTime: 0 });
  await test.mine({ blocks: 4 });
  expect(await client.getBlockNumber({ cacheTime: 0 }) === n0 + 4n, "testClient.mine 4 blocks (anvil_mine)");
  expect(await test.getAutomine(), "getAutomine: on");
});
await optional("snapshot / revert", async () => {
  const n0 = await client.getBlockNumber({ cacheTime: 0 });
  const b0 = await read("balanceOf", [ADDRS[2]]);
  const id = await test.snapshot();
  await receipt(await write(0, "transfer", [ADDRS[2], 5n]));
  expect(await read("balanceOf", [ADDRS[2]]) === b0 + 5n, "a transfer after the snapshot");
  await test.revert({ id });
  expect(await read("balanceOf", [ADDRS[2]]) === b0 && await client.getBlockNumber({ cacheTime: 0 }) === n0, "revert: balance and head back");
});
await optional("increaseTime", async () => {
  const t0 = (await client.getBlock()).timestamp;
  await test.increaseTime({ seconds: 86400 });
  await test.mine({ blocks: 1 });
  const t1 = (await client.getBlock()).timestamp;
  expect(t1 >= t0 + 86400n && t1 < t0 + 86500n, `increaseTime one day: ${t0} -> ${t1}`);
});
await optional("setNextBlockTimestamp", async () => {
  const t0 = (await client.getBlock()).timestamp;
  await test.setNextBlockTimestamp({ timestamp: t0 + 777n });
  await test.mine({ blocks: 1 });
  expect((await client.getBlock()).timestamp === t0 + 777n, "setNextBlockTimestamp: the next block's timestamp");
});
const stranger = "0x000000000000000000000000000000000000bEEF";
await optional("setBalance", async () => {
  await test.setBalance({ address: stranger, value: parseEther("3") });
  expect(await client.getBalance({ address: stranger }) === parseEther("3"), "setBalance: 3 ETH");
});
await step("impersonateAccount", async () => {
  if (await client.getBalance({ address: stranger }) === 0n) {
    await receipt(await wallet[0].sendTransaction({ to: stranger, value: parseEther("1") }));
  }
  await receipt(await write(0, "transfer", [stranger, 10n]));
  await test.impersonateAccount({ address: stranger });
  const imp = createWalletClient({ account: stranger, chain, transport }); // a JSON-RPC account: eth_sendTransaction
  const h = await imp.writeContract({ address, abi, functionName: "transfer", args: [ADDRS[1], 4n] });
  const r = await receipt(h);
  expect(r.status === "success" && getAddress(r.from) === stranger && await read("balanceOf", [stranger]) === 6n,
    "an impersonated account transfers without its key");
  await test.stopImpersonatingAccount({ address: stranger });
});

finish();
