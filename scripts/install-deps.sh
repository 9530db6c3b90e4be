#!/usr/bin/env bash
# Installs the Debian packages ethc needs, and only those: the base set builds and
# runs ethc (scripts/run.sh); --test adds what the test suite uses (scripts/test.sh):
# clang with its sanitizer and libFuzzer runtimes, python3 for the system tests,
# zstd and gzip for packed vectors, and (when npm is there) the npm packages of the
# interop tests (tests/interop/package.json: ethers v6, viem v2, web3.js v4) into
# tests/interop/node_modules.
# Silent and does nothing when every package is already installed; otherwise runs
# apt-get as root, or through sudo for a user.
# usage: install-deps.sh [--test]
set -euo pipefail
BASE=(build-essential cmake pkg-config
      libsecp256k1-dev libssl-dev libgmp-dev libcjson-dev zlib1g-dev
      libleveldb-dev libsnappy-dev libuv1-dev libmicrohttpd-dev libyaml-dev
      libcurl4-openssl-dev libc-ares-dev)
TEST=(clang libclang-rt-dev python3 zstd gzip)

pkgs=("${BASE[@]}")
case "${1:-}" in
  "") ;;
  --test) pkgs+=("${TEST[@]}") ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: not a Debian system (no dpkg-query/apt-get); install by hand: ${pkgs[*]}" >&2
  exit 1
fi
# The interop tests' npm packages (skipped, exit 77, when absent): npm's own
# registry client, versions pinned by each directory's package-lock.json
# (tests/interop: ethers, viem, web3.js, solc, OpenZeppelin, anvil;
# tests/interop/ethereumjs: the devp2p peer). A directory is up to date when
# npm's record of what it installed is newer than the lock file.
npm_deps() {
  [ "${1:-}" = --test ] || return 0
  local root dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for dir in "$root/tests/interop" "$root/tests/interop/ethereumjs"; do
    [ -f "$dir/package-lock.json" ] || continue
    [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && continue
    if ! command -v npm >/dev/null 2>&1; then
      echo "install-deps: npm not found; the interop tests will be skipped" >&2
      return 0
    fi
    echo "install-deps: installing the npm packages of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      echo "install-deps: npm ci failed in $dir; its interop tests will be skipped" >&2
  done
}
npm_deps "${1:-}"

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: not root and sudo is not installed; run this script as root, or install them as root with:" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
