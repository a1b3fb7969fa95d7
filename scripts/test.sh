#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the whole test suite: unit
# tests, integration tests with real BPF, the out-of-tree SDK build, and the
# kernel matrix under qemu; then the unit, integration and fuzz tests again
# under ASan+UBSan (scripts/test-sanitizers.sh; SANITIZERS=0 skips them).
# Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure "$@"
if [ "${SANITIZERS:-1}" != 0 ]; then
	./scripts/test-sanitizers.sh "$@"
fi
