#!/usr/bin/env python3
"""`ethc beacon sync` against a mock beacon node (beacon_mock.py) serving real
mainnet light-client data (DATA = $ETHC_SHARED/light-client/mainnet/deneb: a
bootstrap at slot 10248000, the updates of periods 1250-1251, a finality and an
optimistic update), replayed with --at just after the optimistic update:

- it reaches the finalized head the finality update proves and prints it as
  JSON: slot, beacon root (hash_tree_root of the BeaconBlockHeader, computed here
  independently), execution block number, hash and state root; the same for the
  optimistic head; it asked for exactly the bootstrap, the updates of periods
  1250-1251, the finality and the optimistic update, as JSON;
- one bit of the aggregate signature, one participation bit, or one byte of the
  execution header flipped (in the finality update, the updates or the optimistic
  update) each make it exit 1 with a message naming the failed check;
- with --datadir the synced store is saved (LevelDB, DIR/beacon); a second run,
  the bootstrap refused by the server, resumes from it to the same heads; a
  store of another network and a damaged database are refused;
- the Capella data (../capella beside DATA_DIR) sync to their heads too;
- a response labelled with the wrong fork, a server withholding the updates,
  a bootstrap that does not hash to the checkpoint, an unknown checkpoint, a
  server error, a body that is not JSON, a refused connection, a stale checkpoint
  (refused, then accepted with --allow-stale-checkpoint) and bad usage each give
  the right exit status and message.
Prints the time and max RSS of the good run (/usr/bin/time -v when present).
usage: beacon_sync.py ETHC DATA_DIR WORKDIR"""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from beacon_mock import BeaconMock  # noqa: E402

MAINNET_GENESIS_TIME = 1606824023
SECONDS_PER_SLOT = 12

failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + detail), flush=True)
    if not cond:
        failures += 1


def header_root(beacon):
    """hash_tree_root(BeaconBlockHeader): five fields merkleized over 8 chunks."""
    def u64(v):
        return int(v).to_bytes(8, "little") + bytes(24)

    def b32(v):
        return bytes.fromhex(v[2:])

    chunks = [u64(beacon["slot"]), u64(beacon["proposer_index"]), b32(beacon["parent_root"]),
              b32(beacon["state_root"]), b32(beacon["body_root"])] + [bytes(32)] * 3
    while len(chunks) > 1:
        chunks = [hashlib.sha256(chunks[i] + chunks[i + 1]).digest() for i in range(0, len(chunks), 2)]
    return "0x" + chunks[0].hex()


def expected_head(header):
    e = header["execution"]
    return {"slot": int(header["beacon"]["slot"]), "beacon_root": header_root(header["beacon"]),
            "block_number": int(e["block_number"]), "block_hash": e["block_hash"].lower(),
            "state_root": e["state_root"].lower()}


