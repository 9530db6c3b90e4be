#!/usr/bin/env python3
"""The devp2p source of a light node (src/p2p/p2p_remote*.c, p2p_remote.h):
node A holds the imported ethtest chain (600 blocks) and serves eth/69 and
snap/1; tests/tools/p2p_fetch dials it and fetches through the source, from
24 threads at once (4 in the runs with liars):
1. from A alone: every body (byte for byte chain.rlp's), every block's
   receipts (verified against the receipts root, one per transaction), and
   every account, code and storage slot of headstate.json at the head's state
   root, addresses not in it proven absent, a second pass from the cache; the
   state of block 1 refused with a message naming the ~128 recent states.
2. for each lie of tests/system/p2p_liar.c (body, receipt, snap): the liar
   alone gives no answer at all (every lie refused, none served); then the
   liar and A together: everything matches again, the source refused at least
   one answer and the liar is banned (in p2p_fetch's bans).
   The snap lies (hidden account, hidden slot, wrong code) are separate
   liars, each caught. p2p_liar's flat mode serves receipts in
   @ethereumjs/client 0.10.5's form (one flat list of strings): all verified.
3. from @ethereumjs/client 0.10.5 (eth/68) serving the same chain: state by
   GetTrieNodes is not answered (0.10.5 offers snap/1 but never answers a snap
   request): a timeout and an error, nothing accepted; the
   bodies of every 4th block (it never answers GetReceipts: its handler throws). Skipped when node
   or the package is missing (parts 1 and 2 still run).
Parts 1-2 run as system.p2p_remote, part 3 as system.p2p_remote_ethereumjs
(PART: ethc or ethereumjs).
usage: p2p_remote.py ETHC P2P_FETCH P2P_LIAR CHAIN_DIR WORKDIR PART"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p2p_liar import start_liar, stop_liar  # noqa: E402
from p2p_sync import Ethc  # noqa: E402

NETWORK = "3503995874084926"


def fetch(tool, chain, tmp, name, enodes, parts, stride=1, threads=4, timeout=90):
    d = os.path.join(tmp, name)
    t = time.time()
    p = subprocess.run([tool, d, chain, NETWORK, ",".join(enodes), str(threads), parts, str(stride)], capture_output=True,
                       text=True, timeout=timeout)
    print(f"--- {name} ({time.time() - t:.1f} s, exit {p.returncode})")
    print(p.stdout, end="")
    return p


def main(ethc, tool, liar, chain, workdir, part):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-remote-", dir=workdir)
    fails = []
    if part == "ethereumjs":
        skipped = ethereumjs(tool, chain, tmp, fails)
        if fails:
            print("FAILED:\n" + "\n".join(fails))
            return 1
        shutil.rmtree(tmp, ignore_errors=True)
        print("SKIPPED" if skipped else "OK")
        return 77 if skipped else 0
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    l_dir = os.path.join(tmp, "L")  # the liars' copy (A holds its own directory's lock)
    shutil.copytree(a_dir, l_dir)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    try:
        # 1. the honest peer
        # 24 threads: more than the 16 requests a peer may have in flight (the rest wait their turn)
        p = fetch(tool, chain, tmp, "honest", [a.enode], "bodies,receipts,state", threads=24)
        if p.returncode != 0:
            fails.append("from A: " + p.stderr[-3000:])
        for want in [r"bodies: 600/600 matched", r"receipts: 600/600 blocks verified", r"state: 194/194 accounts",
                     r"state again: matched, \d+ cache hits, \d? requests", r"old state \(#1\): .*128 most recent"]:
            if not re.search(want, p.stdout):
                fails.append(f"from A: no {want!r}")
        # 2. the liars: alone (nothing served), then beside A (refused and banned, all matches)
        for lie, parts in [("body", "bodies"), ("receipt", "receipts"), ("snap", "state"), ("storage", "state"),
                           ("code", "state")]:
            proc, enode = start_liar(liar, l_dir, NETWORK, lie, os.path.join(tmp, f"liar-{lie}.log"))
            try:
                p = fetch(tool, chain, tmp, f"{lie}-liar-alone", [enode], parts)
                if p.returncode == 0:
                    fails.append(f"{lie} liar alone: p2p_fetch accepted its answers")
                if not re.search(r"stats: \d+ requests, [1-9]\d* refused", p.stdout):
                    fails.append(f"{lie} liar alone: no answer refused")
                p = fetch(tool, chain, tmp, f"{lie}-liar-and-A", [enode, a.enode], parts)
                if p.returncode != 0:
                    fails.append(f"{lie} liar with A: " + p.stderr[-2000:])
                if not re.search(r"stats: \d+ requests, [1-9]\d* refused", p.stdout):
                    fails.append(f"{lie} liar with A: no answer refused")
                liar_id = re.match(r"enode://([0-9a-f]{128})@", enode).group(1)
                if liar_id not in p.stdout.split("bans:")[-1]:
                    fails.append(f"{lie} liar with A: the liar is not banned")
            finally:
                out = stop_liar(proc)
            print(f"liar ({lie}): " + (out.strip().splitlines() or ["?"])[-1])
        # ethereumjs 0.10.5's form of Receipts (a flat list of strings), from p2p_liar's flat mode
        proc, enode = start_liar(liar, l_dir, NETWORK, "flat", os.path.join(tmp, "liar-flat.log"))
        try:
            p = fetch(tool, chain, tmp, "flat-receipts", [enode], "receipts")
            if p.returncode != 0 or not re.search(r"receipts: 600/600 blocks verified", p.stdout):
                fails.append("ethereumjs-style receipts: " + p.stderr[-2000:])
        finally:
            stop_liar(proc)
    finally:
        a.stop()
    if fails:
        print("FAILED:\n" + "\n".join(fails))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("OK")
    return 0


def ethereumjs(tool, chain, tmp, fails):
    from ethereumjs_peer import EthereumjsPeer, missing
    reason = missing()
    if reason:
        print("SKIPPED (ethereumjs part):", reason)
        return True
    with EthereumjsPeer(chain, os.path.join(tmp, "ejs")) as peer:
        enode = peer.wait_enode()
        if not enode:
            fails.append("ethereumjs printed no enode; its log:\n" + peer.log()[-3000:])
            return False
        # bodies only: 0.10.5 never answers GetReceipts (its handler destructures the decoded
        # request as an array and throws); its flat Receipts form is tested with p2p_liar above
        # every 4th block (ethereumjs answers one body in ~17 ms): 150 bodies
        p = fetch(tool, chain, tmp, "ethereumjs", [enode], "bodies", stride=4)
        if p.returncode != 0:
            fails.append("from ethereumjs: " + p.stderr[-3000:])
        for want in [r"bodies: 150/150 matched", r"stats: \d+ requests, 0 refused, 0 timeouts"]:
            if not re.search(want, p.stdout):
                fails.append(f"from ethereumjs: no {want!r}")
        # state: 0.10.5 offers snap/1 but its service dispatches only eth messages, so
        # GetTrieNodes (like every snap request) is never answered: one timeout, then
        # an error naming it; never a state taken without its proof
        p = fetch(tool, chain, tmp, "ethereumjs-state", [enode], "state", threads=1)
        for want in [r"state: the head's state: devp2p: no verified TrieNodes answer",
                     r"stats: 1 requests, 0 refused, 1 timeouts"]:
            if not re.search(want, p.stdout):
                fails.append(f"state from ethereumjs: no {want!r}: " + p.stdout[-1500:])
    return False


if __name__ == "__main__":
    if len(sys.argv) != 7:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
