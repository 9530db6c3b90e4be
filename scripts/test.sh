#!/usr/bin/env bash
# Builds ethc and runs the whole test suite: the Release build (warnings as errors)
# with unit tests, every official-vector suite and the system tests, then the unit,
# quick vector and system tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
JOBS=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DETHC_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DETHC_SANITIZE=ON -DETHC_WERROR=ON >/dev/null
cmake --build build-asan -j"$JOBS"

echo "== Release build: unit tests and official vectors"
ctest --test-dir build -j"$JOBS" --output-on-failure
echo "== Sanitizer build (ASan + UBSan): unit tests, the quick vector suites and the system tests"
# ASan's larger frames need more stack for the 1024-deep call tests than the usual 8 MiB.
ulimit -s unlimited 2>/dev/null || ulimit -s 1048576 2>/dev/null || true
ctest --test-dir build-asan -j"$JOBS" --output-on-failure -L 'unit|quick|system'
