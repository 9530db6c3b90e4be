#!/usr/bin/env python3
"""Polling filters and the WebSocket logs subscription on `ethc node --ws
--import FIFO`: filters installed on the genesis-only node, then the chain fed
through the FIFO while they are polled. A block filter sees each new block hash
once and in order; a log filter on a topic sees exactly the chain's logs with
that topic (as eth_getLogs returns them afterwards); eth_getFilterLogs; a logs
subscription gets the same logs; an unpolled filter expires (the timeout
shortened with ETHC_FILTER_TIMEOUT_MS); uninstall; the filter limit
(ETHC_FILTER_LIMIT); a pending-transaction filter answers an empty list; and a
reorganisation (a sibling of the last block, with other extraData, imported
after it takes the head after the merge): the block filter sees the new block,
the log filter and the subscription get the dropped block's logs with
removed: true, then the new block's.
usage: rpc_filters.py ETHC RPC_COMPAT_DIR WORKDIR"""
import json
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # nothing written outside the build directory
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402
from rpc_ws import WS  # noqa: E402

TOPIC = "0x00000000000000000000000000000000000000000000000000000000656d6974"
TIMEOUT_MS = 5000  # long enough that a loaded CI machine never lets a polled filter lapse
LIMIT = 40

failures = []


def rlp_item(b, o):
    """(start, payload start, end) of the RLP item at offset o."""
    p = b[o]
    if p < 0x80:
        return o, o, o + 1
    if p < 0xb8:
        return o, o + 1, o + 1 + p - 0x80
    if p < 0xc0:
        n = int.from_bytes(b[o + 1:o + p - 0xb6], "big")
        return o, o + p - 0xb6, o + p - 0xb6 + n
    if p < 0xf8:
        return o, o + 1, o + 1 + p - 0xc0
    n = int.from_bytes(b[o + 1:o + p - 0xf6], "big")
    return o, o + p - 0xf6, o + p - 0xf6 + n


def rlp_prefix(n, short, long_):
    if n < 56:
        return bytes([short + n])
    nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([long_ + len(nb)]) + nb


def rlp_str(x):
    return x if len(x) == 1 and x[0] < 0x80 else rlp_prefix(len(x), 0x80, 0xb7) + x


def sibling(block, extra):
    """The block with header field 12 (extraData) replaced."""
    _, ps, end = rlp_item(block, 0)
    hs, hps, he = rlp_item(block, ps)
    fields, q = [], hps
    while q < he:
        _, pa, ea = rlp_item(block, q)
        fields.append(block[pa:ea])
        q = ea
    fields[12] = extra
    hp = b"".join(rlp_str(f) for f in fields)
    payload = rlp_prefix(len(hp), 0xc0, 0xf7) + hp + block[he:end]
    return rlp_prefix(len(payload), 0xc0, 0xf7) + payload


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def reorg_phase(ethc, suite, workdir, fifo, last, want_logs):
    """A node on the imported chain whose --import FIFO brings a sibling of
    block 54 (fork choice by arrival after the merge makes it the head)."""
    node = Node(ethc, workdir, suite, ["--ws", "--fakepow", "--import", fifo])
    writer = None
    try:
        bf = node.call("eth_newBlockFilter")["result"]
        lf = node.call("eth_newFilter", {"topics": [TOPIC]})["result"]
        ws = WS(node.url)
        sub = ws.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                       "params": ["logs", {"topics": [[TOPIC]]}]}).get("result")
        old54 = node.call("eth_getBlockByNumber", "0x36", False)["result"]["hash"]

        def feed():
            with open(fifo, "wb") as f:
                f.write(sibling(last, b"reorg"))
        writer = threading.Thread(target=feed)
        writer.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            b = node.call("eth_getBlockByNumber", "0x36", False).get("result")
            if b and b["hash"] != old54:
                break
            time.sleep(0.05)
        new54 = node.call("eth_getBlockByNumber", "0x36", False)["result"]["hash"]
        expect(new54 != old54, "reorg: the sibling of block 54 took the head")
        expect(node.call("eth_getFilterChanges", bf).get("result") == [new54], "block filter after the reorg: the new block")
        removed = [dict(x, removed=True) for x in want_logs if x["blockHash"] == old54]
        added = node.call("eth_getLogs", {"blockHash": new54, "topics": [TOPIC]})["result"]
        changes = node.call("eth_getFilterChanges", lf).get("result")
        expect(removed and added and changes == removed + added,
               f"log filter after the reorg: {len(removed)} removed, then {len(added)} new ({len(changes or [])})")
        got = []
        ws.sock.settimeout(10)
        try:
            while len(got) < len(removed) + len(added):
                op, data = ws.recv_data()
                if op != 1:
                    continue
                msg = json.loads(data)
                if msg.get("method") == "eth_subscription" and msg["params"]["subscription"] == sub:
                    got.append(msg["params"]["result"])
        except (socket.timeout, EOFError):
            pass
        expect(got == removed + added, f"logs subscription after the reorg: removed: true, then the new logs ({len(got)})")
    finally:
        if writer:
            writer.join(timeout=30)
        node.stop()
        node.cleanup()


