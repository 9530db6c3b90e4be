// ethers v6 WebSocketProvider (unmodified) on `ethc node --ws`: subscribes to
// new blocks (eth_subscribe newHeads), prints "subscribed", then expects the
// blocks that the node imports meanwhile, up to 54, and reads over the socket.
// usage: node ethers_ws.mjs WS_URL
import { WebSocketProvider } from "ethers";

const provider = new WebSocketProvider(process.argv[2]);
let failed = 0;
function expect(cond, what) {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failed++;
}

const seen = [];
const done = new Promise((resolve) => {
  provider.on("block", (n) => {
    seen.push(n);
    if (n === 54) resolve();
  });
});
// ethers subscribes when a listener is added; give it a poll of the socket
await provider.getBlockNumber();
await new Promise((r) => setTimeout(r, 300));
console.log("subscribed");
const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no block 54 within 30 s")), 30000));
try {
  await Promise.race([done, timeout]);
  expect(true, `block events up to 54 (${seen.length} events)`);
} catch (e) {
  expect(false, `${e.message}; saw ${seen.join(",")}`);
}
const b = await provider.getBlock(54);
expect(b.hash === "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", "getBlock(54) over WebSocket");
const logs = await provider.getLogs({ fromBlock: 0, toBlock: "latest" });
expect(logs.length > 10, `getLogs over WebSocket: ${logs.length} logs`);
await provider.destroy();
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
