#!/usr/bin/env bash
# `cmake --install` (README "Build"): installs into a prefix inside the build
# directory, then compiles and runs a small program against the installed library
# using only `pkg-config --static` on the installed ethc.pc: Keccak-256 of "abc".
# Everything it writes stays under BUILD_DIR/install-test.
# usage: install.sh BUILD_DIR CMAKE CC [EXTRA_CFLAGS]   (EXTRA_CFLAGS: the build's sanitizer flags)
set -u
BUILD=$1
CMAKE=$2
CC=$3
EXTRA=${4:-}
WORK=$BUILD/install-test
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
"$CMAKE" --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install"; }
for f in bin/ethc lib/libethc.a include/ethc/keccak.h lib/pkgconfig/ethc.pc; do
  [ -e "$WORK/prefix/$f" ] || fail "not installed: $f"
done
cat >"$WORK/keccak_abc.c" <<'C'
#include <stdio.h>
#include <ethc/keccak.h>
int main(void) {
  uint8_t d[32];
  keccak256((const uint8_t *)"abc", 3, d);
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("\n");
  return 0;
}
C
export PKG_CONFIG_PATH=$WORK/prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs --static ethc) || fail "pkg-config ethc"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
"$CC" $EXTRA -o "$WORK/keccak_abc" "$WORK/keccak_abc.c" $flags || fail "compile against the installed library"
got=$("$WORK/keccak_abc") || fail "run"
want=4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45
[ "$got" = "$want" ] || fail "keccak256(abc) = $got, want $want"
rm -rf "$WORK"
echo "installed and used: ok"
