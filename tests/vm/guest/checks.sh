# Checks run inside the matrix guest, sourced by /init (busybox sh: no
# python, so JSON lines are matched with grep). Each check prints exactly one
# result line; on failure it also prints probekit's stderr and the first
# events it wrote, prefixed "PKVM-LOG", for the console log kept by the host.

PK=/opt/probekit/bin/probekit
HELPER=/bin/pkvm-helper
# Upper bounds; a healthy run needs far less (BPF load under tcg: ~1 s).
READY_TIMEOUT=${READY_TIMEOUT:-60}
RUN_DURATION=120

result() { # check status detail...
	c=$1 s=$2
	shift 2
	echo "PKVM-RESULT $c $s $*"
	# PROBEKIT_VM_VERBOSE=1 on the host: show what passing checks saw too.
	[ "${pkvm_verbose:-0}" = 1 ] && [ "$s" != FAIL ] &&
		dump "$c" "/tmp/$c.err" "/tmp/$c.json" "/tmp/$c.list"
	return 0
}

dump() { # check file...: show what probekit said, for the log
	c=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		head -n 40 "$f" | sed "s|^|PKVM-LOG $c $(basename "$f"): |"
	done
}

fail() { # check detail...
	c=$1
	shift
	result "$c" FAIL "$*"
	dump "$c" "/tmp/$c.err" "/tmp/$c.json" "/tmp/$c.list"
}

# pk_start CHECK: run probekit on /tmp/CHECK.ini in the background and wait
# for its ready line. Returns 1 if it never got ready or attached nothing.
pk_start() {
	c=$1
	PK_WHY=
	rm -f "/tmp/$c.json" "/tmp/$c.err" "/run/$c.sock"
	"$PK" run --config "/tmp/$c.ini" --format json --output "/tmp/$c.json" \
		--duration "$RUN_DURATION" --control-socket "/run/$c.sock" \
		2>"/tmp/$c.err" &
	PK_PID=$!
	i=0
	while [ "$i" -lt $((READY_TIMEOUT * 10)) ]; do
		if grep -qs 'probekit: ready:' "/tmp/$c.err"; then
			grep -q 'probekit: ready: [1-9][0-9]* attached, 0 failed' \
				"/tmp/$c.err" && return 0
			PK_WHY="not attached: $(grep -o 'ready: .*' "/tmp/$c.err")"
			pk_stop
			return 1
		fi
		kill -0 "$PK_PID" 2>/dev/null || {
			wait "$PK_PID"
			PK_WHY="probekit exited before ready (status $?)"
			return 1
		}
		sleep 0.1
		i=$((i + 1))
	done
	PK_WHY="no ready line after ${READY_TIMEOUT}s"
	pk_stop
	return 1
}

