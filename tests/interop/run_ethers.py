#!/usr/bin/env python3
"""Runs ethers_read.mjs (ethers v6, from tests/interop/node_modules) against
`ethc node` serving the rpc-compat chain. Exit 77 (skipped) when node or the
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
    node = Node(ethc, workdir, suite)
    try:
        r = subprocess.run(["node", os.path.join(here, "ethers_read.mjs"), node.url], timeout=120)
    finally:
        status = node.stop()
        node.cleanup()
    if status != 0:
        print(f"ethc node exited {status} on SIGTERM")
        return 1
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
