#!/usr/bin/env python3
"""`ethc node --dev --dev.ephemeral` against anvil (issue 13: a drop-in): the
same scripted session (tests/interop/dev_session.mjs: deploy an OpenZeppelin
ERC-20, calls, transfers, approve/transferFrom, a mined revert, eth_estimateGas
of several calls, ETH transfers, mining N blocks, logs, snapshot/revert) runs
on both, each on a free port and stopped by PID; every recorded result that
does not hang on a timestamp or a block hash is compared. Prints a table of
the compared items, fails on a difference unless KNOWN lists it with its
reason. A step the ethc node answers -32601 for is reported as skipped (not
compared) until the method lands. Exit 77 (skipped) when node, the npm packages
or anvil (npm @foundry-rs/anvil) cannot run.
usage: dev_vs_anvil.py ETHC WORKDIR"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "..", "interop")
sys.path.insert(0, INTEROP)
from devnet import DevServer, anvil_path, ethc_has_dev, missing_js  # noqa: E402

BASE_FEE = ("base fee", "the base fee: ethc applies EIP-1559 from the genesis (block 1 after a block 0 of 1 gwei and no gas: "
            "0.875 gwei); anvil keeps 1 gwei for block 1, so its base fees run a block behind. Gas used, and each "
            "balance plus the fees it paid, are compared instead")
ESTIMATE = ("estimate", "ethc estimates as geth does: its binary search stops within 1.5% above the least gas "
            "that succeeds (geth's estimateGasErrorRatio); anvil searches down to the least")


def hexint(v):
    return int(v, 16) if isinstance(v, str) and v.startswith("0x") else None


def within_geth_ratio(va, ve):
    a, e = hexint(va), hexint(ve)
    return a is not None and e is not None and a <= e <= a + a * 15 // 1000 + 1


def without(*fields):
    def check(va, ve):
        if not isinstance(va, dict) or not isinstance(ve, dict):
            return False
        strip = lambda d: {k: v for k, v in d.items() if k not in fields}  # noqa: E731
        return strip(va) == strip(ve)
    return check


def always(va, ve):
    return True


# Differences that are deliberate: (key regex, (tag, reason), check(anvil value, ethc
# value) -> True when the difference is this one). Anything else fails.
KNOWN = [
    (r"receipt\.effectiveGasPrice$|^balance of the coinbase|^final balance of account \d+$", BASE_FEE, always),
    (r": transaction$", BASE_FEE, without("gasPrice")),
    (r"^block \d+$", BASE_FEE, without("baseFeePerGas")),
    (r"^estimate: ", ESTIMATE, within_geth_ratio),
    (r"\(no receive: error\)$", ("empty revert", "a revert without data: ethc answers geth's -32000 \"execution "
                                  "reverted\" with no data; anvil code 3 with data 0x"),
     lambda va, ve: va.get("error", {}).get("code") == 3 and ve.get("error", {}).get("code") == -32000),
    (r"^a nonce too low \(error code\)$", ("nonce code", "a stale nonce: ethc answers geth's -32000 (\"nonce too "
                                                      "low: ...\"); anvil -32003"), lambda va, ve: va == -32003 and ve == -32000),
    (r"^hardhat_mine \d+$", ("hardhat_mine", "hardhat_mine answers true as hardhat does; anvil answers null"),
     lambda va, ve: va is None and ve is True),
]


def run_session(server, workdir, skip=()):
    env = dict(os.environ, DEV_SESSION_SKIP=",".join(skip))
    r = subprocess.run(["node", os.path.join(INTEROP, "dev_session.mjs"), server.url, workdir],
                       capture_output=True, text=True, timeout=300, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"dev_session.mjs on {server.kind} exited {r.returncode}:\n{r.stderr[-3000:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return out["records"], out["unsupported"]


def comparable(v):
    """Drops the parts that are not compared: error messages (servers word them differently)."""
    if isinstance(v, dict):
        return {k: comparable(x) for k, x in v.items() if k != "message"}
    if isinstance(v, list):
        return [comparable(x) for x in v]
    return v


def short(v, n=60):
    s = json.dumps(v, separators=(",", ":")) if not isinstance(v, str) else v
    return s if len(s) <= n else s[:n - 3] + "..."


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("usage: ")[1])
    ethc, workdir = sys.argv[1:3]
    why = missing_js("ethers", "solc", "@openzeppelin/contracts")
    if why:
        print(f"SKIPPED: {why}")
        return 77
    anvil = anvil_path()
    if not anvil or subprocess.run([anvil, "--version"], capture_output=True).returncode != 0:
        print("SKIPPED: anvil (npm @foundry-rs/anvil in tests/interop) cannot run")
        return 77
    if not ethc_has_dev(ethc):
        print("SKIPPED: this ethc has no `node --dev.ephemeral`")
        return 77
    os.makedirs(workdir, exist_ok=True)
    # ethc first: anvil's session then leaves out the methods this ethc lacks yet
    results, lacking = {}, []
    for kind, exe in (("ethc", ethc), ("anvil", anvil)):
        server = DevServer(kind, exe, workdir)
        try:
            results[kind], unsupported = run_session(server, workdir, lacking)
            if kind == "ethc":
                lacking = unsupported
        finally:
            status = server.stop()
        if kind == "ethc" and status != 0:
            print(f"ethc node exited {status} on SIGTERM")
            return 1
    a = dict(results["anvil"])
    e = dict(results["ethc"])
    keys = [k for k, _ in results["anvil"]] + [k for k, _ in results["ethc"] if k not in a]
    rows, failed, skipped, known, used = [], [], [], [], set()
    for k in keys:
        va, ve = comparable(a.get(k, "<missing>")), comparable(e.get(k, "<missing>"))
        if isinstance(ve, dict) and ve.get("unsupported") == -32601 and va == ve:
            skipped.append(k)
            rows.append((k, "skipped", "", "ethc: -32601 (not in this build yet): not called on either"))
            continue
        if va == ve:
            rows.append((k, "same", short(va), ""))
            continue
        reason = next((r for pat, r, ok in KNOWN if re.search(pat, k) and ok(va, ve)), None)
        if reason:
            known.append(k)
            used.add(reason)
            rows.append((k, "known", short(va), f"ethc `{short(ve)}` ({reason[0]})"))
        else:
            failed.append((k, va, ve))
            rows.append((k, "DIFF", short(va), f"ethc `{short(ve)}`"))
    print("| item | result | anvil | note |\n| --- | --- | --- | --- |")
    for k, res, va, note in rows:
        print(f"| {k} | {res} | `{va}` | {note} |")
    for k, va, ve in failed:
        print(f"\nDIFF {k}\n  anvil: {json.dumps(va)}\n  ethc:  {json.dumps(ve)}")
    same = sum(1 for r in rows if r[1] == "same")
    print("\nknown differences:")
    for tag, reason in sorted(used):
        print(f"  ({tag}) {reason}")
    if lacking:
        print(f"\nnot compared (this ethc answers -32601): {', '.join(lacking)}")
    print(f"\n{same} same, {len(known)} known differences, {len(skipped)} skipped (ethc lacks the method), "
          f"{len(failed)} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