# pk_stop: SIGINT must drain the rings, flush the sinks and exit 0 (the CLI
# contract), so no grace period for batched wakeups is given: an event lost
# at shutdown fails the check. Insist with SIGKILL after 15 s. Returns 1,
# with PK_WHY set, if probekit hung or failed on the way out.
pk_stop() {
	kill -INT "$PK_PID" 2>/dev/null || true
	i=0
	while kill -0 "$PK_PID" 2>/dev/null && [ "$i" -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	hung=no
	if kill -0 "$PK_PID" 2>/dev/null; then
		kill -KILL "$PK_PID" 2>/dev/null
		hung=yes
	fi
	wait "$PK_PID"
	rc=$?
	if [ "$hung" = yes ]; then
		PK_WHY="${PK_WHY}${PK_WHY:+; }did not exit within 15 s of SIGINT"
		return 1
	fi
	if [ "$rc" -ne 0 ]; then
		PK_WHY="${PK_WHY}${PK_WHY:+; }exited with status $rc after SIGINT"
		return 1
	fi
	return 0
}

# events CHECK STRING...: the JSON lines of CHECK holding every STRING.
events() {
	f="/tmp/$1.json"
	shift
	[ -f "$f" ] || return 0
	out=$(cat "$f")
	for s in "$@"; do
		out=$(printf '%s\n' "$out" | grep -F -e "$s")
	done
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}

has_event() { [ -n "$(events "$@")" ]; }

# ---------------------------------------------------------------- checks

check_btf() {
	if [ -s /sys/kernel/btf/vmlinux ]; then
		result btf PASS "/sys/kernel/btf/vmlinux $(wc -c </sys/kernel/btf/vmlinux) bytes"
	else
		fail btf "/sys/kernel/btf/vmlinux missing"
	fi
}

check_version() {
	if v=$("$PK" --version 2>&1); then
		result version PASS "$(echo "$v" | head -n 1)"
	else
		echo "$v" >/tmp/version.err
		fail version "probekit --version failed"
	fi
}

check_plugins() {
	if ! "$PK" plugins >/tmp/plugins.err 2>&1; then
		fail plugins "probekit plugins failed"
		return
	fi
	missing=
	for p in kprobe_unlink tp_exec raw_tp uprobe_bash file_open tcp_connect; do
		grep -qw "$p" /tmp/plugins.err || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		result plugins PASS "kprobe_unlink tp_exec raw_tp uprobe_bash file_open tcp_connect listed"
	else
		fail plugins "not listed:$missing"
	fi
}

# The unlink workload: one existing file (ret 0), one missing (ret -2).
unlink_workload() {
	c=$1
	: >"/tmp/$c-exist"
	rm -f "/tmp/$c-missing"
	"$HELPER" unlink "/tmp/$c-exist"
	"$HELPER" unlink "/tmp/$c-missing" 2>/dev/null
}

# unlink_events CHECK MODE: both unlink events, each with mode MODE.
unlink_events() {
	c=$1 m=$2
	ok=$(events "$c" '"event":"unlink"' "\"mode\":\"$m\"" \
		"\"path\":\"/tmp/$c-exist\"" | grep -E '"ret":0[,}]')
	[ -n "$ok" ] || { PK_WHY="no mode $m unlink event with ret 0 for /tmp/$c-exist"; return 1; }
	missing=$(events "$c" '"event":"unlink"' "\"mode\":\"$m\"" \
		"\"path\":\"/tmp/$c-missing\"" | grep -E '"ret":-2[,}]')
	[ -n "$missing" ] || { PK_WHY="no mode $m unlink event with ret -2 for /tmp/$c-missing"; return 1; }
	return 0
}

# kprobe_unlink in auto mode: kprobe is its first choice where kprobes work.
check_unlink_auto() {
	c=unlink_auto
	printf '[kprobe_unlink]\ncomm = pkvm-helper\n' >"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	# The server drops a client whose request takes over 200 ms to arrive,
	# and the client then prints nothing; a loaded tcg guest can be that
	# slow, so ask again a few times and log when it took more than once.
	tries=0
	while [ "$tries" -lt 5 ]; do
		tries=$((tries + 1))
		"$PK" list --json --control-socket "/run/$c.sock" >"/tmp/$c.list" 2>&1
		st=$?
		grep -q '{"name":"kprobe_unlink"' "/tmp/$c.list" && break
		echo "PKVM-LOG $c: probekit list try $tries: status $st, $(wc -c <"/tmp/$c.list") bytes: $(head -c 200 "/tmp/$c.list")"
	done
	[ "$tries" -gt 1 ] && echo "PKVM-LOG $c: probekit list answered after $tries tries"
	unlink_workload "$c"
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	unlink_events "$c" kprobe || { fail "$c" "$PK_WHY"; return; }
	# One flat JSON object per instance: pick the probe's and read its mode.
	inst=$(grep -o '{"name":"kprobe_unlink"[^}]*}' "/tmp/$c.list")
	case $inst in
	*'"mode":"kprobe"'*) ;;
	*)
		fail "$c" "probekit list --json does not show mode kprobe"
		return
		;;
	esac
	result "$c" PASS "auto picked kprobe; exact unlink events and list"
}

# check_unlink_forced MODE: attach = MODE must attach with MODE and deliver.
check_unlink_forced() {
	m=$1 c=unlink_$1
	printf '[kprobe_unlink]\ncomm = pkvm-helper\nattach = %s\n' "$m" >"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	unlink_workload "$c"
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	unlink_events "$c" "$m" || { fail "$c" "$PK_WHY"; return; }
	result "$c" PASS "attach=$m: exact unlink events (ret 0 and -2)"
}

