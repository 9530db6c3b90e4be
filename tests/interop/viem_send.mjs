// viem v2 sending transactions to `ethc node`'s pool: a wallet client with a
// local account fills nonce ("pending" count), fees and gas from the node and
// sends the transaction it signed (eth_sendRawTransaction); a transaction
// signed apart (signTransaction) goes in through sendRawTransaction; both are
// found pending, and a nonce already used by a pooled transaction, at the same
// fees, is refused as viem's underpriced replacement.
// usage: node viem_send.mjs URL
import { createPublicClient, createWalletClient, defineChain, http, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const url = process.argv[2];
const chain = defineChain({ id: 0xc72dd9d5e883e, name: "rpc-compat", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } } });
const transport = http(url, { retryCount: 0 });
const client = createPublicClient({ chain, transport });
// 0x0c2c51a0990aee1d73c1228de158688341557508: funded in the rpc-compat chain's genesis
const account = privateKeyToAccount("0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850");
const wallet = createWalletClient({ account, chain, transport });
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

const start = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
const to = "0xaa00000000000000000000000000000000000000";
const h1 = await wallet.sendTransaction({ to, value: 1n });
expect(/^0x[0-9a-f]{64}$/.test(h1), `sendTransaction (signed by viem): ${h1}`);
const t1 = await client.getTransaction({ hash: h1 });
expect(t1.blockNumber === null && t1.from === account.address.toLowerCase() && t1.nonce === start && t1.value === 1n &&
  t1.type === "eip1559", "getTransaction: the pooled transaction, in no block");

const next = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
expect(next === start + 1, `getTransactionCount(pending): ${next}`);
const req = await wallet.prepareTransactionRequest({ to, value: 2n });
expect(req.nonce === start + 1 && req.gas === 21000n, `prepareTransactionRequest: nonce ${req.nonce}, gas ${req.gas}`);
const raw = await wallet.signTransaction(req);
const h2 = await client.sendRawTransaction({ serializedTransaction: raw });
expect(h2 === (await client.getTransaction({ hash: h2 })).hash, `sendRawTransaction of a signed transaction: ${h2}`);

try {
  await wallet.sendTransaction({ to, value: 3n, nonce: start, maxFeePerGas: t1.maxFeePerGas, maxPriorityFeePerGas: t1.maxPriorityFeePerGas });
  expect(false, "underpriced replacement refused");
} catch (e) {
  const cause = e.walk((x) => /underpriced/.test(x.details ?? ""));
  expect(cause !== null, `underpriced replacement refused: ${e.name}: ${cause?.details}`);
}
const legacy = await wallet.sendTransaction({ to, value: 4n, type: "legacy", gasPrice: parseGwei("1") });
const lt = await client.getTransaction({ hash: legacy });
expect(lt.type === "legacy" && lt.nonce === start + 2 && lt.chainId === chain.id, "a legacy (EIP-155) transaction");
const status = await client.request({ method: "txpool_status" });
expect(Number(status.pending) === 3, `txpool_status: ${JSON.stringify(status)}`);

console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
