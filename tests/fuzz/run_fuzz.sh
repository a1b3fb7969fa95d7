#!/usr/bin/env bash
# run_fuzz.sh TARGET SEED_DIR SECONDS: run a libFuzzer target for SECONDS
# from the committed seeds. New inputs go to a scratch corpus, not to the
# repository. On a crash the scratch directory is kept: it holds the input
# (crash-*), named in the log, to add to the seeds once the bug is fixed.
set -uo pipefail
target=$1 seeds=$2 seconds=$3
scratch=$(mktemp -d "${TMPDIR:-/tmp}/probekit-fuzz-XXXXXX")
mkdir -p "$scratch/corpus"
cd "$scratch" || exit 1
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	"$scratch/corpus" "$seeds"
rc=$?
if [ "$rc" -eq 0 ]; then
	rm -rf "$scratch"
else
	echo "run_fuzz.sh: $(basename "$target") failed; its input is kept in $scratch" >&2
fi
exit "$rc"
