"""Shared by the dev chain's system tests (rpc_miner.py, dev_tools.py): the
funded key of the rpc-compat genesis and transfers signed with it by ethers v6
(offline), `ethc node --miner` on an imported rpc-compat chain (rpc_node.Node),
a second `ethc node` started on a given data directory or as `--dev
--dev.ephemeral`, and the ok/FAIL tally the tests print ("N passed, N failed")."""
import contextlib
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rpc_node import Node, wait_url  # noqa: E402

INTEROP = os.path.join(HERE, "..", "interop")
# 0x0c2c51a0990aee1d73c1228de158688341557508: funded in the rpc-compat genesis
KEY = "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850"
FROM = "0x0c2c51a0990aee1d73c1228de158688341557508"
TO = "0xaa00000000000000000000000000000000000000"

SIGN_JS = """
import { Wallet } from "ethers";
const [key, chainId, nonce, count, fee] = process.argv.slice(1);
const w = new Wallet(key);
for (let i = 0; i < Number(count); i++)
  console.log(await w.signTransaction({ type: 2, chainId: BigInt(chainId), nonce: Number(nonce) + i, to: "%s",
    value: 1000n + BigInt(i), gasLimit: 21000n, maxFeePerGas: BigInt(fee), maxPriorityFeePerGas: 1000n }));
""" % TO

passed = failed = 0


def check(cond, what):
    """Prints ok/FAIL and counts it."""
    global passed, failed
    print(("ok   " if cond else "FAIL ") + what)
    if cond:
        passed += 1
    else:
        failed += 1


def summary():
    """Prints "N passed, N failed"; returns the exit status."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def missing_js(*modules):
    """None when node and tests/interop/node_modules/MODULE are there, else why not."""
    if shutil.which("node") and all(os.path.isdir(os.path.join(INTEROP, "node_modules", m)) for m in modules):
        return None
    names = modules[0] if len(modules) == 1 else "{" + ",".join(modules) + "}"
    return f"node or tests/interop/node_modules/{names} missing (scripts/install-deps.sh --test)"


def sign(chain_id, nonce, count, fee):
    """`count` transfers FROM -> TO from `nonce` on, max fee `fee`: raw transactions."""
    out = subprocess.run(["node", "--input-type=module", "-e", SIGN_JS, KEY, str(chain_id), str(nonce), str(count),
                          str(fee)], cwd=INTEROP, check=True, capture_output=True, text=True).stdout
    return out.split()


def result(node, method, *params):
    """The call's result; an error answer raises."""
    r = node.call(method, *params)
    if "error" in r:
        raise RuntimeError(f"{method}: {r['error']}")
    return r["result"]


def miner(ethc, workdir, suite, apis):
    """`ethc node --miner --http.api APIS` on the imported chain of `suite`."""
    return Node(ethc, workdir, suite, ["--miner", "--http.api", apis])


class Started:
    """`ethc node ARGS --http.port 0`, stderr to `log`; url is None when it
    printed none within 20 s. Stop it with stop() (SIGTERM by PID)."""

    def __init__(self, ethc, args, log, env=None):
        self.proc = subprocess.Popen([ethc, "node", *args, "--http.port", "0"], stdout=subprocess.PIPE, stderr=log,
                                     text=True, env=env)
        self.url = wait_url(self.proc, "HTTP server started: http://")

    call = Node.call
    post = Node.post

    def stop(self):
        """SIGTERM by PID, SIGKILL after 15 s; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def restarted(ethc, datadir, log):
    """A second `ethc node` on a stopped node's data directory."""
    return Started(ethc, ["--datadir", datadir], log)


def stop_checked(node):
    """Stops `node` (SIGTERM) and checks that it exits 0; prints its log when not."""
    status = node.stop()
    check(status == 0, f"SIGTERM: exit {status}")
    if status != 0:
        print(node.log())


@contextlib.contextmanager
def restart_of(ethc, node):
    """A second `ethc node` on the stopped `node`'s data directory, its log
    node2.log beside the first's: yields it when it printed its URL (checked),
    None otherwise, and checks that it stops cleanly."""
    with open(os.path.join(node.tmp, "node2.log"), "w") as log:
        again = restarted(ethc, node.datadir, log)
        try:
            check(again.url is not None, "restarted")
            yield again if again.url else None
        finally:
            check(again.stop() == 0, "the restarted node stops cleanly")


def dev_node(ethc, workdir, log):
    """`ethc node --dev --dev.ephemeral`, its temporary directory under workdir."""
    return Started(ethc, ["--dev", "--dev.ephemeral"], log, env=dict(os.environ, TMPDIR=os.path.abspath(workdir)))
