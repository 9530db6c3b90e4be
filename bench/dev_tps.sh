#!/usr/bin/env bash
# Transactions per second of the dev chain, from submission to mined receipt
# (issue 13): `ethc node --dev --dev.ephemeral` side by side with anvil (npm
# @foundry-rs/anvil in tests/interop/node_modules) and a hardhat node (npm
# hardhat, installed on demand into BUILD_DIR/bench-hardhat; HARDHAT=0 leaves
# it out). 32 concurrent clients send pre-signed raw transactions (a sender
# each, sequential nonces): simple transfers and ERC-20 transfers, with
# automine and with --dev.period 1. Prints one markdown table on stdout
# (progress on stderr). Servers run on free ports and are stopped by PID.
# usage: [HARDHAT=0] [CLIENTS=32] [PER_CLIENT=100] [REPEAT=1] bench/dev_tps.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
HARDHAT_VERSION=2.28.0
[ -x "$BUILD/ethc" ] || { echo "dev_tps.sh: $BUILD/ethc not built" >&2; exit 1; }
command -v node >/dev/null || { echo "dev_tps.sh: node (Node.js) not installed" >&2; exit 1; }
[ -d "$ROOT/tests/interop/node_modules/ethers" ] || (cd "$ROOT/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
HH=-
if [ "${HARDHAT:-1}" != 0 ]; then
  HH=$BUILD/bench-hardhat
  if [ ! -x "$HH/node_modules/.bin/hardhat" ]; then
    echo "dev_tps.sh: installing hardhat $HARDHAT_VERSION into $HH" >&2
    mkdir -p "$HH"
    echo '{"name": "bench-hardhat", "private": true}' >"$HH/package.json"
    (cd "$HH" && npm install --no-audit --no-fund --loglevel=error "hardhat@$HARDHAT_VERSION" >&2)
  fi
  # the default network: chain 31337, the test mnemonic's 10 accounts with 10,000 ETH, automine
  echo 'module.exports = { networks: { hardhat: { chainId: 31337 } } };' >"$HH/hardhat.config.cjs"
fi
WORK=$(mktemp -d "$BUILD/dev-tps.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/dev_tps.py" "$BUILD/ethc" "$WORK" "$HH" "${CLIENTS:-32}" "${PER_CLIENT:-100}" "${REPEAT:-1}"
