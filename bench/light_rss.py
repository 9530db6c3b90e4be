#!/usr/bin/env python3
"""The resident memory of `ethc node --light` following the dev chain (issue 15's
figure: RSS after an hour, goal < 64 MB).

Node A: `ethc node --dev --dev.beacon` (automine). A contract that stores its
calldata and logs it (light_remote's) is deployed after 64 empty blocks, and A's
finalized beacon root is B's checkpoint. Node B: `ethc node --light --network dev
--consensus-rpc A --execution-rpc A` (poll every second). Every INTERVAL seconds
one transaction to A (a call of the contract: one block with one log), then
through B: eth_call of the contract, eth_getBalance of the sender and eth_getLogs
over B's last 8 blocks. B's VmRSS (/proc/PID/status) is sampled every 30 s; a
table (minute, RSS, A's and B's heads, requests served by B, errors) and the
maximum are printed. Both nodes are stopped by PID. Not run by ctest.

usage: light_rss.py ETHC WORKDIR [MINUTES=60] [--interval S] [--at] [--sample S] [--b-ethc PATH]
  --at: give B a beacon clock 2000 slots after A's head (the workaround for the
        dev beacon's slots lagging the wall clock, before it was fixed);
  --b-ethc: run B with another executable, e.g. a script running ethc under
        heaptrack or valgrind --tool=massif (its RSS is then the tool's).

What grows (massif, 600 blocks at --interval 0.5, and /proc/PID/smaps): no leak;
every part has a ceiling. The heap grows ~10 KB a block: LevelDB's memtable
(flushed at the write buffer, 4 MiB in light mode), the RPC render cache (256
entries), light_rpc_source's verified-node tables (in light mode 2 + 1 + 0.25 +
0.25 MiB caps, src/node/light_limits.h; 64 + 32 + 8 + 8 MiB before), the trie
and LevelDB block caches. RSS grows faster than the heap because the large
tables allocated at start (header cache 1.7 MiB in light mode, 7 MiB before;
state_db read cache 5.6 MiB, txpool 2.3 MiB) are zero pages until written and
are touched block by block. glibc's arenas barely grow (smaps).
3 minutes at --interval 0.5 (360 blocks): 16.8 -> 24.7 MB (22.5 KB a block, one
eth_getLogs "block N is not available") before the light limits and the
follower's linking fix; 16.7 -> 23.0 MB (18.0 KB a block, no error) after."""
import json
import os
import shutil
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "system"))
import light_remote as lr  # noqa: E402
from dev_beacon import DevNode  # noqa: E402
from light_node import LightNode  # noqa: E402


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def beacon_get(a, path):
    with urllib.request.urlopen(a.beacon + path, timeout=30) as r:
        return json.loads(r.read())["data"]


def head(url):
    return int(lr.result(url, "eth_blockNumber"), 16)


