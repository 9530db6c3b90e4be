#!/usr/bin/env python3
"""`ethc node --light` against a mock beacon node (beacon_mock.py) serving real
mainnet light-client data (DATA = $ETHC_SHARED/light-client/mainnet/deneb: a
bootstrap at slot 10248000, the updates of periods 1250-1251, a finality and an
optimistic update), replayed with --at just after the optimistic update. No
execution source serves these blocks' headers, so the node proves the blocks'
numbers and hashes and answers reads of them with "header not available".

- first the mock serves, as the optimistic update, the finality update's attested
  header and signature (a valid optimistic update): the node proves it
  (eth_blockNumber is its execution block number, /ready turns true, eth_syncing
  false, a log line names the proven slot and block), `finalized` and `latest`
  name the proven blocks in a -32000 "header not available" error;
- then the recorded optimistic update with one bit of the aggregate signature
  flipped, and then with one byte of its execution header flipped: each is
  refused with a log line naming the check, and eth_blockNumber does not move;
- then the recorded optimistic update untampered: the head moves to its block;
- an execution source (--execution-rpc) answering with another block's header,
  then with none: refused with the reason named, the header never served;
- the beacon node answers SSZ (Accept: application/octet-stream) throughout;
  `ethc beacon sync --ssz` reaches the same heads over SSZ, over JSON from a server
  without SSZ, and as plain JSON;
- a restart without --checkpoint, the mock refusing bootstraps, resumes from the
  store saved in the data directory and proves the same head;
- a checkpoint 30 days old is refused (exit 1, the message names the weak
  subjectivity period and --allow-stale-checkpoint), then accepted with it;
- --light without --consensus-rpc is bad usage (exit 2).
Prints the time from start to the first proven head and the node's RSS.
usage: light_node.py ETHC DATA_DIR WORKDIR"""
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from beacon_mock import BeaconMock, tamper  # noqa: E402
from rpc_node import wait_url  # noqa: E402

MAINNET_GENESIS_TIME = 1606824023
SECONDS_PER_SLOT = 12

failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + str(detail)), flush=True)
    if not cond:
        failures += 1


