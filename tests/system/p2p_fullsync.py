#!/usr/bin/env python3
"""The full sync (--syncmode full; src/p2p/sync_full.c) and the sync's reports:
1. ethc to ethc: node A holds the imported ethtest chain (600 blocks to Prague);
   node B, made by `ethc init` from its genesis, dials A with --syncmode full
   --sync.target HEAD and must fetch and execute all 600 blocks: its
   eth_getBlockByNumber("latest") has headblock.json's hash and headstate.json's
   state root, eth_getBalance agrees with headstate.json for a few accounts, and
   eth_syncing is false once done.
2. kill -9 during the sync, 3 times (once after the first header batch, twice
   while blocks execute): nothing verified is lost (the restarted node starts
   from at least the header and block it had reported), the run resumes and
   ends at the head. eth_syncing, polled meanwhile, answers geth's
   {startingBlock, currentBlock, highestBlock} with starting <= current <=
   highest = 0x258 and is false at the end.
(ethc full-syncing from @ethereumjs/client is in p2p_sync.py, which starts
one ethereumjs node for both modes.)
Prints the blocks/s and Mgas/s the node logs.
usage: p2p_fullsync.py ETHC CHAIN_DIR WORKDIR"""
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
from p2p_sync import Ethc, init  # noqa: E402

DONE = (r"full sync: done at #(\d+) (0x[0-9a-f]{64}), (\d+) blocks in ([0-9.]+) s \((\d+) blocks/s, "
        r"([0-9.]+) Mgas/s")
HDONE = r"header sync: done at #\d+ 0x[0-9a-f]{64}, \d+ headers in [0-9.]+ s \((\d+) headers/s\)"


def check_state(name, node, head, state, fails):
    """B's latest block, its state root and a few balances against the chain's files."""
    blk = node.call("eth_getBlockByNumber", "latest", False).get("result") or {}
    if blk.get("hash") != head["hash"] or blk.get("number") != head["number"]:
        fails.append(f"{name}: latest is #{blk.get('number')} {blk.get('hash')}, want {head['number']} {head['hash']}")
    if blk.get("stateRoot") != "0x" + state["root"]:
        fails.append(f"{name}: state root {blk.get('stateRoot')}, want 0x{state['root']}")
    rich = sorted(state["accounts"].items(), key=lambda kv: -int(kv[1]["balance"]))[:3]
    for addr, acct in rich:
        got = node.call("eth_getBalance", addr, "latest").get("result")
        if got is None or int(got, 16) != int(acct["balance"]):
            fails.append(f"{name}: eth_getBalance({addr}) = {got}, want {acct['balance']}")
    syncing = node.call("eth_syncing").get("result")
    if syncing is not False:
        fails.append(f"{name}: eth_syncing is {syncing} after the sync, want false")


def full_sync(ethc, chain, tmp, name, enode, head, state, fails):
    """A fresh node full-syncs from enode, checked against the chain's files."""
    d = os.path.join(tmp, name)
    init(ethc, d, os.path.join(chain, "genesis.json"))
    b = Ethc(ethc, d, d + ".log", ["--trusted-peers", enode, "--syncmode", "full", "--sync.target", head["hash"]])
    try:
        m = b.wait_log(DONE, 60)
        if m:
            check_state(name, b, head, state, fails)
    finally:
        b.stop()
    if not m:
        fails.append(f"{name}: no 'full sync: done'; log:\n" + b.log()[-3000:])
        return
    print(f"{name}: executed {m.group(3)} blocks in {m.group(4)} s ({m.group(5)} blocks/s, {m.group(6)} Mgas/s)")
    hm = re.search(HDONE, b.log())
    if hm:
        print(f"{name}: headers at {hm.group(1)} headers/s")
    print("".join(l + "\n" for l in b.log().splitlines() if "sync:" in l), end="")
    if m.group(2) != head["hash"]:
        fails.append(f"{name}: done at {m.group(2)}, want {head['hash']}")


def kill_loop(ethc, tmp, enode, head, state, fails):
    """Three kill -9s during the sync, then a run to the end."""
    d = os.path.join(tmp, "K")
    init(ethc, d, os.path.join(chain, "genesis.json"))
    want = int(head["number"], 16)
    seen = []  # every eth_syncing object
    had_headers = had_block = 0
    for run in range(4):
        b = Ethc(ethc, d, f"{d}.{run}.log",
                 ["--trusted-peers", enode, "--syncmode", "full", "--sync.target", head["hash"]])
        killed_at = None
        deadline = time.time() + 40
        try:
            if run > 0:
                m = b.wait_log(r"header sync: starting from #(\d+)", 10)
                start_h = int(m.group(1)) if m else 0
                if start_h < had_headers:
                    fails.append(f"kill run {run}: restarted from header #{start_h}, had #{had_headers}")
                n = int(b.call("eth_blockNumber")["result"], 16)
                if n < had_block:
                    fails.append(f"kill run {run}: restarted at block #{n}, had #{had_block}")
            while time.time() < deadline and b.proc.poll() is None:
                s = b.call("eth_syncing").get("result")
                if isinstance(s, dict):
                    seen.append(s)
                if run == 0:
                    stored = re.findall(r"header sync: stored #\d+\.\.#(\d+)", b.log())
                    if stored:
                        had_headers = int(stored[-1])
                        os.kill(b.proc.pid, signal.SIGKILL)
                        killed_at = f"header #{had_headers}"
                        break
                elif run < 3 and isinstance(s, dict):
                    cur = int(s["currentBlock"], 16)
                    if cur >= (1 if run == 1 else 300) and cur < want:
                        os.kill(b.proc.pid, signal.SIGKILL)
                        had_block = cur
                        killed_at = f"block #{cur}"
                        break
                if re.search(DONE, b.log()):
                    break
                time.sleep(0.005)
            if run < 3:
                b.proc.wait()
                if killed_at is None:
                    fails.append(f"kill run {run}: the sync ended before the kill; log:\n" + b.log()[-2000:])
                    return
                stored = re.findall(r"header sync: stored #\d+\.\.#(\d+)", b.log())
                if stored:
                    had_headers = max(had_headers, int(stored[-1]))
                print(f"kill run {run}: SIGKILL at {killed_at}")
            else:
                if not b.wait_log(DONE, 30):
                    fails.append("after 3 kills: no 'full sync: done'; log:\n" + b.log()[-3000:])
                else:
                    check_state("after 3 kills", b, head, state, fails)
                    print("after 3 kills:", re.search(DONE, b.log()).group(0))
        finally:
            b.stop()
    if not seen:
        fails.append("eth_syncing never reported a sync in progress")
    for s in seen:
        st, cur, hi = (int(s.get(k, "0x0"), 16) for k in ("startingBlock", "currentBlock", "highestBlock"))
        if not (st <= cur <= hi and hi == want):
            fails.append(f"eth_syncing {s}: want startingBlock <= currentBlock <= highestBlock = {want}")
            break
    print(f"eth_syncing: {len(seen)} progress objects seen, e.g. {seen[-1] if seen else None}")


def main(ethc, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-fullsync-", dir=workdir)
    with open(os.path.join(chain, "headblock.json")) as f:
        head = json.load(f)
    with open(os.path.join(chain, "headstate.json")) as f:
        state = json.load(f)
    fails = []
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    try:
        full_sync(ethc, chain, tmp, "B", a.enode, head, state, fails)
        kill_loop(ethc, tmp, a.enode, head, state, fails)
    finally:
        a.stop()
    for f in fails:
        print("FAIL:", f)
    if fails:
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    chain = sys.argv[2]
    sys.exit(main(sys.argv[1], sys.argv[3]))
