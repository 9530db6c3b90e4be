// ethers v6 sending transactions to `ethc node`'s pool: Wallet.sendTransaction
// fills nonce ("pending" count), fees and gas from the node, the pool accepts the
// raw transaction, getTransaction finds it pending (no block), the next one takes
// the following nonce, and an underpriced replacement gets ethers'
// REPLACEMENT_UNDERPRICED from geth's wording.
// usage: node ethers_send.mjs URL
import { JsonRpcProvider, Wallet } from "ethers";

const url = process.argv[2];
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: false });
// 0x0c2c51a0990aee1d73c1228de158688341557508: funded in the rpc-compat chain's genesis
// (the key is in ../shared/chains/ethtest/accounts.json, the same generator's)
const wallet = new Wallet("0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850", provider);
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

const start = await provider.getTransactionCount(wallet.address, "pending");
const to = "0xaa00000000000000000000000000000000000000";
const t1 = await wallet.sendTransaction({ to, value: 1n });
expect(t1.nonce === start && /^0x[0-9a-f]{64}$/.test(t1.hash), `sendTransaction: nonce ${t1.nonce}, hash ${t1.hash}`);
const got = await provider.getTransaction(t1.hash);
expect(got !== null && got.blockNumber === null && got.from === wallet.address && got.value === 1n,
  "getTransaction: the pooled transaction, in no block");
// ethers answers a request equal to one of the last 250 ms from its cache
await new Promise((r) => setTimeout(r, 300));
const next = await provider.getTransactionCount(wallet.address, "pending");
expect(next === start + 1, `getTransactionCount(pending): ${next}`);
const t2 = await wallet.sendTransaction({ to, value: 2n });
expect(t2.nonce === start + 1, `second sendTransaction: nonce ${t2.nonce}`);
try {
  await wallet.sendTransaction({ to, value: 3n, nonce: start, maxFeePerGas: t1.maxFeePerGas,
    maxPriorityFeePerGas: t1.maxPriorityFeePerGas });
  expect(false, "underpriced replacement refused");
} catch (e) {
  expect(e.code === "REPLACEMENT_UNDERPRICED", `underpriced replacement refused: ${e.code}`);
}
const status = await provider.send("txpool_status", []);
expect(status.pending === "0x2" || Number(status.pending) >= 2, `txpool_status: ${JSON.stringify(status)}`);
process.exit(failed ? 1 : 0);
