#!/usr/bin/env bash
# Installs the Debian packages ethc needs to build, test and benchmark.
# Does nothing when every package is already installed.
set -euo pipefail
PKGS=(build-essential cmake pkg-config clang libclang-rt-dev
      libsecp256k1-dev libssl-dev libgmp-dev libcjson-dev
      libleveldb-dev libuv1-dev libmicrohttpd-dev libsnappy-dev zlib1g-dev
      python3 zstd)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
