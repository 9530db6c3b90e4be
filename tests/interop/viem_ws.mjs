// viem v2 over its webSocket transport on `ethc node --ws`: watchBlocks
// (poll: false) holds an eth_subscribe newHeads subscription, prints
// "subscribed", then expects every block that the node imports meanwhile,
// 1 to 54 in order, with the header fields viem formats, and reads over the socket.
// usage: node viem_ws.mjs WS_URL
import { createPublicClient, defineChain, webSocket } from "viem";

const url = process.argv[2];
const chain = defineChain({ id: 0xc72dd9d5e883e, name: "rpc-compat", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url.replace("ws://", "http://")], webSocket: [url] } } });
const client = createPublicClient({ chain, transport: webSocket(url, { retryCount: 0 }) });
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

const seen = [];
let bad = 0;
let subscribed;
const ready = new Promise((r) => (subscribed = r));
const done = new Promise((resolve, reject) => {
  const unwatch = client.watchBlocks({
    poll: false,
    onBlock: (b) => {
      seen.push(Number(b.number));
      if (!/^0x[0-9a-f]{64}$/.test(b.hash) || typeof b.timestamp !== "bigint") bad++;
      if (b.number === 54n) {
        unwatch();
        resolve(b);
      }
    },
    onError: reject,
  });
});
// viem sends eth_subscribe when watchBlocks starts: wait for the node to answer it
const socket = await client.transport.getRpcClient();
const head0 = await client.getBlockNumber({ cacheTime: 0 });
expect(head0 === 0n, `getBlockNumber over WebSocket before the import: ${head0}`);
// viem holds a subscription once the node has answered its eth_subscribe
for (let i = 0; i < 100 && socket.subscriptions.size === 0; i++) await new Promise((r) => setTimeout(r, 100));
expect(socket.subscriptions.size === 1, `one subscription held (${socket.subscriptions.size})`);
console.log("subscribed");
const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no block 54 within 30 s")), 30000));
try {
  const b54 = await Promise.race([done, timeout]);
  expect(b54.hash === "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", "newHeads: block 54's hash");
  expect(seen.length === 54 && seen.every((n, i) => n === i + 1), `newHeads: blocks 1 to 54 in order (${seen.length})`);
  expect(bad === 0, "newHeads: hashes and timestamps formatted");
} catch (e) {
  expect(false, `${e.message}; saw ${seen.join(",")}`);
}
const b = await client.getBlock({ blockNumber: 54n });
expect(b.hash === "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", "getBlock(54) over WebSocket");
const bal = await client.getBalance({ address: "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df" });
expect(bal === 0x76n, `getBalance over WebSocket: ${bal}`);
socket.close();
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
