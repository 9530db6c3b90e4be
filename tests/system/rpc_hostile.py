#!/usr/bin/env python3
"""Hostile input to `ethc node` over HTTP, beyond what rpc_protocol.py and
rpc_ws.py send: malformed JSON of many kinds, parameters of the wrong JSON
type, hex without 0x / overlong / odd / with leading zeros, numbers past 2^64
and 2^256, 10,000-deep nesting inside params and batches, 6 MB bodies sent
chunked or announced and never sent, 50 MB bodies, a 100,000-element batch
(refused at the default --rpc.batch-limit, answered without one), half-closed
connections, slowloris clients (headers one byte per 100 ms from many
sockets of one address) while another address is served, and 10,000 filters
of each kind. After each, eth_blockNumber still answers 0x36, each input got
its JSON-RPC error (geth's codes), and the node's RSS (VmRSS of
/proc/PID/status) stays under RSS_LIMIT_MB. First, rpc_discover's document.
usage: rpc_hostile.py ETHC RPC_COMPAT_DIR WORKDIR"""
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

# The node idles at about 10 MB and peaks near 75 MB here (10,000 pending-
# transaction filters); under AddressSanitizer (shadow memory, a quarantine of
# freed blocks) RSS runs several times higher.
RSS_LIMIT_MB = 200
failures = []
peak = {"rss": 0}


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def status_field(pid, field):
    """A number from /proc/PID/status (kB for memory), or 0 when gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(node):
    mb = status_field(node.proc.pid, "VmRSS") / 1024
    peak["rss"] = max(peak["rss"], mb)
    return mb


def err_code(text):
    try:
        return json.loads(text).get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None


def alive(node, after):
    """eth_blockNumber answers 0x36, the node runs, and its RSS is in bounds."""
    try:
        s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}', timeout=10)
        ok = s == 200 and json.loads(t).get("result") == "0x36"
    except OSError as e:
        ok, t = False, str(e)
    rss = rss_mb(node)
    expect(ok and node.proc.poll() is None, f"eth_blockNumber still answers after {after}")
    expect(rss < RSS_LIMIT_MB, f"RSS {rss:.0f} MB < {RSS_LIMIT_MB} MB after {after}")


def host_port(node):
    u = urllib.parse.urlparse(node.url)
    return u.hostname, u.port


def connect(node, source="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(host_port(node))
    return s


def read_all(s, limit=1 << 26):
    """What the server sends until it closes (or the socket times out)."""
    data = b""
    try:
        while len(data) < limit:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def http_request(body, extra_headers=""):
    return (f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{extra_headers}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def call_body(method, params):
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})


def malformed_json(node):
    bad = [
        (b'\xff\xfe{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}', "invalid UTF-8 bytes before it"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_\xc3\x28blockNumber"}', "invalid UTF-8 inside a string"),
        (b'{"jsonrpc":"2.0","id":"\xc0\xaf","method":"eth_blockNumber"}', "an overlong UTF-8 form in the id"),
        (b'{"jsonrpc":"2.0","id":"\xed\xa0\x80","method":"eth_blockNumber"}', "a UTF-8 surrogate in the id"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber\xf4\x90\x80\x80"}', "UTF-8 past U+10FFFF"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber\xe2\x82"}', "a cut UTF-8 sequence"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_bl', "an unterminated string"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber",}', "a trailing comma"),
        (b"{'jsonrpc':'2.0','id':1,'method':'eth_blockNumber'}", "single quotes"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}}', "an extra closing brace"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[NaN]}', "NaN"),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[0x10]}', "a bare hex number"),
        (b'{"jsonrpc":"2.0","id":' + b"9" * 1000000 + b',"method":"eth_blockNumber"', "a million-digit number, unterminated"),
        (b"\"" + b"a" * 1000000, "a megabyte unterminated string"),
        (b"{" * 5 + b"}" * 4, "unbalanced braces"),
    ]
    for body, what in bad:
        s, _, t = node.post(body)
        expect(s == 200 and err_code(t) == -32700, f"{what}: -32700 (got {s} {t[:80]!r})")
    word = "\u00e9\u20ac\U0001f600"
    s, _, t = node.post(('{"jsonrpc":"2.0","id":"%s","method":"eth_blockNumber"}' % word).encode())
    expect(json.loads(t).get("id") == word, "UTF-8 of 2, 3 and 4 bytes in the id: echoed")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_block\\ud800Number"}')
    expect(err_code(t) in (-32700, -32601), f"a lone surrogate escape in the method: an error ({err_code(t)})")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":5}')
    expect(err_code(t) == -32600, "a number as the method: -32600")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":"x"}')
    expect(err_code(t) == -32602, "params as a string: -32602")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":5}')
    expect(err_code(t) == -32602, "params as a number: -32602")
    # cJSON takes these (bytes up to 0x20 as white space, laxer numbers): whatever
    # the answer, it must be JSON
    lax = [(b'{"jsonrpc":"2.0","id":01,"method":"eth_blockNumber"}', "an id with a leading zero"),
           (b'{"jsonrpc":"2.0","id":1,"method":"eth_block\x01Number"}', "a raw control character in the method"),
           (b'{"jsonrpc":"2.0","id":"\x01\x1f","method":"eth_blockNumber"}', "raw control characters in the id"),
           (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber\x00"}', "a NUL byte in a string"),
           (b'\x00{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}\x00', "NUL bytes around it")]
    for body, what in lax:
        s, _, t = node.post(body)
        try:
            valid = "jsonrpc" in json.loads(t)
        except ValueError:
            valid = False
        expect(valid, f"{what}: the response is JSON ({t[:70]!r})")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":[1],"method":"eth_blockNumber"}')
    expect(err_code(t) == -32600, "an array as the id: -32600")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","jsonrpc":"2.0"}')
    expect(json.loads(t).get("result") == "0x36" or err_code(t) == -32600, "a duplicate key: answered or -32600")
    alive(node, "malformed JSON")


A = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df"
H = "0x" + "ab" * 32


def wrong_types(node):
    cases = [
        ("eth_getBalance", [123, "latest"]), ("eth_getBalance", [None, "latest"]), ("eth_getBalance", [[A], "latest"]),
        ("eth_getBalance", [{"a": 1}, "latest"]), ("eth_getBalance", [A, True]), ("eth_getBalance", [A, 54]),
        ("eth_getBalance", [A, ["latest"]]), ("eth_getBalance", [A, {"blockNumber": 5}]),
        ("eth_getBalance", [A, {"blockHash": 5}]), ("eth_getBalance", [A, "newest"]),
        ("eth_getBlockByNumber", ["0x1", "true"]), ("eth_getBlockByNumber", ["0x1", 1]),
        ("eth_getBlockByNumber", [1, False]), ("eth_getBlockByNumber", [True, False]),
        ("eth_getBlockByNumber", [None, False]), ("eth_getBlockByHash", [42, False]),
        ("eth_getTransactionByHash", [42]), ("eth_getTransactionByHash", [{}]), ("eth_getTransactionByHash", [[H]]),
        ("eth_getTransactionReceipt", [True]), ("eth_getTransactionByBlockNumberAndIndex", ["0x1", 0]),
        ("eth_call", ["0x00", "latest"]), ("eth_call", [[], "latest"]), ("eth_call", [{"to": 5}, "latest"]),
        ("eth_call", [{"to": A, "value": True}, "latest"]), ("eth_call", [{"to": A, "data": 12}, "latest"]),
        ("eth_call", [{"to": A, "gas": [1]}, "latest"]), ("eth_call", [{"to": A, "accessList": "x"}, "latest"]),
        ("eth_call", [{"to": A}, "latest", []]), ("eth_call", [{"to": A}, "latest", {A: {"balance": 5}}]),
        ("eth_estimateGas", [None]), ("eth_createAccessList", ["x"]),
        ("eth_getLogs", ["x"]), ("eth_getLogs", [{"fromBlock": []}]), ("eth_getLogs", [{"address": 7}]),
        ("eth_getLogs", [{"topics": "x"}]), ("eth_getLogs", [{"topics": [[[H]]]}]), ("eth_getLogs", [{"topics": [5]}]),
        ("eth_getLogs", [{"blockHash": H, "fromBlock": "0x1"}]),
        ("eth_getStorageAt", [A, 7, "latest"]), ("eth_getStorageAt", [A, None, "latest"]),
        ("eth_getProof", [A, "0x0", "latest"]), ("eth_getProof", [A, [5], "latest"]),
        ("eth_feeHistory", ["0x4", "latest", "x"]), ("eth_feeHistory", ["0x4", "latest", [101]]),
        ("eth_feeHistory", ["0x4", "latest", [50, 25]]), ("eth_feeHistory", [-1, "latest", []]),
        ("eth_sendRawTransaction", [7]), ("eth_sendRawTransaction", ["0xzz"]), ("eth_sendRawTransaction", [None]),
        ("eth_newFilter", [5]), ("eth_newFilter", [{"address": [5]}]), ("eth_getFilterChanges", [7]),
        ("eth_getFilterLogs", [[]]), ("eth_uninstallFilter", [{}]),
        ("web3_sha3", [5]), ("web3_sha3", ["0xabc"]), ("web3_sha3", ["abcd"]),
        ("txpool_contentFrom", [12]), ("eth_getBlockReceipts", [{}]), ("eth_getCode", [A, 1.5]),
    ]
    bad = [f"{m}{json.dumps(p)}: {t[:100]}" for m, p in cases
           for s, _, t in [node.post(call_body(m, p))] if err_code(t) != -32602]
    expect(not bad, f"{len(cases)} calls with a parameter of the wrong JSON type: -32602 each" +
           ("".join("\n     " + b for b in bad)))
    s, _, t = node.post(call_body("eth_sendRawTransaction", ["0x" + "ff" * 10]))
    expect(err_code(t) in (-32602, -32000), f"eth_sendRawTransaction of RLP garbage: an error ({t[:100]})")
    alive(node, "wrong parameter types")


def bad_hex(node):
    q = lambda v: ("eth_getBlockByNumber", [v, False])  # noqa: E731
    cases = [
        q("1"), q("0x"), q("0x01"), q("0x1g"), q("0x-1"), q(" 0x1"), q("0x1 "), q("0x" + "f" * 10000),
        q("0x1" + "0" * 16), q("0x1" + "0" * 64),
        ("eth_getBalance", ["00" * 20, "latest"]), ("eth_getBalance", ["0x" + "00" * 21, "latest"]),
        ("eth_getBalance", ["0x" + "00" * 19, "latest"]), ("eth_getBalance", ["0x" + "0" * 39, "latest"]),
        ("eth_getBalance", ["0x" + "zz" * 20, "latest"]),
        ("eth_getTransactionByHash", ["ab" * 32]), ("eth_getTransactionByHash", ["0x" + "ab" * 33]),
        ("eth_getTransactionByHash", ["0x" + "ab" * 31]), ("eth_getTransactionByHash", ["0x" + "a" * 63]),
        ("eth_call", [{"to": A, "data": "0xabc"}, "latest"]), ("eth_call", [{"to": A, "data": "abcd"}, "latest"]),
        ("eth_call", [{"to": A, "value": "0x1" + "0" * 64}, "latest"]),
        ("eth_call", [{"to": A, "gas": "0x1" + "0" * 16}, "latest"]),
        ("eth_call", [{"to": A, "maxFeePerGas": "0x1" + "0" * 64}, "latest"]),
        ("eth_getStorageAt", [A, "0x1" + "0" * 64, "latest"]),
        ("eth_getTransactionByBlockNumberAndIndex", ["0x1", "0x1" + "0" * 16]),
        ("eth_feeHistory", ["0x1" + "0" * 16, "latest", []]),
        ("eth_getBalance", [A, {"blockNumber": "0x1" + "0" * 64}]),
        ("eth_getLogs", [{"fromBlock": "0x1" + "0" * 64}]), ("eth_getLogs", [{"address": "0x" + "00" * 21}]),
        ("eth_getLogs", [{"topics": ["0x" + "00" * 31]}]),
    ]
    bad = [f"{m}{json.dumps(p)[:120]}: {t[:100]}" for m, p in cases
           for s, _, t in [node.post(call_body(m, p))] if err_code(t) != -32602]
    expect(not bad, f"{len(cases)} calls with 0x-less, overlong, odd or oversized hex: -32602 each" +
           ("".join("\n     " + b for b in bad)))
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":[' + b"1" * 100 +
                        b",false]}")
    expect(err_code(t) == -32602, "a 100-digit JSON number as a block: -32602")
    s, _, t = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"' + A.encode() +
                        b'","value":1e400},"latest"]}')
    expect(err_code(t) == -32602, "1e400 as a call's value: -32602")
    s, _, t = node.post(call_body("eth_getFilterChanges", ["0x" + "f" * 100]))
    expect(err_code(t) == -32000, "a 100-digit filter id: -32000 filter not found (geth's)")
    alive(node, "bad hex and huge numbers")


def deep_nesting(node):
    n = 10000
    bodies = [
        ('{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[' + '{"a":' * n + "1" + "}" * n + "]}", "objects in params"),
        ('{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":' + "[" * n + "]" * n + "}", "arrays as params"),
        ("[" + '{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":' + "[" * n + "]" * n + "}]", "inside a batch"),
        ('{"jsonrpc":"2.0","id":' + "[" * n + "]" * n + ',"method":"eth_blockNumber"}', "as the id"),
        ("[" * 1000000, "a million open brackets"),
        ('{"a":' * 200000, "200,000 open objects"),
    ]
    for body, what in bodies:
        start = time.time()
        s, _, t = node.post(body)
        code = err_code(t) if not t.startswith("[") else err_code(json.dumps(json.loads(t)[0]))
        expect(code in (-32700, -32600, -32602) and time.time() - start < 5,
               f"deep nesting {what}: error {code} in {time.time() - start:.2f} s")
    alive(node, "deep nesting")


def big_bodies(node):
    six = b'{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x' + b"ab" * (3 << 20) + b'"]}'
    # chunked: no Content-Length, so the limit must hold as chunks arrive
    s = connect(node, timeout=20)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    try:
        for i in range(0, len(six), 65536):
            part = six[i:i + 65536]
            s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server may answer and close before the end
    resp = read_all(s)
    s.close()
    expect(resp.startswith(b"HTTP/1.1 413"), f"6 MB chunked body: HTTP 413 ({resp[:40]!r})")
    alive(node, "a 6 MB chunked body")
    # a 6 MB batch of valid calls: still over the body limit
    batch = json.dumps([{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(140000)]).encode()
    st, _, t = node.post(batch)
    expect(len(batch) > 6_000_000 and st == 413 and err_code(t) == -32600, f"6 MB batch: HTTP 413 ({st})")
    # 50 MB: read and dropped up to 8 times the limit, then the connection is closed
    s = connect(node, timeout=30)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n")
    sent, chunk = 0, b"a" * (1 << 20)
    try:
        while sent < 52428800:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    resp = read_all(s)
    s.close()
    expect(resp.startswith(b"HTTP/1.1 413") or not resp, f"50 MB body: 413 or closed after {sent >> 20} MB sent")
    alive(node, "a 50 MB body")
    # announced, never sent: 20 connections hold a 6 MB Content-Length and send nothing
    socks = [connect(node) for _ in range(20)]
    for s in socks:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 6291456\r\n\r\n{")
    time.sleep(0.5)
    alive(node, "20 connections announcing 6 MB bodies and sending none")
    for s in socks:
        s.close()


def huge_batch(node, ethc, suite, workdir):
    body = ("[" + ",".join(['{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'] * 100000) + "]").encode()
    start = time.time()
    s, _, t = node.post(body)
    r = json.loads(t)
    expect(isinstance(r, list) and len(r) == 1 and r[0]["error"]["code"] == -32600 and time.time() - start < 5,
           f"100,000-element batch at the default --rpc.batch-limit: one -32600 ({time.time() - start:.2f} s)")
    s, _, t = node.post(("[" + ",".join(["1"] * 100000) + "]").encode())
    expect(err_code(json.dumps(json.loads(t)[0])) == -32600, "100,000 non-objects in a batch: -32600")
    alive(node, "a 100,000-element batch")
    # without a batch limit, the same batch is answered, in order, in bounded memory
    other = Node(ethc, workdir, suite, ["--http.api", "eth", "--rpc.batch-limit", "0"])
    try:
        base = status_field(other.proc.pid, "VmRSS") / 1024
        body = ("[" + ",".join('{"jsonrpc":"2.0","id":%d,"method":"eth_chainId"}' % i for i in range(100000)) + "]")
        start = time.time()
        s, _, t = other.post(body.encode(), timeout=120)
        r = json.loads(t)
        hi = status_field(other.proc.pid, "VmRSS") / 1024
        expect(len(r) == 100000 and all(x.get("result") == "0xc72dd9d5e883e" and x["id"] == i for i, x in enumerate(r)),
               f"100,000-element batch without a limit: 100,000 answers in order in {time.time() - start:.1f} s")
        expect(hi < RSS_LIMIT_MB, f"... RSS {base:.0f} MB before, {hi:.0f} MB after (< {RSS_LIMIT_MB})")
        s, _, t = other.post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')
        expect(json.loads(t).get("result") == "0x36", "... and eth_blockNumber after it")
    finally:
        other.stop()
        other.cleanup()


def half_closed(node):
    req = http_request(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')
    s = connect(node)
    s.sendall(req)
    s.shutdown(socket.SHUT_WR)
    resp = read_all(s)
    s.close()
    expect(b'"result":"0x36"' in resp, "a request then a half-close (SHUT_WR): answered")
    cases = [(req[:20], "half the request line"), (req[:req.index(b"\r\n\r\n")], "headers without their end"),
             (req[:-10], "a body 10 bytes short")]
    for part, what in cases:
        s = connect(node)
        s.sendall(part)
        s.shutdown(socket.SHUT_WR)
        start = time.time()
        read_all(s)
        s.close()
        took = time.time() - start
        expect(took < 5, f"{what}, then a half-close: the server closes in {took:.2f} s")
    threads0 = status_field(node.proc.pid, "Threads")
    socks = []
    for i in range(200):
        s = connect(node)
        s.sendall(req[:-10])
        s.shutdown(socket.SHUT_WR)
        socks.append(s)
    deadline = time.time() + 10
    while time.time() < deadline and status_field(node.proc.pid, "Threads") > threads0 + 5:
        time.sleep(0.1)
    threads = status_field(node.proc.pid, "Threads")
    expect(threads <= threads0 + 5, f"200 half-closed connections: threads back to {threads} (from {threads0}) within 10 s")
    for s in socks:
        s.close()
    # the client goes away without reading a response
    for i in range(50):
        s = connect(node)
        s.sendall(http_request(call_body("eth_getBlockByNumber", ["latest", True]).encode()))
        s.close()
    alive(node, "half-closed and abandoned connections")


def slowloris(node, sockets=600, seconds=6):
    """Many sockets from 127.0.0.2 dribble headers one byte per 100 ms while a
    client from 127.0.0.1 must still be served."""
    try:
        probe = connect(node, source="127.0.0.2")
        probe.close()
    except OSError as e:
        print(f"skip slowloris: cannot bind 127.0.0.2 ({e})")
        return
    header = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 10000
    socks, refused = [], 0
    for i in range(sockets):
        try:
            socks.append(connect(node, source="127.0.0.2", timeout=2))
        except OSError:
            refused += 1
    served, slow = [], []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            start = time.time()
            try:
                s, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}', timeout=5)
                served.append(json.loads(t).get("result") == "0x36")
            except OSError:
                served.append(False)
            slow.append(time.time() - start)
            time.sleep(0.2)

    th = threading.Thread(target=client)
    th.start()
    pos, closed = 0, 0
    end = time.time() + seconds
    while time.time() < end:
        for s in list(socks):
            try:
                s.send(header[pos:pos + 1])
            except OSError:
                socks.remove(s)
                closed += 1
        pos += 1
        time.sleep(0.1)
    rss = rss_mb(node)
    threads = status_field(node.proc.pid, "Threads")
    stop.set()
    th.join()
    expect(served and all(served) and max(slow) < 2,
           f"slowloris: {sockets} sockets from 127.0.0.2 ({refused} refused, {closed} closed by the server) dribbling "
           f"headers; 127.0.0.1 served {sum(served)}/{len(served)} calls, slowest {max(slow or [0]):.2f} s")
    expect(len(socks) <= 300, f"slowloris: at most 300 of them held open ({len(socks)}); node at {threads} threads")
    expect(rss < RSS_LIMIT_MB, f"slowloris: RSS {rss:.0f} MB")
    for s in socks:
        s.close()
    time.sleep(0.5)
    alive(node, "slowloris")


def many_filters(node):
    rss0 = rss_mb(node)
    for kind, params in (("eth_newFilter", [{"fromBlock": "0x0", "address": A}]), ("eth_newBlockFilter", []),
                         ("eth_newPendingTransactionFilter", [])):
        ids = []
        for k in range(10):
            batch = [{"jsonrpc": "2.0", "id": i, "method": kind, "params": params} for i in range(1000)]
            s, _, t = node.post(json.dumps(batch))
            ids += [x.get("result") for x in json.loads(t)]
        expect(len(ids) == 10000 and all(isinstance(i, str) for i in ids) and len(set(ids)) == 10000,
               f"10,000 {kind}: 10,000 distinct ids")
        r = node.call(kind, *params)
        expect(r.get("error", {}).get("code") == -32005, f"the 10,001st {kind}: -32005 ({r.get('error')})")
        if kind == "eth_newPendingTransactionFilter":
            # a pooled transaction reaches every one of the 10,000 filters
            r = node.call("eth_sendRawTransaction", RAW_TX)
            expect(r.get("result", "").startswith("0x"), f"a transaction into the pool ({r})")
            c = node.call("eth_getFilterChanges", ids[-1])
            expect(c.get("result") == [r.get("result")], "... and into the last filter's changes")
        rss = rss_mb(node)
        expect(rss < RSS_LIMIT_MB, f"10,000 {kind}: RSS {rss0:.0f} -> {rss:.0f} MB")
        removed = 0
        for k in range(0, 10000, 1000):
            batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_uninstallFilter", "params": [f]}
                     for i, f in enumerate(ids[k:k + 1000])]
            s, _, t = node.post(json.dumps(batch))
            removed += sum(x.get("result") is True for x in json.loads(t))
        expect(removed == 10000, f"uninstall the 10,000 {kind}: {removed} removed")
    alive(node, "30,000 filters")


def discover(node):
    """rpc_discover (without the npm packages of system.rpc_viem, which checks it
    too): the OpenRPC document of exactly the enabled methods."""
    r = node.call("rpc_discover")
    doc = r.get("result", {})
    names = [m.get("name") for m in doc.get("methods", [])]
    expect(doc.get("openrpc", "").startswith("1.2.") and "eth_call" in names and "txpool_status" in names and
           not any(n.startswith("debug_") for n in names) and len(names) == len(set(names)),
           f"rpc_discover: OpenRPC {doc.get('openrpc')}, {len(names)} methods, eth_call and no debug_* (not enabled)")
    m = {x["name"]: x for x in doc.get("methods", [])}
    gb = m.get("eth_getBalance", {})
    expect([(p["name"], p["required"]) for p in gb.get("params", [])] == [("address", True), ("block", False)] and
           "pattern" in gb["params"][0]["schema"] and "schema" in gb.get("result", {}),
           "rpc_discover: eth_getBalance's params (name, required, schema) and result")
    r = node.call("rpc_discover", "x")
    expect(r.get("error", {}).get("code") == -32602, "rpc_discover with a parameter: -32602")


# nonce 0 of 0x0c2c51a0990aee1d73c1228de158688341557508 (funded in the rpc-compat genesis,
# no transaction in its chain): 1 wei to 0xaa00..., signed by ethers for chain 0xc72dd9d5e883e
RAW_TX = ("0x02f872870c72dd9d5e883e80843b9aca0085174876e80082520894aa000000000000000000000000000000000000000180c001"
          "a0ba650b93e46093878974e2237f38d8a6e4987a7bda4ac6ae30e8f130c39cbd94a02c57115f2f8b00772c31d504bf2741b333624bd"
          "355145cf42326e1d8002f6579")


def main():
    ethc, suite, workdir = sys.argv[1:4]
    global RSS_LIMIT_MB
    with open(ethc, "rb") as f:
        if b"__asan_init" in f.read():  # built with -fsanitize=address
            RSS_LIMIT_MB = 1500
    node = Node(ethc, workdir, suite, ["--http.api", "eth,net,web3,txpool"])
    try:
        rss0 = rss_mb(node)
        print(f"node pid {node.proc.pid}, RSS {rss0:.0f} MB, {status_field(node.proc.pid, 'Threads')} threads")
        discover(node)
        malformed_json(node)
        wrong_types(node)
        bad_hex(node)
        deep_nesting(node)
        big_bodies(node)
        huge_batch(node, ethc, suite, workdir)
        half_closed(node)
        slowloris(node)
        many_filters(node)
        print(f"peak RSS {peak['rss']:.0f} MB (limit {RSS_LIMIT_MB} MB)")
    finally:
        status = node.stop()
        expect(status == 0, f"SIGTERM: exit status 0 (got {status})")
        node.cleanup()
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
