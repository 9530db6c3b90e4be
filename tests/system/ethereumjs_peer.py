"""@ethereumjs/client (pinned in tests/interop/ethereumjs/package.json) as a
third-party devp2p peer for the system tests (p2p_hello.py, p2p_sync.py): it
serves a chain directory's genesis.json and chain.rlp on a free TCP port, as a
single node without discovery, and prints its enode.

    reason = missing()            # None, or why the peer cannot run (skip)
    with EthereumjsPeer(chain_dir, data_dir) as peer:
        enode = peer.wait_enode()  # None when it printed none (see peer.log())

The peer's database and log (DATA_DIR and DATA_DIR.log) are the caller's to
remove; stop() (or leaving the with block) ends the process by its PID."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

EJS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "ethereumjs")
CLI = os.path.join(EJS_DIR, "node_modules", "@ethereumjs", "client", "dist", "esm", "bin", "cli.js")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing():
    """None when node and the npm package are installed, else what is missing."""
    if not shutil.which("node"):
        return "node (Node.js) is not installed"
    if not os.path.exists(CLI):
        return "tests/interop/ethereumjs/node_modules missing (npm ci there)"
    return None


class EthereumjsPeer:
    """@ethereumjs/client serving CHAIN_DIR's chain from DATA_DIR on 127.0.0.1."""

    def __init__(self, chain_dir, data_dir, load_chain=True, rpc=False):
        """load_chain: import chain.rlp first (else it stays at the genesis);
        rpc: serve JSON-RPC on self.rpc_url."""
        self.port = free_port()
        self.log_path = data_dir + ".log"
        self._log = open(self.log_path, "w")
        args = ["node", CLI, "--gethGenesis", os.path.join(chain_dir, "genesis.json")]
        if load_chain:
            args += ["--loadBlocksFromRlp", os.path.join(chain_dir, "chain.rlp")]
        args += ["--isSingleNode", "true", "--discDns", "false", "--discV4", "false", "--dataDir", data_dir,
                 "--port", str(self.port), "--extIP", "127.0.0.1"]
        self.rpc_url = None
        if rpc:
            rpc_port = free_port()
            args += ["--rpc", "--rpcPort", str(rpc_port)]
            self.rpc_url = f"http://127.0.0.1:{rpc_port}"
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_enode(self, timeout=180):
        """The enode it prints once its chain is loaded, or None (it exited, or timeout)."""
        pattern = re.compile(r"(enode://[0-9a-f]{128}@127\.0\.0\.1:%d)" % self.port)
        deadline = time.time() + timeout
        while time.time() < deadline and self.proc.poll() is None:
            m = pattern.search(self.log())
            if m:
                return m.group(1)
            time.sleep(0.5)
        return None

    def stop(self):
        """ethereumjs ignores SIGTERM: SIGINT, then SIGKILL, by PID."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
