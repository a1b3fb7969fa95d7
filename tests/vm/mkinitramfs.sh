#!/bin/bash
# Build the matrix guest's initramfs (cpio newc, gzip) from a probekit build
# tree: static busybox and its applet links, probekit and its plugins laid out
# as in the build tree, the checks, a static workload helper, bash and
# script(1) for the uprobe_bash check, and every shared library ldd lists.
# The image does not depend on the kernel, so one image serves every kernel.
#
# usage: mkinitramfs.sh BUILD_DIR OUTPUT.cpio.gz
set -euo pipefail

build=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,pkvm}

# busybox must be static: the guest has no libc unless we copy one in, and
# a static busybox keeps /init independent of the library copying below.
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is dynamic; install busybox-static" >&2
	exit 1
fi
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# Copy FILE to the same path in the image, replacing an applet link there.
put() {
	mkdir -p "$root/$(dirname "$2")"
	rm -f "$root/$2"
	cp -L "$1" "$root/$2"
}

dynamic=()

# probekit at /opt/probekit, keeping the build tree's relative layout so it
# finds its plugins next to itself exactly as it does on the host.
put "$build/bin/probekit" /opt/probekit/bin/probekit
dynamic+=("$build/bin/probekit")
# (lib*: GNUInstallDirs may pick lib64 or a multiarch dir.)
for so in "$build"/lib*/probekit/plugins/*.so "$build"/lib/*/probekit/plugins/*.so; do
	[ -f "$so" ] || continue
	put "$so" "/opt/probekit/${so#"$build"/}"
	dynamic+=("$so")
done

# The workload helper gives the checks a comm and filename no other process
# has; static, so it needs nothing else from the image.
cc=${CC:-cc}
"$cc" -O2 -static -Wall -o "$root/bin/pkvm-helper" "$here/pkvm-helper.c"

# bash and script(1) drive the uprobe_bash check; without them it is SKIPped.
for tool in /bin/bash /usr/bin/script; do
	if [ -x "$tool" ]; then
		put "$tool" "$tool"
		dynamic+=("$tool")
	fi
done

# Shared libraries and the loader, at the paths ldd resolved on the host
# (Debian's loader searches the multiarch dirs without an ld.so.cache).
for f in "${dynamic[@]}"; do
	{ ldd "$f" || true; } | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }'
done | sort -u | while IFS= read -r lib; do
	put "$lib" "$lib"
done

cp "$here/guest/init" "$root/init"
cp "$here/guest/checks.sh" "$root/pkvm/checks.sh"
chmod 755 "$root/init"

# -1: the image is rebuilt on every run and compression ratio barely matters.
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out"
