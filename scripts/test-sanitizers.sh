#!/usr/bin/env bash
# The unit, integration and fuzz tests again, built with clang's
# AddressSanitizer and UBSan (leak checking on, any report fails the test).
# Tests labelled `timing` (answers within a second during a firehose) run in
# the normal build only: ASan slows the consumer several times over.
# Run by .ci/run after scripts/test.sh; extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build_dir="${ASAN_BUILD_DIR:-build-asan}"
CC=clang cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DPROBEKIT_SANITIZE=ON -DPROBEKIT_FUZZ=ON -Dfuzz_seconds="${FUZZ_SECONDS:-15}"
cmake --build "$build_dir" -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build_dir" --output-on-failure -L 'unit|integration|fuzz' -LE timing "$@"
