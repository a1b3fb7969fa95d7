#!/bin/bash
# Install the built package on a fresh Debian 12 made with debootstrap, run
# it there, purge it, and check that nothing of it is left. Needs root and
# Debian's mirror; takes about a minute. Nothing outside the scratch root
# changes (its /proc is mounted while it runs, and unmounted).
#
#   packaging/deb/try-in-chroot.sh build-deb/probekit_0.1.0_amd64.deb
set -euo pipefail

deb="$(realpath "$1")"
mirror="${MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d /tmp/probekit-chroot.XXXXXX)"
root="$work/root"
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	rm -rf "$work"
}
trap cleanup EXIT

debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log"
cp "$deb" "$root/tmp/"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive "$@"; }
in_root apt-get update -q >/dev/null
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" >/dev/null
in_root probekit --version
in_root probekit plugins
in_root probekit check --config /etc/probekit/probekit.ini
in_root dpkg-query -W -f='Depends: ${Depends}\n' probekit
in_root apt-get purge -y -q probekit >/dev/null
if in_root dpkg-query -W probekit 2>/dev/null | grep -q .; then
	echo "try-in-chroot: probekit is still known to dpkg" >&2
	exit 1
fi
for path in /etc/probekit /usr/lib/probekit /usr/bin/probekit; do
	if [ -e "$root$path" ]; then
		echo "try-in-chroot: $path is left after the purge" >&2
		exit 1
	fi
done
echo "try-in-chroot: installed, ran and purged cleanly"
