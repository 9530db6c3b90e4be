// web3.js v4 over its WebSocket provider on `ethc node --ws`:
// web3.eth.subscribe("newBlockHeaders") holds an eth_subscribe newHeads
// subscription, prints "subscribed", then expects every block that the node
// imports meanwhile, 1 to 54 in order, and reads over the socket.
// usage: node web3_ws.mjs WS_URL
import { Web3, WebSocketProvider } from "web3";

const provider = new WebSocketProvider(process.argv[2], {}, { autoReconnect: false });
const web3 = new Web3(provider);
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

const head0 = await web3.eth.getBlockNumber();
expect(head0 === 0n, `getBlockNumber over WebSocket before the import: ${head0}`);
const sub = await web3.eth.subscribe("newBlockHeaders");
expect(/^0x[0-9a-f]+$/.test(sub.id), `subscribe newBlockHeaders: id ${sub.id}`);
const seen = [];
let last;
const done = new Promise((resolve, reject) => {
  sub.on("data", (h) => {
    seen.push(Number(h.number));
    if (BigInt(h.number) === 54n) {
      last = h;
      resolve();
    }
  });
  sub.on("error", reject);
});
console.log("subscribed");
const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no block 54 within 30 s")), 30000));
try {
  await Promise.race([done, timeout]);
  expect(last.hash === "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", "newHeads: block 54's hash");
  expect(seen.length === 54 && seen.every((n, i) => n === i + 1), `newHeads: blocks 1 to 54 in order (${seen.length})`);
} catch (e) {
  expect(false, `${e.message}; saw ${seen.join(",")}`);
}
await sub.unsubscribe();
expect(web3.subscriptionManager.subscriptions.size === 0, "unsubscribe (eth_unsubscribe)");
const b = await web3.eth.getBlock(54);
expect(b.hash === "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", "getBlock(54) over WebSocket");
const logs = await web3.eth.getPastLogs({ address: "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df", fromBlock: 0, toBlock: "latest" });
expect(logs.length > 10, `getPastLogs over WebSocket: ${logs.length} logs`);
provider.disconnect(1000);
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