def main():
    ethc, suite, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    fifo = os.path.join(workdir, f"filters-{os.getpid()}.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    os.environ["ETHC_FILTER_TIMEOUT_MS"] = str(TIMEOUT_MS)
    os.environ["ETHC_FILTER_LIMIT"] = str(LIMIT)
    node = Node(ethc, workdir, suite, ["--ws", "--fakepow", "--import", fifo], genesis_only=True)
    writer = None
    try:
        bf = node.call("eth_newBlockFilter")["result"]
        expect(isinstance(bf, str) and bf.startswith("0x") and 3 <= len(bf) <= 34, f"eth_newBlockFilter: id {bf}")
        lf = node.call("eth_newFilter", {"topics": [TOPIC]})["result"]
        lf_all = node.call("eth_newFilter", {"fromBlock": "0x0", "address": "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df"})["result"]
        pf = node.call("eth_newPendingTransactionFilter")["result"]
        expired = node.call("eth_newBlockFilter")["result"]
        gone = node.call("eth_newBlockFilter")["result"]
        expect(node.call("eth_uninstallFilter", gone).get("result") is True, "eth_uninstallFilter: true")
        expect(node.call("eth_uninstallFilter", gone).get("result") is False, "eth_uninstallFilter again: false")
        r = node.call("eth_getFilterChanges", gone)
        expect(r.get("error", {}).get("code") == -32000 and r["error"].get("message") == "filter not found",
               "uninstalled filter: -32000 filter not found")
        r = node.call("eth_getFilterLogs", bf)
        expect(r.get("error", {}).get("message") == "filter not found", "eth_getFilterLogs of a block filter: filter not found")

        ws = WS(node.url)
        sub = ws.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                       "params": ["logs", {"topics": [[TOPIC]]}]}).get("result")
        expect(isinstance(sub, str) and sub.startswith("0x"), f"eth_subscribe logs: id {sub}")

        with open(os.path.join(suite, "chain.rlp"), "rb") as src:
            chain = src.read()
        last, o = None, 0
        while o < len(chain):
            st, _, o = rlp_item(chain, o)
            last = chain[st:o]
        def feed():
            with open(fifo, "wb") as f:
                f.write(chain)
        shared = node.call("eth_newBlockFilter")["result"]  # polled by four threads below, from now on
        writer = threading.Thread(target=feed)
        writer.start()

        # four threads poll one more block filter at once while a fifth installs
        # and uninstalls filters: each block must reach exactly one of the pollers
        stop = threading.Event()
        seen, seen_lock, errors = [], threading.Lock(), []

        def poller():
            while not stop.is_set():
                r = node.call("eth_getFilterChanges", shared)
                if "error" in r:
                    errors.append(r["error"])
                with seen_lock:
                    seen.extend(r.get("result", []))

        def churn():
            while not stop.is_set():
                f = node.call("eth_newFilter", {"topics": [TOPIC]}).get("result")
                if f:
                    node.call("eth_getFilterChanges", f)
                    node.call("eth_uninstallFilter", f)
        threads = [threading.Thread(target=poller) for _ in range(4)] + [threading.Thread(target=churn)]
        for t in threads:
            t.start()

        # poll while the chain arrives (well inside the shortened timeout)
        hashes, logs, logs_all = [], [], []
        deadline = time.time() + 60
        while time.time() < deadline:
            hashes += node.call("eth_getFilterChanges", bf).get("result", [])
            logs += node.call("eth_getFilterChanges", lf).get("result", [])
            logs_all += node.call("eth_getFilterChanges", lf_all).get("result", [])
            node.call("eth_getFilterChanges", pf)
            if node.call("eth_blockNumber").get("result") == "0x36" and len(hashes) >= 54:
                break
            time.sleep(0.1)
        hashes += node.call("eth_getFilterChanges", bf).get("result", [])
        logs += node.call("eth_getFilterChanges", lf).get("result", [])
        logs_all += node.call("eth_getFilterChanges", lf_all).get("result", [])
        stop.set()
        for t in threads:
            t.join()
        seen.extend(node.call("eth_getFilterChanges", shared).get("result", []))
        want = [node.call("eth_getBlockByNumber", hex(n), False)["result"]["hash"] for n in range(1, 55)]
        expect(hashes == want, f"block filter: each of blocks 1..54 once, in order (got {len(hashes)})")
        expect(not errors and sorted(seen) == sorted(want),
               f"one block filter polled by four threads: each block once ({len(seen)} hashes, errors {errors[:1]})")
        node.call("eth_uninstallFilter", shared)
        want_logs = node.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "topics": [TOPIC]})["result"]
        expect(len(want_logs) == 56 and logs == want_logs, f"log filter on a topic: the chain's {len(want_logs)} logs (got {len(logs)})")
        want_addr = node.call("eth_getLogs", {"fromBlock": "0x0", "address": "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df"})["result"]
        expect(len(want_addr) == 56 and logs_all == want_addr, f"log filter on an address: {len(logs_all)} logs")
        r = node.call("eth_getFilterLogs", lf_all)
        expect(r.get("result") == want_addr, "eth_getFilterLogs: the logs of the filter's range")
        expect(node.call("eth_getFilterChanges", bf).get("result") == [], "block filter: nothing new after the chain")
        expect(node.call("eth_getFilterChanges", pf).get("result") == [], "pending-transaction filter: empty (no pool yet)")

        got = []
        ws.sock.settimeout(10)
        try:
            while len(got) < len(want_logs):
                op, data = ws.recv_data()
                if op != 1:
                    continue
                msg = json.loads(data)
                if msg.get("method") == "eth_subscription" and msg["params"]["subscription"] == sub:
                    got.append(msg["params"]["result"])
        except (socket.timeout, EOFError):
            pass
        expect(got == want_logs, f"logs subscription: the chain's logs with the topic ({len(got)} of {len(want_logs)})")

        # expiry: `expired` was never polled
        time.sleep(TIMEOUT_MS / 1000 + 1.2)
        r = node.call("eth_getFilterChanges", expired)
        expect(r.get("error", {}).get("message") == "filter not found", "an unpolled filter expires")

        # the limit: after the expiry, install up to it, then one more
        for f in (bf, lf, lf_all, pf):
            node.call("eth_uninstallFilter", f)
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_newBlockFilter"} for i in range(LIMIT + 1)]
        _, _, text = node.post(json.dumps(batch))
        res = sorted(json.loads(text), key=lambda x: x["id"])
        ok = [x for x in res if "result" in x]
        errs = [x for x in res if "error" in x]
        expect(len(ok) == LIMIT and len(errs) == 1 and errs[0]["error"]["code"] == -32005 and res[-1] in errs,
               f"limit: {LIMIT} filters, then -32005 ({len(ok)} ok, {errs[:1]})")
        node.call("eth_uninstallFilter", ok[0]["result"])
        expect("result" in node.call("eth_newBlockFilter"), "after an uninstall, a new filter fits")
        expect(len({x["result"] for x in ok}) == LIMIT, "filter ids are unique")
        expect(node.call("eth_blockNumber").get("result") == "0x36", "eth_blockNumber still answers")
        status = node.stop()
        expect(status == 0, f"SIGTERM: exit 0 (got {status})")
        writer.join(timeout=30)
        writer = None
        reorg_phase(ethc, suite, workdir, fifo, last, want_logs)
    finally:
        if writer:
            writer.join(timeout=30)
        node.stop()
        node.cleanup()
        if os.path.exists(fifo):
            os.unlink(fifo)
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