check_tp_exec() {
	c=tp_exec
	# argv_two: a count cap, which takes bpf_loop() in the kernel
	printf '[tp_exec]\n[argv_two]\nplugin = tp_exec\nexits = false\nargv_max_args = 2\n' \
		>"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	"$HELPER" exit 7
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	has_event "$c" '"event":"exec"' '"filename":"/bin/pkvm-helper"' \
		'"argc":3,"argv":["/bin/pkvm-helper","exit","7"],"argv_truncated":false' ||
		{ fail "$c" "no exec event for /bin/pkvm-helper with its argv"; return; }
	has_event "$c" '"probe":"argv_two"' '"argv":["/bin/pkvm-helper","exit"],"argv_truncated":true' ||
		{ fail "$c" "argv_max_args = 2 did not keep 2 strings, flagged"; return; }
	has_event "$c" '"event":"exit"' '"comm":"pkvm-helper"' '"exit_code":7,' ||
		{ fail "$c" "no exit event with exit_code 7 for pkvm-helper"; return; }
	result "$c" PASS "exec (with argv, and capped at 2) and exit (code 7) of /bin/pkvm-helper"
}

check_raw_tp() {
	c=raw_tp
	printf '[raw_tp]\ncomm = pkvm-helper\nmode = events\nsyscalls = getppid\n' >"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	"$HELPER" getppid 5
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	# getppid is syscall 110 on x86_64; the static helper makes no other
	# getppid call, so exactly one event per call, none lost or doubled.
	n=$(events "$c" '"event":"syscall"' '"comm":"pkvm-helper"' '"nr":110,' \
		'"syscall":"getppid"' | grep -c .)
	[ "$n" -eq 5 ] || { fail "$c" "$n getppid syscall events for 5 calls"; return; }
	# init runs outside any login: no audit ids, null rather than -1 or 0
	n=$(events "$c" '"nr":110,' '"auid":null,"session":null,' | grep -c .)
	[ "$n" -eq 5 ] || { fail "$c" "$n of 5 events outside a login have auid and session null"; return; }
	result "$c" PASS "5 getppid syscall events for 5 calls, auid and session null"
}

# The audit login uid and session in the header: the helper enters a login
# (as pam_loginuid does) and says which session id the kernel gave it.
check_login() {
	c=login
	printf '[raw_tp]\ncomm = pkvm-helper\nmode = events\nsyscalls = getppid\n' >"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	session=$("$HELPER" login 1000 2>"/tmp/$c.helper")
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	case $session in
	'' | *[!0-9]*)
		dump "$c" "/tmp/$c.helper"
		fail "$c" "the helper could not enter a login (no CONFIG_AUDIT?)"
		return
		;;
	esac
	n=$(events "$c" '"nr":110,' "\"uid\":0,\"auid\":1000,\"session\":$session," | grep -c .)
	if [ "$n" -eq 3 ]; then
		result "$c" PASS "3 events with auid 1000 and session $session"
	else
		fail "$c" "$n of 3 events with auid 1000 and session $session"
	fi
}

# uprobe_bash needs an interactive bash on a pseudo-terminal: util-linux
# script(1) provides one (busybox has no script applet).
check_uprobe_bash() {
	c=uprobe_bash
	if [ ! -x /bin/bash ]; then
		result "$c" SKIP "no /bin/bash in the image"
		return
	fi
	if ! command -v script >/dev/null 2>&1; then
		result "$c" SKIP "no script(1) in the image to give bash a tty"
		return
	fi
	printf '[uprobe_bash]\n' >"/tmp/$c.ini"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	printf 'echo pkvm-marker-%s\nexit\n' 42 |
		script -qc '/bin/bash --norc --noprofile -i' /dev/null >"/tmp/$c.tty" 2>&1
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	if has_event "$c" '"event":"readline"' '"line":"echo pkvm-marker-42"'; then
		result "$c" PASS "readline line from interactive bash"
	else
		dump "$c" "/tmp/$c.tty"
		fail "$c" "no event with the line typed into bash"
	fi
}

