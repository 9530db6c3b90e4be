#!/usr/bin/env python3
"""The peer score and the parallel header sync (src/p2p/peers.c, peer_score.c):
node A and node A2 hold the imported ethtest chain (600 blocks); p2p_liar (a
test-only peer, tests/system/p2p_liar.c) serves a copy of it but lies about
every 96th header (its parent) or every 192nd (its seal).
1. A fresh node syncs the 600 headers from A alone, then from A and A2 (both
   must be asked for fills): the headers/s of each are printed.
2. For each lie (a wrong parent, a broken seal): a fresh node with A and the
   liar as --trusted-peers and --sync.target the head's hash syncs all 600
   headers to the head, logs "peers: banned ID (ethc-test/p2p_liar) ...:
   invalid header: ..." and does not redial the liar (the liar sees one
   connection, after more than the 5 s redial delay); admin_peers then lists A
   alone.
usage: p2p_liar.py ETHC P2P_LIAR CHAIN_DIR WORKDIR"""
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
from p2p_sync import DONE, Ethc, init  # noqa: E402


def start_liar(liar, datadir, network, lie, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen([liar, datadir, str(network), lie, "90"], stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    m = re.search(r"self=(enode://\S+)", line)
    if not m:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"p2p_liar printed no enode: {line!r}")
    return proc, m.group(1)


def stop_liar(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out


def sync(ethc, chain, tmp, name, peers, head, fails, verbose=False):
    """A fresh node syncs from `peers` to the head; returns (its log, headers/s)."""
    d = os.path.join(tmp, name)
    init(ethc, d, os.path.join(chain, "genesis.json"))
    extra = ["--trusted-peers", ",".join(peers), "--sync.target", head[1]]
    if verbose:
        extra += ["--verbosity", "4"]
    node = Ethc(ethc, d, d + ".log", extra)
    try:
        m = node.wait_log(DONE, 60)
        log = node.log()
        peers_json = node.call("admin_peers").get("result") if m else None
        return node, m, log, peers_json
    finally:
        node.stop()


def main(ethc, liar, chain, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-liar-", dir=workdir)
    with open(os.path.join(chain, "headblock.json")) as f:
        hb = json.load(f)
    head = (int(hb["number"], 16), hb["hash"])
    with open(os.path.join(chain, "genesis.json")) as f:
        network = json.load(f)["config"]["chainId"]
    fails = []
    a_dir, a2_dir, l_dir = (os.path.join(tmp, n) for n in ("A", "A2", "L"))
    t0 = time.time()
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.copytree(a_dir, a2_dir)
    shutil.copytree(a_dir, l_dir)
    print(f"imported the chain in {time.time() - t0:.1f} s")
    a = Ethc(ethc, a_dir, a_dir + ".log")
    a2 = Ethc(ethc, a2_dir, a2_dir + ".log")
    try:
        # 1. one peer, then two
        rates = {}
        for n, peers in ((1, [a.enode]), (2, [a.enode, a2.enode])):
            node, m, log, _ = sync(ethc, chain, tmp, f"S{n}", peers, head, fails, verbose=True)
            if not m or (int(m.group(1)), m.group(2)) != head:
                fails.append(f"sync from {n} peer(s): not done at the head; log:\n" + log[-3000:])
                continue
            rates[n] = (m.group(3), m.group(4), m.group(5))
            asked = set(re.findall(r"header sync: asked ([0-9a-f]{16}) \(.*\) for #", log))
            print(f"{n} peer(s): {m.group(3)} headers in {m.group(4)} s ({m.group(5)} headers/s); fills from "
                  f"{len(asked)} peer(s)")
            if n == 2 and len(re.findall(r"header sync: asked \S+ for #", log)) >= 2 and len(asked) < 2:
                fails.append("sync from 2 peers: the fills all went to one peer; log:\n" + log[-3000:])
        # 2. an honest peer and a liar
        for lie in ("parent", "seal"):
            proc, l_enode = start_liar(liar, l_dir, network, lie, os.path.join(tmp, f"liar-{lie}.err"))
            try:
                node, m, log, peers = sync(ethc, chain, tmp, f"S-{lie}", [a.enode, l_enode], head, fails) \
                    if lie == "seal" else (None, None, None, None)
                if lie == "parent":  # stay longer than the 5 s redial delay: the liar is not dialled again
                    d = os.path.join(tmp, "S-parent")
                    init(ethc, d, os.path.join(chain, "genesis.json"))
                    node = Ethc(ethc, d, d + ".log",
                                ["--trusted-peers", f"{a.enode},{l_enode}", "--sync.target", head[1]])
                    try:
                        m = node.wait_log(DONE, 60)
                        node.wait_log(r"peers: banned", 10)
                        time.sleep(6.5)
                        peers = node.call("admin_peers").get("result")
                        log = node.log()
                    finally:
                        node.stop()
                        log = node.log()
            finally:
                out = stop_liar(proc)
            liar_id = re.match(r"enode://([0-9a-f]{128})@", l_enode).group(1)
            banned = re.search(r"peers: banned %s \(ethc-test/p2p_liar\) for (\d+) s: invalid header: (.*)" %
                               liar_id[:16], log or "")
            print(f"{lie}: liar told {len(re.findall(r'^lie:', out, re.M))} lies over "
                  f"{len(re.findall(r'^request:', out, re.M))} requests; ban: "
                  f"{banned.group(0) if banned else None}")
            if not m or (int(m.group(1)), m.group(2)) != head:
                fails.append(f"{lie}: the node did not sync to the head; log:\n" + (log or "")[-3000:])
            if not banned:
                fails.append(f"{lie}: no ban of the liar in the log; log:\n" + (log or "")[-3000:] +
                             "\nliar:\n" + out[-2000:])
            # the liar's skeleton (header #192, its parent flipped) may be caught first
            if banned and lie == "parent" and "link" not in banned.group(2) and \
                    not banned.group(2).startswith("skeleton header"):
                fails.append(f"parent: the ban's reason is not a broken link: {banned.group(2)}")
            if banned and lie == "seal" and not re.search(r"^header #\d+: |^skeleton header", banned.group(2)):
                fails.append(f"seal: the ban's reason is not a header rule or the skeleton: {banned.group(2)}")
            if "lie:" not in out:
                fails.append(f"{lie}: the liar never lied; its output:\n" + out[-2000:])
            if lie == "parent":
                if len(re.findall(r"^peer: ", out, re.M)) != 1:
                    fails.append("parent: the banned liar was dialled again; liar:\n" + out[-2000:])
                a_id = re.match(r"enode://([0-9a-f]{128})@", a.enode).group(1)
                if not peers or [p["id"] for p in peers] != [a_id]:
                    fails.append(f"parent: admin_peers after the ban: {peers}, want A alone")
    finally:
        a.stop()
        a2.stop()
    for f in fails:
        print("FAIL:", f)
    if fails:
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