class LightNode:
    def __init__(self, ethc, datadir, args, name):
        self.log_path = datadir.rstrip("/") + "-" + name + ".log"
        self.stderr = open(self.log_path, "w")
        self.t0 = time.time()
        self.proc = subprocess.Popen([ethc, "node", "--light", "--datadir", datadir, "--http.port", "0",
                                      "--light.poll", "0.2", *args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.url = wait_url(self.proc)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def ready(self):
        try:
            with urllib.request.urlopen(self.url + "/ready", timeout=5) as r:
                return r.status == 200 and json.loads(r.read()).get("ready") is True
        except urllib.error.HTTPError:
            return False

    def wait(self, cond, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if cond():
                return True
            time.sleep(0.05)
        return cond()

    def block_number(self):
        return int(self.call("eth_blockNumber")["result"], 16)

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        status = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                status = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        else:
            status = self.proc.returncode
        self.stderr.close()
        return status


def other_block(data_dir):
    """A real block object (geth's answer recorded in rpc-compat), or a minimal one."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(data_dir.rstrip("/")))), "rpc-compat",
                        "eth_getBlockByNumber", "get-block-cancun-fork.io")
    with open(path) as f:
        for line in f:
            if line.startswith("<< "):
                return json.loads(line[3:])["result"]
    raise RuntimeError("no answer in " + path)


class FakeExecution:
    """An execution JSON-RPC server answering eth_getBlockByHash with `block`."""

    def __init__(self, block):
        self.block = block
        self.calls = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                fake.calls.append(req)
                body = json.dumps({"jsonrpc": "2.0", "id": req.get("id"), "result": fake.block}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def run_once(ethc, args, timeout=30):
    p = subprocess.run([ethc, "node", "--light", "--http.port", "0", *args], capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main():
    ethc, data_dir, workdir = sys.argv[1:4]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)

    def load(name):
        with open(os.path.join(data_dir, name)) as f:
            return json.load(f)

    checkpoint = load("checkpoint.json")["checkpoint"]
    finality, optimistic = load("finality_update.json"), load("optimistic_update.json")
    at = MAINNET_GENESIS_TIME + (int(optimistic["data"]["signature_slot"]) + 1) * SECONDS_PER_SLOT
    fin_exec = finality["data"]["finalized_header"]["execution"]
    first = finality["data"]["attested_header"]
    first_number = int(first["execution"]["block_number"])
    opt_exec = optimistic["data"]["attested_header"]["execution"]
    opt_number = int(opt_exec["block_number"])
    fd = finality["data"]
    early = {"version": finality["version"],
             "data": {"attested_header": fd["attested_header"], "sync_aggregate": fd["sync_aggregate"],
                      "signature_slot": fd["signature_slot"]}}

    datadir = os.path.join(workdir, "data")
    gvr = bytes.fromhex("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95")  # mainnet
    digests = {name: hashlib.sha256(bytes([v, 0, 0, 0]) + bytes(28) + gvr).digest()[:4].hex()
               for name, v in (("capella", 3), ("deneb", 4), ("electra", 5))}
    with BeaconMock(data_dir, ssz=True, fork_digests=digests) as mock:
        mock.docs["optimistic_update"] = early
        base = ["--network", "mainnet", "--consensus-rpc", mock.url, "--at", str(at)]
        node = LightNode(ethc, datadir, base + ["--checkpoint", checkpoint], "first")
        try:
            check(node.url is not None, "the light node starts and prints its URL", node.log())
            proven = node.wait(node.ready)
            t_first = time.time() - node.t0
            check(proven, "/ready turns true once a head is proven", node.log())
            check(node.block_number() == first_number,
                  "eth_blockNumber is the proven optimistic block (%d)" % first_number, node.block_number())
            check(node.call("eth_syncing")["result"] is False, "eth_syncing is false once a head is proven")
            check(mock.requests and all("application/octet-stream" in a for _, a in mock.requests),
                  "it asks for SSZ (Accept: application/octet-stream), and the SSZ answers verify",
                  mock.requests[:2])
            log = node.log()
            check("light: head slot %s block #%d" % (first["beacon"]["slot"], first_number) in log,
                  "a log line names the proven slot and block", log)
            err = node.call("eth_getHeaderByNumber", "finalized").get("error", {})
            check(err.get("code") == -32000 and "header not available" in err.get("message", "") and
                  fin_exec["block_number"] in err.get("message", "") and
                  fin_exec["block_hash"].lower() in err.get("message", ""),
                  "`finalized` names the finality update's block and hash (header not available)", err)
            err = node.call("eth_getBlockByNumber", "latest", False).get("error", {})
            check(err.get("code") == -32000 and str(first_number) in err.get("message", ""),
                  "`latest` names the proven head (header not available)", err)
            err = node.call("eth_getBalance", "0x" + "00" * 20, "safe").get("error", {})
            check(err.get("code") == -32000 and fin_exec["block_number"] in err.get("message", ""),
                  "no state answer without a verified header: an error, not a guess", err)

            # tampered optimistic updates: refused, the head stays
            for flip, word in (("flip_signature", "signature"), ("flip_execution", "execution")):
                before = node.log().count("light: refused")
                mock.docs["optimistic_update"] = {"version": optimistic["version"],
                                                  "data": tamper(optimistic["data"], **{flip: True})}
                refused = node.wait(lambda: node.log().count("light: refused") > before)
                lines = [ln for ln in node.log().splitlines() if "light: refused" in ln]
                check(refused and word in lines[-1].lower(), "an optimistic update with %s is refused, naming "
                      "the check" % flip.replace("_", " "), lines[-1:] or node.log())
                time.sleep(0.5)
                check(node.block_number() == first_number, "the head does not move (%s)" % flip,
                      node.block_number())

            mock.docs["optimistic_update"] = {"version": optimistic["version"], "data": optimistic["data"]}
            moved = node.wait(lambda: node.block_number() == opt_number)
            check(moved, "the recorded optimistic update moves the head to block %d" % opt_number,
                  node.block_number())
            time.sleep(3)  # follow a while (about 15 polls) before measuring
            rss = node.rss_kb()
            print("figure: time to the first proven head %.2f s; RSS after following %.0f s: %.1f MB"
                  % (t_first, time.time() - node.t0, rss / 1024.0), flush=True)
        finally:
            check(node.stop() == 0, "SIGTERM stops it with status 0")

        # a restart resumes from the saved store: no --checkpoint, bootstraps refused
        mock.status["bootstrap"] = 500
        n_before = len(mock.requests)
        node = LightNode(ethc, datadir, base, "restart")
        try:
            check(node.url is not None, "the restarted node starts", node.log())
            moved = node.wait(lambda: node.ready() and node.block_number() == opt_number)
            check(moved and "resuming from the store saved in" in node.log(),
                  "a restart resumes from the data directory and proves the head again", node.log())
            asked = [p for p, _ in mock.requests[n_before:]]
            check(not any("bootstrap" in p for p in asked), "without asking for a bootstrap", asked[:5])
        finally:
            check(node.stop() == 0, "the restarted node stops with status 0")
        del mock.status["bootstrap"]

        # an execution source that lies: the header it gives for the proven block is
        # another block's (a real one, from rpc-compat), then it has none; each is
        # refused with the reason, and the head's header stays unavailable
        exec_rpc = FakeExecution(other_block(data_dir)).start()
        node = LightNode(ethc, os.path.join(workdir, "exec"),
                         base + ["--checkpoint", checkpoint, "--execution-rpc", exec_rpc.url], "exec")
        try:
            node.wait(node.ready)
            refused = node.wait(lambda: "does not match the beacon proof (block number)" in node.log())
            check(refused and "light: refused the header of block #%d %s" % (opt_number, opt_exec["block_hash"].lower())
                  in node.log(), "a header of another block from the execution source is refused, naming the check",
                  node.log()[-600:])
            asked = [p for p in exec_rpc.calls if p.get("method") == "eth_getBlockByHash"]
            check(asked and asked[0]["params"] == [opt_exec["block_hash"].lower(), False],
                  "it asked eth_getBlockByHash for the proven head's hash", asked[:1])
            exec_rpc.block = None
            check(node.wait(lambda: "the source does not have it" in node.log()),
                  "a source without the block is reported", node.log()[-400:])
            err = node.call("eth_getBlockByNumber", "latest", False).get("error", {})
            check(err.get("code") == -32000 and "header not available" in err.get("message", ""),
                  "the unproven header is never served", err)
            check(node.block_number() == opt_number, "eth_blockNumber stays the proven block")
        finally:
            check(node.stop() == 0, "the node with an execution source stops with status 0")
            exec_rpc.stop()

        # `ethc beacon sync --ssz` reads SSZ (the updates' chunks too) to the same heads as JSON
        sync = ["beacon", "sync", "--network", "mainnet", "--checkpoint", checkpoint, "--consensus-rpc", mock.url,
                "--at", str(at), "--json"]
        a = subprocess.run([ethc, *sync, "--ssz"], capture_output=True, text=True, timeout=30)
        mock.ssz = False  # a server with JSON only: the same request falls back to it
        b = subprocess.run([ethc, *sync, "--ssz"], capture_output=True, text=True, timeout=30)
        c = subprocess.run([ethc, *sync], capture_output=True, text=True, timeout=30)
        check(a.returncode == 0 and a.stdout == c.stdout and b.stdout == c.stdout and c.returncode == 0,
              "beacon sync over SSZ, over JSON by fallback and over JSON give the same heads",
              (a.returncode, a.stderr[-300:], b.stderr[-300:]))

        # a stale checkpoint: refused with the fix named, then accepted when allowed
        stale_at = str(at + 30 * 86400)
        stale = ["--network", "mainnet", "--consensus-rpc", mock.url, "--checkpoint", checkpoint, "--at", stale_at]
        rc, out, err = run_once(ethc, stale + ["--datadir", os.path.join(workdir, "stale")])
        check(rc == 1 and "weak subjectivity period" in err and "--allow-stale-checkpoint" in err,
              "a checkpoint 30 days old is refused (exit 1), naming the fix", (rc, err.strip()[-400:]))
        node = LightNode(ethc, os.path.join(workdir, "stale2"), stale + ["--allow-stale-checkpoint"], "stale")
        try:
            check(node.wait(node.ready), "--allow-stale-checkpoint accepts it", node.log())
        finally:
            node.stop()

    rc, out, err = run_once(ethc, ["--datadir", os.path.join(workdir, "usage")])
    check(rc == 2 and "--consensus-rpc" in err, "--light without --consensus-rpc is bad usage (exit 2)", err)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
