#!/usr/bin/env python3
"""The engine API of `ethc node` (--authrpc.*; execution-apis src/engine):
JWT authentication (HTTP 401 without a valid HS256 token), the jwtsecret file
(created with mode 0600), engine_* absent from the public port, and the real
flow: a node that imported only the proof-of-work part of the rpc-compat chain
gets every later block as engine_newPayloadVn (built from a fully imported
node's eth_getBlockByNumber and debug_getRawTransaction) and then
engine_forkchoiceUpdatedVn, and ends with the full node's head and state; a
forkchoiceUpdated with payload attributes starts a payload that
engine_getPayloadVn answers and newPayload accepts. Then invalid payloads (a wrong block hash, a wrong state root under a correct hash,
an unknown parent), fork-choice errors and the version and fork checks, with
the node still answering after each.
usage: rpc_engine.py ETHC RPC_COMPAT_DIR WORKDIR"""
import base64
import concurrent.futures
import hashlib
import hmac
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

failures = 0


def check(cond, what):
    global failures
    if cond:
        print(f"ok   {what}")
    else:
        failures += 1
        print(f"FAIL {what}")
    return cond


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(secret, iat=None, alg="HS256"):
    hdr = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"iat": int(time.time()) if iat is None else iat}).encode())
    signing = f"{hdr}.{claims}".encode()
    sig = b"" if alg == "none" else hmac.new(secret, signing, hashlib.sha256).digest()
    return f"{hdr}.{claims}.{b64url(sig)}"


def rlp_blocks(data):
    """The concatenated RLP lists of a chain file."""
    out, i = [], 0
    while i < len(data):
        b = data[i]
        if b >= 0xf8:
            ll = b - 0xf7
            n = 1 + ll + int.from_bytes(data[i + 1:i + 1 + ll], "big")
        elif b >= 0xc0:
            n = 1 + b - 0xc0
        else:
            raise ValueError(f"no RLP list at byte {i}")
        out.append(data[i:i + n])
        i += n
    return out


