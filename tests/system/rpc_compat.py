#!/usr/bin/env python3
"""The execution-apis conformance suite (rpc-compat) against `ethc node`: imports
the suite's chain, replays every METHOD/*.io file and compares each response with
the expected one as JSON values (two errors match on their code: the suite's
README leaves messages free; a file marked `speconly` needs only a result of the
same shape). Each file is replayed twice, so that cached answers are checked too. Methods the node answers -32601 are skipped with its reason.
Before replaying, headfcu.json (engine_forkchoiceUpdated) goes to the node's
engine API port with a JWT, so that head, safe and finalized are the suite's.
usage: rpc_compat.py ETHC RPC_COMPAT_DIR WORKDIR [-v]"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402


def first_diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: got {json.dumps(a)[:120]}, want {json.dumps(b)[:120]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return f"{path}.{k}: missing (want {json.dumps(b[k])[:120]})"
            if k not in b:
                return f"{path}.{k}: unexpected (got {json.dumps(a[k])[:120]})"
            d = first_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} elements, want {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: got {json.dumps(a)[:120]}, want {json.dumps(b)[:120]}"


def same_shape(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b)
    return True


def check(got, want, speconly):
    """None when `got` passes, else why not."""
    if "error" in want:
        if "error" not in got:
            return f"want error {want['error']}, got result {json.dumps(got.get('result'))[:160]}"
        if got["error"].get("code") != want["error"].get("code"):
            return f"error code {got['error'].get('code')} ({got['error'].get('message')}), want {want['error']['code']}"
        return None
    if "error" in got:
        return f"got error {got['error']}"
    if speconly:
        return None if same_shape(got.get("result"), want.get("result")) else "result does not fit the schema"
    return first_diff(got, want)


def send_headfcu(node, suite):
    """Posts headfcu.json to the engine API (its URL is printed after the HTTP
    one) with an HS256 JWT from DATADIR/jwtsecret; returns the payload status
    or what went wrong."""
    line = node.proc.stdout.readline()
    if "Engine API server started: http://" not in line:
        return f"no engine API URL (got {line.strip()!r})"
    url = line[line.index("http://"):].strip()
    with open(os.path.join(node.datadir, "jwtsecret")) as f:
        secret = bytes.fromhex(f.read().strip().removeprefix("0x"))

    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    signing = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps({"iat": int(time.time())}).encode())
    token = signing + "." + b64(hmac.new(secret, signing.encode(), hashlib.sha256).digest())
    with open(os.path.join(suite, "headfcu.json"), "rb") as f:
        body = f.read()
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            got = json.loads(r.read())
    except (urllib.error.URLError, ValueError) as e:
        return f"engine API: {e}"
    return got.get("result", {}).get("payloadStatus", {}).get("status") or json.dumps(got)[:200]


def load_case(path):
    comments, pairs, req = [], [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("//"):
                comments.append(line[2:].strip())
            elif line.startswith(">>"):
                req = line[2:].strip()
            elif line.startswith("<<") and req is not None:
                pairs.append((req, json.loads(line[2:].strip())))
                req = None
    return " ".join(comments), pairs


def main():
    ethc, suite, workdir = sys.argv[1:4]
    verbose = "-v" in sys.argv[4:]
    methods = sorted(d for d in os.listdir(suite) if os.path.isdir(os.path.join(suite, d)))
    node = Node(ethc, workdir, suite, ["--http.api", "eth,net,web3,debug,txpool,testing", "--authrpc.port", "0"])
    passed = failed = skipped = 0
    try:
        fcu = send_headfcu(node, suite)
        print(f"headfcu.json: {fcu}")
        if fcu != "VALID":
            failed += 1
        for m in methods:
            files = sorted(f for f in os.listdir(os.path.join(suite, m)) if f.endswith(".io"))
            probe = node.call(m)
            if probe.get("error", {}).get("code") == -32601:
                skipped += len(files)
                print(f"{m}: {len(files)} skipped ({probe['error']['message']})")
                continue
            p = f_ = 0
            for name in files:
                comment, pairs = load_case(os.path.join(suite, m, name))
                speconly = "speconly" in comment
                why = None
                # twice: the second answer comes through the server's caches (senders)
                for req, want in pairs + pairs:
                    status, _, text = node.post(req)
                    try:
                        got = json.loads(text)
                    except ValueError:
                        why = f"HTTP {status}, not JSON: {text[:160]!r}"
                        break
                    why = check(got, want, speconly)
                    if why:
                        break
                if why:
                    f_ += 1
                    print(f"  FAIL {m}/{name}: {why}")
                else:
                    p += 1
                    if verbose:
                        print(f"  ok   {m}/{name}")
            passed += p
            failed += f_
            print(f"{m}: {p} passed, {f_} failed")
    finally:
        status = node.stop()
        if status != 0:
            print(f"ethc node exited with status {status} on SIGTERM; its log:\n{node.log()}")
            failed += 1
        node.cleanup()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