def run(ethc, args, timeout=60):
    p = subprocess.run([ethc, "beacon", "sync", *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main():
    ethc, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(data, "checkpoint.json")) as f:
        checkpoint = json.load(f)["checkpoint"]
    with open(os.path.join(data, "finality_update.json")) as f:
        finality = json.load(f)["data"]
    with open(os.path.join(data, "optimistic_update.json")) as f:
        optimistic = json.load(f)["data"]
    at = MAINNET_GENESIS_TIME + (int(optimistic["signature_slot"]) + 1) * SECONDS_PER_SLOT
    base = ["--network", "mainnet", "--checkpoint", checkpoint, "--at", str(at)]
    want = {"finalized": expected_head(finality["finalized_header"]),
            "optimistic": expected_head(optimistic["attested_header"])}

    # the honest server: the proven heads, and exactly the requests needed
    with BeaconMock(data) as mock:
        t0 = time.time()
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url, "--json"])
        elapsed = time.time() - t0
        check(rc == 0, "syncs from the checkpoint (exit 0)", err.strip())
        try:
            got = json.loads(out)
        except ValueError:
            got = None
        check(got == want, "prints the finalized and optimistic heads the data prove",
              "got %s, want %s" % (out.strip(), json.dumps(want)))
        check(out.count("\n") == 1 and out.startswith("{"), "--json prints one line, one object")
        paths = [p for p, _ in mock.requests]
        check(paths == ["/eth/v1/beacon/light_client/bootstrap/" + checkpoint,
                        "/eth/v1/beacon/light_client/updates?start_period=1250&count=2",
                        "/eth/v1/beacon/light_client/finality_update",
                        "/eth/v1/beacon/light_client/optimistic_update"],
              "asks for the bootstrap, the updates of periods 1250-1251, finality, optimistic", str(paths))
        check(all(a == "application/json" for _, a in mock.requests), "asks for JSON (Accept)")

        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url + "/"])
        check(rc == 0 and "slot %d" % want["finalized"]["slot"] in out and want["finalized"]["beacon_root"] in out
              and want["optimistic"]["block_hash"] in out, "text output names both heads (URL with a trailing /)",
              out + err)

        # figures: time and max RSS of one sync (the mock answering from this process)
        if os.path.exists("/usr/bin/time"):
            p = subprocess.run(["/usr/bin/time", "-v", ethc, "beacon", "sync", *base, "--consensus-rpc", mock.url,
                                "--json"], capture_output=True, text=True, timeout=60)
            wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", p.stderr)
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
            user = re.search(r"User time \(seconds\): (\S+)", p.stderr)
            print("figure: ethc beacon sync on the Deneb data: wall %s, user %s s, max RSS %s KB"
                  % (wall.group(1) if wall else "?", user.group(1) if user else "?", rss.group(1) if rss else "?"))
            check(p.returncode == 0, "the measured run syncs too")
        else:
            print("figure: ethc beacon sync on the Deneb data: %.3f s (no /usr/bin/time for the RSS)" % elapsed)

        # a stale checkpoint: refused with the fix named, then accepted when allowed
        stale = ["--network", "mainnet", "--checkpoint", checkpoint, "--consensus-rpc", mock.url]
        rc, out, err = run(ethc, stale + ["--at", str(at + 30 * 86400)])
        check(rc == 1 and "weak subjectivity" in err and "--allow-stale-checkpoint" in err,
              "a checkpoint 30 days old is refused, naming the fix", err.strip())
        rc, out, err = run(ethc, stale + ["--at", str(at + 30 * 86400), "--allow-stale-checkpoint", "--json"])
        check(rc == 0 and json.loads(out or "{}").get("finalized") == want["finalized"],
              "--allow-stale-checkpoint accepts it", err.strip())

        # a root the server does not know
        other = "0x" + "11" * 32
        rc, out, err = run(ethc, ["--checkpoint", other, "--at", str(at), "--consensus-rpc", mock.url])
        check(rc == 1 and "no bootstrap for this checkpoint" in err and "404" in err,
              "an unknown checkpoint: exit 1, HTTP 404 explained", err.strip())

    # --datadir: the synced store is saved, and the next run resumes from it without
    # a bootstrap (the mock refuses the bootstrap endpoint with HTTP 500)
    datadir = os.path.join(work, "datadir")
    shutil.rmtree(datadir, ignore_errors=True)
    with BeaconMock(data) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url, "--json", "--datadir", datadir])
        check(rc == 0 and json.loads(out or "{}") == want and os.path.isfile(os.path.join(datadir, "beacon", "CURRENT")),
              "--datadir: syncs and saves the store in DIR/beacon", err.strip())
    with BeaconMock(data, status={"bootstrap": 500}) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url])
        check(rc == 1 and "HTTP 500" in err, "the mock refuses the bootstrap (without --datadir: exit 1)", err.strip())
        mock.requests.clear()
        rc, out, err = run(ethc, ["--at", str(at), "--consensus-rpc", mock.url, "--json", "--datadir", datadir])
        paths = [p for p, _ in mock.requests]
        check(rc == 0 and json.loads(out or "{}") == want and not any("bootstrap" in p for p in paths),
              "--datadir again: resumes without a bootstrap (no --checkpoint) to the same heads",
              "exit %d: %s %s %s" % (rc, out.strip(), err.strip(), paths))
        rc, out, err = run(ethc, ["--network", "sepolia", "--at", str(at), "--consensus-rpc", mock.url,
                                  "--datadir", datadir])
        check(rc == 1 and "another network" in err and out == "", "a store of another network is refused",
              "exit %d: %s" % (rc, err.strip()))
        rc, out, err = run(ethc, ["--at", str(at), "--consensus-rpc", mock.url, "--datadir", datadir + "-empty"])
        check(rc == 2 and "--checkpoint" in err and "no light-client store" in err,
              "an empty --datadir still needs --checkpoint (exit 2)", "exit %d: %s" % (rc, err.strip()))
        # a damaged database (one byte flipped in each of its data files) is refused, not used
        damaged = datadir + "-damaged"
        shutil.rmtree(damaged, ignore_errors=True)
        shutil.copytree(datadir, damaged)
        for name in os.listdir(os.path.join(damaged, "beacon")):
            path = os.path.join(damaged, "beacon", name)
            if name.endswith((".ldb", ".log")) and os.path.getsize(path) > 1000:
                with open(path, "r+b") as f:
                    f.seek(os.path.getsize(path) // 2)
                    b = f.read(1)
                    f.seek(-1, 1)
                    f.write(bytes([b[0] ^ 0x40]))
        rc, out, err = run(ethc, ["--at", str(at), "--consensus-rpc", mock.url, "--json", "--datadir", damaged])
        check(rc == 1 and "beacon" in err and out == "", "a damaged store is refused with a message",
              "exit %d: %s" % (rc, err.strip()))
        print("     (" + err.strip() + ")")

    # the Capella data (a sibling directory): no updates needed, the header without blob gas
    capella = os.path.join(os.path.dirname(os.path.abspath(data)), "capella")
    if os.path.isdir(capella):
        with open(os.path.join(capella, "checkpoint.json")) as f:
            c_checkpoint = json.load(f)["checkpoint"]
        with open(os.path.join(capella, "finality_update.json")) as f:
            c_finality = json.load(f)["data"]
        with open(os.path.join(capella, "optimistic_update.json")) as f:
            c_optimistic = json.load(f)["data"]
        c_at = MAINNET_GENESIS_TIME + (int(c_optimistic["signature_slot"]) + 1) * SECONDS_PER_SLOT
        c_want = {"finalized": expected_head(c_finality["finalized_header"]),
                  "optimistic": expected_head(c_optimistic["attested_header"])}
        with BeaconMock(capella) as mock:
            rc, out, err = run(ethc, ["--checkpoint", c_checkpoint, "--at", str(c_at), "--consensus-rpc", mock.url,
                                      "--json"])
            got = json.loads(out) if rc == 0 else None
            check(got == c_want and got["finalized"]["beacon_root"] == c_checkpoint.lower(),
                  "Capella data: the heads the data prove (finalized = the checkpoint)", out + err)

    # each lie, in each place it can be told, is caught and named
    cases = [("flip_signature", "finality_update", "finality update", "sync committee signature"),
             ("flip_participation", "finality_update", "finality update", "sync committee signature"),
             ("flip_execution", "finality_update", "finality update", "execution payload branch"),
             ("flip_signature", "updates", "update 1 of 2", "sync committee signature"),
             ("flip_participation", "updates", "update 1 of 2", "sync committee signature"),
             ("flip_execution", "updates", "update 1 of 2", "execution payload branch"),
             ("flip_signature", "optimistic_update", "optimistic update", "sync committee signature"),
             ("flip_participation", "optimistic_update", "optimistic update", "sync committee signature"),
             ("flip_execution", "optimistic_update", "optimistic update", "execution payload branch")]
    for flag, target, where, check_name in cases:
        with BeaconMock(data, targets=(target,), **{flag: True}) as mock:
            rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url, "--json"])
            check(rc == 1 and where in err and check_name in err and out == "",
                  "%s in the %s: exit 1, '%s' named" % (flag, target, check_name), "exit %d: %s" % (rc, err.strip()))

    # a bootstrap served for a root it does not hash to
    with BeaconMock(data, any_root=True) as mock:
        rc, out, err = run(ethc, ["--checkpoint", "0x" + "22" * 32, "--at", str(at), "--consensus-rpc", mock.url])
        check(rc == 1 and err.startswith("ethc beacon sync: bootstrap: ") and out == "",
              "a bootstrap that does not hash to the checkpoint: exit 1", err.strip())
        print("     (" + err.strip() + ")")

    # a response claiming another fork than its slot's
    with BeaconMock(data, version={"finality_update": "capella"}) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url])
        check(rc == 1 and "version capella does not match the fork at slot 10248453 (deneb)" in err,
              "a finality update labelled capella: exit 1", err.strip())

    # a server withholding the updates: the finality update is signed by a committee
    # the store does not know, and is refused
    with BeaconMock(data, no_updates=True) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url])
        check(rc == 1 and "finality update (attested slot 10248453): " in err and out == "",
              "no updates served: the finality update is refused, exit 1", err.strip())
        print("     (" + err.strip() + ")")

    # server failures
    with BeaconMock(data, status={"finality_update": 500}) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url])
        check(rc == 1 and "finality update" in err and "HTTP 500" in err and "mock failure" in err,
              "HTTP 500: exit 1 with the status and the server's message", err.strip())
    with BeaconMock(data, garbage=("updates",)) as mock:
        rc, out, err = run(ethc, base + ["--consensus-rpc", mock.url])
        check(rc == 1 and "updates from period 1250: not valid JSON" in err, "a body that is not JSON: exit 1",
              err.strip())
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rc, out, err = run(ethc, base + ["--consensus-rpc", "http://127.0.0.1:%d" % port])
    check(rc == 1 and "bootstrap: " in err, "a refused connection: exit 1", err.strip())

    # usage
    for args, what, text in [
            (["--checkpoint", checkpoint[:-2], "--consensus-rpc", "http://127.0.0.1:1"], "short checkpoint",
             "--checkpoint"),
            (["--checkpoint", checkpoint[2:], "--consensus-rpc", "http://127.0.0.1:1"], "checkpoint without 0x",
             "--checkpoint"),
            (["--checkpoint", checkpoint], "no --consensus-rpc", "--consensus-rpc"),
            (["--consensus-rpc", "http://127.0.0.1:1"], "no --checkpoint", "--checkpoint"),
            (["--network", "mainet", "--checkpoint", checkpoint, "--consensus-rpc", "http://x"], "network typo",
             "did you mean 'mainnet'"),
            (["--checkpoint", checkpoint, "--consensus-rpc", "ftp://x"], "ftp URL", "http:// or https://"),
            (["--checkpoint", checkpoint, "--consensus-rpc", "http://x", "--at", "soon"], "bad --at", "--at")]:
        rc, out, err = run(ethc, args)
        check(rc == 2 and text in err, "usage: %s: exit 2" % what, "exit %d: %s" % (rc, err.strip()))

    print("%s: %d failed" % ("FAIL" if failures else "PASS", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
