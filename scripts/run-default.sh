#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to probekit running on its
# built-in default configuration: every built-in probe that can attach here,
# text to stdout, Ctrl-C to stop. Extra arguments go to `probekit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh >&2
exec "${BUILD_DIR:-build}/bin/probekit" run "$@"
