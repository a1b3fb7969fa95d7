#!/bin/bash
# Build the Debian packages from a clean build tree:
#
#   packaging/deb/build.sh [BUILD_DIR]      (default: build-deb)
#
# writes BUILD_DIR/probekit_<version>_amd64.deb and
# BUILD_DIR/probekit-dev_<version>_all.deb. `cpack -G DEB` in any configured
# and built tree does the same; this script only makes sure the tree is a
# release build with nothing else in it. Install with
#   sudo apt install ./BUILD_DIR/probekit_<version>_amd64.deb
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$repo/build-deb}"

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROBEKIT_BUILD_TESTS=OFF
cmake --build "$build" -j"$(nproc)"
cd "$build"
cpack -G DEB
ls -l "$build"/*.deb
