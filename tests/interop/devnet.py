"""Starts a local development chain on a free port and stops it by PID: `ethc
node --dev --dev.ephemeral` (it prints its URL), anvil (from the npm package
@foundry-rs/anvil in tests/interop/node_modules) or a hardhat node. Shared by
run_dev.py, tests/system/dev_vs_anvil.py, dev_kill.py and bench/dev_tps.sh."""
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = os.path.join(HERE, "node_modules")


def anvil_path():
    """The anvil binary the npm package installed, or None."""
    for p in (os.path.join(MODULES, "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
              os.path.join(MODULES, "@foundry-rs", "anvil-linux-arm64", "bin", "anvil")):
        if os.access(p, os.X_OK):
            return p
    return shutil.which("anvil")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevServer:
    """kind: "ethc" (exe: the ethc binary), "anvil" or "hardhat" (exe: the
    directory holding hardhat's node_modules and config). extra: more flags.
    Raises RuntimeError when the server does not answer within 30 s."""

    def __init__(self, kind, exe, logdir, extra=(), env=None):
        self.kind = kind
        os.makedirs(logdir, exist_ok=True)
        self.logpath = os.path.join(logdir, f"{kind}-{os.getpid()}-{time.monotonic_ns()}.log")
        self.log = open(self.logpath, "w")
        port = None
        if kind == "ethc":
            cmd = [exe, "node", "--http.port", "0"]
            if "--datadir" not in extra:
                cmd.append("--dev.ephemeral")
            cmd += list(extra)
        elif kind == "anvil":
            port = free_port()
            cmd = [exe, "--port", str(port), *extra]
        elif kind == "hardhat":
            port = free_port()
            exe = os.path.abspath(exe)
            cmd = [os.path.join(exe, "node_modules", ".bin", "hardhat"), "node", "--port", str(port), *extra]
        else:
            raise ValueError(kind)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
                                     cwd=exe if kind == "hardhat" else None)
        self.url = None
        self.banner = []
        # a thread reads stdout line by line (and keeps draining it, so that a
        # chatty server never blocks on a full pipe)
        lines = queue.Queue()
        self.reader = threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout] + [lines.put(None)],
                                       daemon=True)
        self.reader.start()
        deadline = time.time() + 30
        while time.time() < deadline and self.url is None:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            self.banner.append(line)
            if kind == "ethc" and "HTTP server started" in line:
                self.url = line[line.index("http://"):].strip()
            elif kind == "anvil" and line.startswith("Listening on"):
                self.url = "http://" + line.split()[-1]
            elif kind == "hardhat" and re.search(r"Started HTTP and WebSocket JSON-RPC server at", line):
                self.url = f"http://127.0.0.1:{port}/"
        if self.url is None:
            log = self.read_log()
            self.stop()
            raise RuntimeError(f"{kind} did not start: {' '.join(cmd)}\n{''.join(self.banner)}{log}")
        self.ws = self.url.replace("http://", "ws://")

    def read_log(self):
        self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def result(self, method, *params):
        r = self.call(method, *params)
        if "error" in r:
            raise RuntimeError(f"{self.kind} {method}: {r['error']}")
        return r["result"]

    def stop(self, sig=signal.SIGTERM):
        """Signals the server by PID; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            status = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        self.reader.join(timeout=5)
        self.log.close()
        return status


def ethc_has_dev(ethc):
    r = subprocess.run([ethc, "node", "--help"], capture_output=True, text=True)
    return "--dev.ephemeral" in r.stdout


def missing_js(*packages):
    """Why the JavaScript side cannot run (None when it can)."""
    if not shutil.which("node"):
        return "node (Node.js) is not installed"
    for p in packages:
        if not os.path.isdir(os.path.join(MODULES, p)):
            return f"tests/interop/node_modules/{p} missing (run scripts/install-deps.sh --test)"
    return None
