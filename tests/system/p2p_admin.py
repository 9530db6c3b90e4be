#!/usr/bin/env python3
"""The admin peer-management RPC (go-ethereum's admin API; src/p2p/peers.c,
peer_set.c), against three `ethc node` processes on 127.0.0.1 made by
`ethc init` from the ethtest genesis, discovery off:
1. A admin_addPeer(B): both list each other; A's view says static, B's inbound.
2. admin_addPeer(B) again: still one connection. C (--maxpeers 1) dials A;
   A admin_addPeer(C) (and C's URL with ?discport=0) makes no second one.
3. Invalid URLs are -32000 "invalid enode: ..." naming the fault; the node
   keeps answering.
4. A admin_removePeer(B): gone on both sides (B logs "disconnect requested")
   and not redialled for 6 s (more than the 5 s redial delay).
5. B admin_addPeer(C) past C's --maxpeers 1: refused (too many peers); after
   C admin_addTrustedPeer(B) it connects, network.trusted on C's side;
   admin_removeTrustedPeer clears that.
6. A admin_addPeer(B) again: back. B killed and restarted on its port: A
   redials it (static).
usage: p2p_admin.py ETHC CHAIN_DIR WORKDIR"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

failures = passes = 0


def check(cond, what):
    global failures, passes
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if cond:
        passes += 1
    else:
        failures += 1
    return cond


class Node:
    """`ethc node` with p2p on TCP `port` (0: a free one), discovery off."""

    def __init__(self, ethc, datadir, name, port=0, extra=()):
        self.log_path = os.path.join(os.path.dirname(datadir), name + ".log")
        self.err = open(self.log_path, "a")
        self.proc = subprocess.Popen([ethc, "node", "--datadir", datadir, "--http.port", "0", "--http.api",
                                      "eth,net,admin", "--port", str(port), "--nodiscover", *extra],
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.enode = self.url = None
        for _ in range(6):  # the HTTP line, then the P2P one (ctest's timeout bounds a hang)
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("HTTP server started: "):
                self.url = line.split()[-1]
            m = re.search(r"self=(enode://\S+)", line)
            if m:
                self.enode = m.group(1)
                break
        if self.enode is None or self.url is None:
            self.stop()
            raise RuntimeError(f"{name} printed no enode; log:\n" + self.log()[-2000:])
        self.id = re.match(r"enode://([0-9a-f]{128})@", self.enode).group(1)
        self.port = int(re.search(r":(\d+)(\?|$)", self.enode).group(1))

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def peers(self, other=None):
        """admin_peers, or the entries for node `other` only."""
        ps = self.call("admin_peers").get("result") or []
        return [p for p in ps if other is None or p.get("id") == other.id]

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()
        self.err.close()


def wait_for(fn, timeout):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() >= deadline:
            return v
        time.sleep(0.1)


def net(node, other):
    """node's view of other: its admin_peers "network" object, or None."""
    ps = node.peers(other)
    return ps[0]["network"] if len(ps) == 1 else None


