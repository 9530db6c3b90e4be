#!/usr/bin/env python3
"""@ethereumjs/client syncs the chain from ethc (issue 14, "the other way round").
An ethc node imports ../shared/chains/ethtest (600 blocks to Prague) and serves
it over devp2p with discovery on. A second @ethereumjs/client 0.10.5 (npm,
tests/interop/ethereumjs), from an empty datadir, with --bootnodes set to ethc's
enode and its engine API on (--rpcEngine --rpcEngineAuth false), is handed the
head as a consensus client would: engine_newPayloadV4 (the last entry of
newpayload.json), then engine_forkchoiceUpdatedV3 (headfcu.json). Its beacon
sync must then download all 600 blocks from ethc, its only peer: every block
hash it reports (eth_getBlockByNumber 1..600) equals ethc's, #600 is
headblock.json's. ethc's side (--verbosity 4) shows what ethereumjs asked and
that ethc answered it (reverse GetBlockHeaders by number, GetBlockBodies).

ethereumjs runs with tests/interop/ethereumjs/sync_preload.mjs, which changes
two behaviours of its own that otherwise stop it syncing this 1970-dated chain
or make it fail at random whatever the peer serves (see that file), and with
--execution false: the download is what is tested, and executing the blocks
would double its time on a busy machine.
Skipped (77) when node or the npm package is missing. Prints the sync time.
usage: p2p_engine_sync.py ETHC CHAIN_DIR WORKDIR"""
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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ethereumjs_peer import CLI, EJS_DIR, EthereumjsPeer, free_port, missing  # noqa: E402

PRELOAD = os.path.join(EJS_DIR, "sync_preload.mjs")
SYNC_TIMEOUT = 120  # seconds from forkchoiceUpdated to #600 (about 15-40 s on 2 busy cores)


def call(url, body, timeout=30):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def rpc(url, method, *params):
    return call(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})


