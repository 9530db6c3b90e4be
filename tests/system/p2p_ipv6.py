#!/usr/bin/env python3
"""devp2p over IPv6 (issue 14) on ::1: node A holds the imported ethtest chain
(600 blocks) and announces ::1 (--nat extip:::1); node B, made by `ethc init`
from its genesis, gets only A's IPv6 enode as its bootnode
(--bootnodes enode://A@[::1]:PORT). B must find A through discv4 over IPv6,
dial it, and sync all 600 headers from it. Checked: A's admin_nodeInfo
(enode with [::1], ip "::1", listenAddr "[::]:PORT", a record with ip6,
tcp6, udp6 and no ip), B's discovery table (A at ::1), both nodes'
admin_peers (the other at [::1]:PORT), the synced head against
headblock.json, that A's dual-stack sockets still take IPv4 (a third
node dials A at 127.0.0.1), and admin_addPeer with A's IPv6 enode (a fourth
node; a malformed URL is -32000 "invalid enode"). Skipped (77) when ::1
cannot be bound here.
usage: p2p_ipv6.py ETHC CHAIN_DIR WORKDIR"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from p2p_disc import enr_from_text  # noqa: E402
from p2p_sync import DONE, Ethc, headsync, init  # noqa: E402

API = ["--http.api", "eth,net,web3,admin,debug"]


def have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def result(node, method, *params):
    r = node.call(method, *params)
    if "result" not in r:
        raise RuntimeError(f"{method}: {r}")
    return r["result"]


def wait(fn, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.3)
    return None


def main(ethc, chain, workdir):
    if not have_ipv6_loopback():
        print("SKIPPED: ::1 cannot be bound on this machine (no IPv6 loopback)")
        return 77
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-ipv6-", dir=workdir)
    head = json.load(open(os.path.join(chain, "headblock.json")))
    want = (int(head["number"], 16), head["hash"])
    fails = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            fails.append(what)
        return cond

    a_dir, b_dir, c_dir, d_dir = (os.path.join(tmp, n) for n in "ABCD")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    init(ethc, b_dir, os.path.join(chain, "genesis.json"))
    init(ethc, c_dir, os.path.join(chain, "genesis.json"))
    init(ethc, d_dir, os.path.join(chain, "genesis.json"))
    t0 = time.time()
    a = Ethc(ethc, a_dir, a_dir + ".log", [*API, "--nat", "extip:::1"], discover=True)
    b = c = d = None
    try:
        # A's identity: an IPv6 enode and record
        ia = result(a, "admin_nodeInfo")
        port = ia["ports"]["listener"]
        # discovery binds its UDP port first and TCP takes the same number when
        # it is free; another process may hold it, and then the enode names
        # the UDP port with ?discport=
        disc = ia["ports"]["discovery"]
        tail = "@[::1]:%d" % port + ("" if disc == port else "?discport=%d" % disc)
        check(a.enode == ia["enode"] and a.enode.endswith(tail),
              f"A's enode is enode://ID@[::1]:PORT[?discport=UDP] ({ia['enode'][-40:]})")
        check(ia["ip"] == "::1" and ia["listenAddr"] == "[::]:%d" % port,
              f"A's admin_nodeInfo ip {ia['ip']!r}, listenAddr {ia['listenAddr']!r}")
        rec = enr_from_text(ia["enr"])
        check(rec.get("ip6") == socket.inet_pton(socket.AF_INET6, "::1") and "ip" not in rec and
              int.from_bytes(rec.get("tcp6", b""), "big") == port and
              int.from_bytes(rec.get("udp6", b""), "big") == disc,
              "A's record: ip6 ::1, tcp6 and udp6 its ports, no ip (signature verified)")

        # B knows A only by its IPv6 enode, as a bootnode (not a trusted peer)
        b = Ethc(ethc, b_dir, b_dir + ".log", [*API, "--bootnodes", a.enode], discover=True)
        a_id = re.match(r"enode://([0-9a-f]{128})@", a.enode).group(1)
        table = wait(lambda: [n for n in result(b, "debug_p2pTable") if n["id"] == result(a, "admin_nodeInfo")["id"]],
                     30)
        check(bool(table) and table[0]["ip"] == "::1" and table[0]["udp"] == disc and table[0]["tcp"] == port,
              f"B's discovery table has A at ::1 (discv4 over IPv6): {table}")
        m = b.wait_log(DONE, 120)
        if check(m is not None, "B synced headers from A: " + (m.group(0) if m else "no 'header sync: done'")):
            check((int(m.group(1)), m.group(2)) == want and headsync(b_dir) == want,
                  f"B's head #{m.group(1)} is headblock.json's #{want[0]}")
            print(f"B: {m.group(3)} headers in {m.group(4)} s ({m.group(5)} headers/s), "
                  f"{time.time() - t0:.1f} s after A started")
        peers = wait(lambda: [p for p in result(b, "admin_peers") if p["id"] == a_id], 10) or []
        check(len(peers) == 1 and re.fullmatch(r"\[::1\]:\d+", peers[0]["network"]["remoteAddress"]) is not None and
              peers[0]["network"]["trusted"] is False,
              f"B's admin_peers: A at an IPv6 remoteAddress, not trusted: {[p['network'] for p in peers]}")
        b_id = re.match(r"enode://([0-9a-f]{128})@", b.enode).group(1)
        ap = wait(lambda: [p for p in result(a, "admin_peers") if p["id"] == b_id], 10) or []
        check(len(ap) == 1 and ap[0]["network"]["remoteAddress"].startswith("[::1]:"),
              f"A's admin_peers: B at [::1] ({[p['network'] for p in ap]})")

        # the dual-stack sockets still take IPv4: C dials A at 127.0.0.1
        v4 = re.sub(r"@\[::1\]:", "@127.0.0.1:", a.enode)
        c = Ethc(ethc, c_dir, c_dir + ".log", [*API, "--trusted-peers", v4])
        ok = c.wait_log(r"peers: ethc/\S+ eth/\d+", 30)
        cp = [p for p in result(c, "admin_peers") if p["id"] == a_id] if ok else []
        check(len(cp) == 1 and cp[0]["network"]["remoteAddress"] == "127.0.0.1:%d" % port,
              f"C dialled A's dual-stack listener over IPv4: {[p['network'] for p in cp]}")
        c_id = re.match(r"enode://([0-9a-f]{128})@", c.enode).group(1)
        ac = wait(lambda: [p for p in result(a, "admin_peers") if p["id"] == c_id], 10) or []
        check(len(ac) == 1 and re.fullmatch(r"127\.0\.0\.1:\d+", ac[0]["network"]["remoteAddress"]) is not None,
              f"A sees C as IPv4 127.0.0.1, not ::ffff:127.0.0.1 ({[p['network'] for p in ac]})")

        # admin_addPeer with the IPv6 enode: D (no discovery, no trusted peers) dials A
        d = Ethc(ethc, d_dir, d_dir + ".log", API)
        bad = d.call("admin_addPeer", "enode://%s@::1:%d" % (a_id, port)).get("error") or {}
        check(bad.get("code") == -32000 and bad.get("message", "").startswith("invalid enode: "),
              f"admin_addPeer of an unbracketed IPv6 host: {bad}")
        check(d.call("admin_addPeer", a.enode).get("result") is True, "admin_addPeer(enode://A@[::1]:PORT) is true")
        dp = wait(lambda: [p for p in result(d, "admin_peers") if p["id"] == a_id], 20) or []
        check(len(dp) == 1 and dp[0]["network"]["remoteAddress"] == "[::1]:%d" % port and
              dp[0]["network"]["inbound"] is False,
              f"D's admin_peers: A dialled at [::1]:{port} ({[p['network'] for p in dp]})")
    finally:
        for n in (d, c, b, a):
            if n:
                n.stop()
    if fails:
        for n, name in ((a, "A"), (b, "B"), (c, "C"), (d, "D")):
            if n:
                print(f"---- {name}'s log (tail) ----\n" + "\n".join(n.log().splitlines()[-25:]))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:4]))
