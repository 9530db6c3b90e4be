#!/usr/bin/env python3
"""Sync speed from a local ethc peer over 127.0.0.1 (eth/69): R runs each of a
light sync (headers/s) and a full sync (blocks/s, Mgas/s) of the ethtest
chain (600 blocks to Prague) into fresh data directories, as the syncing
node logs them; prints each run and the median. Not run by ctest.
SERVERS=N (default 1) serves the chain from N ethc peers (copies of one
import), all given as --trusted-peers. SYNC_ETHCS=BIN1:BIN2:... compares
builds side by side: each run syncs once with each binary in turn (ETHC
imports and serves), medians per binary. A full sync's "blocks/s" is the
node's own figure (from its first fetched body: since the bodies overlap the
header sync, that starts earlier than it used to); "wall" is the end-to-end
time from the node's first log line to "full sync: done" (log timestamps).
usage: p2p_sync.py ETHC CHAIN_DIR WORKDIR [R]"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "system"))
from p2p_sync import Ethc, init  # noqa: E402

HDONE = r"header sync: done at #\d+ 0x[0-9a-f]{64}, (\d+) headers in ([0-9.]+) s \((\d+) headers/s\)"
FDONE = r"full sync: done at #\d+ 0x[0-9a-f]{64}, (\d+) blocks in ([0-9.]+) s \((\d+) blocks/s, ([0-9.]+) Mgas/s"


STAMP = r"^\w+ +\[\d\d-\d\d\|(\d\d):(\d\d):(\d\d\.\d+)\]"


def wall_seconds(log, pattern):
    """Seconds from the log's first line to the first line matching pattern."""
    secs = []
    for line in log.splitlines():
        m = re.match(STAMP, line)
        if m:
            secs.append(int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
            if re.search(pattern, line):
                return (secs[-1] - secs[0]) % 86400
    return 0.0


def cpu_seconds(pid):
    """A process's CPU seconds so far (user + system): steadier than wall time
    on a shared machine (here it includes the node's start and, for a full
    sync, its header phase)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    """A live process's peak resident set (VmHWM) in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(ethc, chain, tmp, enode, name, full):
    d = os.path.join(tmp, name)
    init(ethc, d, os.path.join(chain, "genesis.json"))
    extra = ["--trusted-peers", enode] + (["--syncmode", "full"] if full else [])
    b = Ethc(ethc, d, d + ".log", extra)
    try:
        m = b.wait_log(FDONE if full else HDONE, 120)
        cpu = cpu_seconds(b.proc.pid), peak_rss_mib(b.proc.pid)
    finally:
        b.stop()
    if not m:
        sys.exit(f"{name}: the sync did not end; log:\n" + b.log()[-2000:])
    wall = wall_seconds(b.log(), FDONE if full else HDONE)
    shutil.rmtree(d, ignore_errors=True)
    return m, cpu + (wall,)


def main():
    ethc, chain, workdir = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-bench-", dir=workdir)
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    servers = []
    for k in range(1, int(os.environ.get("SERVERS", "1"))):
        shutil.copytree(a_dir, f"{a_dir}{k}")
    a = Ethc(ethc, a_dir, a_dir + ".log")
    servers.append(a)
    for k in range(1, int(os.environ.get("SERVERS", "1"))):
        servers.append(Ethc(ethc, f"{a_dir}{k}", f"{a_dir}{k}.log"))
    enodes = ",".join(x.enode for x in servers)
    bins = os.environ["SYNC_ETHCS"].split(":") if os.environ.get("SYNC_ETHCS") else [ethc]
    figs = {b: ([], [], [], [], [], [], []) for b in bins}
    try:
        for i, sync_ethc in ((i, b) for i in range(runs) for b in bins):
            hs, bs, gs, cs, lc, lr, fw = figs[sync_ethc]
            m, (lcpu, lrss, _) = run(sync_ethc, chain, tmp, enodes, f"light{i}", False)
            hs.append(int(m.group(3)))
            lc.append(lcpu)
            lr.append(lrss)
            f, (fcpu, _, fwall) = run(sync_ethc, chain, tmp, enodes, f"full{i}", True)
            cs.append(fcpu)
            fw.append(fwall)
            bs.append(int(f.group(3)))
            gs.append(float(f.group(4)))
            print(f"run {i} ({sync_ethc}): light {m.group(1)} headers in {m.group(2)} s ({m.group(3)} headers/s); "
                  f"full {f.group(1)} blocks in {f.group(2)} s ({f.group(3)} blocks/s, {f.group(4)} Mgas/s; "
                  f"{fwall:.2f} s wall from start); "
                  f"CPU of the syncing node: light {lcpu:.2f} s, full {fcpu:.2f} s; light peak RSS {lrss:.0f} MiB")
    finally:
        for x in servers:
            x.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    for sync_ethc, (hs, bs, gs, cs, lc, lr, fw) in figs.items():
        print_medians(runs, sync_ethc, hs, bs, gs, cs, lc, lr, fw)


def print_medians(runs, sync_ethc, hs, bs, gs, cs, lc, lr, fw=()):
    print(f"median of {runs} ({sync_ethc}): light {statistics.median(hs):.0f} headers/s, {statistics.median(lc):.2f} CPU s, "
          f"peak RSS {statistics.median(lr):.0f} MiB; "
          f"full {statistics.median(bs):.0f} blocks/s, {statistics.median(gs):.1f} Mgas/s, "
          f"{statistics.median(cs):.2f} CPU s for the whole full sync"
          + (f", {statistics.median(fw):.2f} s wall from start" if fw else ""))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    main()
