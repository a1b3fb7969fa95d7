#!/bin/bash
# Rewrite the options/fields block of every plugins/*/README.md from what
# the built plugins declare (`probekit info NAME --markdown`).
#
#   docs/update-plugin-docs.sh [BUILD_DIR]     (default: build)
#
# The `plugin_docs` test (tests/docs) fails until the READMEs match.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
probekit="$build/bin/probekit"

plugin_dir=""
for dir in "$build"/lib*/probekit/plugins "$build"/lib/*/probekit/plugins; do
	if [[ -d "$dir" ]]; then
		plugin_dir="$dir"
		break
	fi
done

if [[ ! -x "$probekit" || -z "$plugin_dir" ]]; then
	echo "update-plugin-docs: no built probekit and plugins in $build;" \
		"build first: cmake --build $build" >&2
	exit 1
fi

exec python3 "$repo/tests/docs/plugin_docs.py" --update \
	--probekit "$probekit" --plugin-dir "$plugin_dir" --plugins-src "$repo/plugins"
