#!/usr/bin/env python3
"""Load and consistency of `ethc node` while it imports: the node starts on a
genesis-only data directory with --import chain.rlp, and concurrent keep-alive
clients send single requests and batches for a few seconds, during and after
the import. Every answer must be right and whole: a block the head says exists
has all its transactions and receipts (a block is committed in one batch), the
head never goes back, no request fails, and a batch reads one head: its
eth_blockNumber, the block number its eth_call sees (the callenv contract echoes
NUMBER) and its balances at "latest" all agree with later reads at that
number, and a block past its head is not there for it yet. Asserts correctness, not timings.
usage: rpc_load.py ETHC RPC_COMPAT_DIR WORKDIR [SECONDS]"""
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

KNOWN = {1: "0x80e911b62f552f563a2544dfef5eb39ec8863d9082c998ca6b657f76e19de38e",
         0x2a: "0x9e5e1e79c57f257def6a0e882d10863e2a98b034e6e0fdaccd7ff7b31312105d",
         0x36: "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7"}
COINBASE = "0x0000000000000000000000000000000000000000"  # the chain's fee recipient
ACCOUNT = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df"  # a contract whose balance grows
CALLENV = "0x9344b07175800259691961298ca11c824e65032d"  # returns NUMBER, CHAINID, BASEFEE, ...
STATE_HEADS = set()  # the heads the state batches read (to show they ran during the import)
LONDON = 27  # before it, the callenv contract hits an undefined opcode (BASEFEE)


class Client:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.n = 0

    def send(self, body):
        self.conn.request("POST", "/", body=json.dumps(body), headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise AssertionError(f"HTTP {r.status}: {data[:200]!r}")
        self.n += 1
        return json.loads(data)

    def call(self, method, *params):
        r = self.send({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        if "error" in r:
            raise AssertionError(f"{method}{params}: {r['error']}")
        return r["result"]


def worker(url, deadline, errors, counts, seed):
    rnd = random.Random(seed)
    c = Client(url)
    last_head = 0
    try:
        while time.time() < deadline:
            head = int(c.call("eth_blockNumber"), 16)
            if head < last_head:
                raise AssertionError(f"head went back from {last_head} to {head}")
            last_head = head
            n = rnd.randint(0, head)
            pick = rnd.random()
            if pick < 0.35:
                def req(i, m, *p):
                    return {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
                batch = [req(0, "eth_blockNumber"), req(1, "eth_getBalance", COINBASE, "latest"),
                         req(2, "eth_getBalance", ACCOUNT, "latest"),
                         req(3, "eth_call", {"to": CALLENV}, "latest"),
                         req(4, "eth_getBlockByNumber", "latest", False),
                         req(5, "eth_getBlockByNumber", "0x36", False)]
                rs = sorted(c.send(batch), key=lambda r: r["id"])
                bn = int(rs[0]["result"], 16) if "result" in rs[0] else -1
                if bn < LONDON and "error" in rs[3] and rs[3]["error"]["code"] == -32000:
                    rs[3] = {"id": 3, "result": "0x"}  # the call fails as it should before London
                if len(rs) != 6 or any("error" in r for r in rs):
                    raise AssertionError(f"state batch: {[r for r in rs if 'error' in r][:2]}")
                if (rs[5]["result"] is None) != (bn < 0x36):
                    raise AssertionError(f"batch at head {bn}: block 54 is {'missing' if bn >= 0x36 else 'there'}")
                if int(rs[4]["result"]["number"], 16) != bn:
                    raise AssertionError(f"batch: eth_blockNumber {bn}, latest block {rs[4]['result']['number']}")
                out = rs[3]["result"]
                if bn >= LONDON and (len(out) < 66 or int(out[2:66], 16) != bn):
                    raise AssertionError(f"batch: eth_blockNumber {bn}, eth_call saw block {out[:66]}")
                STATE_HEADS.add(bn)
                for i, a in ((1, COINBASE), (2, ACCOUNT)):
                    later = c.call("eth_getBalance", a, hex(bn))
                    if later != rs[i]["result"]:
                        raise AssertionError(f"batch at {bn}: balance of {a} {rs[i]['result']}, at {hex(bn)} {later}")
                if c.call("eth_getBalance", ACCOUNT, {"blockHash": rs[4]["result"]["hash"]}) != rs[2]["result"]:
                    raise AssertionError(f"batch at {bn}: balance by block hash differs")
            elif pick < 0.65:
                blk = c.call("eth_getBlockByNumber", hex(n), True)
                if blk is None:
                    raise AssertionError(f"block {n} <= head {head} missing")
                if n in KNOWN and blk["hash"] != KNOWN[n]:
                    raise AssertionError(f"block {n} hash {blk['hash']}")
                rcpts = c.call("eth_getBlockReceipts", blk["hash"])
                if rcpts is None or len(rcpts) != len(blk["transactions"]):
                    raise AssertionError(f"block {n}: {len(blk['transactions'])} txs, receipts {rcpts and len(rcpts)}")
                for t in blk["transactions"][:2]:
                    tx = c.call("eth_getTransactionByHash", t["hash"])
                    if tx is None or tx["blockHash"] != blk["hash"]:
                        raise AssertionError(f"tx {t['hash']} of block {n} not found by hash")
            else:
                batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_getBlockTransactionCountByNumber",
                          "params": [hex(rnd.randint(0, n))]} for i in range(20)]
                batch.append({"jsonrpc": "2.0", "id": 20, "method": "eth_getLogs",
                              "params": [{"fromBlock": "0x0", "toBlock": hex(n)}]})
                rs = c.send(batch)
                if len(rs) != 21 or any("error" in r or r["result"] is None for r in rs):
                    raise AssertionError(f"batch: {[r for r in rs if 'error' in r or r.get('result') is None][:2]}")
    except Exception as e:  # noqa: BLE001
        errors.append(f"client {seed}: {e}")
    counts.append(c.n)


def main():
    ethc, suite, workdir = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 4
    node = Node(ethc, workdir, suite, ["--fakepow", "--import", os.path.join(suite, "chain.rlp")], genesis_only=True)
    errors, counts = [], []
    try:
        deadline = time.time() + seconds
        threads = [threading.Thread(target=worker, args=(node.url, deadline, errors, counts, i)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        head = int(Client(node.url).call("eth_blockNumber"), 16)
        if head != 0x36:
            errors.append(f"head after the import: {head}, want 54")
    finally:
        status = node.stop()
        if status != 0:
            errors.append(f"exit status {status} on SIGTERM")
        log = node.log()
        node.cleanup()
    print(f"{sum(counts)} HTTP requests from {len(counts)} keep-alive clients in {seconds:.0f} s; "
          f"state batches read {len(STATE_HEADS)} different heads")
    if "54 blocks imported" not in log:
        errors.append("the node's log does not report the import: " + log[-400:])
    for e in errors:
        print("FAIL", e)
    print("all passed" if not errors else f"{len(errors)} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
