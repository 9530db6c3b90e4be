#!/usr/bin/env python3
"""End to end with no execution RPC (issues 14 and 15): `ethc node --light`
whose head comes from the beacon light client and whose headers, bodies,
receipts and state come from its devp2p peer only.

1. Node A: `ethc node --dev --dev.beacon` with devp2p on (--port 0); it mines
   64 blocks, then light_remote.build_chain's contract and transactions
   (blocks 65-72), so that block 8 is finalized.
2. Node B: `ethc node --light --network dev --genesis A's genesis --checkpoint
   A's finalized root --consensus-rpc A's beacon API --trusted-peers A`, no
   --execution-rpc. The proven blocks' execution headers come from A over
   devp2p (GetBlockHeaders by hash, each checked against the beacon proof,
   the ancestors against their child's parent hash); B's first verified
   eth_call (snap state) equals A's; B's head reaches A's and stays within one
   block while A mines 8 more one by one; B walks the headers down to its
   checkpoint's block; eth_getBalance, eth_call, eth_getStorageAt,
   eth_getCode, eth_getTransactionReceipt, eth_getLogs and
   eth_getBlockByNumber(full) through B equal A's (light_e2e.compare); B
   read that state by snap GetTrieNodes (its debug log line per read).
3. A transaction signed by ethers v6 and sent through B reaches A over devp2p
   (B's pool announces it); once A mines it, B finds its receipt with no
   provider (the recent blocks' bodies, from A) and it equals A's.
Prints the time to B's first verified eth_call and eth_call latency through
snap, cold and warm.
usage: light_e2e_p2p.py ETHC WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import light_remote as lr  # noqa: E402
from dev_beacon import DevNode  # noqa: E402
from light_e2e import compare, follow, head, wait, walked  # noqa: E402
from light_node import LightNode  # noqa: E402

result = lr.result
rpc = lr.rpc

SEND_JS = """
const { JsonRpcProvider, Wallet } = require(process.argv[1]);
(async () => {
  const p = new JsonRpcProvider(process.argv[2], undefined, { staticNetwork: true });
  const w = new Wallet(process.argv[3], p);
  const nonce = await p.getTransactionCount(w.address);
  const tx = await w.sendTransaction({ to: process.argv[4], value: 7n, nonce, gasLimit: 21000n,
    maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
  console.log(tx.hash);
})().catch((e) => { console.error(e.message || e); process.exit(1); });
"""


def send_through(a, b):
    """ethers v6 sends a transaction through B; A gets it from B's peer link and mines it."""
    ethers = os.path.abspath(os.path.join(HERE, "..", "interop", "node_modules", "ethers"))
    if not os.path.isdir(ethers) or not shutil.which("node"):
        print("skip the ethers send: no node or ethers")
        return
    p = subprocess.run(["node", "-e", SEND_JS, ethers, b.url, lr.KEY1, lr.ACCT[3]], capture_output=True, text=True,
                       timeout=60)
    lr.check(p.returncode == 0, "ethers v6 sent a transaction through B" + ("" if p.returncode == 0 else
                                                                             ": " + p.stderr[-800:]))
    if p.returncode:
        return
    h = p.stdout.strip()
    lr.check(wait(lambda: rpc(a.url, "eth_getTransactionByHash", h).get("result") is not None, 10),
             "... it reached A over devp2p")
    result(a.url, "evm_mine")
    lr.check(wait(lambda: rpc(a.url, "eth_getTransactionReceipt", h).get("result") is not None, 10), "... A mined it")
    lr.check(wait(lambda: head(b.url) == head(a.url), 10), "... B follows A's new head")
    lr.same(a.url, b.url, "eth_getTransactionReceipt", h)
    lr.same(a.url, b.url, "eth_getTransactionByHash", h)


def main():
    ethc, work = sys.argv[1], os.path.abspath(sys.argv[2])
    work = os.path.join(work, "light-e2e-p2p")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.time()
    genesis = os.path.join(work, "genesis.json")
    a = DevNode(ethc, work, extra=["--dev.genesis-out", genesis, "--port", "0", "--nodiscover", "--http.api",
                                   "eth,net,web3,admin,debug"])
    b = None
    try:
        enode = result(a.url, "admin_nodeInfo")["enode"].split("?")[0]  # (discport=0: discovery off)
        result(a.url, "anvil_mine", "0x40")  # the checkpoint: block 8, finalized once A is at 72
        contract, txs, two = lr.build_chain(a.url)
        lr.check(head(a.url) == 72, f"A mined 72 blocks ({head(a.url)})")
        with urllib.request.urlopen(a.beacon + "/eth/v1/beacon/headers/finalized", timeout=10) as r:
            checkpoint = json.loads(r.read())["data"]["root"]
        # as light_e2e: the light client's clock starts 2000 slots after the head (a live chain's)
        with urllib.request.urlopen(a.beacon + "/eth/v1/beacon/headers/head", timeout=10) as r:
            at = int(json.loads(r.read())["data"]["header"]["message"]["slot"]) + 2000
        args = ["--network", "dev", "--genesis", genesis, "--checkpoint", checkpoint, "--consensus-rpc", a.beacon,
                "--trusted-peers", enode, "--port", "0", "--nodiscover", "--http.api", "eth,net,web3", "--at", str(at),
                "--verbosity", "4"]  # the debug line of each state read by GetTrieNodes
        b = LightNode(ethc, os.path.join(work, "b"), args, "b")
        lr.check(b.url is not None, "light node B starts (no --execution-rpc)")
        want = result(a.url, "eth_call", {"to": contract}, "latest")
        first = wait(lambda: rpc(b.url, "eth_call", {"to": contract}, "latest").get("result") == want, 30)
        t_call = time.time() - b.t0
        lr.check(first, f"B's first verified eth_call (snap) equals A's ({t_call:.2f} s after start)")
        log = b.log()
        lr.check("bodies, receipts and snap state from devp2p peers" in log, "B reads from its devp2p peer")
        lr.check("header verified against the proof" in log, "B's head header came from devp2p, checked")
        lr.check(wait(lambda: head(b.url) == head(a.url), 10), f"B reached A's head #{head(a.url)}")
        lag = follow(a, b, 8)
        lr.check(lag <= 1, f"A mines 8 more blocks one by one: B stays within one block (worst lag {lag})")
        lr.check(wait(lambda: head(b.url) == head(a.url), 10), "B catches A's head")
        lr.check(walked(a, b, 0x41), "B has the headers down to its checkpoint's block (by parent hash, devp2p)")
        compare(a.url, b.url, contract, txs, two)
        log = b.log()
        reads = re.findall(r"by GetTrieNodes \((\d+) round trips\)", log)
        lr.check(len(reads) >= 3 and "GetTrieNodes answered empty" not in log,
                 f"B read its state by GetTrieNodes ({len(reads)} reads, {sum(map(int, reads))} round trips), "
                 "never by the range fallback")
        for h in txs[:3]:
            lr.same(a.url, b.url, "eth_getTransactionByHash", h)
        lr.same(a.url, b.url, "eth_getBlockReceipts", hex(two))
        lr.same(a.url, b.url, "eth_getTransactionCount", lr.ACCT[0], "latest")
        lr.same(a.url, b.url, "eth_estimateGas", {"from": lr.ACCT[0], "to": contract, "data": "0x" + "ee".rjust(64, "0")},
                "latest")
        send_through(a, b)
        # eth_call latency through snap: cold (the first call at a block) and warm
        top = head(b.url)
        cold, warm = [], []
        for n in range(top - 1, top - 9, -1):
            t = time.perf_counter()
            r = rpc(b.url, "eth_call", {"to": contract}, hex(n))
            cold.append((time.perf_counter() - t) * 1000)
            lr.check(r.get("result") == rpc(a.url, "eth_call", {"to": contract}, hex(n)).get("result"),
                     f"eth_call at #{n} equal")
        for _ in range(100):
            t = time.perf_counter()
            rpc(b.url, "eth_call", {"to": contract}, hex(top))
            warm.append((time.perf_counter() - t) * 1000)
        cold.sort(), warm.sort()
        print(f"figures: first verified eth_call {t_call:.2f} s after start; eth_call through snap cold (n={len(cold)}) "
              f"p50 {cold[len(cold) // 2]:.2f} ms max {cold[-1]:.2f} ms, warm (n=100) p50 {warm[50]:.3f} ms "
              f"p99 {warm[98]:.3f} ms; B's RSS {b.rss_kb() / 1024:.1f} MB")
    finally:
        if b:
            b.stop()
        a.stop()
    print(f"{time.time() - t0:.1f} s")
    if lr.failures and b:
        print(f"--- {b.log_path} ---\n" + b.log()[-4000:])
    print("FAILED" if lr.failures else "PASSED", f"({lr.failures} failures)")
    return 1 if lr.failures else 0


if __name__ == "__main__":
    sys.exit(main())