def main():
    args = sys.argv[1:]
    use_at = "--at" in args
    interval, sample = 2.0, 30.0
    if "--interval" in args:
        interval = float(args[args.index("--interval") + 1])
    if "--sample" in args:
        sample = float(args[args.index("--sample") + 1])
    pos = [x for i, x in enumerate(args) if not x.startswith("--") and
           (i == 0 or args[i - 1] not in ("--interval", "--sample", "--b-ethc"))]
    ethc, work = pos[0], os.path.abspath(os.path.join(pos[1], "light-rss"))
    b_ethc = args[args.index("--b-ethc") + 1] if "--b-ethc" in args else ethc
    minutes = float(pos[2]) if len(pos) > 2 else 60.0
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    genesis = os.path.join(work, "genesis.json")
    a = DevNode(ethc, work, extra=["--dev.genesis-out", genesis])
    b = None
    rows, served, errors, sent = [], 0, 0, 0
    try:
        lr.result(a.url, "anvil_mine", "0x40")
        _, rc = lr.send(a.url, {"from": lr.ACCT[0], "data": "0x" + lr.INIT})
        contract = rc["contractAddress"]
        checkpoint = beacon_get(a, "/eth/v1/beacon/headers/finalized")["root"]
        extra = []
        if use_at:
            slot = int(beacon_get(a, "/eth/v1/beacon/headers/head")["header"]["message"]["slot"])
            extra = ["--at", str(slot + 2000)]
        b = LightNode(b_ethc, os.path.join(work, "b"),
                      ["--network", "dev", "--genesis", genesis, "--checkpoint", checkpoint, "--consensus-rpc",
                       a.beacon, "--execution-rpc", a.url, "--http.api", "eth,net,web3", "--light.poll", "1"] + extra,
                      "b")
        if not b.url:
            print("B did not start:\n" + b.log()[-2000:])
            return 1
        want = lr.result(a.url, "eth_call", {"to": contract}, "latest")
        if not b.wait(lambda: lr.rpc(b.url, "eth_call", {"to": contract}, "latest").get("result") == want, 60):
            print("B never answered eth_call:\n" + b.log()[-2000:])
            return 1
        b_start = head(b.url)
        t0 = time.time()
        next_sample = t0
        end = t0 + minutes * 60
        print(f"A pid {a.proc.pid}, B pid {b.proc.pid}; {minutes:g} min, a block every {interval:g} s"
              f"{' (B --at)' if use_at else ''}", flush=True)
        print(f"{'min':>6} {'RSS MB':>8} {'A head':>7} {'B head':>7} {'served':>7} {'errors':>6}", flush=True)
        n = 0
        while True:
            now = time.time()
            if now >= next_sample or now >= end:
                if b.proc.poll() is not None:
                    print("B exited:\n" + b.log()[-2000:])
                    return 1
                row = ((now - t0) / 60, rss_kb(b.proc.pid), head(a.url), head(b.url), served, errors)
                rows.append(row)
                print(f"{row[0]:6.1f} {row[1] / 1024:8.1f} {row[2]:7d} {row[3]:7d} {row[4]:7d} {row[5]:6d}",
                      flush=True)
                next_sample += sample
                if now >= end:
                    break
            n += 1
            lr.result(a.url, "eth_sendTransaction",
                      {"from": lr.ACCT[0], "to": contract, "data": "0x" + ("%064x" % n)})
            sent += 1
            hb = None
            for method, params in (("eth_call", [{"to": contract}, "latest"]),
                                   ("eth_getBalance", [lr.ACCT[0], "latest"]),
                                   ("eth_getLogs", None)):
                try:
                    if method == "eth_getLogs":
                        hb = hb if hb is not None else head(b.url)
                        params = [{"fromBlock": hex(max(hb - 7, b_start)), "toBlock": hex(hb), "address": contract}]
                    r = lr.rpc(b.url, method, *params)
                except OSError as e:
                    r = {"error": str(e)}
                if "result" in r:
                    served += 1
                else:
                    errors += 1
                    if errors <= 5:
                        print(f"  error: {method}: {json.dumps(r)[:300]}", flush=True)
            time.sleep(max(0.0, t0 + n * interval - time.time()))
        first, last = rows[0], rows[-1]
        print("milestones:")
        for m in (0, 5, 15, 30, 45, 60, 90, 120):
            if m <= last[0] + 0.25:
                r = min(rows, key=lambda r: abs(r[0] - m))
                print(f"  {m:>3} min: {r[1] / 1024:5.1f} MB, B at block {r[3]} ({r[3] - b_start} followed), "
                      f"{r[4]} requests served")
        peak = max(rows, key=lambda r: r[1])
        print(f"blocks followed by B: {last[3] - b_start}; transactions sent: {sent}; requests served by B: "
              f"{last[4]} ({last[5]} errors)")
        print(f"RSS: {first[1] / 1024:.1f} MB at start, {last[1] / 1024:.1f} MB at {last[0]:.1f} min, "
              f"max {peak[1] / 1024:.1f} MB (at {peak[0]:.1f} min); "
              f"{(last[1] - first[1]) / max(1, last[3] - b_start):.2f} KB per block")
        return 0
    finally:
        if b:
            b.stop()
        a.stop()


if __name__ == "__main__":
    sys.exit(main())