# check_file_open MODE: file_open with attach = MODE (auto: the first that
# attaches, fexit on these kernels) must report the helper's four opens
# exactly: a create, a failure and two relative opens with their directory,
# one from a dirfd (read through the SDK's fd.bpf.h) and one from the cwd.
check_file_open() {
	m=$1 c=file_open_$1
	want=$m
	[ "$m" = auto ] && want=fexit
	printf '[file_open]\ncomm = pkvm-helper\nattach = %s\n' "$m" >"/tmp/$c.ini"
	mkdir -p "/tmp/$c.d"
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	"$HELPER" opens "/tmp/$c.d" || { pk_stop; fail "$c" "the opens workload failed"; return; }
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	has_event "$c" '"event":"open"' "\"mode\":\"$want\"" "\"path\":\"/tmp/$c.d/pkvm-created\"" \
		'O_WRONLY|O_CREAT' '"file_mode":416,' ||
		{ fail "$c" "no mode $want open of pkvm-created with O_WRONLY|O_CREAT, mode 0640"; return; }
	has_event "$c" '"event":"open"' "\"path\":\"/tmp/$c.d/pkvm-missing\"" '"ret":-2,' ||
		{ fail "$c" "no open of pkvm-missing with ret -2"; return; }
	has_event "$c" '"event":"open"' '"path":"pkvm-created"' "\"dir\":\"/tmp/$c.d\"" \
		'"dir_from_name":"cwd"' ||
		{ fail "$c" "no relative open of pkvm-created with dir /tmp/$c.d"; return; }
	has_event "$c" '"event":"open"' '"path":"pkvm-created"' "\"dir\":\"/tmp/$c.d\"" \
		'"dir_from_name":"dirfd"' ||
		{ fail "$c" "no openat() of pkvm-created from a dirfd of /tmp/$c.d"; return; }
	result "$c" PASS "attach=$m: mode $want, create, ENOENT, relative opens from cwd and dirfd"
}

# check_tcp_connect MODE: tcp_connect with attach = MODE must report the
# helper's connects to 127.0.0.1 and ::1 (ret 0, a latency) and the refused one.
check_tcp_connect() {
	m=$1 c=tcp_connect_$1
	want=$m
	[ "$m" = auto ] && want=fexit
	printf '[tcp_connect]\ncomm = pkvm-helper\nattach = %s\n' "$m" >"/tmp/$c.ini"
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
	pk_start "$c" || { fail "$c" "$PK_WHY"; return; }
	ports=$("$HELPER" connects any) || { pk_stop; fail "$c" "the connects workload failed"; return; }
	pk_stop || { fail "$c" "$PK_WHY"; return; }
	for kv in $ports; do eval "p_${kv}"; done
	# shellcheck disable=SC2154 # p_v4, p_v6, p_closed come from the helper
	has_event "$c" '"event":"connect"' "\"mode\":\"$want\"" '"daddr":"127.0.0.1"' \
		"\"dport\":$p_v4," '"saddr":"127.0.0.1"' '"ret":0,' '"latency_ns":' ||
		{ fail "$c" "no mode $want IPv4 connect to port $p_v4 with ret 0"; return; }
	if has_event "$c" "\"dport\":$p_v4," '"latency_ns":null'; then
		fail "$c" "the IPv4 connect has no latency"
		return
	fi
	has_event "$c" '"event":"connect"' '"family_name":"AF_INET6"' '"daddr":"::1"' \
		"\"dport\":$p_v6," '"ret":0,' ||
		{ fail "$c" "no IPv6 connect to [::1]:$p_v6 with ret 0"; return; }
	has_event "$c" '"event":"connect"' "\"dport\":$p_closed," '"ret_name":"ECONNREFUSED"' ||
		{ fail "$c" "no connect to closed port $p_closed with ECONNREFUSED"; return; }
	result "$c" PASS "attach=$m: mode $want, IPv4 and IPv6 established, refused"
}

run_checks() {
	check_btf
	check_version
	[ -x "$PK" ] || return 0
	check_plugins
	check_unlink_auto
	for m in kprobe fentry tracepoint; do
		check_unlink_forced "$m"
	done
	check_tp_exec
	check_raw_tp
	check_login
	check_uprobe_bash
	for m in auto fexit kprobe tracepoint; do
		check_file_open "$m"
	done
	for m in auto fexit kprobe tracepoint syscall; do
		check_tcp_connect "$m"
	done
}
