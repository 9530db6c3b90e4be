#!/usr/bin/env bash
# Builds ethc and runs the whole test suite: the Release build (warnings as errors)
# with unit tests and every official-vector suite, then the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
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
echo "== Sanitizer build (ASan + UBSan): unit tests and the quick vector suites"
ctest --test-dir build-asan -j"$JOBS" --output-on-failure -L 'unit|quick'