class Ethc:
    """`ethc node` serving DATADIR over devp2p on a free port, discovery on."""

    def __init__(self, ethc, datadir, log_path):
        self.log_path = log_path
        self.err = open(log_path, "w")
        self.proc = subprocess.Popen([ethc, "node", "--datadir", datadir, "--http.port", "0", "--http.api",
                                      "eth,net,admin", "--port", "0", "--verbosity", "4"],
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

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.err.close()


class SyncingEthereumjs(EthereumjsPeer):
    """ethereumjs from an empty DATA_DIR, dialling BOOTNODE, with JSON-RPC on
    self.rpc_url and the unauthenticated engine API on self.engine_url."""

    def __init__(self, chain_dir, data_dir, bootnode):
        self.port = free_port()
        self.log_path = data_dir + ".log"
        self._log = open(self.log_path, "w")
        rpc_port, engine_port = free_port(), free_port()
        self.rpc_url = f"http://127.0.0.1:{rpc_port}"
        self.engine_url = f"http://127.0.0.1:{engine_port}"
        args = ["node", "--import", PRELOAD, CLI, "--gethGenesis", os.path.join(chain_dir, "genesis.json"),
                "--isSingleNode", "true", "--discDns", "false", "--discV4", "false", "--dataDir", data_dir,
                "--port", str(self.port), "--extIP", "127.0.0.1", "--bootnodes", bootnode,
                "--rpc", "--rpcPort", str(rpc_port), "--rpcEngine", "--rpcEnginePort", str(engine_port),
                "--rpcEngineAuth", "false", "--execution", "false", "--logLevel", "debug"]
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self):
        """SIGINT (it ignores SIGTERM); its datadir is thrown away, so after 3 s
        (a clean exit waits out its 8 s sync interval) SIGKILL, by PID."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def wait_rpc(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline and self.proc.poll() is None:
            try:
                rpc(self.engine_url, "eth_blockNumber")
                rpc(self.rpc_url, "eth_blockNumber")
                return True
            except OSError:
                time.sleep(0.3)
        return False


def wait_for(what, timeout, interval=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = what()
        if v:
            return v
        time.sleep(interval)
    return None


def served(log, code):
    """How many eth requests of `code` ethereumjs asked ethc and ethc answered."""
    return len(re.findall(r"peers: EthereumJS/\S+ asked eth 0x%02x \(\d+ bytes\): answered" % code, log))


def main(ethc_bin, chain, workdir):
    reason = missing()
    if reason:
        print("SKIPPED:", reason)
        return 77
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-engine-sync-", dir=workdir)
    head = json.load(open(os.path.join(chain, "headblock.json")))
    payload = json.load(open(os.path.join(chain, "newpayload.json")))[-1]
    fcu = json.load(open(os.path.join(chain, "headfcu.json")))
    want_n = int(head["number"], 16)
    fails = []
    t0 = time.time()
    a_dir = os.path.join(tmp, "ethc")
    subprocess.run([ethc_bin, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir",
                    a_dir, os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    a = Ethc(ethc_bin, a_dir, a_dir + ".log")
    # ethereumjs pings a bootnode's UDP port at the enode's TCP port before it
    # dials it, so ethc must listen on one number for both: with --port 0 it
    # takes another TCP port when that number's TCP side is in use (then its
    # enode says ?discport=UDP); start it again until the two agree
    for _ in range(5):
        if not a.enode or "?discport=" not in a.enode:
            break
        a.stop()
        a = Ethc(ethc_bin, a_dir, a_dir + ".log")
    ejs = None
    try:
        if not a.enode or not a.url:
            fails.append("ethc printed no enode; log:\n" + a.log()[-3000:])
            return finish(fails, tmp, a, ejs)
        print("ethc:", a.enode)
        ejs = SyncingEthereumjs(chain, os.path.join(tmp, "ejs"), a.enode)
        if not ejs.wait_rpc():
            fails.append("ethereumjs' RPC did not come up; its log:\n" + ejs.log()[-3000:])
            return finish(fails, tmp, a, ejs)
        # it found ethc from --bootnodes (discv4 ping/pong, then RLPx) and peered over eth/68
        peered = wait_for(lambda: re.search(r"peers: (EthereumJS/\S+) eth/(\d+)", a.log()), 30)
        if not peered:
            fails.append("ethereumjs did not peer with ethc from --bootnodes")
            return finish(fails, tmp, a, ejs)
        print(f"peered: {peered.group(1)} eth/{peered.group(2)} ({time.time() - t0:.1f} s after start)")
        if rpc(ejs.rpc_url, "eth_blockNumber").get("result") != "0x0":
            fails.append("ethereumjs does not start from the genesis")
        # the consensus client's part: the head payload, then the forkchoice
        r = call(ejs.engine_url, payload, timeout=60)
        status = (r.get("result") or {}).get("status")
        if payload["method"] != "engine_newPayloadV4" or status not in ("ACCEPTED", "SYNCING"):
            fails.append(f"{payload['method']}: {r}, want ACCEPTED or SYNCING")
        t1 = time.time()
        r = call(ejs.engine_url, fcu, timeout=60)
        status = ((r.get("result") or {}).get("payloadStatus") or {}).get("status")
        if status not in ("SYNCING", "VALID"):
            fails.append(f"engine_forkchoiceUpdatedV3: {r}, want SYNCING")
        reached = wait_for(lambda: rpc(ejs.rpc_url, "eth_blockNumber").get("result") == hex(want_n), SYNC_TIMEOUT, 1)
        took = time.time() - t1
        if not reached:
            fails.append(f"ethereumjs is at {rpc(ejs.rpc_url, 'eth_blockNumber').get('result')} after "
                         f"{SYNC_TIMEOUT} s, want {hex(want_n)}")
        else:
            print(f"ethereumjs synced {want_n} blocks from ethc in {took:.1f} s after forkchoiceUpdated "
                  f"({time.time() - t0:.1f} s in all)")
            batch = [{"jsonrpc": "2.0", "id": n, "method": "eth_getBlockByNumber", "params": [hex(n), False]}
                     for n in range(1, want_n + 1)]
            theirs = {x["id"]: (x.get("result") or {}).get("hash") for x in call(ejs.rpc_url, batch, 60)}
            ours = {x["id"]: (x.get("result") or {}).get("hash") for x in call(a.url, batch, 60)}
            wrong = [n for n in range(1, want_n + 1) if theirs.get(n) is None or theirs.get(n) != ours.get(n)]
            if wrong:
                fails.append(f"{len(wrong)} block hashes differ from ethc's, first #{wrong[0]}: "
                             f"{theirs.get(wrong[0])} vs {ours.get(wrong[0])}")
            if theirs.get(want_n) != head["hash"]:
                fails.append(f"ethereumjs' #{want_n} is {theirs.get(want_n)}, want headblock.json's {head['hash']}")
        log = a.log()
        heads, bodies = served(log, 0x03), served(log, 0x05)
        print(f"ethc answered ethereumjs {heads} GetBlockHeaders and {bodies} GetBlockBodies")
        if bodies * 128 < want_n:  # ethereumjs asks for at most 128 bodies at a time
            fails.append(f"ethc answered only {bodies} GetBlockBodies: the blocks did not come from ethc")
        if "not answered" in log:
            fails.append("ethc left requests unanswered:\n" + "\n".join(
                l for l in log.splitlines() if "not answered" in l)[:2000])
        ejs_log = ejs.log()
        for bad in ("don't extend canonical subchain", "Peer banned"):
            if bad in ejs_log:
                fails.append(f"ethereumjs' log says '{bad}'")
    finally:
        if ejs:
            ejs.stop()
        a.stop()
    return finish(fails, tmp, a, ejs)


def finish(fails, tmp, a, ejs):
    for f in fails:
        print("FAIL:", f)
    if fails:
        for name, p in (("ethc", a), ("ethereumjs", ejs)):
            if p:
                lines = [l for l in p.log().splitlines() if "discv4" not in l]
                print(f"{name} log tail:\n" + "\n".join(lines[-25:]))
        print("kept for inspection:", tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
