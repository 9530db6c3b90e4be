#!/usr/bin/env bash
# Builds ethc (Release) and runs a demonstration of its parts: a sample contract
# under `ethc run`, an import of the rpc-compat test chain (54 blocks, proof of
# work to Osaka and the BPO forks) into a fresh data directory, then the
# official RLP, trie and transaction vectors. Extra arguments are passed to
# `ethc run`. (scripts/run.sh starts the dev node instead.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
TESTS=${ETHC_TESTS:-}
if [ -z "$TESTS" ]; then
  for d in ../shared/ethereum-tests tests/vectors/ethereum-tests; do
    [ -d "$d" ] && TESTS=$d && break
  done
fi
echo "== ethc run: a contract that returns 6*7 as a 32-byte word"
./build/ethc run --code 0x600660070260005260206000f3 "$@"
CHAIN=../shared/rpc-compat
if [ -f "$CHAIN/chain.rlp" ]; then
  echo "== ethc import: the rpc-compat chain into build/demo-chain"
  rm -rf build/demo-chain
  ./build/ethc import --fakepow --datadir build/demo-chain --genesis "$CHAIN/genesis.json" "$CHAIN/chain.rlp" |
    tail -n 1
fi
if [ -n "$TESTS" ]; then
  for suite in rlp:RLPTests trie:TrieTests tx:TransactionTests; do
    echo "== ethc test ${suite%%:*} $TESTS/${suite#*:}"
    ./build/ethc test "${suite%%:*}" --skip-file tests/vectors/skip.txt "$TESTS/${suite#*:}" | tail -n 1
  done
fi
