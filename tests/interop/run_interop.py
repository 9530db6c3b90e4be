#!/usr/bin/env python3
"""Runs one JavaScript client library, unmodified, from tests/interop/node_modules
against `ethc node` serving the rpc-compat chain: LIB_ws.mjs (a WebSocket
newHeads subscription receiving the blocks that `ethc node --import` commits),
then LIB_read.mjs (reads, calls, gas estimates over HTTP) and LIB_send.mjs
(transactions the library signs, into the pool). LIB is ethers (v6), viem or
web3 (web3.js v4). Exit 77 (skipped) when node or the library's npm package is
missing: `scripts/install-deps.sh --test` installs them.
usage: run_interop.py LIB ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "system"))
from rpc_node import Node  # noqa: E402


def run(lib, ethc, suite, workdir):
    if not shutil.which("node"):
        print("SKIPPED: node (Node.js) is not installed")
        return 77
    if not os.path.isdir(os.path.join(here, "node_modules", lib)):
        print(f"SKIPPED: tests/interop/node_modules/{lib} missing (run scripts/install-deps.sh --test)")
        return 77
    # The node imports the chain from a FIFO, fed once the WebSocket client
    # has subscribed, so that it sees every block arrive.
    os.makedirs(workdir, exist_ok=True)
    fifo = os.path.join(workdir, f"{lib}-{os.getpid()}.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    node = Node(ethc, workdir, suite, ["--ws", "--fakepow", "--http.api", "eth,net,web3,txpool", "--import", fifo],
                genesis_only=True)
    fed = False
    status = 0
    try:
        ws = subprocess.Popen(["node", os.path.join(here, f"{lib}_ws.mjs"), node.url.replace("http://", "ws://")],
                              stdout=subprocess.PIPE, text=True)
        for line in ws.stdout:
            print(line, end="", flush=True)
            if line.strip() == "subscribed":
                break
        with open(fifo, "wb") as f, open(os.path.join(suite, "chain.rlp"), "rb") as src:
            f.write(src.read())
        fed = True
        for line in ws.stdout:
            print(line, end="", flush=True)
        ws_status = ws.wait(timeout=60)
        r = subprocess.run(["node", os.path.join(here, f"{lib}_read.mjs"), node.url], timeout=120)
        if r.returncode == 0:
            r = subprocess.run(["node", os.path.join(here, f"{lib}_send.mjs"), node.url], timeout=120)
    finally:
        if not fed:  # the import waits for a writer: give it an empty file
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        status = node.stop()
        node.cleanup()
        os.unlink(fifo)
    if status != 0:
        print(f"ethc node exited {status} on SIGTERM")
        return 1
    return r.returncode or ws_status


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("usage: ")[1])
    sys.exit(run(*sys.argv[1:5]))
