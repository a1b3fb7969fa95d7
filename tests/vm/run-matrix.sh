#!/bin/bash
# Boot each kernel of the matrix under qemu (tcg) with an initramfs holding
# this build's probekit and plugins, and report the guest's checks per kernel.
# It exists because the dev kernel has no kprobes and refuses fentry: stock
# Debian cloud kernels run those attach modes for real.
#
# usage: run-matrix.sh BUILD_DIR
# env:
#   PROBEKIT_VM_KERNELS   entries to use instead of kernels.txt (space separated)
#   PROBEKIT_VM_CACHE     kernel cache (default: tests/vm/cache, gitignored)
#   PROBEKIT_VM_OUT       initramfs and console logs (default: BUILD_DIR/vm-matrix)
#   PROBEKIT_VM_TIMEOUT   seconds one boot may take (default: 300)
#   PROBEKIT_VM_VERBOSE=1 passing checks log their probekit output too
#   CI=true               a kernel that could not be fetched fails the run
# exit: 0 all passed, 1 a failure (or NOT RUN or a guest check SKIPped under
# CI), 77 NOT RUN otherwise
# (ctest reports 77 as skipped, never as passed), 2 usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(realpath "$1")
[ -x "$build/bin/probekit" ] || { echo "run-matrix: no $build/bin/probekit; build first" >&2; exit 2; }

cache=${PROBEKIT_VM_CACHE:-$here/cache}
out=${PROBEKIT_VM_OUT:-$build/vm-matrix}
boot_timeout=${PROBEKIT_VM_TIMEOUT:-300}
mkdir -p "$cache" "$out"

apt_updated=no
apt_update() {
	[ "$apt_updated" = yes ] && return 0
	apt_updated=yes
	echo "run-matrix: apt-get update" >&2
	apt-get update -qq >&2 || true
}

# A new machine has nothing preinstalled: install what the matrix needs.
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
if ! command -v busybox >/dev/null || ldd "$(command -v busybox)" >/dev/null 2>&1; then
	need+=(busybox-static)
fi
if [ ${#need[@]} -gt 0 ]; then
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# kernels.txt entry -> package name ("" if it cannot be resolved).
resolve() {
	case $1 in
	latest:*)
		local series=${1#latest:} re
		# 6.1 is named 6.1.0-NN-cloud-amd64, 6.12 on is 6.12.NN+deb12-cloud-amd64.
		re="^linux-image-${series//./\\.}(\\.0-[0-9]+|\\.[0-9]+\\+deb[0-9]+)-cloud-amd64\$"
		apt-cache pkgnames linux-image- | grep -E "$re" | sort -V | tail -n 1 || true
		;;
	*) echo "$1" ;;
	esac
}

# Fetch PACKAGE's vmlinuz into the cache; prints its path. Steps are chained
# explicitly: callers test the status, which switches off set -e in here.
fetch() {
	local pkg=$1 dir="$cache/$1" tmp ok=no
	if [ ! -s "$dir/vmlinuz" ]; then
		tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
		# Sandbox::User=root: the cache may not be readable by _apt.
		# Only the kernel is kept: the initramfs uses built-ins alone.
		(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2) &&
			dpkg -x "$tmp"/*.deb "$tmp/root" &&
			mkdir -p "$dir" &&
			cp "$tmp"/root/boot/config-* "$dir/config" &&
			cp "$tmp"/root/boot/vmlinuz-* "$dir/vmlinuz.part" &&
			mv "$dir/vmlinuz.part" "$dir/vmlinuz" && ok=yes
		rm -rf "$tmp"
		[ "$ok" = yes ] || return 1
	fi
	echo "$dir/vmlinuz"
}

if [ -n "${PROBEKIT_VM_KERNELS:-}" ]; then
	read -r -a entries <<<"$PROBEKIT_VM_KERNELS"
else
	mapfile -t entries < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/kernels.txt")
fi
[ ${#entries[@]} -gt 0 ] || { echo "run-matrix: no kernels listed" >&2; exit 2; }

# Seconds since a $EPOCHREALTIME stamp, one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

t_start=$EPOCHREALTIME
initrd="$out/initrd.gz"
"$here/mkinitramfs.sh" "$build" "$initrd"
echo "initramfs: $initrd ($(($(stat -c %s "$initrd") / 1024)) KiB, $(since "$t_start") s)"

failed=0 notrun=0 summary=()
for entry in "${entries[@]}"; do
	# Stale or missing apt lists (a new machine, an archive that moved on)
	# are the usual reason for a miss: update once and try again.
	pkg=$(resolve "$entry") kernel=
	[ -n "$pkg" ] && kernel=$(fetch "$pkg") || kernel=
	if [ -z "$kernel" ] && [ "$apt_updated" = no ]; then
		apt_update
		pkg=$(resolve "$entry")
		[ -n "$pkg" ] && kernel=$(fetch "$pkg") || kernel=
	fi
	if [ -z "$kernel" ]; then
		echo "== ${pkg:-$entry}: NOT RUN (kernel package not available)"
		summary+=("NOT RUN  ${pkg:-$entry}")
		notrun=$((notrun + 1))
		continue
	fi

	log="$out/${pkg#linux-image-}.log"
	t0=$EPOCHREALTIME
	rc=0
	# tcg: nested KVM hangs here. -nic none: no NIC, no iPXE ROM (~0.4 s).
	timeout "$boot_timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -nic none -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 pkvm_verbose=${PROBEKIT_VM_VERBOSE:-0}" \
		</dev/null >"$log" 2>&1 || rc=$?
	secs=$(since "$t0")

	# The serial console ends lines with CR LF.
	results=$(tr -d '\r' <"$log" | grep '^PKVM-RESULT ' | cut -d' ' -f2-) || true
	echo "== $pkg (${secs} s)"
	if [ -n "$results" ]; then
		printf '%s\n' "$results" | sed 's/^/   /'
	fi
	status=PASS
	if ! tr -d '\r' <"$log" | grep -q '^PKVM-DONE'; then
		status=FAIL
		if [ "$rc" -eq 124 ]; then
			echo "   guest timed out after ${boot_timeout} s"
		else
			echo "   guest did not finish its checks (qemu exit $rc)"
		fi
	fi
	if [ -z "$results" ] || printf '%s\n' "$results" | grep -q '^[^ ]* FAIL'; then
		status=FAIL
	fi
	# A check the guest could not run (SKIP) is never a silent pass under CI.
	if [ "${CI:-}" = true ] && printf '%s\n' "$results" | grep -q '^[^ ]* SKIP'; then
		echo "   a check was skipped (CI=true: a failure)"
		status=FAIL
	fi
	if [ "$status" = FAIL ]; then
		echo "   console log: $log"
		failed=$((failed + 1))
	fi
	summary+=("$status     $pkg (${secs} s)")
done

echo
echo "kernel matrix ($(since "$t_start") s in all):"
printf '  %s\n' "${summary[@]}"

if [ "$failed" -gt 0 ]; then
	exit 1
fi
if [ "$notrun" -gt 0 ]; then
	# Never a silent pass: under CI a missing kernel is a failure.
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
exit 0
