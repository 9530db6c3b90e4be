#!/usr/bin/env python3
"""Light header sync speed on a long post-merge chain, from a local ethc peer
over 127.0.0.1 (eth/69): `ethc node --dev` mines N blocks (default 100,000)
with anvil_mine into a data directory and stops; `ethc node --datadir` then
serves that directory as a p2p peer, and R times (default 3) a fresh node made
by `ethc init` from the dev chain's dev-genesis.json syncs its headers to the
head (--sync.target). Prints each run's headers/s (as the syncing node logs
it), the syncing node's CPU seconds (user + system, start included) and its
peak RSS, then the medians. Not run by ctest (mining takes ~30 s, each sync a
few seconds). Keep the mined chain for later runs with KEEP=1 (reused when
WORKDIR/pos-A exists with the same N). To compare builds side by side, set
SYNC_ETHCS=BIN1:BIN2:... : each run then syncs once with each binary in turn
(ETHC still mines and serves), and the medians are given per binary.
FULL=1 runs full syncs instead (--syncmode full: headers, bodies, execution)
and reports the wall seconds from the node's first log line to "full sync:
done" (from its log's timestamps), blocks/s over that span, and where the
header sync stood when the bodies were first asked for.
usage: p2p_pos100k.py ETHC WORKDIR [N] [R]"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "system"))
from p2p_sync import Ethc, init  # noqa: E402

HDONE = r"header sync: done at #(\d+) (0x[0-9a-f]{64}), (\d+) headers in ([0-9.]+) s \((\d+) headers/s\)"
FDONE = r"full sync: done at #(\d+) (0x[0-9a-f]{64}), (\d+) blocks in ([0-9.]+) s"
STAMP = r"^\w+ +\[\d\d-\d\d\|(\d\d):(\d\d):(\d\d\.\d+)\]"
CHUNK = 10000  # blocks per anvil_mine call (one call of 100,000 outlasts an HTTP timeout)


def rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        out = json.loads(r.read())
    if "error" in out:
        raise RuntimeError(f"{method}: {out['error']}")
    return out["result"]


def proc_figures(pid):
    """(CPU seconds user + system, peak RSS in MiB) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) / 1024
    return cpu, rss


def stamp_secs(line):
    """A log line's time of day in seconds, or None."""
    m = re.match(STAMP, line)
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else None


def full_figures(log):
    """(wall seconds from the first log line to "full sync: done", the
    header tip logged stored when the bodies were first asked for, the header
    sync's own seconds) from a full-syncing node's log."""
    lines = log.splitlines()
    t0 = next(t for t in map(stamp_secs, lines) if t is not None)
    end = next(stamp_secs(l) for l in lines if re.search(FDONE, l))
    tip = 0
    first_exec = None
    for l in lines:
        m = re.search(r"header sync: stored #\d+\.\.#(\d+)", l)
        if m:
            tip = int(m.group(1))
        if first_exec is None and re.search(r"full sync: \d+ blocks to fetch and execute", l):
            first_exec = tip
    hd = re.search(r"header sync: done at #\d+ 0x[0-9a-f]{64}, \d+ headers in ([0-9.]+) s", log)
    return (end - t0) % 86400, first_exec, float(hd.group(1)) if hd else 0.0


def mine_chain(ethc, a_dir, n):
    """`ethc node --dev` mines n blocks into a_dir; returns (head number, hash)."""
    log = open(a_dir + ".dev.log", "w")
    p = subprocess.Popen([ethc, "node", "--dev", "--datadir", a_dir, "--http.port", "0"], stdout=subprocess.PIPE,
                         stderr=log, text=True)
    try:
        url = None
        for line in p.stdout:
            if line.startswith("HTTP server started: "):
                url = line.split()[-1]
                break
        if not url:
            sys.exit("ethc node --dev printed no HTTP endpoint")
        t0 = time.time()
        have = int(rpc(url, "eth_blockNumber"), 16)
        while have < n:
            k = min(CHUNK, n - have)
            rpc(url, "anvil_mine", hex(k))
            have += k
        head = rpc(url, "eth_getBlockByNumber", "latest", False)
        print(f"mined {n} blocks in {time.time() - t0:.1f} s (anvil_mine, {CHUNK} a call)")
        return int(head["number"], 16), head["hash"]
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
        log.close()


