#!/usr/bin/env python3
"""Runs ethers_ws.mjs (WebSocketProvider: new blocks as `ethc node --import`
commits them), ethers_read.mjs (JsonRpcProvider over HTTP) and ethers_send.mjs
(Wallet.sendTransaction into the pool), ethers v6 from
tests/interop/node_modules, against `ethc node` serving the rpc-compat chain. Exit 77 (skipped) when node or the
npm packages are missing: `scripts/install-deps.sh --test` installs them.
usage: run_ethers.py ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "system"))
from rpc_node import Node  # noqa: E402


def main():
    ethc, suite, workdir = sys.argv[1:4]
    if not shutil.which("node"):
        print("SKIPPED: node (Node.js) is not installed")
        return 77
    if not os.path.isdir(os.path.join(here, "node_modules", "ethers")):
        print("SKIPPED: tests/interop/node_modules/ethers missing (run scripts/install-deps.sh --test)")
        return 77
    # The node imports the chain from a FIFO, fed once the WebSocket client
    # has subscribed, so that it sees every block arrive.
    os.makedirs(workdir, exist_ok=True)
    fifo = os.path.join(workdir, f"ethers-{os.getpid()}.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    node = Node(ethc, workdir, suite, ["--ws", "--fakepow", "--http.api", "eth,net,web3,txpool", "--import", fifo], genesis_only=True)
    fed = False
    try:
        ws = subprocess.Popen(["node", os.path.join(here, "ethers_ws.mjs"), node.url.replace("http://", "ws://")],
                              stdout=subprocess.PIPE, text=True)
        for line in ws.stdout:
            print(line, end="")
            if line.strip() == "subscribed":
                break
        with open(fifo, "wb") as f, open(os.path.join(suite, "chain.rlp"), "rb") as src:
            f.write(src.read())
        fed = True
        for line in ws.stdout:
            print(line, end="")
        ws_status = ws.wait(timeout=60)
        r = subprocess.run(["node", os.path.join(here, "ethers_read.mjs"), node.url], timeout=120)
        if r.returncode == 0:
            r = subprocess.run(["node", os.path.join(here, "ethers_send.mjs"), node.url], timeout=120)
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
    sys.exit(main())
