#!/usr/bin/env python3
"""`ethc beacon sync` cross-checked against ChainSafe's @lodestar/light-client 1.28.1
(tests/interop/lodestar_lc.mjs) on the same recorded mainnet light-client data,
served once by the mock beacon node (beacon_mock.py), both with their clocks set to
just after the optimistic update (ethc --at T; lodestar's clock set to T):

- DATA_DIR (mainnet Deneb: a bootstrap, the updates of periods 1250-1251, a
  finality and an optimistic update): both sync, and agree on the finalized and the
  optimistic header: slot, beacon root, execution block number, block hash and state
  root; and the finalized head is past the bootstrap (the updates were applied);
- the Capella data (../capella beside DATA_DIR) the same way;
- a flipped signature bit in the finality update, or a flipped execution block hash
  in the optimistic update: both refuse (exit 1), so their agreement above is not
  that of two clients accepting anything.
Prints the wall time and max RSS of one sync by each (/usr/bin/time -v when present).
Exit 77 (skipped) when node, or the npm package (scripts/install-deps.sh --test
installs it), is missing.
usage: beacon_lodestar.py ETHC DATA_DIR WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from beacon_mock import BeaconMock  # noqa: E402

INTEROP = os.path.join(os.path.dirname(HERE), "interop")
SCRIPT = os.path.join(INTEROP, "lodestar_lc.mjs")
PACKAGE = os.path.join(INTEROP, "node_modules", "@lodestar", "light-client", "package.json")
MAINNET_GENESIS_TIME = 1606824023
SECONDS_PER_SLOT = 12
FIELDS = ("slot", "beacon_root", "block_number", "block_hash", "state_root")

failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + detail), flush=True)
    if not cond:
        failures += 1


def skip_reason():
    node = shutil.which("node")
    if not node:
        return "node (Node.js) is not installed"
    out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    m = re.match(r"v(\d+)", out)
    if not m or int(m.group(1)) < 18:
        return "node %s is too old for @lodestar/light-client (18 or newer)" % (out or "?")
    if not os.path.exists(PACKAGE):
        return "@lodestar/light-client is not installed in tests/interop (scripts/install-deps.sh --test)"
    return None


def load(data, name):
    with open(os.path.join(data, name)) as f:
        return json.load(f)


def sync_args(data):
    """(checkpoint, at): the trusted root and the time just after the optimistic update."""
    optimistic = load(data, "optimistic_update.json")["data"]
    at = MAINNET_GENESIS_TIME + (int(optimistic["signature_slot"]) + 1) * SECONDS_PER_SLOT
    return load(data, "checkpoint.json")["checkpoint"], at


def ethc_cmd(ethc, url, checkpoint, at):
    return [ethc, "beacon", "sync", "--network", "mainnet", "--checkpoint", checkpoint, "--consensus-rpc", url,
            "--at", str(at), "--json"]


def lodestar_cmd(url, checkpoint, at):
    return ["node", SCRIPT, url, checkpoint, str(at)]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=INTEROP)
    return p.returncode, p.stdout, p.stderr


def heads(out):
    try:
        doc = json.loads(out)
        return {k: {f: doc[k][f] for f in FIELDS} for k in ("finalized", "optimistic")}
    except (ValueError, KeyError, TypeError):
        return None


def compare(data, ethc, label):
    """Both clients on DATA: their heads agree field by field."""
    checkpoint, at = sync_args(data)
    bootstrap_slot = int(load(data, "bootstrap.json")["data"]["header"]["beacon"]["slot"])
    with BeaconMock(data) as mock:
        rc_e, out_e, err_e = run(ethc_cmd(ethc, mock.url, checkpoint, at))
        rc_l, out_l, err_l = run(lodestar_cmd(mock.url, checkpoint, at))
    check(rc_e == 0, "%s: ethc syncs (exit 0)" % label, err_e.strip())
    check(rc_l == 0, "%s: lodestar syncs (exit 0)" % label, err_l.strip()[-2000:])
    got_e, got_l = heads(out_e), heads(out_l)
    if got_e is None or got_l is None:
        check(False, "%s: both print their heads as JSON" % label, "ethc %r, lodestar %r" % (out_e, out_l))
        return
    for which in ("finalized", "optimistic"):
        for f in FIELDS:
            check(got_e[which][f] == got_l[which][f], "%s: %s %s agrees (%s)" % (label, which, f, got_l[which][f]),
                  "ethc %s, lodestar %s" % (got_e[which][f], got_l[which][f]))
    check(got_l["finalized"]["slot"] >= bootstrap_slot and got_l["optimistic"]["slot"] > got_l["finalized"]["slot"],
          "%s: the heads moved on from the bootstrap (slot %d)" % (label, bootstrap_slot), json.dumps(got_l))


def measure(cmd):
    """(exit status, wall, user s, max RSS KB, note) of cmd under /usr/bin/time -v."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, timeout=60, cwd=INTEROP)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", p.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    user = re.search(r"User time \(seconds\): (\S+)", p.stderr)
    inner = re.search(r"lodestar_lc: sync (\d+) ms", p.stderr)
    return p.returncode, (wall.group(1) if wall else "?"), (user.group(1) if user else "?"), \
        (rss.group(1) if rss else "?"), (" (the sync itself, without node's start-up: %s ms)" % inner.group(1)
                                         if inner else "")


def main():
    ethc, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(sys.argv[3], exist_ok=True)
    reason = skip_reason()
    if reason:
        print("SKIPPED: " + reason)
        return 77

    compare(data, ethc, "Deneb")
    capella = os.path.join(os.path.dirname(os.path.abspath(data)), "capella")
    if os.path.isdir(capella):
        compare(capella, ethc, "Capella")

    # the reference refuses what ethc refuses: its agreement is not blind acceptance
    checkpoint, at = sync_args(data)
    for flag, target in (("flip_signature", "finality_update"), ("flip_execution", "optimistic_update")):
        with BeaconMock(data, targets=(target,), **{flag: True}) as mock:
            rc_e, out_e, err_e = run(ethc_cmd(ethc, mock.url, checkpoint, at))
            rc_l, out_l, err_l = run(lodestar_cmd(mock.url, checkpoint, at))
        first = (err_l.strip().splitlines() or [""])[0]
        check(rc_e == 1 and rc_l == 1 and out_e == "" and out_l == "",
              "%s in the %s: both refuse (exit 1)" % (flag, target),
              "ethc %d %s; lodestar %d %s" % (rc_e, err_e.strip(), rc_l, first))
        print("     (lodestar: %s)" % first)

    # figures: one sync each, the mock answering from this process
    if os.path.exists("/usr/bin/time"):
        with BeaconMock(data) as mock:
            for name, cmd in (("ethc beacon sync", ethc_cmd(ethc, mock.url, checkpoint, at)),
                              ("@lodestar/light-client 1.28.1 (node %s)" %
                               subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
                               lodestar_cmd(mock.url, checkpoint, at))):
                rc, wall, user, rss, note = measure(cmd)
                print("figure: %s on the Deneb data: wall %s, user %s s, max RSS %s KB%s"
                      % (name, wall, user, rss, note))
                check(rc == 0, "the measured %s run syncs too" % name.split(" (")[0])
    else:
        print("figure: no /usr/bin/time, no timings")

    print("%s: %d failed" % ("FAIL" if failures else "PASS", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
