#!/usr/bin/env python3
"""RLPx against a third-party devp2p node: starts @ethereumjs/client (pinned in
tests/interop/ethereumjs/package.json) on a free port serving the ethtest chain,
waits for the enode it prints, and runs p2p_hello (tests/system/p2p_hello.c)
against it: the ECIES handshake, both Hellos, capability negotiation and the
first Snappy-compressed eth message (Status) must come through. The other
way round, @ethereumjs/devp2p's RLPx (tests/interop/ethereumjs/dial_ethc.mjs)
dials `p2p_hello --listen`: our recipient side reads its EIP-8 auth, and the
Disconnect we send ("too many peers", compressed) must reach it. Exit 77
(skipped) when node or the npm package is missing.
usage: p2p_hello.py P2P_HELLO CHAIN_DIR WORKDIR"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ethereumjs_peer import EJS_DIR, EthereumjsPeer, missing  # noqa: E402


def recipient(prog):
    """@ethereumjs/devp2p dials us: returns a list of failures."""
    lis = subprocess.Popen([prog, "--listen", "0", "30"], stdout=subprocess.PIPE, text=True)
    try:
        m = re.match(r"enode: (enode://\S+)", lis.stdout.readline())
        if not m:
            return ["p2p_hello --listen printed no enode"]
        out = subprocess.run(["node", os.path.join(EJS_DIR, "dial_ethc.mjs"), m.group(1)], capture_output=True,
                             text=True, timeout=60, cwd=EJS_DIR)
        ours = lis.communicate(timeout=30)[0]
    finally:
        if lis.poll() is None:
            lis.kill()
            lis.wait()
    print("ethereumjs-devp2p dialling p2p_hello --listen:\n" + out.stdout + out.stderr + "p2p_hello:\n" + ours, end="")
    fails = []
    if 'hello: client="ethc/p2p_hello" p2p=5 caps=eth/68,eth/69,snap/1' not in out.stdout:
        fails.append("ethereumjs-devp2p got no Hello from us")
    if "removed: reason=4 by=peer" not in out.stdout:
        fails.append("ethereumjs-devp2p did not get our Disconnect (too many peers)")
    if 'hello: client="ethereumjs-devp2p/dial_ethc" p2p=5' not in ours or "shared: eth/68" not in ours:
        fails.append("we got no Hello from ethereumjs-devp2p")
    if lis.returncode != 0:
        fails.append(f"p2p_hello --listen exited {lis.returncode}")
    return fails


def main(prog, chain, workdir):
    reason = missing()
    if reason:
        print("SKIPPED:", reason)
        return 77
    fails = recipient(prog)
    os.makedirs(workdir, exist_ok=True)
    data = os.path.join(workdir, f"ejs-{os.getpid()}")
    shutil.rmtree(data, ignore_errors=True)
    try:
        with EthereumjsPeer(chain, data) as peer:
            enode = peer.wait_enode()
            if not enode:
                print("FAIL: ethereumjs printed no enode; its log:\n" + peer.log()[-3000:])
                return 1
            print("peer:", enode)
            t0 = time.time()
            out = subprocess.run([prog, enode, "30"], capture_output=True, text=True, timeout=60)
        print(out.stdout + out.stderr, end="")
        print(f"handshake to first message: {time.time() - t0:.2f} s")
        if out.returncode != 0:
            fails.append(f"p2p_hello exited {out.returncode}")
        if not re.search(r'^hello: client="EthereumJS/0\.10\.5/', out.stdout, re.M):
            fails.append("no Hello from EthereumJS/0.10.5")
        if "shared: eth/68 ids 0x10..0x20" not in out.stdout:
            fails.append("eth/68 not negotiated at 0x10")
        if not re.search(r"^msg: eth/68 code=0 len=\d+ data=0xf8", out.stdout, re.M):
            fails.append("no eth Status (code 0) received")
        if "closed: reason=0 (disconnect requested) by us" not in out.stdout:
            fails.append("no clean Disconnect")
        for f in fails:
            print("FAIL:", f)
        return 1 if fails else 0
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
