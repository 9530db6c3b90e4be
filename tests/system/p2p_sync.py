#!/usr/bin/env python3
"""The peer manager and the light header sync (src/p2p/peers.c, sync.c):
1. ethc to ethc: node A holds the imported ethtest chain (600 blocks); node B,
   made by `ethc init` from its genesis, dials A (--trusted-peers) and must
   sync all 600 headers: its DATADIR/headsync names #600 with headblock.json's
   hash. Restarted, B resumes from #600 and imports nothing more; admin_peers
   lists A; eth_blockNumber and eth_getHeaderByNumber answer from the synced
   headers, eth_getBlockByNumber of a header without its body says so. With --sync.target (block 300's hash) a node stops at #300.
2. A node on another genesis dials A: the Status handshake fails and the
   connection ends with Disconnect (subprotocol error); nothing is synced.
3. ethc from @ethereumjs/client 0.10.5 serving the same chain (as p2p_hello.py
   starts it): all 600 headers again; then, --syncmode full, all 600 blocks
   executed to headblock.json's hash and headstate.json's root and balances. Skipped (77) when node or the package is
   missing; parts 1 and 2 then still run first.
Prints the headers/s the node logs.
usage: p2p_sync.py ETHC CHAIN_DIR WORKDIR"""
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ethereumjs_peer import EthereumjsPeer, missing  # noqa: E402


