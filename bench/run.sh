#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# probekit benchmarks against bpftrace and libbpf-tools: builds probekit in
# build-bench/ and the bench's own programs in build-bench/tools/, then runs
# every scenario and prints the tables (see docs/benchmarks.md).
#
#   bench/run.sh                 full run: 5 runs per tool, medians (~10 min)
#   bench/run.sh --quick         CI smoke: 1 run, tiny sizes, a few seconds
#   bench/run.sh --only firehose,latency --runs 3
#   bench/run.sh --help          every option
#
# Exit status: 0 when every measurement completed, non-zero when the build or
# the harness failed (a missed target is not a failure unless --strict).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PROBEKIT_BENCH_BUILD:-$repo/build-bench}"
keep=0
no_probekit=0
work=""
args=()
while (($#)); do
	case "$1" in
	--keep) keep=1 ;;
	--no-probekit) no_probekit=1; args+=("$1") ;;
	--work-dir) work="$2"; shift ;;
	-h | --help)
		sed -n '3,15s/^# \{0,1\}//p' "$0"
		echo
		exec python3 -B "$repo/bench/harness/bench.py" --help --build-dir x --tools-dir x --work-dir x
		;;
	*) args+=("$1") ;;
	esac
	shift
done

log() { printf 'bench: %s\n' "$*" >&2; }

# The peers and the build tools; a fresh machine has none of them.
need_packages() {
	local missing=()
	command -v cmake >/dev/null || missing+=(cmake)
	command -v clang >/dev/null || missing+=(clang llvm)
	command -v bpftool >/dev/null || [ -x /usr/sbin/bpftool ] || missing+=(bpftool)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	pkg-config --exists libbpf 2>/dev/null || missing+=(libbpf-dev libelf-dev zlib1g-dev)
	pkg-config --exists inih 2>/dev/null || missing+=(libinih-dev)
	command -v python3 >/dev/null || missing+=(python3)
	command -v bpftrace >/dev/null || missing+=(bpftrace)
	[ -x /usr/sbin/execsnoop ] || missing+=(libbpf-tools)
	echo "${missing[@]:-}"
}
missing="$(need_packages)"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		log "installing $missing"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
	else
		log "missing packages: $missing (install them as root)"
		exit 1
	fi
fi
export PATH="$PATH:/usr/sbin:/sbin"

# tp/ programs (execsnoop, bpftrace tracepoints, tp_exec) need tracefs.
if [ ! -e /sys/kernel/tracing/events ]; then
	log "mounting tracefs on /sys/kernel/tracing"
	mount -t tracefs nodev /sys/kernel/tracing
fi

jobs="$(nproc)"
if [ "$no_probekit" -eq 0 ]; then
	log "building probekit in $build"
	mkdir -p "$build"
	if ! cmake -S "$repo" -B "$build" -DPROBEKIT_BUILD_TESTS=OFF >"$build/bench-build.log" 2>&1 ||
		! cmake --build "$build" -j "$jobs" >>"$build/bench-build.log" 2>&1; then
		tail -n 30 "$build/bench-build.log" >&2
		log "probekit build failed (full log: $build/bench-build.log)"
		exit 1
	fi
fi
log "building the bench programs in $build/tools"
mkdir -p "$build/tools"
if ! cmake -S "$repo/bench" -B "$build/tools" >"$build/tools/build.log" 2>&1 ||
	! cmake --build "$build/tools" -j "$jobs" >>"$build/tools/build.log" 2>&1; then
	tail -n 30 "$build/tools/build.log" >&2
	log "bench programs failed to build"
	exit 1
fi

# Event files reach gigabytes: keep them in tmpfs so disk writeback does not
# add its noise to the tracers' timings.
if [ -z "$work" ]; then
	base=/dev/shm
	[ -d "$base" ] && [ -w "$base" ] || base="$build"
	work="$(mktemp -d "$base/probekit-bench.XXXXXX")"
fi
cleanup() { if [ "$keep" -eq 0 ]; then rm -rf "$work"; else log "outputs kept in $work"; fi; }
trap cleanup EXIT

# -B: no __pycache__ in the source tree
python3 -B "$repo/bench/harness/bench.py" --build-dir "$build" --tools-dir "$build/tools" \
	--work-dir "$work" --json "$build/bench-results.json" ${args[@]+"${args[@]}"}
