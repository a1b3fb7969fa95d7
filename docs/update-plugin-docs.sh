#!/bin/bash
# Rewrite the options/fields block of every plugins/*/README.md from what
# the built plugins declare (`probekit info NAME --markdown`).
#
#   docs/update-plugin-docs.sh [BUILD_DIR]     (default: build)
#
# The built probekit finds the built plugins by itself. The `plugin_docs`
# test (tests/docs) fails until the READMEs match.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
probekit="$build/bin/probekit"

if [[ ! -x "$probekit" ]]; then
	echo "update-plugin-docs: no built probekit at $probekit;" \
		"build first: cmake --build $build" >&2
	exit 1
fi

exec python3 "$repo/tests/docs/plugin_docs.py" --update \
	--probekit "$probekit" --plugins-src "$repo/plugins"
