// web3.js v4 sending transactions to `ethc node`'s pool: web3.eth.accounts
// signs (EIP-1559 and legacy EIP-155) with the nonce ("pending" count), fees
// and gas the node gives, sendSignedTransaction puts each into the pool
// (eth_sendRawTransaction), getTransaction finds them pending, and a second
// transaction at a pooled nonce and the same fees is refused as underpriced.
// usage: node web3_send.mjs URL
import { Web3 } from "web3";

const web3 = new Web3(process.argv[2]);
// 0x0c2c51a0990aee1d73c1228de158688341557508: funded in the rpc-compat chain's genesis
const key = "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850";
const account = web3.eth.accounts.privateKeyToAccount(key);
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}
// sendSignedTransaction's PromiEvent resolves on a receipt, which a pooled
// transaction has none of (no block is built): take its hash, or its error.
function send(raw) {
  const pe = web3.eth.sendSignedTransaction(raw);
  pe.catch(() => {});
  return new Promise((resolve, reject) => {
    pe.on("transactionHash", resolve);
    pe.on("error", reject);
  });
}

const chainId = await web3.eth.getChainId();
const start = await web3.eth.getTransactionCount(account.address, "pending");
const to = "0xaa00000000000000000000000000000000000000";
const block = await web3.eth.getBlock("latest");
const tip = await web3.eth.getMaxPriorityFeePerGas();
const maxFee = 2n * block.baseFeePerGas + tip;
const gas = await web3.eth.estimateGas({ from: account.address, to, value: 1n });
expect(gas === 21000n, `estimateGas of a transfer: ${gas}`);
const tx1 = { from: account.address, to, value: 1n, gas, nonce: start, chainId, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
const s1 = await account.signTransaction(tx1);
const h1 = await send(s1.rawTransaction);
expect(h1 === s1.transactionHash, `sendSignedTransaction (EIP-1559): ${h1}`);
const t1 = await web3.eth.getTransaction(h1);
expect(t1.blockNumber === undefined || t1.blockNumber === null, "getTransaction: the pooled transaction, in no block");
expect(t1.from === account.address.toLowerCase() && t1.nonce === start && t1.value === 1n && t1.type === 2n, "getTransaction: its fields");
const next = await web3.eth.getTransactionCount(account.address, "pending");
expect(next === start + 1n, `getTransactionCount(pending): ${next}`);

const gasPrice = await web3.eth.getGasPrice();
const s2 = await account.signTransaction({ from: account.address, to, value: 2n, gas, nonce: next, chainId, gasPrice });
const h2 = await send(s2.rawTransaction);
const t2 = await web3.eth.getTransaction(h2);
expect(t2.type === 0n && t2.nonce === start + 1n && t2.gasPrice === gasPrice, `sendSignedTransaction (legacy, EIP-155): ${h2}`);

try {
  const s3 = await account.signTransaction({ ...tx1, value: 3n });
  await send(s3.rawTransaction);
  expect(false, "underpriced replacement refused");
} catch (e) {
  const msg = e.cause?.message ?? e.innerError?.message ?? e.message;
  expect(/underpriced/.test(msg), `underpriced replacement refused: ${msg}`);
}
const status = await web3.requestManager.send({ method: "txpool_status", params: [] });
expect(Number(status.pending) === 2, `txpool_status: ${JSON.stringify(status)}`);

console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
