#!/usr/bin/env python3
"""A run without the privileges BPF needs says so once, before anything starts.

As an unprivileged user (setpriv --reuid=nobody): one message names
CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN and root, no probe is tried (no "Operation
not permitted" per probe), no output is created, and the exit is non-zero.
With CAP_BPF alone it names the missing CAP_PERFMON. With CAP_BPF and
CAP_PERFMON but no access to tracefs (mode 0700, root's), kprobe_unlink's
tracepoint mode says the directory is unreadable, not that it is unmounted.
"""
import os
import subprocess
import tempfile

from pktest import PROBEKIT, check, check_eq, done

NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def run_as(prefix, tmp, probes):
    out = os.path.join(tmp, "events.out")
    proc = subprocess.run(prefix + [PROBEKIT, "run", "--probes", probes, "--output", out,
                                    "--control-socket", os.path.join(tmp, "s"), "--duration",
                                    "1"], capture_output=True, text=True, timeout=60)
    return proc, out


def ensure_tracefs():
    """As probekit does by default (mount_tracefs = true), as root."""
    if not os.path.exists("/sys/kernel/tracing/events"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=False)


with tempfile.TemporaryDirectory(prefix="pktest-engine-") as tmp:
    os.chmod(tmp, 0o777)
    proc, out = run_as(NOBODY, tmp, "raw_tp,tp_exec")
    check(proc.returncode != 0, "an unprivileged run fails", proc.stderr)
    check_eq(proc.stderr.count("missing privileges"), 1, "the missing privilege is named once")
    check("CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)" in proc.stderr and "root" in proc.stderr,
          "the message names the capabilities and root", proc.stderr)
    check("Operation not permitted" not in proc.stderr and "attach mode" not in proc.stderr,
          "no probe was tried", proc.stderr)
    check(not os.path.exists(out), "no output was created")

    proc, _ = run_as(NOBODY + ["--inh-caps=+bpf", "--ambient-caps=+bpf"], tmp, "raw_tp")
    check(proc.returncode != 0 and "lacks CAP_PERFMON" in proc.stderr,
          "with CAP_BPF alone, CAP_PERFMON is named", proc.stderr)

    ensure_tracefs()
    mode = os.stat("/sys/kernel/tracing").st_mode & 0o777
    caps = ["--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon"]
    proc, _ = run_as(NOBODY + caps, tmp, "kprobe_unlink,raw_tp")
    check("missing privileges" not in proc.stderr, "CAP_BPF and CAP_PERFMON are enough",
          proc.stderr)
    if mode & 0o005 == 0:
        check("tracefs (/sys/kernel/tracing) cannot be read by this user" in proc.stderr,
              "unreadable tracefs is named as such", proc.stderr)
        check("not mounted" not in proc.stderr, "no claim that tracefs is not mounted",
              proc.stderr)
    else:
        print(f"tracefs is mode {mode:o} here: the unreadable case is not this machine's")
done()
