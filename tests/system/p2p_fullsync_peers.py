#!/usr/bin/env python3
"""The full sync's bodies from several peers (src/p2p/sync_full.c): node A
holds the imported ethtest chain (600 blocks to Prague); p2p_liar (test-only,
tests/system/p2p_liar.c) serves a copy of it with honest headers but swaps two
bodies in every BlockBodies answer. A fresh node with both as --trusted-peers,
--syncmode full and --sync.target the head's hash must:
- ask both peers for bodies (its debug log names each GetBlockBodies batch and
  the peer asked; the liar prints each GetBlockBodies it gets),
- ban the liar for bodies that do not match their headers (its log's
  "peers: banned ID (ethc-test/p2p_liar) ...: block bodies that do not
  match their headers"),
- still execute all 600 blocks to headblock.json's hash and state root.
usage: p2p_fullsync_peers.py ETHC P2P_LIAR CHAIN_DIR WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p2p_fullsync import DONE, check_state  # noqa: E402
from p2p_liar import start_liar, stop_liar  # noqa: E402
from p2p_sync import Ethc, init  # noqa: E402

ASKED = r"full sync: asked ([0-9a-f]{16}) \((.*?)\) for the bodies of #(\d+)\.\.#(\d+)"


def main(ethc, liar, chain, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-fullpeers-", dir=workdir)
    with open(os.path.join(chain, "headblock.json")) as f:
        head = json.load(f)
    with open(os.path.join(chain, "headstate.json")) as f:
        state = json.load(f)
    with open(os.path.join(chain, "genesis.json")) as f:
        network = json.load(f)["config"]["chainId"]
    fails = []
    a_dir, l_dir = os.path.join(tmp, "A"), os.path.join(tmp, "L")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.copytree(a_dir, l_dir)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    proc, l_enode = start_liar(liar, l_dir, network, "swap", os.path.join(tmp, "liar.err"))
    try:
        d = os.path.join(tmp, "B")
        init(ethc, d, os.path.join(chain, "genesis.json"))
        b = Ethc(ethc, d, d + ".log", ["--trusted-peers", f"{a.enode},{l_enode}", "--syncmode", "full",
                                       "--sync.target", head["hash"], "--verbosity", "4"])
        try:
            m = b.wait_log(DONE, 60)
            if m:
                check_state("B", b, head, state, fails)
        finally:
            b.stop()
        log = b.log()
    finally:
        a.stop()
        out = stop_liar(proc)
    if not m:
        fails.append("no 'full sync: done'; log:\n" + log[-3000:])
    elif m.group(2) != head["hash"]:
        fails.append(f"done at {m.group(2)}, want {head['hash']}")
    asked = re.findall(ASKED, log)
    clients = {c for _, c, _, _ in asked}
    print(f"{len(asked)} GetBlockBodies sent, to: {sorted(clients)}")
    if not any(c.startswith("ethc-test/p2p_liar") for c in clients) or len(clients) < 2:
        fails.append(f"the bodies were not asked from both peers: {sorted(clients)}; log:\n" + log[-3000:])
    if "request: GetBlockBodies" not in out:
        fails.append("the liar got no GetBlockBodies; its output:\n" + out[-2000:])
    if "lie: bodies" not in out:
        fails.append("the liar told no lie; its output:\n" + out[-2000:])
    if not re.search(r"peers: banned [0-9a-f]{16} \(ethc-test/p2p_liar\).*bodies that do not match", log):
        fails.append("the liar was not banned for its bodies; log:\n" + log[-3000:])
    for line in log.splitlines():
        if "banned" in line or "full sync: done" in line:
            print(line)
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
    sys.exit(main(*sys.argv[1:5]))
