#!/usr/bin/env bash
# Builds ethc (Release) and starts a local development chain in the foreground:
# `ethc node --dev` on http://127.0.0.1:8545 (and WebSocket on the same port),
# chain id 31337 with anvil's ten funded accounts, kept in
# $XDG_DATA_HOME/ethc/dev (else ~/.local/share/ethc/dev) across restarts.
# Ctrl-C stops it. Extra arguments go to `ethc node` (e.g. --dev.ephemeral,
# --http.port 8546, --chain-id 1337). scripts/demo.sh runs the older demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
echo "building ethc (log: build/run-build.log) ..."
cmake --build build -j"$(nproc)" >build/run-build.log 2>&1 || { tail -n 40 build/run-build.log; exit 1; }
exec ./build/ethc node --dev --http.addr 127.0.0.1 --http.port 8545 "$@"
