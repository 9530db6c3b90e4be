#!/usr/bin/env python3
"""Driver of bench/dev_tps.sh: transactions per second, from submission to
mined receipt, on `ethc node --dev`, anvil and a hardhat node, each started
fresh on a free port per case and stopped by PID. Cases: simple transfers and
ERC-20 transfers (tests/interop/dev_load.mjs: CLIENTS concurrent clients,
pre-signed raw transactions, PER_CLIENT sequential nonces per sender), with
automine (send and wait for each receipt) and with one block a second (send
back to back, wait for the last receipt) (ethc --dev.period 1, anvil --block-time
1, hardhat evm_setIntervalMining 1000). Prints one markdown table.
usage: dev_tps.py ETHC WORKDIR [HARDHAT_DIR|-] [CLIENTS] [PER_CLIENT] [REPEAT]"""
import json
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTEROP = os.path.join(ROOT, "tests", "interop")
sys.path.insert(0, INTEROP)
from devnet import DevServer, anvil_path  # noqa: E402


def run_case(kind, exe, interval, load, workdir, clients, per):
    extra = []
    if interval and kind == "ethc":
        extra = ["--dev.period", "1"]
    elif interval and kind == "anvil":
        extra = ["--block-time", "1"]
    if kind == "ethc":
        extra += ["--verbosity", "2"]
    server = DevServer(kind, exe, workdir, extra)
    try:
        if interval and kind == "hardhat":
            server.result("evm_setAutomine", False)
            server.result("evm_setIntervalMining", 1000)
        r = subprocess.run(["node", os.path.join(INTEROP, "dev_load.mjs"), server.url, load, str(clients), str(per),
                            workdir, "pipeline" if interval else "wait"], capture_output=True, text=True, timeout=900)
    finally:
        server.stop()
    if r.returncode != 0:
        errs = [x for x in r.stderr.splitlines() if "Error" in x] or r.stderr.strip().splitlines() or ["?"]
        return None, errs[0]
    return json.loads(r.stdout.strip().splitlines()[-1]), None


def main():
    # SIGTERM unwinds like Ctrl-C: the running server and load are stopped by PID
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ethc, workdir = sys.argv[1:3]
    hardhat = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    clients = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    per = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    repeat = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    servers = [("ethc", ethc), ("anvil", anvil_path())]
    if hardhat:
        servers.append(("hardhat", hardhat))
    servers = [(k, e) for k, e in servers if e]
    cases = [("simple transfers", "eth", False), ("ERC-20 transfers", "erc20", False),
             ("simple transfers", "eth", True), ("ERC-20 transfers", "erc20", True)]
    rows = []
    for label, load, interval in cases:
        row = {}
        for kind, exe in servers:
            best = None
            for _ in range(repeat):
                res, err = run_case(kind, exe, interval, load, workdir, clients, per)
                if err:
                    print(f"{kind} {label}: {err}", file=sys.stderr)
                    continue
                print(f"{kind:8} {label:17} {'period 1' if interval else 'automine':8} {res['tps']:8.0f} tx/s "
                      f"({res['txs']} in {res['seconds']:.2f} s, {res['blocks']} blocks)", file=sys.stderr, flush=True)
                if best is None or res["tps"] > best["tps"]:
                    best = res
            row[kind] = best
        rows.append((label, "automine" if not interval else "--dev.period 1", row))
    kinds = [k for k, _ in servers]
    print(f"\n{clients} concurrent clients x {per} pre-signed raw transactions each (one sender per client); tx/s "
          f"from the first submission to the last receipt, best of {repeat}. automine: each client waits for a "
          f"transaction's receipt before sending the next; period 1: each sends back to back, then waits for its "
          f"last receipt. (blocks): blocks the load spanned\n")
    print("| load | mining | " + " | ".join(f"{k} tx/s (blocks)" for k in kinds) + " | ethc / anvil |")
    print("| --- | --- | " + " | ".join("---:" for _ in kinds) + " | ---: |")
    for label, mode, row in rows:
        cells = [f"{row[k]['tps']:.0f} ({row[k]['blocks']})" if row.get(k) else "failed" for k in kinds]
        ratio = (f"{row['ethc']['tps'] / row['anvil']['tps']:.2f}x" if row.get("ethc") and row.get("anvil") else "-")
        print(f"| {label} | {mode} | " + " | ".join(cells) + f" | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