def main(ethc, chain, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-admin-", dir=workdir)
    nodes = {}
    started = time.time()
    try:
        for name in ("A", "B", "C"):
            subprocess.run([ethc, "init", "--datadir", os.path.join(tmp, name), os.path.join(chain, "genesis.json")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        a = nodes["A"] = Node(ethc, os.path.join(tmp, "A"), "A")
        b = nodes["B"] = Node(ethc, os.path.join(tmp, "B"), "B")
        c = nodes["C"] = Node(ethc, os.path.join(tmp, "C"), "C", extra=["--maxpeers", "1"])

        # 1. addPeer: a static peer on A's side, an inbound one on B's
        check(a.call("admin_addPeer", b.enode).get("result") is True, "A admin_addPeer(B) is true")
        nb = wait_for(lambda: net(a, b), 5)
        na = wait_for(lambda: net(b, a), 5)
        check(nb and nb.get("static") is True and nb.get("inbound") is False and nb.get("trusted") is False,
              f"A lists B: static, dialled, not trusted ({nb})")
        check(na and na.get("static") is False and na.get("inbound") is True and na.get("trusted") is False,
              f"B lists A: inbound, not static ({na})")
        check(na and "remoteAddress" in na, "admin_peers keeps network.remoteAddress")

        # 2. never two connections to one node
        check(a.call("admin_addPeer", b.enode).get("result") is True, "A admin_addPeer(B) again is true")
        check(c.call("admin_addPeer", a.enode).get("result") is True, "C admin_addPeer(A) is true")
        nc = wait_for(lambda: net(a, c), 5)
        check(nc and nc.get("inbound") is True, f"A lists C as inbound ({nc})")
        check(a.call("admin_addPeer", c.enode).get("result") is True, "A admin_addPeer(C), connected inbound: true")
        check(a.call("admin_addPeer", c.enode + "?discport=0").get("result") is True,
              "A admin_addPeer(C?discport=0) is true")
        time.sleep(1.5)
        check(len(a.peers(b)) == 1 and len(b.peers(a)) == 1, "A-B: one connection after a second admin_addPeer")
        check(len(a.peers(c)) == 1 and len(c.peers(a)) == 1 and net(a, c).get("inbound") is True,
              "A-C: one connection (A's dial to C, connected inbound, skipped)")

        # 3. invalid URLs: a clear error, the node keeps answering
        bad = {"enode://zz@1.2.3.4:1": "128 hex digits", b.enode + "?foo=1": "unknown query",
               b.enode + "?discport=x": "discport", "http://example.com": "not an enode",
               b.enode.rsplit(":", 1)[0] + ":0": "TCP port"}
        for url, want in bad.items():
            for method in ("admin_addPeer", "admin_removePeer", "admin_addTrustedPeer"):
                e = a.call(method, url).get("error") or {}
                check(e.get("code") == -32000 and e.get("message", "").startswith("invalid enode: ")
                      and want in e.get("message", ""), f"{method}({url[:40]}...): {e}")
        e = a.call("admin_addPeer").get("error") or {}
        check(e.get("code") == -32602, f"admin_addPeer without a URL: -32602 ({e})")
        e = a.call("admin_addPeer", a.enode).get("error") or {}
        check(e.get("code") == -32000 and "this node" in e.get("message", ""), f"admin_addPeer(self): {e}")
        check(a.call("admin_nodeInfo").get("result", {}).get("id") is not None, "A still answers")

        # 4. removePeer: gone on both sides, and not redialled
        check(a.call("admin_removePeer", b.enode).get("result") is True, "A admin_removePeer(B) is true")
        gone = wait_for(lambda: not a.peers(b) and not b.peers(a), 5)
        check(gone, "B is gone from A's admin_peers and A from B's")
        removed_at = time.time()
        check(wait_for(lambda: "closed (disconnect requested by peer" in b.log(), 3),
              "B logs the Disconnect reason: disconnect requested")
        check(a.call("admin_removePeer", b.enode).get("result") is True, "admin_removePeer of a node not connected: true")

        # 5. (while 4 waits) trusted: past --maxpeers
        check(b.call("admin_addPeer", c.enode).get("result") is True, "B admin_addPeer(C) is true")
        check(wait_for(lambda: "closed (too many peers by peer" in b.log(), 5),
              "C (--maxpeers 1, A connected) refuses B: too many peers")
        check(not c.peers(b), "C does not list B")
        check(c.call("admin_addTrustedPeer", b.enode).get("result") is True, "C admin_addTrustedPeer(B) is true")
        check(b.call("admin_removePeer", c.enode).get("result") is True and
              b.call("admin_addPeer", c.enode).get("result") is True, "B re-adds C (dialled at once)")
        nbc = wait_for(lambda: net(c, b), 5)
        check(nbc and nbc.get("trusted") is True and nbc.get("inbound") is True,
              f"C lists trusted B past --maxpeers 1 ({nbc})")
        check(len(c.peers()) == 2, f"C has 2 peers with --maxpeers 1 ({len(c.peers())})")
        check(c.call("admin_removeTrustedPeer", b.enode).get("result") is True, "C admin_removeTrustedPeer(B) is true")
        nbc = wait_for(lambda: (net(c, b) or {}).get("trusted") is False and net(c, b), 3)
        check(nbc and nbc.get("trusted") is False, f"C lists B, no longer trusted ({nbc})")

        time.sleep(max(0.0, removed_at + 6.0 - time.time()))
        check(not a.peers(b) and not b.peers(a), "6 s after admin_removePeer: B not redialled")

        # 6. addPeer again: back; B restarted: redialled
        check(a.call("admin_addPeer", b.enode).get("result") is True, "A admin_addPeer(B) once more is true")
        nb = wait_for(lambda: net(a, b), 5)
        check(nb and nb.get("static") is True, f"B is back in A's admin_peers ({nb})")
        port = b.port
        b.stop()
        nodes.pop("B")
        check(wait_for(lambda: not a.peers(b), 5), "B stopped: gone from A's admin_peers")
        b = nodes["B"] = Node(ethc, os.path.join(tmp, "B"), "B", port=port)
        check(b.port == port, f"B restarted on port {port}")
        nb = wait_for(lambda: net(a, b), 10)
        check(nb and nb.get("static") is True and nb.get("inbound") is False, f"A redialled the restarted B ({nb})")
        check(len(b.peers(a)) == 1, "the restarted B lists A once")
        print(f"p2p_admin: {time.time() - started:.1f} s")
    finally:
        for n in nodes.values():
            n.stop()
        if failures:
            for name in ("A", "B", "C"):
                p = os.path.join(tmp, name + ".log")
                if os.path.exists(p):
                    print(f"---- {name}'s log (tail) ----\n" + open(p).read()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"p2p_admin: {passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
