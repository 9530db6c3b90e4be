#!/usr/bin/env python3
"""JSON-RPC over WebSocket (RFC 6455) on `ethc node --ws`: the handshake, calls
and batches in text frames, ping/pong, fragmented messages, a frame announcing
2^62 bytes (close 1009), an unmasked frame (close 1002), eth_subscribe newHeads delivering
every block that `--import` commits (the import reads a FIFO, so the test
subscribes before any block arrives), eth_unsubscribe, eth_subscribe newPendingTransactions (a raw transaction sent over
HTTP reaches a hash subscriber and a full-object one within a second, and a
pending-transaction filter), pings of idle clients (a subscriber idle past several
intervals still gets its blocks; one that never answers is closed), and
shutdown with WebSocket clients connected.
usage: rpc_ws.py ETHC RPC_COMPAT_DIR WORKDIR"""
import base64
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

failures = []

# Signed by 0x0c2c51a0990aee1d73c1228de158688341557508 (funded in the rpc-compat
# genesis; its key is in ../shared/chains/ethtest/accounts.json): nonce 0, 1 wei
# to 0xaa00..00 at 10 gwei, legacy without a chain id (the genesis block's rules
# predate EIP-155 and typed transactions on this chain).
RAW_TX = ("0xf864808502540be40082520894aa0000000000000000000000000000000000000001801ca040ba007ee2a94144b10f03"
          "6031d96036e92c941259c544e18e7dc7393747292ba04bf05e144da22220a1e189c61ca93feea3584b35801196c3c50abf3"
          "6f4003d6e")
