#!/usr/bin/env python3
"""The full sync overlaps the header sync (src/p2p/sync_full.c follows the
header sync's stored frontier), and a kill -9 in the overlap loses nothing.
p2p_liar in its "slow" mode (tests/system/p2p_liar.c: honest, but every
BlockHeaders fill answered 1.5 s late) serves the imported ethtest chain (600
blocks to Prague) as the only peer of a fresh node B (--syncmode full
--sync.target HEAD, debug log):
1. B executes blocks before its last header is stored: its log has a
   "full sync: executed #A..#B (..., the header sync goes on)" line before
   "header sync: done", and B is killed with SIGKILL right then (the header
   sync unfinished);
2. restarted on the same directory, B starts from at least the block it had
   executed and the headers it had logged as stored, ends the full sync at
   headblock.json's hash and headstate.json's state root (eth_getBalance of a
   few accounts agrees), eth_syncing is false at the end.
usage: p2p_fullsync_overlap.py ETHC P2P_LIAR CHAIN_DIR WORKDIR"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p2p_fullsync import DONE, check_state  # noqa: E402
from p2p_liar import start_liar, stop_liar  # noqa: E402
from p2p_sync import Ethc, init  # noqa: E402

OVERLAP = r"full sync: executed #(\d+)\.\.#(\d+) \(headers located to #(\d+), the header sync goes on\)"
HDONE = r"header sync: done at #"
STORED = r"header sync: stored #\d+\.\.#(\d+)"


def main(ethc, liar, chain, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-overlap-", dir=workdir)
    with open(os.path.join(chain, "headblock.json")) as f:
        head = json.load(f)
    with open(os.path.join(chain, "headstate.json")) as f:
        state = json.load(f)
    with open(os.path.join(chain, "genesis.json")) as f:
        network = json.load(f)["config"]["chainId"]
    fails = []
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc, enode = start_liar(liar, a_dir, network, "slow", os.path.join(tmp, "liar.err"))
    d = os.path.join(tmp, "B")
    init(ethc, d, os.path.join(chain, "genesis.json"))
    args = ["--trusted-peers", enode, "--syncmode", "full", "--sync.target", head["hash"], "--verbosity", "4"]
    t0 = time.time()
    try:
        # 1. the overlap, and a kill -9 in it
        b = Ethc(ethc, d, d + ".0.log", args)
        m = None
        try:
            deadline = time.time() + 30
            while time.time() < deadline and b.proc.poll() is None:
                log = b.log()
                m = re.search(OVERLAP, log)
                if m or re.search(HDONE, log) or re.search(DONE, log):
                    break
                time.sleep(0.005)
            if m:
                os.kill(b.proc.pid, signal.SIGKILL)
                b.proc.wait()
        finally:
            b.stop()
        log = b.log()
        hdone = re.search(HDONE, log)
        if not m:
            fails.append("no block executed while the header sync went on; log:\n" + log[-3000:])
            return report(fails)
        execs = [int(x.group(2)) for x in re.finditer(OVERLAP.split(r" \(")[0], log)]
        executed = max(execs) if execs else 0
        stored = [int(x) for x in re.findall(STORED, log)]
        had_headers = max(stored) if stored else 0
        if hdone and log.index(hdone.group(0)) < log.index(m.group(0)):
            fails.append("the header sync was done before the first block executed")
        print(f"overlap: {m.group(0)}")
        print(f"killed (SIGKILL) at block #{executed}, headers logged stored to #{had_headers}, "
              f"header sync {'done' if hdone else 'unfinished'}")
        if hdone:
            fails.append("the kill came after the header sync was done: not in the overlap")
        # 2. the resumed run
        b = Ethc(ethc, d, d + ".1.log", args)
        try:
            sm = b.wait_log(r"header sync: starting from #(\d+)", 10)
            start_h = int(sm.group(1)) if sm else -1
            n = int(b.call("eth_blockNumber")["result"], 16)
            if start_h < had_headers:
                fails.append(f"restarted from header #{start_h}, had #{had_headers}")
            if n < executed:
                fails.append(f"restarted at block #{n}, had executed #{executed}")
            print(f"restarted: headers from #{start_h}, block #{n}")
            dm = b.wait_log(DONE, 40)
            if dm:
                check_state("resumed", b, head, state, fails)
                print("resumed:", dm.group(0))
                if dm.group(2) != head["hash"]:
                    fails.append(f"done at {dm.group(2)}, want {head['hash']}")
            else:
                fails.append("after the kill: no 'full sync: done'; log:\n" + b.log()[-3000:])
        finally:
            b.stop()
    finally:
        out = stop_liar(proc)
    if "slow: headers held" not in out:
        fails.append("the slow peer held no headers back; its output:\n" + out[-2000:])
    print(f"{time.time() - t0:.1f} s")
    if not fails:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(fails)


def report(fails):
    for f in fails:
        print("FAIL:", f)
    print("PASS" if not fails else f"{len(fails)} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("usage: ")[1])
    sys.exit(main(*sys.argv[1:5]))
