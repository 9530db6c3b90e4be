#!/usr/bin/env python3
"""A persistent dev node (`ethc node --dev --datadir DIR`, DIR in the build
directory) survives kill -9: transactions are mined (automine), the node is
killed with SIGKILL right after the last receipt, and once restarted on the
same directory its head, block hashes, receipts, balances and nonces are those
it answered before the kill; it then goes on mining on that head. Three rounds,
the last killed while a burst of transactions is arriving. Raw JSON-RPC from
Python: the transactions are signed by the node (eth_sendTransaction).
usage: dev_kill.py ETHC WORKDIR"""
import os
import shutil
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
from devnet import DevServer, ethc_has_dev  # noqa: E402

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1


def snapshot(node, accounts, hashes):
    """What must survive: head number and hash, every block hash, receipts, balances, nonces."""
    head = int(node.result("eth_blockNumber"), 16)
    return {
        "head": head,
        "blocks": [node.result("eth_getBlockByNumber", hex(n), False)["hash"] for n in range(head + 1)],
        "receipts": {h: (r or {}).get("blockHash") for h in hashes
                     for r in [node.result("eth_getTransactionReceipt", h)]},
        "balances": [node.result("eth_getBalance", a, "latest") for a in accounts],
        "nonces": [node.result("eth_getTransactionCount", a, "latest") for a in accounts],
    }


def send(node, frm, to, value):
    return node.result("eth_sendTransaction", {"from": frm, "to": to, "value": hex(value)})


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("usage: ")[1])
    ethc, workdir = sys.argv[1:3]
    if not ethc_has_dev(ethc):
        print("SKIPPED: this ethc has no `node --dev`")
        return 77
    os.makedirs(workdir, exist_ok=True)
    datadir = os.path.join(workdir, f"dev-kill-{os.getpid()}")
    shutil.rmtree(datadir, ignore_errors=True)
    args = ["--datadir", datadir, "--dev"]
    hashes, acked, nonce4 = [], [], 0
    before = None
    try:
        for rnd in range(3):
            node = DevServer("ethc", ethc, workdir, args)
            try:
                accounts = node.result("eth_accounts")
                if before is not None:
                    after = snapshot(node, accounts, hashes)
                    check(after == before, f"round {rnd}: head #{after['head']}, block hashes, receipts, balances and "
                          f"nonces are those before kill -9")
                    if after != before:
                        for k in before:
                            if before[k] != after[k]:
                                print(f"  {k}: before {before[k]}\n  {k}: after  {after[k]}")
                for i in range(5):
                    h = send(node, accounts[i % 3], accounts[5 + i % 3], 10**15 * (rnd + 1) + i)
                    hashes.append(h)
                for h in hashes[-5:]:
                    check(node.result("eth_getTransactionReceipt", h) is not None,
                          f"round {rnd}: mined {h[:10]}")
                before = snapshot(node, accounts, hashes)
                if rnd == 2:
                    # a burst of sends while the kill lands: what was answered before must survive
                    stop = threading.Event()

                    def burst():
                        while not stop.is_set():
                            try:
                                acked.append(send(node, accounts[4], accounts[9], 1))
                            except Exception:  # noqa: BLE001 (the node is being killed)
                                return

                    nonce4 = int(node.result("eth_getTransactionCount", accounts[4], "latest"), 16)
                    t = threading.Thread(target=burst, daemon=True)
                    t.start()
                    before = snapshot(node, accounts, hashes)
                    status = node.stop(signal.SIGKILL)
                    stop.set()
                    t.join(timeout=10)
                else:
                    status = node.stop(signal.SIGKILL)
                check(status == -signal.SIGKILL, f"round {rnd}: kill -9")
            except BaseException:
                node.stop(signal.SIGKILL)
                raise
        node = DevServer("ethc", ethc, workdir, args)
        try:
            accounts = node.result("eth_accounts")
            after = snapshot(node, accounts, hashes)
            # the burst may have added blocks after `before`: those already there must be unchanged
            check(after["head"] >= before["head"] and after["blocks"][:before["head"] + 1] == before["blocks"] and
                  after["receipts"] == before["receipts"],
                  f"after a kill during a burst: head #{after['head']} (>= #{before['head']}), the earlier blocks "
                  f"and receipts unchanged")
            mined = [h for h in acked if node.result("eth_getTransactionReceipt", h)]
            check(len(mined) == len(acked) and int(after["nonces"][4], 16) >= nonce4 + len(acked),
                  f"every burst transaction the node answered before the kill is mined: {len(mined)} of {len(acked)}")
            check(int(after["nonces"][0], 16) == int(before["nonces"][0], 16) and after["balances"][0] == before["balances"][0],
                  "account 0's balance and nonce unchanged (it sent nothing in the burst)")
            h = send(node, accounts[0], accounts[1], 1)
            r = node.result("eth_getTransactionReceipt", h)
            check(r is not None and int(r["blockNumber"], 16) == after["head"] + 1, "it mines on from the head")
            check(node.stop() == 0, "SIGTERM: exit 0")
        except BaseException:
            node.stop(signal.SIGKILL)
            raise
    finally:
        shutil.rmtree(datadir, ignore_errors=True)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