def main():
    ethc, workdir = sys.argv[1:3]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    os.makedirs(workdir, exist_ok=True)
    a_dir = os.path.join(workdir, "pos-A")
    stamp = os.path.join(workdir, "pos-A.head")
    head = None
    if os.path.exists(stamp):
        num, h = open(stamp).read().split()
        if int(num) == n:
            head = (int(num), h)
    if head is None:
        shutil.rmtree(a_dir, ignore_errors=True)
        head = mine_chain(ethc, a_dir, n)
        with open(stamp, "w") as f:
            f.write(f"{head[0]} {head[1]}\n")
    a = Ethc(ethc, a_dir, a_dir + ".log")
    bins = os.environ.get("SYNC_ETHCS", "").split(":") if os.environ.get("SYNC_ETHCS") else [ethc]
    figs = {b: ([], [], []) for b in bins}
    try:
        for i, sync_ethc in ((i, b) for i in range(runs) for b in bins):
            hs, cs, rs = figs[sync_ethc]
            d = os.path.join(workdir, f"pos-B{i}")
            shutil.rmtree(d, ignore_errors=True)
            init(sync_ethc, d, os.path.join(a_dir, "dev-genesis.json"))
            full = bool(os.environ.get("FULL"))
            b = Ethc(sync_ethc, d, d + ".log", ["--trusted-peers", a.enode, "--sync.target", head[1]] +
                     (["--syncmode", "full"] if full else []))
            try:
                m = b.wait_log(FDONE if full else HDONE, 3600)
                cpu, rss = proc_figures(b.proc.pid)
            finally:
                b.stop()
            if not m or (int(m.group(1)), m.group(2)) != head:
                sys.exit(f"run {i}: the sync did not reach #{head[0]} {head[1]}; log:\n" + b.log()[-2000:])
            if full:
                wall, first_exec, hsecs = full_figures(b.log())
                shutil.rmtree(d, ignore_errors=True)
                hs.append(wall)
                cs.append(cpu)
                rs.append(rss)
                print(f"run {i} ({sync_ethc}): full sync of {head[0]} blocks in {wall:.2f} s wall "
                      f"({head[0] / wall:.0f} blocks/s; headers done in {hsecs:.2f} s, bodies from "
                      f"header tip #{first_exec}); syncing node: {cpu:.2f} CPU s, peak RSS {rss:.0f} MiB")
                continue
            shutil.rmtree(d, ignore_errors=True)
            hs.append(int(m.group(5)))
            cs.append(cpu)
            rs.append(rss)
            print(f"run {i} ({sync_ethc}): {m.group(3)} headers in {m.group(4)} s ({m.group(5)} headers/s); "
                  f"syncing node: {cpu:.2f} CPU s, peak RSS {rss:.0f} MiB")
    finally:
        a.stop()
    if not os.environ.get("KEEP"):
        shutil.rmtree(a_dir, ignore_errors=True)
        os.unlink(stamp)
    for sync_ethc, (hs, cs, rs) in figs.items():
        if os.environ.get("FULL"):
            print(f"median of {runs} ({sync_ethc}): full sync {statistics.median(hs):.2f} s wall, "
                  f"{statistics.median(cs):.2f} CPU s, peak RSS {statistics.median(rs):.0f} MiB")
            continue
        print(f"median of {runs} ({sync_ethc}): {statistics.median(hs):.0f} headers/s, "
              f"{statistics.median(cs):.2f} CPU s, peak RSS {statistics.median(rs):.0f} MiB")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    main()
