#!/usr/bin/env python3
"""The dev chain's test-only beacon side (`ethc node --dev --dev.beacon`, issue 15)
followed by `ethc beacon sync --network dev`:

- the node prints "Beacon API server started: URL"; /eth/v1/beacon/genesis gives
  the dev network's genesis validators root; /eth/v1/beacon/headers/{finalized,
  head, SLOT, ROOT} give headers whose root (hash_tree_root, computed here) is the
  one served, /eth/v1/beacon/blocks/finalized/root the same root;
- a transaction (automine) makes block 1: a sync from the genesis root gives
  finalized block 0 and optimistic block 1;
- anvil_mine makes 100 blocks; a sync from the
  finalized root prints a finalized head (block 36) and an optimistic head (block
  100) whose block hash, number and state root are eth_getBlockByNumber's; the
  bootstrap of block 1 carries the SSZ transactions root of its transaction
  (computed here from eth_getRawTransactionByHash); each block's
  parentBeaconBlockRoot, and the EIP-4788 contract, give its parent's beacon root;
- more blocks (evm_mine, anvil_mine): a second sync from the same checkpoint
  reaches the new heads; after evm_revert and other blocks, a sync from the
  genesis root follows the new branch;
- @lodestar/light-client 1.28.1 with the dev config (tests/interop/
  lodestar_dev_lc.mjs) syncs from the same checkpoint to the same heads, and
  refuses a flipped signature bit (skipped without node and the package);
- through a proxy flipping one bit of the finality update's signature, or one
  byte of its finalized execution block hash, the sync exits 1 naming the check;
- slots follow the blocks' times (dev_beacon.h): a block's slot is its timestamp
  less 1024 s; after 100 blocks the clock is past the head's signature slot and
  less than UPDATE_TIMEOUT past the finalized slot (a light client does not
  force its updates); updates by period match the periods the slots cover;
- a restart from the data directory serves the same beacon headers, and the
  next block names the stored head's beacon root;
- unknown roots, bad queries and paths get the beacon API's error statuses;
  --dev.beacon without --dev is a usage error.
usage: dev_beacon.py ETHC WORKDIR"""
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ACCT0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
SLACK = 1024  # dev_beacon.h: a block's slot is its timestamp less this (when not catching up after a pause)
ACCT1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
DEV_GVR = "0x" + hashlib.sha256(b"ethc dev beacon genesis validators root").hexdigest()
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + str(detail)[:600]), flush=True)
    if not cond:
        failures += 1


def sha(a, b):
    return hashlib.sha256(a + b).digest()


