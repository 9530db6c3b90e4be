#!/usr/bin/env bash
# Builds ethc three ways, all with warnings as errors, and runs the test suite:
#   1. gcc Release: every unit test, every official-vector suite, the system tests;
#   2. clang Release: the unit tests, the quick vector suites and the system tests;
#   3. gcc with AddressSanitizer + UndefinedBehaviorSanitizer: the same as clang.
# The full vector suites run once, in the gcc build: they judge consensus, which
# does not depend on the compiler, and are most of the time (about 8 of the 10-15
# minutes on 2 cores); running them again under clang or the sanitizers would
# double or triple that. The clang build still compiles everything (its warnings
# differ from gcc's) and runs the tests that exercise the code paths quickly.
# Tests whose vectors are missing (no ../shared) are reported as skipped, with
# the reason listed after each ctest run. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
JOBS=$(nproc)
start=$SECONDS

# Prints the reason of each skipped test of build dir $1 (from ctest's log).
skip_reasons() {
  local log=$1/Testing/Temporary/LastTest.log
  [ -f "$log" ] && grep -h "^SKIPPED: " "$log" | sort -u | sed 's/^/  /' || true
}

echo "== gcc Release build (-Werror): unit tests, every official-vector suite, system tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DETHC_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build -j"$JOBS" --output-on-failure
skip_reasons build

echo "== clang Release build (-Werror): unit tests, the quick vector suites, system tests"
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release -DETHC_WERROR=ON >/dev/null
cmake --build build-clang -j"$JOBS"
ctest --test-dir build-clang -j"$JOBS" --output-on-failure -L 'unit|quick|system'
skip_reasons build-clang

echo "== Sanitizer build (ASan + UBSan, -Werror): unit tests, the quick vector suites, system tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DETHC_SANITIZE=ON -DETHC_WERROR=ON >/dev/null
cmake --build build-asan -j"$JOBS"
# ASan's larger frames need more stack for the 1024-deep call tests than the usual 8 MiB.
ulimit -s unlimited 2>/dev/null || ulimit -s 1048576 2>/dev/null || true
ctest --test-dir build-asan -j"$JOBS" --output-on-failure -L 'unit|quick|system'
skip_reasons build-asan

echo "== all passed in $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
