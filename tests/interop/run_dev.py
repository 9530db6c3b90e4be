#!/usr/bin/env python3
"""Runs LIB_dev.mjs (LIB: ethers v6, viem v2 or web3 v4, unmodified, from
tests/interop/node_modules) against `ethc node --dev --dev.ephemeral` on a free
port: an OpenZeppelin ERC-20 compiled by solc is deployed and used (transfers,
approve/transferFrom, eth_getLogs and a WebSocket logs subscription, reverts
with their custom error and reason string, snapshot/revert, time travel,
mining). With --anvil the same script runs against anvil instead (the
reference it was written on). Exit 77 (skipped) only when node or an npm
package is missing: `scripts/install-deps.sh --test` installs them.
usage: run_dev.py LIB ETHC WORKDIR [--anvil]"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from devnet import DevServer, anvil_path, ethc_has_dev, missing_js  # noqa: E402

PACKAGES = {"ethers": "ethers", "viem": "viem", "web3": "web3"}


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in PACKAGES:
        sys.exit(__doc__.split("usage: ")[1])
    lib, ethc, workdir = sys.argv[1:4]
    on_anvil = sys.argv[4:] == ["--anvil"]
    why = missing_js(PACKAGES[lib], "solc", "@openzeppelin/contracts")
    if why:
        print(f"SKIPPED: {why}")
        return 77
    os.makedirs(workdir, exist_ok=True)
    if on_anvil:
        exe = anvil_path()
        if not exe:
            print("SKIPPED: anvil (npm @foundry-rs/anvil) is not installed")
            return 77
        server = DevServer("anvil", exe, workdir)
    else:
        if not ethc_has_dev(ethc):  # a branch without issue 13's --dev
            print("SKIPPED: this ethc has no `node --dev.ephemeral`")
            return 77
        server = DevServer("ethc", ethc, workdir)
    try:
        print(f"{server.kind} at {server.url}", flush=True)
        r = subprocess.run(["node", os.path.join(here, f"{lib}_dev.mjs"), server.url, server.ws, workdir],
                           timeout=300)
    finally:
        status = server.stop()
    if r.returncode != 0:
        print(f"--- {server.kind} log (tail) ---\n" + "".join(open(server.logpath).readlines()[-40:]))
    if server.kind == "ethc" and status != 0:
        print(f"ethc node exited {status} on SIGTERM")
        return 1
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
