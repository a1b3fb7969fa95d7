#!/usr/bin/env bash
# Install the Debian 12 packages probekit needs to build, test and benchmark,
# and only those that are missing: an installed package is never passed to
# apt-get, so nothing already on the machine is upgraded on the way.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config clang llvm libbpf-dev bpftool libelf-dev
	zlib1g-dev libinih-dev g++
	# /metrics: the HTTP server (libmicrohttpd) and SHA-256 of the config (GnuTLS)
	libgnutls28-dev libmicrohttpd-dev
	# sd_notify() for the systemd unit's Type=notify readiness
	libsystemd-dev
	# man pages: pandoc turns their Markdown into roff
	pandoc
	# the Debian packages: cpack -G DEB runs dpkg-shlibdeps (dpkg-dev) for Depends:
	dpkg-dev
	# the syslog sink's TLS (GnuTLS, above) and the nats sink's client (libnats)
	libnats-dev
	# ASan, UBSan, LeakSanitizer and libFuzzer runtimes (scripts/test-sanitizers.sh)
	libclang-rt-14-dev
	# tests: python3 drives the integration tests, script(1) gives bash a tty
	python3 bsdutils util-linux bash procps
	# the metrics tests scrape probekit with a real Prometheus and run promtool
	prometheus
	# packaging tests: systemd-analyze verify (systemd), man -w (man-db)
	man-db systemd
	# a program linking libreadline.so, for uprobe_bash's library lookup test
	libreadline-dev
	# the rotation test runs the real logrotate on probekit's output
	logrotate
	# the session test: a real sshd (PAM sets the login uid), the ssh client, jq for the recipe
	openssh-client openssh-server jq
	# network sinks' tests: real servers, certificates made with certtool
	gnutls-bin nats-server rsyslog rsyslog-elasticsearch rsyslog-gnutls rsyslog-kafka
	# kernel matrix (tests/vm)
	qemu-system-x86 busybox-static cpio kmod
	# benchmark peers (bench/)
	bpftrace libbpf-tools
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: missing ${missing[*]}; run as root to install them: sudo $0" >&2
	exit 1
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