def merkleize(chunks, limit=None):
    n = len(chunks) if limit is None else limit
    depth = max(0, (max(n, 1) - 1).bit_length())
    zero = bytes(32)
    level = list(chunks)
    for _ in range(depth):
        if len(level) % 2:
            level.append(zero)
        level = [sha(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        zero = sha(zero, zero)
    return level[0] if level else zero


def mix(root, n):
    return sha(root, n.to_bytes(32, "little"))


def header_root(h):
    u64 = lambda v: int(v).to_bytes(8, "little") + bytes(24)  # noqa: E731
    b32 = lambda v: bytes.fromhex(v[2:])  # noqa: E731
    return "0x" + merkleize([u64(h["slot"]), u64(h["proposer_index"]), b32(h["parent_root"]), b32(h["state_root"]),
                             b32(h["body_root"])]).hex()


def ssz_transactions_root(raws):
    roots = []
    for raw in raws:
        chunks = [raw[i:i + 32].ljust(32, b"\0") for i in range(0, len(raw), 32)]
        roots.append(mix(merkleize(chunks, 1 << 25), len(raw)))
    return "0x" + mix(merkleize(roots, 1 << 20), len(raws)).hex()


def get(url, timeout=30):
    """(status, parsed JSON or text, headers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read().decode()
            return r.status, json.loads(body), dict(r.headers)
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        try:
            return e.code, json.loads(body), dict(e.headers)
        except ValueError:
            return e.code, body, dict(e.headers)


def slot_of(node, n):
    """The beacon slot of dev block n: its timestamp less the slack (dev_beacon.h;
    the blocks here are never more than 64 s apart)."""
    return int(node.block(n)["timestamp"], 16) - SLACK


class DevNode:
    def __init__(self, ethc, workdir, beacon=True, extra=(), tmp=None):
        """beacon=False: a plain dev node (for the benchmark's comparison);
        extra: more command-line arguments; tmp: another node's directory (a
        restart from its data directory)."""
        self.tmp = tmp or tempfile.mkdtemp(prefix="devbeacon-", dir=workdir)
        self.log = open(os.path.join(self.tmp, "node.log"), "a")
        self.proc = subprocess.Popen([ethc, "node", "--dev", "--datadir", os.path.join(self.tmp, "data"),
                                      "--http.port", "0"] + (["--dev.beacon", "--dev.beacon.port", "0"] if beacon
                                                             else []) + list(extra),
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self.beacon = None
        found = threading.Event()

        def read():  # the banner, then the two endpoint lines (one buffered chunk: no select)
            for line in self.proc.stdout:
                if line.startswith("HTTP server started: "):
                    self.url = line.split()[3]
                elif line.startswith("Beacon API server started: "):
                    self.beacon = line.split()[4]
                if self.url and (self.beacon or not beacon):
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        found.wait(30)
        if not (self.url and (self.beacon or not beacon)):
            self.stop()
            raise RuntimeError("the dev node printed no URLs")

    def call(self, method, *params):
        req = urllib.request.Request(self.url, data=json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            doc = json.loads(r.read())
        if "error" in doc:
            raise RuntimeError("%s: %s" % (method, doc["error"]))
        return doc["result"]

    def block(self, n):
        return self.call("eth_getBlockByNumber", hex(n), False)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def sync(ethc, url, root):
    p = subprocess.run([ethc, "beacon", "sync", "--network", "dev", "--checkpoint", root, "--consensus-rpc", url,
                        "--json"], capture_output=True, text=True, timeout=60)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stderr + p.stdout


def check_head(node, head, number, what):
    b = node.block(number)
    check(head is not None and head["block_number"] == number and head["block_hash"] == b["hash"] and
          head["state_root"] == b["stateRoot"], "%s is block %d (hash, number, state root)" % (what, number), head)


class Tamper:
    """A proxy to the beacon API that changes the finality update's data."""

    def __init__(self, upstream, change):
        tamper = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                status, doc, headers = get(upstream + self.path)
                if self.path.endswith("/finality_update") and status == 200:
                    change(doc["data"])
                body = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if "Eth-Consensus-Version" in headers:
                    self.send_header("Eth-Consensus-Version", headers["Eth-Consensus-Version"])
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        tamper.change = change

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def lodestar(url, checkpoint, ethc_out):
    """@lodestar/light-client with the dev config (tests/interop/lodestar_dev_lc.mjs):
    the same heads as ethc; a flipped signature bit refused. Skipped without node or
    the package."""
    interop = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop")
    pkg = os.path.join(interop, "node_modules", "@lodestar", "light-client", "package.json")
    if not shutil.which("node") or not os.path.exists(pkg):
        print("skip lodestar cross-check (node or @lodestar/light-client missing)")
        return

    def run(u):
        p = subprocess.run(["node", os.path.join(interop, "lodestar_dev_lc.mjs"), u, checkpoint], capture_output=True,
                           text=True, timeout=60, cwd=interop)
        return p.returncode, p.stdout, p.stderr

    rc, out, err = run(url)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    check(rc == 0 and doc == ethc_out, "@lodestar/light-client with the dev config: the same heads as ethc",
          err[-400:] + out)
    proxy = Tamper(url, lambda d: d["sync_aggregate"].__setitem__(
        "sync_committee_signature", flip_hex(d["sync_aggregate"]["sync_committee_signature"], -1, 1)))
    rc, out, err = run(proxy.url)
    proxy.stop()
    check(rc == 1 and "ignature" in err, "@lodestar/light-client refuses a flipped signature bit", out + err[-300:])


def flip_hex(v, i, mask):
    b = bytearray(bytes.fromhex(v[2:]))
    b[i] ^= mask
    return "0x" + b.hex()


def main():
    ethc, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    p = subprocess.run([ethc, "node", "--dev.beacon", "--http.port", "0"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 2 and "needs --dev" in p.stderr, "--dev.beacon without --dev is a usage error", p.stderr)

    node = DevNode(ethc, workdir)
    try:
        b = node.beacon
        status, g, _ = get(b + "/eth/v1/beacon/genesis")
        check(status == 200 and g["data"]["genesis_validators_root"] == DEV_GVR and g["data"]["genesis_time"] == "0",
              "genesis: the dev network's validators root, time 0", g)
        status, h, hdr = get(b + "/eth/v1/beacon/headers/head")
        check(status == 200 and h["data"]["root"] == header_root(h["data"]["header"]["message"]) and
              hdr.get("Eth-Consensus-Version") == "fulu", "head header: its root is its hash_tree_root; fulu", h)
        genesis_root = h["data"]["root"]
        base = int(h["data"]["header"]["message"]["slot"])
        check(base == slot_of(node, 0) and base < time.time(),
              "block 0's slot is its time less %d s (behind the clock)" % SLACK, (base, slot_of(node, 0)))
        tx = node.call("eth_sendTransaction", {"from": ACCT0, "to": ACCT1, "value": "0x1"})  # automine: block 1
        rc, out, err = sync(ethc, b, genesis_root)
        check(rc == 0, "one block: a sync from the genesis root", err)
        if out:
            check_head(node, out["finalized"], 0, "finalized head")
            check_head(node, out["optimistic"], 1, "optimistic head")
        node.call("anvil_mine", "0x63")
        check(int(node.call("eth_blockNumber"), 16) == 100, "100 blocks")
        # the light client's clock checks (sync-protocol.md): the head's signature slot is not in
        # the future, and the finalized slot is less than UPDATE_TIMEOUT (8192) behind: no forced update
        status, o, _ = get(b + "/eth/v1/beacon/light_client/finality_update")
        now = int(time.time())
        sig, fin_slot = int(o["data"]["signature_slot"]), int(o["data"]["finalized_header"]["beacon"]["slot"])
        check(status == 200 and sig <= now and now - fin_slot < 8192,
              "the clock (slot %d) is at or past the signature slot (%d), under 8192 past the finalized (%d)" %
              (now, sig, fin_slot), o)
        status, f, _ = get(b + "/eth/v1/beacon/headers/finalized")
        check(status == 200 and f["finalized"] and int(f["data"]["header"]["message"]["slot"]) == slot_of(node, 36),
              "finalized header: block 36 (head - 64)", f)
        checkpoint = f["data"]["root"]
        s_, r_, _ = get(b + "/eth/v1/beacon/blocks/finalized/root")
        check(s_ == 200 and r_["data"]["root"] == checkpoint and r_["finalized"], "blocks/finalized/root", r_)
        t0 = time.time()
        rc, out, err = sync(ethc, b, checkpoint)
        took = time.time() - t0
        check(rc == 0, "beacon sync from the finalized root", err)
        if out:
            check_head(node, out["finalized"], 36, "finalized head")
            check_head(node, out["optimistic"], 100, "optimistic head")
            check(out["finalized"]["beacon_root"] == checkpoint, "finalized beacon root is the checkpoint")
        print("sync of 100 dev blocks: %.3f s" % took)
        lodestar(b, checkpoint, out)

        status, h1, _ = get(b + "/eth/v1/beacon/headers/%d" % slot_of(node, 1))
        status, bs, _ = get(b + "/eth/v1/beacon/light_client/bootstrap/" + h1["data"]["root"])
        raw = bytes.fromhex(node.call("eth_getRawTransactionByHash", tx)[2:])
        ex = bs["data"]["header"]["execution"] if status == 200 else {}
        check(ex.get("transactions_root") == ssz_transactions_root([raw]) and
              ex.get("block_hash") == node.block(1)["hash"],
              "block 1's header: the SSZ root of its transaction, its block hash", ex.get("transactions_root"))
        # EIP-4788: each block names its parent's beacon root, and the contract returns it
        status, h0, _ = get(b + "/eth/v1/beacon/headers/%d" % base)
        b1 = node.block(1)
        check(b1["parentBeaconBlockRoot"] == h0["data"]["root"], "block 1's parentBeaconBlockRoot: block 0's root",
              b1["parentBeaconBlockRoot"])
        b50 = node.block(50)
        status, h49, _ = get(b + "/eth/v1/beacon/headers/%d" % slot_of(node, 49))
        got = node.call("eth_call", {"to": "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02",
                                     "data": "0x%064x" % int(b50["timestamp"], 16)}, "latest")
        check(got == h49["data"]["root"], "the beacon roots contract: block 49's root at block 50's time", got)
        empty_withdrawals = "0x" + mix(merkleize([], 16), 0).hex()
        check(ex.get("withdrawals_root") == empty_withdrawals, "withdrawals root: the SSZ root of none")

        # more blocks: the heads move
        node.call("evm_mine")
        node.call("anvil_mine", "0x1d")
        rc, out, err = sync(ethc, b, checkpoint)
        check(rc == 0, "a second sync from the same checkpoint", err)
        if out:
            check_head(node, out["finalized"], 66, "finalized head moved")
            check_head(node, out["optimistic"], 130, "optimistic head moved")

        # a revert, then another branch
        snap = node.call("evm_snapshot")
        node.call("anvil_mine", "0x5")
        node.call("evm_revert", snap)
        node.call("eth_sendTransaction", {"from": ACCT0, "to": ACCT1, "value": "0x2"})
        node.call("anvil_mine", "0x2")
        rc, out, err = sync(ethc, b, genesis_root)
        check(rc == 0, "after evm_revert and a new branch: a sync from the genesis root", err)
        if out:
            check_head(node, out["optimistic"], 133, "optimistic head on the new branch")

        # lies are caught
        def flip_sig(d):
            d["sync_aggregate"]["sync_committee_signature"] = flip_hex(d["sync_aggregate"]["sync_committee_signature"],
                                                                       -1, 1)

        def flip_exec(d):
            d["finalized_header"]["execution"]["block_hash"] = flip_hex(
                d["finalized_header"]["execution"]["block_hash"], 0, 0xff)

        for name, change, want in (("signature bit", flip_sig, "signature"),
                                   ("finalized block hash byte", flip_exec, "execution payload branch")):
            proxy = Tamper(b, change)
            rc, out, err = sync(ethc, proxy.url, checkpoint)
            proxy.stop()
            check(rc == 1 and want in err, "one %s flipped in the finality update: exit 1 naming %r" % (name, want),
                  err)

        # errors
        s, d, _ = get(b + "/eth/v1/beacon/light_client/bootstrap/0x" + "11" * 32)
        check(s == 404, "bootstrap of an unknown root: 404", d)
        s, d, _ = get(b + "/eth/v1/beacon/light_client/bootstrap/0x1234")
        check(s == 400, "bootstrap of a malformed root: 400", d)
        s, d, _ = get(b + "/eth/v1/beacon/light_client/updates?start_period=x&count=1")
        check(s == 400, "updates with a bad start_period: 400", d)
        period = base // 8192
        slots = [slot_of(node, n) for n in range(int(node.call("eth_blockNumber"), 16) + 1)]
        # a period has an update when one of its blocks has the next slot in it too
        want = [p for p in range(period - 1, period + 2) if any(p * 8192 <= x < p * 8192 + 8191 for x in slots)]
        s, d, hdr = get(b + "/eth/v1/beacon/light_client/updates?start_period=%d&count=3" % (period - 1))
        check(s == 200 and len(d) == len(want) and all(u["version"] == "fulu" for u in d) and
              [int(u["data"]["attested_header"]["beacon"]["slot"]) // 8192 for u in d] == want,
              "updates: one for each of the chain's periods (%s)" % want, d)
        s, d, _ = get(b + "/eth/v1/beacon/headers/%d" % (slots[-1] + 1))
        check(s == 404, "a slot after the head's: 404", d)
        s, d, _ = get(b + "/eth/v1/beacon/nothing")
        check(s == 404, "unknown path: 404")

        # a restart from the data directory makes the same beacon blocks (slots from the blocks' times)
        _, before, _ = get(b + "/eth/v1/beacon/headers/head")
        _, before50, _ = get(b + "/eth/v1/beacon/headers/%d" % slot_of(node, 50))
        check(node.stop() == 0, "the node stops cleanly on SIGTERM")
        node = DevNode(ethc, workdir, tmp=node.tmp)
        b = node.beacon
        _, after, _ = get(b + "/eth/v1/beacon/headers/head")
        _, after50, _ = get(b + "/eth/v1/beacon/headers/%d" % slot_of(node, 50))
        check(after["data"] == before["data"] and after50["data"] == before50["data"],
              "restarted: the same head and block-50 beacon headers (slot %s)" % after["data"]["header"]["message"]["slot"],
              (before, after))
        node.call("eth_sendTransaction", {"from": ACCT0, "to": ACCT1, "value": "0x3"})
        _, h1, _ = get(b + "/eth/v1/beacon/headers/head")
        head = int(node.call("eth_blockNumber"), 16)
        check(node.block(head)["parentBeaconBlockRoot"] == after["data"]["root"] and
              int(h1["data"]["header"]["message"]["slot"]) == slot_of(node, head),
              "a block mined after the restart names the stored head's beacon root; its slot is its time's", h1)
    finally:
        status = node.stop()
        check(status == 0, "the node stops cleanly on SIGTERM", status)
        shutil.rmtree(node.tmp, ignore_errors=True)
    print("%s: %d failed" % ("PASS" if failures == 0 else "FAIL", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
