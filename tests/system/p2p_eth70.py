#!/usr/bin/env python3
"""eth/70 between ethc nodes (--eth.versions; EIP-7975). Node A imports the
ethtest chain (600 blocks) and offers eth/68-70. Node B (`ethc init`, the same
genesis) offers eth/68-70 too and full-syncs from A: they must speak eth/70
(both logs, B's admin_peers) and B must end at headblock.json's hash. Node C,
with the default offer (eth/68-69), must speak eth/69 with A and sync its
headers. (The eth/70 receipt paging itself is checked by p2p_ethtest's
GetLargeReceipts.)
usage: p2p_eth70.py ETHC CHAIN_DIR WORKDIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p2p_sync import Ethc, init  # noqa: E402

ETH70 = ["--eth.versions", "68,69,70"]


def main(ethc, chain, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-eth70-", dir=workdir)
    head = json.load(open(os.path.join(chain, "headblock.json")))
    want = int(head["number"], 16)
    fails = []
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    a = Ethc(ethc, a_dir, a_dir + ".log", ETH70)
    nodes = [a]
    try:
        for name, extra, version, done in (("B", [*ETH70, "--syncmode", "full"], 70, r"full sync: done at #(\d+) (\S+),"),
                                           ("C", [], 69, r"header sync: done at #(\d+) (\S+),")):
            d = os.path.join(tmp, name)
            init(ethc, d, os.path.join(chain, "genesis.json"))
            n = Ethc(ethc, d, d + ".log", ["--trusted-peers", a.enode, *extra])
            nodes.append(n)
            m = n.wait_log(done, 60)
            if not m or (int(m.group(1)), m.group(2).rstrip(",")) != (want, head["hash"]):
                fails.append(f"{name}: no '{done}' at #{want} {head['hash']}; log:\n" + n.log()[-2000:])
                continue
            print(f"{name}: {m.group(0)}")
            spoke = r"peers: ethc/\S+ eth/%d " % version
            if not n.wait_log(spoke, 5) or not a.wait_log(spoke, 5):
                fails.append(f"{name} and A did not speak eth/{version}")
            peers = n.call("admin_peers").get("result") or []
            got = [p.get("protocols", {}).get("eth", {}).get("version") for p in peers]
            if got != [version]:
                fails.append(f"{name}'s admin_peers eth versions {got}, want [{version}]")
            n.stop()
    finally:
        for n in nodes:
            n.stop()
    for f in fails:
        print("FAIL:", f)
    if fails:
        print("kept for inspection:", tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