RAW_TX_HASH = "0xd53339ac54d6b9f420bbaae955b856305275e40094d6596ce98bd9a731a2b54f"


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class WS:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("handshake: connection closed")
            head += chunk
        self.status = head.split(b"\r\n")[0]
        want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.accept_ok = b"Sec-WebSocket-Accept: " + want in head

    def send_frame(self, payload, opcode=1, fin=True, mask=True):
        b0 = (0x80 if fin else 0) | opcode
        n = len(payload)
        hdr = bytes([b0])
        mbit = 0x80 if mask else 0
        if n < 126:
            hdr += bytes([mbit | n])
        elif n < 65536:
            hdr += bytes([mbit | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([mbit | 127]) + struct.pack(">Q", n)
        if mask:
            k = os.urandom(4)
            payload = bytes(c ^ k[i % 4] for i, c in enumerate(payload)) if n < 100000 else \
                (int.from_bytes(payload, "big") ^ int.from_bytes((k * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
            hdr += k
        self.sock.sendall(hdr + payload)

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def recv_frame(self):
        b0, b1 = self.recv_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self.recv_exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self.recv_exact(8))[0]
        return b0 & 0x0F, self.recv_exact(n)

    def recv_data(self):
        """The next non-ping frame; pings are answered, as a browser does."""
        while True:
            op, data = self.recv_frame()
            if op == 9:
                self.send_frame(data, opcode=10)
                self.pings = getattr(self, "pings", 0) + 1
                continue
            return op, data

    def call(self, obj):
        self.send_frame(json.dumps(obj).encode())
        while True:
            op, data = self.recv_data()
            if op == 1:
                msg = json.loads(data)
                if isinstance(msg, list) or "id" in msg:
                    return msg


def first_notification(w, sub, within):
    """The result of the first eth_subscription of `sub` on w within `within` s, or None; and the wait."""
    t0 = time.time()
    w.sock.settimeout(within)
    try:
        while time.time() - t0 < within:
            op, data = w.recv_frame()  # not recv_data: its ping loop would outlast `within`
            if op == 9:
                w.send_frame(data, opcode=10)
            msg = json.loads(data) if op == 1 else {}
            if msg.get("method") == "eth_subscription" and msg["params"]["subscription"] == sub:
                return msg["params"]["result"], time.time() - t0
    except (socket.timeout, EOFError, OSError):
        pass
    finally:
        w.sock.settimeout(10)
    return None, time.time() - t0


def pending_txs_phase(node):
    """eth_subscribe newPendingTransactions: hashes by default, objects with true."""
    wsh, wsf, wsn = WS(node.url), WS(node.url), WS(node.url)
    sn = wsn.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}).get("result")
    sh = wsh.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newPendingTransactions"]})
    sf = wsf.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newPendingTransactions", True]})
    sh, sf = sh.get("result"), sf.get("result")
    expect(isinstance(sh, str) and isinstance(sf, str), f"eth_subscribe newPendingTransactions: ids {sh}, {sf}")
    r = wsh.call({"jsonrpc": "2.0", "id": 2, "method": "eth_subscribe", "params": ["newPendingTransactions", "yes"]})
    expect(r.get("error", {}).get("code") == -32602, f"newPendingTransactions with a non-boolean: -32602 ({r})")
    pf = node.call("eth_newPendingTransactionFilter").get("result")
    r = node.call("eth_sendRawTransaction", RAW_TX)
    expect(r.get("result") == RAW_TX_HASH, f"eth_sendRawTransaction: {r}")
    got, dt = first_notification(wsh, sh, 1.0)
    expect(got == RAW_TX_HASH and dt < 1.0, f"newPendingTransactions: the hash within 1 s ({got}, {dt:.3f} s)")
    got, dt = first_notification(wsf, sf, 1.0)
    expect(isinstance(got, dict) and got.get("hash") == RAW_TX_HASH and dt < 1.0
           and got.get("from") == "0x0c2c51a0990aee1d73c1228de158688341557508" and got.get("nonce") == "0x0"
           and got.get("to") == "0xaa00000000000000000000000000000000000000" and got.get("blockHash") is None
           and got.get("type") == "0x0", f"newPendingTransactions true: the transaction object within 1 s ({dt:.3f} s)")
    got, _ = first_notification(wsn, sn, 0.2)  # a newHeads subscriber hears nothing of it
    expect(got is None, "newHeads subscriber gets no pending transaction")
    r = node.call("eth_getFilterChanges", pf)
    expect(r.get("result") == [RAW_TX_HASH], f"pending-transaction filter: the hash ({r.get('result')})")
    r = node.call("eth_sendRawTransaction", RAW_TX)  # already known: no second notification
    got, _ = first_notification(wsh, sh, 0.3)
    expect(r.get("result") == RAW_TX_HASH and got is None, "resubmission: its hash, no new notification")
    for w in (wsh, wsf, wsn):
        w.sock.close()


def main():
    ethc, suite, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    fifo = os.path.join(workdir, f"chain-{os.getpid()}.fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    writer = None
    node = Node(ethc, workdir, suite, ["--ws", "--ws.ping-interval", "0.1", "--fakepow", "--import", fifo],
                genesis_only=True)
    try:
        pending_txs_phase(node)  # first: the other connections would idle past their pings meanwhile
        ws = WS(node.url)
        expect(ws.status.startswith(b"HTTP/1.1 101") and ws.accept_ok, "handshake: 101 with the right Sec-WebSocket-Accept")
        r = ws.call({"jsonrpc": "2.0", "id": 12345678901234567890, "method": "eth_chainId"})
        expect(r.get("result") == "0xc72dd9d5e883e", "eth_chainId over WebSocket")
        r = ws.call([{"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}, {"jsonrpc": "2.0", "id": 2, "method": "net_version"}])
        expect(isinstance(r, list) and len(r) == 2 and r[0]["result"] == "0x0", "batch over WebSocket")
        ws.send_frame(b"hello", opcode=9)
        op, data = ws.recv_data()
        expect(op == 10 and data == b"hello", "ping answered with pong")
        body = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "eth_blockNumber"}).encode()
        ws.send_frame(body[:10], fin=False)
        ws.send_frame(body[10:], opcode=0)
        op, data = ws.recv_data()
        expect(op == 1 and json.loads(data).get("id") == 3, "fragmented message reassembled")

        sub = ws.call({"jsonrpc": "2.0", "id": 4, "method": "eth_subscribe", "params": ["newHeads"]}).get("result")
        expect(isinstance(sub, str) and sub.startswith("0x") and len(sub) == 34, f"eth_subscribe newHeads: id {sub}")
        ws2 = WS(node.url)
        sub2 = ws2.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}).get("result")
        r = ws2.call({"jsonrpc": "2.0", "id": 2, "method": "eth_unsubscribe", "params": [sub2]})
        expect(r.get("result") is True, "eth_unsubscribe: true")
        r = ws2.call({"jsonrpc": "2.0", "id": 3, "method": "eth_unsubscribe", "params": [sub2]})
        expect(r.get("result") is False, "eth_unsubscribe again: false")
        _, _, t = node.post('{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}')
        expect(json.loads(t).get("error", {}).get("code") == -32601, "eth_subscribe over HTTP: -32601")

        mute = WS(node.url)  # never answers pings
        # idle past several ping intervals (answering pings, as any client library
        # does under the application): the subscription must survive this
        ws.sock.settimeout(0.05)
        idle_until = time.time() + 0.7
        while time.time() < idle_until:
            try:
                ws.recv_data()
            except socket.timeout:
                pass
        ws.sock.settimeout(10)
        ops = []
        try:
            while True:
                op, data = mute.recv_frame()
                ops.append(op)
                if op == 8:
                    break
        except (EOFError, ConnectionResetError, socket.timeout):
            pass
        expect(ops.count(9) >= 3 and ops[-1:] == [8], f"client that never answers pings: pinged, then closed ({ops})")

        def feed():
            with open(fifo, "wb") as f, open(os.path.join(suite, "chain.rlp"), "rb") as src:
                f.write(src.read())
        writer = threading.Thread(target=feed)
        writer.start()
        heads = []
        deadline = time.time() + 30
        while len(heads) < 54 and time.time() < deadline:
            op, data = ws.recv_data()
            if op != 1:
                continue
            msg = json.loads(data)
            if msg.get("method") == "eth_subscription" and msg["params"]["subscription"] == sub:
                heads.append(msg["params"]["result"])
        nums = [int(h["number"], 16) for h in heads]
        expect(nums == list(range(1, 55)), f"newHeads after idling past several pings: blocks 1..54 in order (got {len(nums)})")
        expect(getattr(ws, "pings", 0) >= 3, f"idle subscriber was pinged ({getattr(ws, 'pings', 0)} pings)")
        expect(heads and heads[-1]["hash"] == "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7"
               and "transactions" not in heads[-1] and heads[0]["parentHash"] ==
               "0x44fd89d504659cd58f48f4796b77a7e7012cf296a2409afa2f6c3cb99b5b3d99", "newHeads: header objects")
        ws2.sock.settimeout(0.5)
        try:
            got = False
            until = time.time() + 0.5
            while not got and time.time() < until:  # half a second, unless the server drops it
                op, data = ws2.recv_data()
                got = b"eth_subscription" in data
        except (socket.timeout, EOFError, OSError):
            pass
        expect(not got, "unsubscribed connection gets no notification")

        ws3 = WS(node.url)
        # a frame bomb: a header announcing 2^62 bytes, refused before any payload is read
        ws3.sock.sendall(bytes([0x81, 0x80 | 127]) + struct.pack(">Q", 1 << 62) + os.urandom(4))
        try:
            op, data = ws3.recv_data()
            expect(op == 8 and struct.unpack(">H", data[:2])[0] == 1009, "frame announcing 2^62 bytes: close 1009")
        except (EOFError, ConnectionResetError):
            expect(False, "frame announcing 2^62 bytes: close 1009 (connection dropped instead)")
        ws4 = WS(node.url)
        ws4.send_frame(b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', mask=False)
        op, data = ws4.recv_data()
        expect(op == 8 and struct.unpack(">H", data[:2])[0] == 1002, "unmasked client frame: close 1002")
        r = ws.call({"jsonrpc": "2.0", "id": 9, "method": "eth_blockNumber"})
        expect(r.get("result") == "0x36", "first connection still answers")

        t0 = time.time()
        node.proc.send_signal(signal.SIGTERM)
        status = node.proc.wait(timeout=15)
        expect(status == 0 and time.time() - t0 < 3, f"SIGTERM with WebSockets open: exit {status} at once")
    finally:
        if writer is None:  # the import waits for a writer: give it an empty file
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        node.stop()
        if writer:
            writer.join(timeout=5)
        node.cleanup()
        os.unlink(fifo)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
