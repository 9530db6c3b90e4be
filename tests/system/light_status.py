#!/usr/bin/env python3
"""Light nodes of a built-in network over devp2p (issues 14/15): two
`ethc node --network sepolia --syncmode light --nodiscover` nodes, whose
databases hold no genesis block, send sepolia's Status (network id, genesis
hash from the built-in table, EIP-2124 fork id at the genesis) and accept each
other's: A and B (B with --trusted-peers A), and C speaking eth/68 only
(td = the genesis difficulty) joined by admin_addPeer, all list each other with
eth negotiated; a hoodi light node D is refused (another genesis). A's
admin_nodeInfo shows protocols.eth (network, genesis, config, head).
With node and tests/interop/ethereumjs/node_modules: @ethereumjs/devp2p at the
genesis of each of mainnet, sepolia, holesky and hoodi exchanges Status with an
ethc light node of that network (tests/interop/ethereumjs/status_ethc.mjs): both
sides accept the other's network id, genesis and fork id.
usage: light_status.py ETHC WORKDIR"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from p2p_sync import Ethc  # noqa: E402

SEPOLIA_GENESIS = "0x25a5cc106eea7138acab33231d7160d69cb777ee0c2c553fcddf5138993e6dd9"
NETWORKS = {  # network id, genesis hash (go-ethereum params/config.go)
    "mainnet": (1, "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"),
    "sepolia": (11155111, SEPOLIA_GENESIS),
    "holesky": (17000, "0xb5f7f912443c940f21fd611f12828d75b534364ed9e95ca4e307729a4661bde4"),
    "hoodi": (560048, "0xbbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b"),
}
EJS_DIR = os.path.abspath(os.path.join(HERE, "..", "interop", "ethereumjs"))
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + str(detail)[:800]), flush=True)
    if not cond:
        failures += 1


def node_id(enode):
    return enode[len("enode://"):].split("@")[0]


def peers_of(node):
    return {p["id"]: p for p in node.call("admin_peers").get("result", [])}


def wait_peers(node, ids, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        have = peers_of(node)
        if all(i in have for i in ids):
            return have
        time.sleep(0.2)
    return peers_of(node)


def main():
    ethc, work = sys.argv[1], os.path.join(sys.argv[2], "light_status")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    nodes = []
    try:
        run(ethc, work, nodes)
    finally:
        for n in nodes:
            n.stop()
    print(f"{'PASS' if failures == 0 else 'FAIL'}: {failures} failure(s)")
    if failures == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def cli_errors(ethc, work):
    """Bad combinations exit 2 and name the problem, leaving no database."""
    d = os.path.join(work, "bad")
    for args, want in ((["--network", "sepolia"], "need --light"),
                       (["--syncmode", "full", "--network", "sepolia"], "need --light"),
                       (["--syncmode", "light", "--network", "nowhere"], "not a built-in network"),
                       (["--syncmode", "light", "--network", "sepolia", "--readonly"], "cannot be combined")):
        r = subprocess.run([ethc, "node", "--datadir", d, "--nodiscover", "--port", "0", "--http.port", "0", *args],
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        check(r.returncode == 2 and want in r.stderr.splitlines()[0] and not os.path.exists(d),
              f"ethc node {' '.join(args)}: exit 2, \"{want}\"", (r.returncode, r.stderr))


def run(ethc, work, nodes):
    cli_errors(ethc, work)
    light = ["--network", "sepolia", "--syncmode", "light"]
    a = Ethc(ethc, os.path.join(work, "a"), os.path.join(work, "a.log"), light)
    nodes.append(a)
    info = a.call("admin_nodeInfo").get("result", {})
    eth = info.get("protocols", {}).get("eth", {})
    check(eth.get("network") == 11155111 and eth.get("genesis") == SEPOLIA_GENESIS, "nodeInfo protocols.eth: "
          "sepolia's network id and genesis", eth)
    check(eth.get("head") == SEPOLIA_GENESIS, "nodeInfo head: the genesis (nothing proven)", eth.get("head"))
    cfg = eth.get("config", {})
    check(cfg.get("chainId") == 11155111 and cfg.get("pragueTime") == 1741159776 and
          cfg.get("terminalTotalDifficulty") == 17000000000000000, "nodeInfo config", cfg)
    check(info.get("enr", "").startswith("enr:") and info.get("discovery", {}).get("seq", 0) >= 1, "nodeInfo enr")

    b = Ethc(ethc, os.path.join(work, "b"), os.path.join(work, "b.log"), light + ["--trusted-peers", a.enode])
    nodes.append(b)
    c = Ethc(ethc, os.path.join(work, "c"), os.path.join(work, "c.log"), light + ["--eth.versions", "68"])
    nodes.append(c)
    check(c.call("admin_addPeer", a.enode).get("result") is True, "admin_addPeer")
    ida, idb, idc = node_id(a.enode), node_id(b.enode), node_id(c.enode)
    pa = wait_peers(a, [idb, idc])
    pb, pc = wait_peers(b, [ida]), wait_peers(c, [ida])
    for who, peers, other, want in (("A", pa, idb, 69), ("A", pa, idc, 68), ("B", pb, ida, 69), ("C", pc, ida, 68)):
        v = peers.get(other, {}).get("protocols", {}).get("eth", {})
        check(v.get("version") == want and v.get("head") == SEPOLIA_GENESIS,
              f"{who} lists its peer with eth/{want} and the genesis as head", peers)

    d = Ethc(ethc, os.path.join(work, "d"), os.path.join(work, "d.log"),
             ["--network", "hoodi", "--syncmode", "light"])
    nodes.append(d)
    check(d.call("admin_addPeer", a.enode).get("result") is True, "hoodi admin_addPeer")
    refused = d.wait_log(r"peers: .*(genesis mismatch|network id mismatch)", 10) or \
        a.wait_log(r"peers: .*(genesis mismatch|network id mismatch)", 5)
    check(refused is not None, "a hoodi node is refused (network id / genesis)", d.log()[-600:])
    check(node_id(d.enode) not in peers_of(a) and not peers_of(d), "no peering across networks")

    if not shutil.which("node") or not os.path.isdir(os.path.join(EJS_DIR, "node_modules", "@ethereumjs")):
        print("SKIPPED (ethereumjs part): node or tests/interop/ethereumjs/node_modules missing (npm ci there)")
        return
    for net, (nid, genesis) in NETWORKS.items():
        n = a if net == "sepolia" else Ethc(ethc, os.path.join(work, net), os.path.join(work, net + ".log"),
                                            ["--network", net, "--syncmode", "light"])
        if n is not a:
            nodes.append(n)
        out = subprocess.run(["node", os.path.join(EJS_DIR, "status_ethc.mjs"), n.enode, net, genesis],
                             capture_output=True, text=True, timeout=40).stdout
        check(f"status: network={nid} genesis={genesis}" in out and "still connected" in out,
              f"ethereumjs ({net}) accepts ethc's Status", out)
        check(n.wait_log(r"peers: ethereumjs-devp2p/status_ethc eth/68", 5) is not None,
              f"ethc ({net}) accepts ethereumjs's Status", n.log()[-400:])


if __name__ == "__main__":
    sys.exit(main())