class Ethc:
    """`ethc node` with p2p on a free TCP port, discovery off (on with discover=True)."""

    def __init__(self, ethc, datadir, log_path, extra=(), discover=False):
        self.log_path = log_path
        self.err = open(log_path, "w")
        self.proc = subprocess.Popen([ethc, "node", "--datadir", datadir, "--http.port", "0", "--http.api", "eth,net,web3,admin", "--port", "0",
                                      *([] if discover else ["--nodiscover"]), *extra],
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.enode = self.url = None
        for _ in range(4):  # the HTTP line, then the P2P one (ctest's timeout bounds a hang)
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("HTTP server started: "):
                self.url = line.split()[-1]
            m = re.search(r"self=(enode://\S+)", line)
            if m:
                self.enode = m.group(1)
                break
        if self.enode is None:
            self.stop()
            raise RuntimeError("ethc node printed no enode; log:\n" + self.log())

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(pattern, self.log())
            if m:
                return m
            if self.proc.poll() is not None:
                return None
            time.sleep(0.2)
        return None

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.err.close()
        return self.proc.returncode


def init(ethc, datadir, genesis):
    subprocess.run([ethc, "init", "--datadir", datadir, genesis], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def headsync(datadir):
    try:
        with open(os.path.join(datadir, "headsync")) as f:
            n, h = f.read().split()
            return int(n), h
    except OSError:
        return None


DONE = r"header sync: done at #(\d+) (0x[0-9a-f]{64}), (\d+) headers in ([0-9.]+) s \((\d+) headers/s\)"


def sync_from(ethc, tmp, name, enode, want, fails, extra=()):
    """A fresh node syncs from enode; returns its datadir."""
    d = os.path.join(tmp, name)
    init(ethc, d, os.path.join(chain, "genesis.json"))
    b = Ethc(ethc, d, d + ".log", ["--trusted-peers", enode, *extra])
    try:
        m = b.wait_log(DONE, 120)
    finally:
        b.stop()
    if not m:
        fails.append(f"{name}: no 'header sync: done'; log:\n" + b.log()[-3000:])
        return d
    print(f"{name}: synced {m.group(3)} headers in {m.group(4)} s ({m.group(5)} headers/s)")
    print("".join(l + "\n" for l in b.log().splitlines() if "peers:" in l or "header sync:" in l), end="")
    if (int(m.group(1)), m.group(2)) != want:
        fails.append(f"{name}: done at #{m.group(1)} {m.group(2)}, want #{want[0]} {want[1]}")
    if headsync(d) != want:
        fails.append(f"{name}: headsync holds {headsync(d)}, want {want}")
    return d


def ethereumjs(ethc, tmp, want, fails):
    reason = missing()
    if reason:
        print("SKIPPED (ethereumjs part):", reason)
        return 77
    with EthereumjsPeer(chain, os.path.join(tmp, "ejs")) as peer:
        enode = peer.wait_enode()
        if not enode:
            fails.append("ethereumjs printed no enode; its log:\n" + peer.log()[-3000:])
            return 1
        print("ethereumjs:", enode)
        sync_from(ethc, tmp, "from-ethereumjs", enode, want, fails)
        # --syncmode full from the same node: all 600 blocks executed (p2p_fullsync.py)
        from p2p_fullsync import full_sync
        head = json.load(open(os.path.join(chain, "headblock.json")))
        state = json.load(open(os.path.join(chain, "headstate.json")))
        full_sync(ethc, chain, tmp, "full-from-ethereumjs", enode, head, state, fails)
    return 0


def main(ethc, workdir):
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-sync-", dir=workdir)
    with open(os.path.join(chain, "headblock.json")) as f:
        head = json.load(f)
    want = (int(head["number"], 16), head["hash"])
    fails = []
    # 1. ethc to ethc
    a_dir = os.path.join(tmp, "A")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    try:
        b_dir = sync_from(ethc, tmp, "B", a.enode, want, fails)
        # --sync.target: up to that block only
        h300 = a.call("eth_getBlockByNumber", "0x12c", False)["result"]["hash"]
        sync_from(ethc, tmp, "B-target", a.enode, (300, h300), fails, ["--sync.target", h300])
        # a restart resumes from what is stored
        b = Ethc(ethc, b_dir, b_dir + ".2.log", ["--trusted-peers", a.enode])
        ok = b.wait_log(r"peers: ethc/\S+ eth/69", 20)
        time.sleep(1)
        peers = b.call("admin_peers").get("result")
        a_id = re.match(r"enode://([0-9a-f]{128})@", a.enode).group(1)
        if not peers or len(peers) != 1 or peers[0]["id"] != a_id or peers[0]["protocols"]["eth"]["version"] != 69:
            fails.append(f"B's admin_peers: {peers}, want A ({a_id[:16]}...) on eth/69")
        if b.call("net_peerCount").get("result") != "0x1":
            fails.append("B's net_peerCount is not 0x1")
        # light mode: RPC reads answer from the synced headers (stored above the canonical head)
        if b.call("eth_blockNumber").get("result") != hex(want[0]):
            fails.append(f"B's eth_blockNumber: {b.call('eth_blockNumber')}, want {hex(want[0])}")
        for tag, h in (("0x12c", h300), ("latest", want[1])):
            got = (b.call("eth_getHeaderByNumber", tag).get("result") or {}).get("hash")
            if got != h:
                fails.append(f"B's eth_getHeaderByNumber({tag}) hash {got}, want {h}")
        # a header alone: its body is fetched from the peer A and checked (node_peer_source.h)
        got, want_b = b.call("eth_getBlockByNumber", "0x12c", False), a.call("eth_getBlockByNumber", "0x12c", False)
        if "result" not in got or got.get("result") != want_b.get("result"):
            fails.append(f"B's eth_getBlockByNumber(0x12c) on a header alone: {got}, want A's (the body from A)")
        if b.call("eth_syncing").get("result") is not False:
            fails.append(f"B's eth_syncing after the sync: {b.call('eth_syncing')}, want false")
        info = a.call("admin_nodeInfo").get("result", {})
        if str(info.get("ports", {}).get("listener")) != a.enode.rsplit(":", 1)[1]:
            fails.append(f"A's admin_nodeInfo ports {info.get('ports')} do not match its enode {a.enode}")
        b.stop()
        log = b.log()
        if not ok or "header sync: starting from #%d" % want[0] not in log or "header sync: stored" in log:
            fails.append("B after a restart: did not resume from #%d; log:\n%s" % (want[0], log[-2000:]))
        # 2. another genesis: the Status handshake fails
        g = json.load(open(os.path.join(chain, "genesis.json")))
        g["extraData"] = "0x0badc0de"
        other = os.path.join(tmp, "other-genesis.json")
        json.dump(g, open(other, "w"))
        c_dir = os.path.join(tmp, "C")
        init(ethc, c_dir, other)
        c = Ethc(ethc, c_dir, c_dir + ".log", ["--trusted-peers", a.enode])
        closed = c.wait_log(r"peers: closed \(subprotocol error by (us|peer)", 20)
        c.stop()
        if not closed:
            fails.append("another genesis: no subprotocol-error Disconnect; log:\n" + c.log()[-2000:])
        if headsync(c_dir) is not None:
            fails.append("another genesis: headers were synced")
    finally:
        a.stop()
    print("A (serving) log:\n" + "\n".join(a.log().splitlines()[-12:]))
    # 3. from @ethereumjs/client
    rc = ethereumjs(ethc, tmp, want, fails)
    for f in fails:
        print("FAIL:", f)
    if fails:
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    chain = sys.argv[2]
    sys.exit(main(sys.argv[1], sys.argv[3]))
