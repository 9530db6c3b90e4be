"""Shared by the RPC system tests: imports a chain into a fresh data directory
under a given work directory, starts `ethc node` on a free port (it prints its
URL), posts JSON-RPC bodies, and stops it by PID with SIGTERM."""
import gzip
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def wait_url(proc, marker="http://", timeout=20):
    """The URL an `ethc node` prints on stdout (from `marker` on, which starts
    with http://), or None when it printed none within `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.2)
        if r:
            line = proc.stdout.readline()
            if not line:
                return None
            if marker in line:
                return line[line.index(marker) + len(marker) - len("http://"):].strip()
    return None


class Node:
    def __init__(self, ethc, workdir, chain_dir, extra_args=(), genesis_only=False):
        """genesis_only: the data directory gets only the genesis (`ethc init`),
        for a node that imports the chain itself (--import)."""
        os.makedirs(workdir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="rpc-", dir=workdir)
        self.datadir = os.path.join(self.tmp, "data")
        if genesis_only:
            cmd = [ethc, "init", "--datadir", self.datadir, os.path.join(chain_dir, "genesis.json")]
        else:
            cmd = [ethc, "import", "--fakepow", "--genesis", os.path.join(chain_dir, "genesis.json"),
                   "--datadir", self.datadir, os.path.join(chain_dir, "chain.rlp")]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.stderr = open(os.path.join(self.tmp, "node.log"), "w")
        self.proc = subprocess.Popen([ethc, "node", "--datadir", self.datadir, "--http.port", "0", *extra_args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.url = wait_url(self.proc)
        if self.url is None:
            self.stop()
            raise RuntimeError("ethc node did not print its URL; log: " + self.log())

    def log(self):
        with open(os.path.join(self.tmp, "node.log")) as f:
            return f.read()

    def post(self, body, headers=None, method="POST", timeout=30):
        """Returns (HTTP status, headers, body text)."""
        data = body.encode() if isinstance(body, str) else body
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        req = urllib.request.Request(self.url, data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                data = r.read()
                if r.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                return r.status, dict(r.headers), data.decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def call(self, method, *params):
        _, _, text = self.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}))
        return json.loads(text)

    def stop(self):
        """SIGTERM by PID; returns the exit status (None if it had to be killed)."""
        status = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                status = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        else:
            status = self.proc.returncode
        self.stderr.close()
        return status

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