class Engine:
    """JSON-RPC over the authenticated port."""

    def __init__(self, url, secret):
        self.url, self.secret, self.ids = url, secret, 0

    def post(self, body, token=None, auth=True):
        h = {"Content-Type": "application/json"}
        if auth:
            h["Authorization"] = "Bearer " + (token if token is not None else jwt(self.secret))
        req = urllib.request.Request(self.url, data=body.encode(), headers=h, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def call(self, method, *params):
        self.ids += 1
        _, text = self.post(json.dumps({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": list(params)}))
        return json.loads(text)


def payload_of(b, raws):
    p = {"parentHash": b["parentHash"], "feeRecipient": b["miner"], "stateRoot": b["stateRoot"],
         "receiptsRoot": b["receiptsRoot"], "logsBloom": b["logsBloom"], "prevRandao": b["mixHash"],
         "blockNumber": b["number"], "gasLimit": b["gasLimit"], "gasUsed": b["gasUsed"],
         "timestamp": b["timestamp"], "extraData": b["extraData"], "baseFeePerGas": b["baseFeePerGas"],
         "blockHash": b["hash"], "transactions": raws}
    if b.get("withdrawals") is not None:
        p["withdrawals"] = [{k: w[k] for k in ("index", "validatorIndex", "address", "amount")}
                            for w in b["withdrawals"]]
    if b.get("blobGasUsed") is not None:
        p["blobGasUsed"], p["excessBlobGas"] = b["blobGasUsed"], b["excessBlobGas"]
    return p


# EIP-7002 and EIP-7251 system contracts: their logs' data are the requests
REQUEST_CONTRACTS = ((1, "0x00000961ef480eb55e80d19ad83579a64c007002"),
                     (2, "0x0000bbddc7ce488642fb579f8b00f3a590007251"))


def execution_requests(node, b):
    """A Prague block's EIP-7685 requests, rebuilt from its receipts' logs and
    checked against its requestsHash (the RPC does not show them)."""
    logs = [lg for r in node.call("eth_getBlockReceipts", b["hash"])["result"] for lg in r["logs"]]
    reqs = []
    for typ, addr in REQUEST_CONTRACTS:
        items = [bytes.fromhex(lg["data"][2:]) for lg in logs if lg["address"].lower() == addr]
        if typ == 1:  # the log's amount is big-endian, the request's little-endian
            items = [d[:68] + d[68:76][::-1] for d in items]
        data = b"".join(items)
        if data:
            reqs.append(bytes([typ]) + data)
    commitment = hashlib.sha256(b"".join(hashlib.sha256(r).digest() for r in reqs)).hexdigest()
    if "0x" + commitment != b["requestsHash"]:
        raise RuntimeError(f"block {int(b['number'], 16)}: cannot rebuild its execution requests")
    return ["0x" + r.hex() for r in reqs]


def main():
    ethc, suite, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(suite, "genesis.json")) as f:
        cfg = json.load(f)["config"]
    shanghai, cancun, prague = cfg["shanghaiTime"], cfg["cancunTime"], cfg["pragueTime"]
    full = Node(ethc, workdir, suite, ["--http.api", "eth,net,web3,debug"])
    prefix_dir = tempfile.mkdtemp(prefix="engine-chain-", dir=workdir)
    part = None
    try:
        r = full.call("engine_exchangeCapabilities", [])
        check(r.get("error", {}).get("code") == -32601, "engine_* is not served on a port without --authrpc")
        head = int(full.call("eth_blockNumber")["result"], 16)
        blocks = [full.call("eth_getBlockByNumber", hex(n), True)["result"] for n in range(head + 1)]
        merge = next(n for n in range(head + 1) if int(blocks[n]["difficulty"], 16) == 0)
        print(f"chain: {head} blocks, the first proof-of-stake block is #{merge}")
        # the proof-of-work part only: blocks 1 .. merge-1 of the chain file
        with open(os.path.join(suite, "chain.rlp"), "rb") as f:
            rlps = rlp_blocks(f.read())
        shutil.copy(os.path.join(suite, "genesis.json"), prefix_dir)
        with open(os.path.join(prefix_dir, "chain.rlp"), "wb") as f:
            f.write(b"".join(rlps[:merge - 1]))
        part = Node(ethc, workdir, prefix_dir, ["--authrpc.port", "0", "--http.api", "eth,net,web3,debug"])
        # printed right after the HTTP line (or EOF if the node stopped)
        line = part.proc.stdout.readline()
        auth_url = line[line.index("http://"):].strip() if "Engine API server started: http://" in line else None
        if not check(auth_url is not None, "the node prints the engine API's URL"):
            return 1
        secret_path = os.path.join(part.datadir, "jwtsecret")
        st = os.stat(secret_path)
        check(stat.S_IMODE(st.st_mode) == 0o600, "DATADIR/jwtsecret is created with mode 0600")
        with open(secret_path) as f:
            text = f.read().strip()
        check(text.startswith("0x") and len(text) == 66, "the secret is 0x and 64 hex digits")
        secret = bytes.fromhex(text[2:])
        eng = Engine(auth_url, secret)

        # ---- authentication ----
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
        status, text = eng.post(body)
        check(status == 200 and "result" in json.loads(text), "a valid token is served (eth_chainId)")
        cases = [("no token", None, False), ("a wrong secret", jwt(b"\x01" * 32), True),
                 ("a stale iat", jwt(secret, int(time.time()) - 120), True),
                 ("an iat in the future", jwt(secret, int(time.time()) + 120), True),
                 ("alg none", jwt(secret, alg="none"), True), ("a malformed token", "not.a-token", True)]
        for what, tok, auth in cases:
            status, text = eng.post(body, token=tok, auth=auth)
            try:
                err = json.loads(text).get("error", {})
            except ValueError:
                err = {}
            check(status == 401 and err.get("message"), f"{what}: HTTP 401 with a JSON error ({err.get('message')})")
        r = part.call("engine_forkchoiceUpdatedV3", {}, None)
        check(r.get("error", {}).get("code") == -32601, "engine_* answers -32601 on the public port")
        r = eng.call("engine_exchangeCapabilities", ["engine_newPayloadV4", "engine_forkchoiceUpdatedV3"])
        caps = r.get("result") or []
        check("engine_newPayloadV4" in caps and "engine_forkchoiceUpdatedV3" in caps
              and "engine_exchangeCapabilities" not in caps, f"engine_exchangeCapabilities: {caps}")

        # ---- the real flow: every proof-of-stake block as newPayload + forkchoiceUpdated ----
        def payload_call(n):
            b = blocks[n]
            raws = [full.call("debug_getRawTransaction", t["hash"])["result"] for t in b["transactions"]]
            p = payload_of(b, raws)
            ts = int(b["timestamp"], 16)
            if ts < shanghai:
                return "engine_newPayloadV1", [p]
            if ts < cancun:
                return "engine_newPayloadV2", [p]
            hashes = [h for t in b["transactions"] for h in (t.get("blobVersionedHashes") or [])]
            if ts < prague:
                return "engine_newPayloadV3", [p, hashes, b["parentBeaconBlockRoot"]]
            reqs = execution_requests(full, b)
            return "engine_newPayloadV4", [p, hashes, b["parentBeaconBlockRoot"], reqs]

        def fcu_method(ts):
            return "engine_forkchoiceUpdatedV1" if ts < shanghai else \
                "engine_forkchoiceUpdatedV2" if ts < cancun else "engine_forkchoiceUpdatedV3"

        zero = "0x" + "00" * 32
        # a payload on the terminal proof-of-work block (forkchoiceUpdatedV1 attributes)
        first_ts = int(blocks[merge]["timestamp"], 16)
        if first_ts < shanghai:
            r = eng.call("engine_forkchoiceUpdatedV1", {"headBlockHash": blocks[merge - 1]["hash"],
                                                        "safeBlockHash": zero, "finalizedBlockHash": zero},
                         {"timestamp": blocks[merge]["timestamp"], "prevRandao": blocks[merge]["mixHash"],
                          "suggestedFeeRecipient": blocks[merge]["miner"]})
            pid = (r.get("result") or {}).get("payloadId") or ""
            check(len(pid) == 18 and pid.startswith("0x01"), f"V1 attributes on the terminal block: a payload ({r})")
            p1 = eng.call("engine_getPayloadV1", pid).get("result") or {}
            check(p1.get("parentHash") == blocks[merge - 1]["hash"] and p1.get("blockNumber") == hex(merge)
                  and "withdrawals" not in p1 and "executionPayload" not in p1,
                  f"engine_getPayloadV1: a bare ExecutionPayloadV1 ({json.dumps(p1)[:200]})")
            p2 = eng.call("engine_getPayloadV2", pid).get("result") or {}
            check(p2.get("executionPayload") == p1 and "blockValue" in p2 and "blobsBundle" not in p2,
                  "engine_getPayloadV2 of it: {executionPayload, blockValue}")
            r = eng.call("engine_getPayloadV3", pid)
            check(r.get("error", {}).get("code") == -38005, "engine_getPayloadV3 of a V1 payload: -38005")
        ok_np = ok_fcu = 0
        t0 = time.time()
        for n in range(merge, head + 1):
            method, params = payload_call(n)
            r = eng.call(method, *params)
            want = {"status": "VALID", "latestValidHash": blocks[n]["hash"], "validationError": None}
            if r.get("result") == want:
                ok_np += 1
            else:
                check(False, f"{method} #{n}: {json.dumps(r)[:300]}")
            safe = blocks[n - 1]["hash"] if n > merge else zero
            fin = blocks[n - 2]["hash"] if n > merge + 1 else zero
            r = eng.call(fcu_method(int(blocks[n]["timestamp"], 16)),
                         {"headBlockHash": blocks[n]["hash"], "safeBlockHash": safe, "finalizedBlockHash": fin}, None)
            if r.get("result", {}).get("payloadStatus", {}).get("status") == "VALID" and \
                    r["result"]["payloadId"] is None:
                ok_fcu += 1
            else:
                check(False, f"forkchoiceUpdated #{n}: {json.dumps(r)[:300]}")
        count = head + 1 - merge
        print(f"{count} payloads in {time.time() - t0:.2f} s")
        check(ok_np == count, f"newPayload VALID for all {count} proof-of-stake blocks ({ok_np})")
        check(ok_fcu == count, f"forkchoiceUpdated VALID for all {count} ({ok_fcu})")
        latest = part.call("eth_getBlockByNumber", "latest", False)["result"]
        check(latest["hash"] == blocks[head]["hash"], f"the head is the full node's #{head}")
        check(latest["stateRoot"] == blocks[head]["stateRoot"], "with the same state root")
        addrs = {blocks[head]["miner"]} | {a for b in blocks[merge:] for t in b["transactions"]
                                           for a in (t["from"], t.get("to")) if a}
        same = all(part.call("eth_getBalance", a, "latest")["result"] == full.call("eth_getBalance", a, "latest")
                   ["result"] for a in sorted(addrs))
        check(same, f"the same balances for {len(addrs)} accounts")
        safe = part.call("eth_getBlockByNumber", "safe", False).get("result") or {}
        fin = part.call("eth_getBlockByNumber", "finalized", False).get("result") or {}
        check(safe.get("hash") == blocks[head - 1]["hash"] and fin.get("hash") == blocks[head - 2]["hash"],
              "safe and finalized are the forkchoice's")

        def alive(what):
            r = part.call("eth_blockNumber")
            check(r.get("result") == hex(head), f"after {what}: the node answers, head still #{head}")

        # ---- payload bodies ----
        def body_of(n):
            _, ps = payload_call(n)
            return {"transactions": ps[0]["transactions"], "withdrawals": ps[0].get("withdrawals")}

        r = eng.call("engine_getPayloadBodiesByHashV1", [blocks[merge]["hash"], "0x" + "99" * 32, blocks[head]["hash"]])
        check(r.get("result") == [body_of(merge), None, body_of(head)],
              "getPayloadBodiesByHashV1: the bodies in order, null for an unknown block (withdrawals null "
              "before Shanghai)")
        r = eng.call("engine_getPayloadBodiesByRangeV1", hex(head - 2), hex(5))
        check(r.get("result") == [body_of(n) for n in range(head - 2, head + 1)],
              "getPayloadBodiesByRangeV1: canonical bodies, no trailing nulls past the head")
        r = eng.call("engine_getPayloadBodiesByRangeV1", hex(head + 1), "0x1")
        check(r.get("result") == [], "a range past the head: []")
        r = eng.call("engine_getPayloadBodiesByRangeV1", "0x0", "0x1")
        check(r.get("error", {}).get("code") == -32602, "start 0: -32602")
        r = eng.call("engine_getPayloadBodiesByRangeV1", "0x1", hex(5000))
        check(r.get("error", {}).get("code") == -38004, "count 5000: -38004 too large")

        # ---- invalid payloads ----
        method, params = payload_call(head)
        bad = json.loads(json.dumps(params))
        bad[0]["blockHash"] = "0x" + "11" * 32
        r = eng.call(method, *bad).get("result", {})
        check(r.get("status") == "INVALID" and r.get("latestValidHash") is None,
              f"a wrong blockHash: INVALID, latestValidHash null ({r.get('validationError')})")
        alive("a wrong block hash")
        m1, p1 = payload_call(merge)
        p1 = json.loads(json.dumps(p1))
        p1[0]["blockHash"] = "0x" + "22" * 32
        r = eng.call("engine_newPayloadV1", *p1).get("result", {})
        check(r.get("status") == "INVALID_BLOCK_HASH" and r.get("latestValidHash") is None,
              "a wrong blockHash in V1: INVALID_BLOCK_HASH")

        def with_right_hash(ps):
            """ps with its blockHash set to what the node computes (from its mismatch message)."""
            r = eng.call(method, *ps).get("result", {})
            msg = r.get("validationError") or ""
            ps[0]["blockHash"] = msg[msg.rindex("got ") + 4:] if "got 0x" in msg else ps[0]["blockHash"]
            return ps

        bad = json.loads(json.dumps(params))
        bad[0]["stateRoot"] = "0x" + "33" * 32
        bad[0]["blockHash"] = zero
        bad = with_right_hash(bad)
        r = eng.call(method, *bad).get("result", {})
        check(r.get("status") == "INVALID" and r.get("latestValidHash") == blocks[head - 1]["hash"],
              f"a wrong stateRoot under a correct hash: INVALID, latestValidHash = parent ({r})")
        alive("a wrong state root")
        r = eng.call(fcu_method(int(blocks[head]["timestamp"], 16)),
                     {"headBlockHash": bad[0]["blockHash"], "safeBlockHash": zero, "finalizedBlockHash": zero}, None)
        check(r.get("result", {}).get("payloadStatus", {}).get("status") == "INVALID",
              "forkchoiceUpdated to that block: INVALID")
        orphan = json.loads(json.dumps(params))
        orphan[0]["parentHash"] = "0x" + "44" * 32
        orphan[0]["blockHash"] = zero
        orphan = with_right_hash(orphan)
        r = eng.call(method, *orphan).get("result", {})
        check(r.get("status") in ("SYNCING", "ACCEPTED") and r.get("latestValidHash") is None,
              f"an unknown parent: {r.get('status')}")
        alive("an unknown parent")

        # ---- fork choice errors and version checks ----
        fcu3 = "engine_forkchoiceUpdatedV3"
        r = eng.call(fcu3, {"headBlockHash": "0x" + "55" * 32, "safeBlockHash": zero, "finalizedBlockHash": zero},
                     None)
        check(r.get("result", {}).get("payloadStatus", {}).get("status") == "SYNCING", "an unknown head: SYNCING")
        r = eng.call(fcu3, {"headBlockHash": blocks[head - 3]["hash"], "safeBlockHash": blocks[head]["hash"],
                            "finalizedBlockHash": zero}, None)
        check(r.get("error", {}).get("code") == -38002, "safe not an ancestor of head: -38002")
        r = eng.call(fcu3, {"headBlockHash": blocks[head]["hash"], "safeBlockHash": zero,
                            "finalizedBlockHash": "0x" + "66" * 32}, None)
        check(r.get("error", {}).get("code") == -38002, "an unknown finalized block: -38002")
        state = {"headBlockHash": blocks[head]["hash"], "safeBlockHash": blocks[head - 1]["hash"],
                 "finalizedBlockHash": blocks[head - 2]["hash"]}
        attrs = {"timestamp": blocks[head]["timestamp"], "prevRandao": zero,
                 "suggestedFeeRecipient": "0x" + "00" * 20, "withdrawals": [], "parentBeaconBlockRoot": zero}
        r = eng.call(fcu3, state, attrs)
        check(r.get("error", {}).get("code") == -38003, "attributes not after the head's timestamp: -38003")
        attrs2 = dict(attrs, timestamp=hex(int(blocks[head]["timestamp"], 16) + 12))
        del attrs2["parentBeaconBlockRoot"]
        r = eng.call(fcu3, state, attrs2)
        check(r.get("error", {}).get("code") == -38003, "V3 attributes without parentBeaconBlockRoot: -38003")
        r = eng.call("engine_forkchoiceUpdatedV2", state, dict(attrs2))
        check(r.get("error", {}).get("code") == -38005, "V2 attributes for a Cancun+ timestamp: -38005")
        r = eng.call("engine_forkchoiceUpdatedV1", state, dict(attrs2))
        check(r.get("error", {}).get("code") == -32602, "V1 attributes with withdrawals: -32602")
        r = eng.call(fcu3, dict(state, headBlockHash=blocks[head - 1]["hash"], safeBlockHash=zero),
                     dict(attrs, timestamp=hex(int(cfg["shanghaiTime"]))))
        got = part.call("eth_blockNumber").get("result")
        check(r.get("error", {}).get("code") == -38005 and got == hex(head - 1),
              "V3 attributes before Cancun: -38005, and the fork choice stays applied")
        eng.call(fcu3, state, None)
        built_ts = int(blocks[head]["timestamp"], 16) + 12
        attrs3 = dict(attrs, timestamp=hex(built_ts), suggestedFeeRecipient="0x" + "fe" * 20)
        r = eng.call(fcu3, state, attrs3)
        res = r.get("result", {})
        pid = res.get("payloadId") or ""
        check(res.get("payloadStatus", {}).get("status") == "VALID" and len(pid) == 18 and pid.startswith("0x03"),
              f"valid attributes: VALID and an 8-byte payloadId ({pid})")
        r = eng.call(fcu3, state, attrs3)
        check(r.get("result", {}).get("payloadId") == pid, "the same attributes again: the same payloadId")
        osaka = cfg.get("osakaTime")
        get_v = 5 if osaka is not None and built_ts >= osaka else 4 if built_ts >= prague else 3
        r = eng.call(f"engine_getPayloadV{get_v}", pid)
        env = r.get("result") or {}
        ep = env.get("executionPayload") or {}
        check(ep.get("parentHash") == blocks[head]["hash"] and ep.get("blockNumber") == hex(head + 1)
              and ep.get("timestamp") == hex(built_ts) and ep.get("feeRecipient") == "0x" + "fe" * 20
              and ep.get("withdrawals") == [] and isinstance(env.get("executionRequests"), list)
              and env.get("blobsBundle", {}).get("blobs") == [] and "blockValue" in env,
              f"engine_getPayloadV{get_v}: the block on the head ({json.dumps(r)[:300]})")
        if ep:
            r = eng.call("engine_newPayloadV4", ep, [], zero, env.get("executionRequests"))
            check(r.get("result", {}).get("status") == "VALID", f"the built payload imports VALID ({r})")
        r = eng.call(f"engine_getPayloadV{get_v - 1}", pid)
        check(r.get("error", {}).get("code") == -38005, f"engine_getPayloadV{get_v - 1} of it: -38005")
        r = eng.call(f"engine_getPayloadV{get_v}", "0x03" + "00" * 7)
        check(r.get("error") == {"code": -38001, "message": "Unknown payload"}, f"an unknown payloadId: {r}")
        r = eng.call(fcu3, state, dict(attrs3, withdrawals=[{"index": "0x0"}]))
        check(r.get("error", {}).get("code") == -38003, f"V3 attributes with a malformed withdrawal: -38003 ({r})")
        r = eng.call(f"engine_getPayloadV{get_v}", "0x1234")
        check(r.get("error", {}).get("code") == -32602, "a payloadId that is not 8 bytes: -32602")
        eng.call(fcu3, state, None)
        if method == "engine_newPayloadV4":
            r = eng.call("engine_newPayloadV3", *params[:3])
            check(r.get("error", {}).get("code") == -38005, "newPayloadV3 with a Prague payload: -38005")
            r = eng.call("engine_newPayloadV4", *params[:3])
            check(r.get("error", {}).get("code") == -32602, "newPayloadV4 without executionRequests: -32602")
            r = eng.call("engine_newPayloadV4", params[0], params[1], params[2], ["0x01"])
            check(r.get("error", {}).get("code") == -32602, "an empty execution request: -32602")
        r = eng.call("engine_newPayloadV2", params[0])
        check(r.get("error", {}).get("code") in (-32602, -38005), "newPayloadV2 with a Cancun+ payload: refused")
        bad = json.loads(json.dumps(params))
        bad[1] = ["0x" + "77" * 32]
        r = eng.call(method, *bad).get("result", {})
        check(r.get("status") == "INVALID" and r.get("latestValidHash") is None,
              "expectedBlobVersionedHashes that the transactions do not carry: INVALID")
        r = eng.call(method, *params).get("result", {})
        check(r.get("status") == "VALID", "the true payload again: VALID")
        alive("the version checks")

        # ---- malformed input: a JSON-RPC error every time, never a crash ----
        methods = [f"engine_newPayloadV{v}" for v in (1, 2, 3, 4)] + \
            [f"engine_forkchoiceUpdatedV{v}" for v in (1, 2, 3)] + \
            ["engine_exchangeCapabilities", "engine_getPayloadBodiesByHashV1", "engine_getPayloadBodiesByRangeV1"]
        p0 = params[0]
        junk = [[], [None], [1], ["0x"], [{}], [[]], [p0, "x"], [p0, [1]], [p0, ["0x12"]], [p0, [], "0x12"],
                [p0, [], zero, "0x"], [p0, [], zero, [None]], [p0, [], zero, ["0x0"]], [state, 5], [state, {}],
                [dict(state, headBlockHash=None)], [dict(p0, transactions="0x")], [dict(p0, transactions=[5])],
                [dict(p0, withdrawals=[{}])], [dict(p0, withdrawals=[5])], [dict(p0, baseFeePerGas="0x" + "f" * 65)],
                [dict(p0, logsBloom="0x00")], [dict(p0, extraData=7)], [dict(p0, blockNumber="0x1" + "0" * 16)],
                [["engine_newPayloadV1", 5]]]
        answered = 0
        for m in methods:
            for ps in junk:
                r = eng.call(m, *ps)
                answered += ("error" in r and isinstance(r["error"].get("code"), int)) or "result" in r
        check(answered == len(methods) * len(junk), f"{answered} of {len(methods) * len(junk)} malformed calls "
              "answered with an error or a status")
        alive("malformed calls")

        # ---- many clients at once: payloads, fork choices and reads on both ports ----
        calls = [payload_call(n) for n in range(merge, head + 1)]
        state = {"headBlockHash": blocks[head]["hash"], "safeBlockHash": blocks[head - 1]["hash"],
                 "finalizedBlockHash": blocks[head - 2]["hash"]}

        def client(i):
            e = Engine(auth_url, secret)
            ok = True
            for k in range(len(calls)):
                m, ps = calls[(i + k) % len(calls)]
                ok &= e.call(m, *ps).get("result", {}).get("status") == "VALID"
                ok &= e.call(fcu3, state, None).get("result", {}).get("payloadStatus", {}).get("status") == "VALID"
                ok &= part.call("eth_blockNumber").get("result") == hex(head)
            return ok

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            results = list(pool.map(client, range(6)))
        check(all(results), f"6 concurrent clients, {6 * len(calls)} payloads and fork choices: all VALID")
        alive("the concurrent clients")

        # ---- start-up errors ----
        r = subprocess.run([ethc, "node", "--datadir", part.datadir, "--readonly", "--authrpc.port", "0"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and "writer" in r.stderr, f"--readonly with the engine API: exit 2 ({r.stderr.strip()})")
        bad_secret = os.path.join(prefix_dir, "bad-secret")
        with open(bad_secret, "w") as f:
            f.write("0x1234")
        fresh = os.path.join(prefix_dir, "fresh")
        subprocess.run([ethc, "init", "--datadir", fresh, os.path.join(suite, "genesis.json")], check=True,
                       capture_output=True)
        r = subprocess.run([ethc, "node", "--datadir", fresh, "--http.port", "0", "--authrpc.port", "0",
                            "--authrpc.jwtsecret", bad_secret], capture_output=True, text=True, timeout=30)
        check(r.returncode != 0 and "64 hex digits" in r.stderr, f"a malformed secret file: {r.stderr.strip()}")

        # ---- a second engine node, its secret given (geth's form, no 0x), fed by racing clients ----
        secret_file = os.path.join(prefix_dir, "given-secret")
        with open(secret_file, "w") as f:
            f.write("ab" * 32 + "\n")
        race = Node(ethc, workdir, prefix_dir, ["--authrpc.port", "0", "--authrpc.jwtsecret", secret_file])
        try:
            line = race.proc.stdout.readline()
            e2 = Engine(line[line.index("http://"):].strip(), bytes.fromhex("ab" * 32))
            check(not os.path.exists(os.path.join(race.datadir, "jwtsecret")), "--authrpc.jwtsecret FILE is used")

            def racer(i):
                e = Engine(e2.url, e2.secret)
                sts = [e.call(m, *ps).get("result", {}).get("status") for m, ps in calls]
                return all(x in ("VALID", "SYNCING", "ACCEPTED") for x in sts), sts.count("VALID")

            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                results = list(pool.map(racer, range(4)))
            check(all(ok for ok, _ in results), f"4 clients importing the same blocks at once: VALID or SYNCING "
                  f"({[n for _, n in results]} VALID)")
            for m, ps in calls:  # whatever a race left SYNCING is imported now
                e2.call(m, *ps)
            r = e2.call(fcu3, state, None)
            check(r.get("result", {}).get("payloadStatus", {}).get("status") == "VALID", "then the fork choice: VALID")
            got = race.call("eth_getBlockByNumber", "latest", False)["result"]
            check(got["hash"] == blocks[head]["hash"], "and the racing node's head is the full node's")
        finally:
            check(race.stop() == 0, "the racing node exits 0 on SIGTERM")
            race.cleanup()
    finally:
        for node, name in ((part, "engine node"), (full, "full node")):
            if node is None:
                continue
            status = node.stop()
            if not check(status == 0, f"{name} exits 0 on SIGTERM"):
                print(node.log()[-3000:])
            node.cleanup()
        shutil.rmtree(prefix_dir, ignore_errors=True)
    print(f"{'FAILED' if failures else 'passed'}: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
