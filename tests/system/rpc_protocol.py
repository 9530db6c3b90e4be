#!/usr/bin/env python3
"""JSON-RPC 2.0 and HTTP behaviour of `ethc node` (jsonrpc.org/specification,
geth's limits and codes): malformed JSON, bad envelopes, ids echoed byte for
byte, batches (empty, over the limit, over the response size), notifications,
an oversized body (413), unknown methods and disabled namespaces, GET, CORS,
keep-alive, a second node on the same datadir, and a clean exit on SIGTERM.
usage: rpc_protocol.py ETHC RPC_COMPAT_DIR WORKDIR"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

failures = []


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def err_code(text):
    try:
        return json.loads(text)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def main():
    ethc, suite, workdir = sys.argv[1:4]
    cors = "https://dapp.example"
    node = Node(ethc, workdir, suite, ["--http.api", "eth,net,web3,rpc", "--rpc.batch-limit", "100",
                                       "--rpc.batch-response-max-size", "100000", "--http.corsdomain", cors,
                                       "--rpc.gascap", "21100"])
    try:
        run(node, ethc, cors)
        in_flight_at_sigterm(node)
    finally:
        status = node.stop()
        expect(status == 0, f"SIGTERM: exit status 0 (got {status})")
        node.cleanup()
    stalled_at_sigterm(ethc, workdir, suite)
    rate_limited(ethc, workdir, suite)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


def run(node, ethc, cors):
    head = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'

    def alive(after):
        s, _, t = node.post(head)
        expect(s == 200 and json.loads(t).get("result") == "0x36", f"eth_blockNumber still answers after {after}")

    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"')
    expect(s == 200 and err_code(t) == -32700 and json.loads(t)["id"] is None, "truncated JSON: -32700, id null")
    s, _, t = node.post("")
    expect(err_code(t) == -32700, "empty body: -32700")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"} x')
    expect(err_code(t) == -32700, "trailing garbage: -32700")
    s, _, t = node.post("[" * 10000 + "]" * 10000)
    expect(err_code(t) == -32700, "10,000-deep nesting: -32700")
    alive("deep nesting")

    s, _, t = node.post('{"jsonrpc":"1.0","id":7,"method":"eth_blockNumber"}')
    expect(err_code(t) == -32600 and json.loads(t)["id"] == 7, "jsonrpc 1.0: -32600 with the id")
    s, _, t = node.post('{"jsonrpc":"2.0","id":7}')
    expect(err_code(t) == -32600, "no method: -32600")
    s, _, t = node.post('{"jsonrpc":"2.0","id":{"a":1},"method":"eth_blockNumber"}')
    expect(err_code(t) == -32600 and json.loads(t)["id"] is None, "object id: -32600, id null")
    s, _, t = node.post("42")
    expect(err_code(t) == -32600, "a number as the request: -32600")

    for raw in ["12345678901234567890", "1e400", "-0.000000000000000000001", '"\\u00e9x"', "null", '"a\\"b"']:
        s, _, t = node.post('{"jsonrpc":"2.0","id":%s,"method":"eth_blockNumber"}' % raw)
        expect(t.startswith('{"jsonrpc":"2.0","id":%s,"result":"0x36"}' % raw), f"id {raw} echoed byte for byte")
    s, _, t = node.post('{"id" : 99 , "jsonrpc":"2.0","method":"eth_chainId","params":[]}')
    expect('"id":99,' in t and json.loads(t)["result"] == "0xc72dd9d5e883e", "id before jsonrpc, spaces around it")

    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_nope"}')
    expect(err_code(t) == -32601, "unknown method: -32601")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"debug_getRawBlock","params":["0x1"]}')
    expect(err_code(t) == -32601, "namespace not in --http.api: -32601")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"debug_traceTransaction","params":["0x' + "00" * 32 + '"]}')
    expect(err_code(t) == -32601, "debug_trace* without debug in --http.api: -32601")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000","0xffffff"]}')
    expect(err_code(t) == -32000 and "header not found" in t, "state of a block past the head: -32000 header not found")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000",{"blockHash":"0x' + "11" * 32 + '"}]}')
    expect(err_code(t) == -32000, "state of an unknown block hash (EIP-1898): -32000")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000",{"blockNumber":"0x1","blockHash":"0x' + "11" * 32 + '"}]}')
    expect(err_code(t) == -32602, "EIP-1898 object with both number and hash: -32602")
    # eth_call state overrides (geth's): code and balance of an account that does not exist
    acct = "0xc1cadaffffffffffffffffffffffffffffffffff"
    ovr = {acct: {"balance": "0x1234", "code": "0x4760005260206000f3"}}  # SELFBALANCE, return it
    s, _, t = node.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": acct}, "latest", ovr]}))
    expect(json.loads(t).get("result", "").endswith("1234"), "eth_call with code and balance overrides")
    s, _, t = node.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [acct, "latest"]}))
    expect(json.loads(t).get("result") == "0x0", "overrides stay in their call")
    s, _, t = node.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                                    "params": [{"to": acct}, "latest", {acct: {"state": {}, "stateDiff": {}}}]}))
    expect(err_code(t) == -32000, "state and stateDiff together: -32000")
    s, _, t = node.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_estimateGas", "params": [
        {"from": "0x0102030000000000000000000000000000000000", "input": "0xff01",
         "to": "0x17e7eedce4ac02ef114a7ed9fe6e2f33feba1667"}]}))  # needs 0x5316 = 21270 gas
    expect(err_code(t) == -32000 and "exceeds allowance (21100)" in t, "eth_estimateGas past --rpc.gascap: -32000")
    s, _, t = node.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                                    "params": [{"to": acct}, "latest", {}, {"number": "0x1"}]}))
    expect("result" in json.loads(t), "block overrides: accepted (tests/system/rpc_simulate.py checks them)")
    for tag in ("earliest", "safe", "finalized", "pending", "0x0"):
        s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000","%s"]}' % tag)
        expect("result" in json.loads(t), f"eth_getBalance at {tag}: a result")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["1",false]}')
    expect(err_code(t) == -32602, "0x-less block number: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x1",false,3]}')
    expect(err_code(t) == -32602, "too many arguments: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x1"]}')
    expect(err_code(t) == -32602, "missing argument: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":{"a":1}}')
    expect(err_code(t) == -32602, "params as an object: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByHash","params":["0x' + "0" * 65 + '",false]}')
    expect(err_code(t) == -32602, "overlong hash: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x1' + "0" * 64 + '",false]}')
    expect(err_code(t) == -32602, "block number past 2^256: -32602")
    s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x2","toBlock":"0x1"}]}')
    expect(err_code(t) == -32602, "eth_getLogs reversed range: -32602")

    raw = node.call("eth_getRawTransactionByHash", "0xc1d605c6612a5fe84dc95810030bfe5b1d327652b381bc695e28f50d13b2b09e")
    expect(raw.get("result", "").startswith("0xf889800183013a54") and len(raw["result"]) == 2 + 2 * 0x8b,
           "eth_getRawTransactionByHash: the legacy creation's RLP")
    expect(node.call("eth_getRawTransactionByHash", "0x" + "00" * 32).get("result", 1) is None,
           "eth_getRawTransactionByHash of an unknown hash: null")
    expect(node.call("eth_accounts").get("result") == [], "eth_accounts: []")
    tip = int(node.call("eth_maxPriorityFeePerGas")["result"], 16)
    base = int(node.call("eth_getBlockByNumber", "latest", False)["result"]["baseFeePerGas"], 16)
    expect(int(node.call("eth_gasPrice")["result"], 16) == tip + base, "eth_gasPrice = suggested tip + head's base fee (geth's)")
    expect(node.call("eth_blobBaseFee").get("result") == "0x1", "eth_blobBaseFee: 0x1")
    expect(node.call("eth_getUncleByBlockNumberAndIndex", "0x1", "0x0").get("result", 1) is None,
           "eth_getUncleByBlockNumberAndIndex past the uncles: null")

    s, _, t = node.post('{"jsonrpc":"2.0","method":"eth_blockNumber"}')
    expect(s == 200 and t == "", "notification: HTTP 200, empty body")
    s, _, t = node.post('[{"jsonrpc":"2.0","method":"eth_blockNumber"},{"jsonrpc":"2.0","method":"eth_chainId"}]')
    expect(s == 200 and t == "", "batch of notifications: empty body")
    s, _, t = node.post('[{"jsonrpc":"2.0","method":"eth_blockNumber"},{"jsonrpc":"2.0","id":"x","method":"eth_blockNumber"},5]')
    r = json.loads(t)
    expect(len(r) == 2 and r[0]["id"] == "x" and r[1]["error"]["code"] == -32600,
           "mixed batch: the call's response and -32600 for the non-object, notification unanswered")

    s, _, t = node.post("[]")
    expect(err_code(t) == -32600 and "empty batch" in t, "empty batch: -32600")
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"} for i in range(101)]
    s, _, t = node.post(json.dumps(batch))
    r = json.loads(t)
    expect(isinstance(r, list) and len(r) == 1 and r[0]["error"]["code"] == -32600 and r[0]["id"] == 0,
           "batch over --rpc.batch-limit: one -32600 'batch too large'")
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"} for i in range(100)]
    s, _, t = node.post(json.dumps(batch))
    r = json.loads(t)
    expect(len(r) == 100 and all(x["result"] == "0x36" and x["id"] == i for i, x in enumerate(r)), "batch at the limit: 100 answers in order")
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_getBlockByNumber", "params": [hex(i), True]} for i in range(1, 55)]
    s, _, t = node.post(json.dumps(batch))
    r = json.loads(t)
    codes = [x.get("error", {}).get("code") for x in r]
    expect(len(r) == 54 and codes[0] is None and codes[-1] == -32003,
           "batch past --rpc.batch-response-max-size: later calls get -32003")
    alive("large batches")

    big = b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":["' + b"a" * (6 << 20) + b'"]}'
    s, _, t = node.post(big)
    expect(s == 413 and err_code(t) == -32600, f"6 MB body: HTTP 413 with a JSON-RPC error (got {s})")
    alive("a 6 MB body")

    full = '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",true]}'
    s, h, plain = node.post(full)
    s, hz, zipped = node.post(full, headers={"Accept-Encoding": "gzip"})
    expect(h.get("Content-Encoding") is None and hz.get("Content-Encoding") == "gzip" and zipped == plain,
           "gzip when asked (Accept-Encoding: gzip), same JSON")
    s, hz, _ = node.post(full, headers={"Accept-Encoding": "gzip;q=0, identity"})
    expect(hz.get("Content-Encoding") is None, "no gzip for gzip;q=0")
    s, hz, _ = node.post(head, headers={"Accept-Encoding": "gzip"})
    expect(hz.get("Content-Encoding") is None, "no gzip for a small body")

    s, _, t = node.post(b"", method="GET")
    expect(s == 405 and err_code(t) == -32600, "GET: 405 with a JSON-RPC error")

    for path, want in [("/health", '{"status":"ok"}'), ("/ready", '{"ready":true,"head":54}')]:
        with urllib.request.urlopen(node.url + path, timeout=10) as r:
            expect(r.status == 200 and json.loads(r.read()) == json.loads(want), f"GET {path}: 200 {want}")
    with urllib.request.urlopen(node.url + "/metrics", timeout=10) as r:
        m = r.read().decode()
        ctype = r.headers.get("Content-Type", "")
    expect(ctype.startswith("text/plain") and 'ethc_rpc_calls_total{method="eth_blockNumber"}' in m and
           "ethc_chain_head_block 54" in m and 'ethc_rpc_duration_seconds_bucket{method="eth_blockNumber",le="+Inf"}' in m
           and "ethc_rpc_batch_size_count" in m and "process_resident_memory_bytes" in m,
           "GET /metrics: Prometheus text with calls, latency histogram, batches, head, RSS")

    s, h, t = node.post(head, headers={"Origin": cors})
    expect(h.get("Access-Control-Allow-Origin") == cors, "CORS: allowed origin echoed")
    s, h, t = node.post(head, headers={"Origin": "https://evil.example"})
    expect("Access-Control-Allow-Origin" not in h, "CORS: other origin gets no header")
    s, h, t = node.post(b"", method="OPTIONS", headers={"Origin": cors, "Access-Control-Request-Method": "POST",
                                                        "Access-Control-Request-Headers": "content-type"})
    expect(s == 204 and h.get("Access-Control-Allow-Origin") == cors and "POST" in h.get("Access-Control-Allow-Methods", ""),
           "CORS preflight: 204 with the allowed methods")

    u = urllib.parse.urlparse(node.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    ok = True
    for i in range(3):
        conn.request("POST", "/", body=head, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        ok = ok and resp.status == 200 and json.loads(resp.read())["result"] == "0x36"
    sock = conn.sock
    conn.close()
    expect(ok and sock is not None, "keep-alive: three requests on one connection")

    second = subprocess.run([ethc, "node", "--datadir", node.datadir, "--http.port", "0"], capture_output=True,
                            text=True, timeout=20)
    expect(second.returncode != 0 and "in use" in second.stderr,
           f"second node on the same datadir: refused ({second.stderr.strip()[:120]})")
    alive("a refused second node")


def in_flight_at_sigterm(node):
    """A request whose body is still arriving when SIGTERM comes is answered;
    then the node exits 0 and refuses new connections."""
    u = urllib.parse.urlparse(node.url)
    body = b'{"jsonrpc":"2.0","id":"late","method":"eth_blockNumber"}'
    sock = socket.create_connection((u.hostname, u.port), timeout=10)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                 % len(body) + body[:10])
    time.sleep(0.3)
    node.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    refused = False
    try:
        socket.create_connection((u.hostname, u.port), timeout=2).close()
    except OSError:
        refused = True
    expect(refused, "after SIGTERM: new connections refused")
    sock.sendall(body[10:])
    data = b""
    while b'"late"' not in data or not data.endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    expect(b'"id":"late","result":"0x36"' in data, "request in flight at SIGTERM: answered")
    try:
        status = node.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        status = None
    expect(status == 0, f"after the in-flight request: exit 0 (got {status})")


def rate_limited(ethc, workdir, suite):
    """--rpc.ratelimit 20: a burst of 60 requests gets about 20 answers and HTTP 429
    with -32005 for the rest; a second later the address may call again."""
    node = Node(ethc, workdir, suite, ["--rpc.ratelimit", "20"])
    try:
        body = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'
        statuses, limited_ok = [], True
        for _ in range(60):
            s, h, t = node.post(body)
            statuses.append(s)
            if s == 429:
                limited_ok = limited_ok and err_code(t) == -32005 and h.get("Retry-After") == "1"
        ok = statuses.count(200)
        expect(15 <= ok <= 30 and statuses.count(429) == 60 - ok and limited_ok,
               f"--rpc.ratelimit 20: {ok} of a burst of 60 answered, the rest 429 with -32005")
        time.sleep(1.1)
        s, _, t = node.post(body)
        expect(s == 200 and json.loads(t).get("result") == "0x36", "rate limit: answered again a second later")
    finally:
        node.stop()
        node.cleanup()


def stalled_at_sigterm(ethc, workdir, suite):
    """A client that never finishes its request does not hold the node up
    past the bounded wait (5 s), nor does an idle keep-alive connection."""
    node = Node(ethc, workdir, suite)
    try:
        u = urllib.parse.urlparse(node.url)
        stalled = socket.create_connection((u.hostname, u.port), timeout=10)
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        idle = socket.create_connection((u.hostname, u.port), timeout=10)
        time.sleep(0.3)
        t0 = time.time()
        node.proc.send_signal(signal.SIGTERM)
        try:
            status = node.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            status = None
        took = time.time() - t0
        expect(status == 0 and took < 9, f"stalled request at SIGTERM: exit 0 after the bounded wait ({took:.1f} s)")
        stalled.close()
        idle.close()
    finally:
        node.stop()
        node.cleanup()


if __name__ == "__main__":
    sys.exit(main())
