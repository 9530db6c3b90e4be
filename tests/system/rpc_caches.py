#!/usr/bin/env python3
"""The read caches of `ethc node` never answer from a chain that moved on
(src/state/state_cache.h, src/rpc/render_cache.h): on `ethc node --dev
--dev.ephemeral`, each answer read twice (the second from a cache) and again
after the chain changed must follow the change: balances after a block, a
state edit (anvil_setBalance, no block) and evm_revert; eth_getLogs of
"latest" after a block adds a log and after evm_revert drops it;
eth_getBlockByNumber("latest") after a block; a receipt after its block left
the canonical chain (evm_revert, then another block at its height) is null.
usage: rpc_caches.py ETHC WORKDIR"""
import json
import os
import select
import subprocess
import sys
import time
import urllib.request

ACCT0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
ACCT1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
# bench/rpc.sh's contract: a 32-byte call stores the word and logs it (LOG1, the word as topic)
INITCODE = "0x602080600b6000396000f3602036106014576000358060005560006000a1005b60005460005260206000f3"
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


class DevNode:
    def __init__(self, ethc, workdir):
        os.makedirs(workdir, exist_ok=True)
        env = dict(os.environ, TMPDIR=os.path.abspath(workdir))
        self.log = open(os.path.join(workdir, "rpc_caches.log"), "w")
        self.proc = subprocess.Popen([ethc, "node", "--dev", "--dev.ephemeral", "--http.port", "0"],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        self.url = None
        deadline = time.time() + 20
        while time.time() < deadline and self.url is None:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                line = self.proc.stdout.readline()
                if not line:
                    break
                if "HTTP server started: http://" in line:
                    self.url = line[line.index("http://"):].strip()

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        r = json.loads(urllib.request.urlopen(req, timeout=30).read())
        if "error" in r:
            raise RuntimeError(f"{method}: {r['error']}")
        return r["result"]

    def twice(self, method, *params):
        """The answer, asked twice (the second may come from a cache): both must agree."""
        a, b = self.call(method, *params), self.call(method, *params)
        check(a == b, f"{method} answers the same twice")
        return b

    def stop(self):
        self.proc.send_signal(15)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc


def send(node, tx):
    h = node.call("eth_sendTransaction", dict(tx, **{"from": ACCT0}))
    node.call("evm_mine")
    return h


def main():
    ethc, workdir = sys.argv[1:3]
    node = DevNode(ethc, workdir)
    if node.url is None:
        print("FAIL the dev node did not start")
        return 1
    try:
        b0 = int(node.twice("eth_getBalance", ACCT1, "latest"), 16)
        send(node, {"to": ACCT1, "value": "0x7"})
        check(int(node.twice("eth_getBalance", ACCT1, "latest"), 16) == b0 + 7, "a block moves the balance")
        snap = node.call("evm_snapshot")
        node.call("anvil_setBalance", ACCT1, "0x1234")
        check(node.twice("eth_getBalance", ACCT1, "latest") == "0x1234", "a state edit without a block shows")
        node.call("evm_revert", snap)
        check(int(node.twice("eth_getBalance", ACCT1, "latest"), 16) == b0 + 7, "evm_revert brings it back")

        rec = node.call("eth_getTransactionReceipt", send(node, {"data": INITCODE, "gas": hex(200000)}))
        addr = rec["contractAddress"]
        logs_q = {"fromBlock": "0x0", "toBlock": "latest", "address": addr}
        check(node.twice("eth_getLogs", logs_q) == [], "no logs before the first write")
        send(node, {"to": addr, "data": "0x" + "00" * 31 + "01", "gas": hex(100000)})
        check(len(node.twice("eth_getLogs", logs_q)) == 1, "a block with a log shows in getLogs of latest")
        blk = node.twice("eth_getBlockByNumber", "latest", False)
        snap = node.call("evm_snapshot")
        h2 = send(node, {"to": addr, "data": "0x" + "00" * 31 + "02", "gas": hex(100000)})
        r2 = node.twice("eth_getTransactionReceipt", h2)
        check(r2 is not None and r2["status"] == "0x1", "the second write's receipt")
        check(len(node.twice("eth_getLogs", logs_q)) == 2, "a second log shows")
        blk2 = node.twice("eth_getBlockByNumber", "latest", False)
        check(int(blk2["number"], 16) > int(blk["number"], 16), "latest is a newer block")
        node.call("evm_revert", snap)
        check(len(node.twice("eth_getLogs", logs_q)) == 1, "evm_revert drops the second log")
        check(node.twice("eth_getBlockByNumber", "latest", False) == blk, "evm_revert brings the old latest back")
        check(node.twice("eth_getTransactionReceipt", h2) is None, "the reverted write has no receipt")
        send(node, {"to": ACCT1, "value": "0x1"})  # another block at the reverted one's height
        check(node.twice("eth_getTransactionReceipt", h2) is None, "nor after another block took its height")
        check(node.twice("eth_getBlockByNumber", "latest", False)["hash"] != blk2["hash"], "latest is that other block")
    finally:
        check(node.stop() == 0, "the node stops cleanly")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
