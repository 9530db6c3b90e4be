#!/usr/bin/env python3
"""ethers v6 against `ethc node` (run_interop.py with LIB ethers: ethers_ws.mjs,
ethers_read.mjs, ethers_send.mjs). Exit 77 (skipped) when node or the npm
packages are missing: `scripts/install-deps.sh --test` installs them.
usage: run_ethers.py ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_interop import run  # noqa: E402

if __name__ == "__main__":
    sys.exit(run("ethers", *sys.argv[1:4]))
