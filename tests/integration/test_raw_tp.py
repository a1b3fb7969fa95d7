#!/usr/bin/env python3
"""raw_tp end to end: a child process makes known syscalls after a go signal;
events mode must report exactly those calls (name, arguments, return value),
only the selected ones when `syscalls` is set, and counts mode must count them.
An unknown syscall name is a configuration error: `check` and `run` both
refuse the file with the line that names it, before anything is loaded.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

from pktest import Probekit, check, check_eq, done, run_cli

GETPPID_CALLS = 1000

# The child: tells its pipe's fds, waits for a line on stdin, makes its calls,
# says so and waits for stdin to close.
CHILD = textwrap.dedent(f"""
    import os, sys
    r, w = os.pipe()
    os.write(w, b"abcdef")
    print(r, w, flush=True)
    sys.stdin.readline()
    os.read(r, 3)
    try:
        os.lseek(r, 0, os.SEEK_SET)
    except OSError:
        pass
    os.write(w, b"xy")
    for _ in range({GETPPID_CALLS}):
        os.getppid()
    print("done", flush=True)
    sys.stdin.read()
""")

SELECTED = ["read", "write", "lseek", "getppid"]
ESPIPE = 29


def config(pid):
    return (
        "[raw_selected]\n"
        "plugin = raw_tp\n"
        "mode = events\n"
        "durations = true\n"
        f"pid = {pid}\n"
        f"syscalls = {','.join(SELECTED)}\n"
        "\n"
        "[raw_all]\n"
        "plugin = raw_tp\n"
        "mode = events\n"
        "durations = true\n"
        f"pid = {pid}\n"
        "\n"
        "[raw_exit_only]\n"
        "plugin = raw_tp\n"
        "mode = events\n"
        f"pid = {pid}\n"
        f"syscalls = {','.join(SELECTED)}\n"
        "\n"
        "[raw_counts]\n"
        "plugin = raw_tp\n"
        f"pid = {pid}\n"
        "syscalls = getppid\n"
    )


BAD_SYSCALLS = (
    "[raw_good]\n"
    "plugin = raw_tp\n"
    "\n"
    "[raw_bad]\n"
    "plugin = raw_tp\n"
    "syscalls = openat,notasyscall,getppid,alsonot\n"
)


def check_unknown_syscalls_refused():
    """Both names, on their line (6), from `check` and from `run`, exit 2."""
    with tempfile.TemporaryDirectory(prefix="pktest-rawbad-") as tmp:
        path = os.path.join(tmp, "bad.ini")
        with open(path, "w") as f:
            f.write(BAD_SYSCALLS)
        for cmd in (["check", "--config", path], ["run", "--config", path, "--duration", "1"]):
            res = run_cli(*cmd)
            check_eq(res.returncode, 2, f"{cmd[0]} refuses an unknown syscall name")
            for name in ("notasyscall", "alsonot"):
                check(f"{path}:6: [raw_bad] syscalls: unknown x86-64 syscall '{name}'"
                      in res.stderr, f"{cmd[0]} names '{name}' with file:line", res.stderr)
            check("attached" not in res.stderr, f"{cmd[0]}: nothing was attached", res.stderr)


def calls(pk, probe, name, **match):
    return [e for e in pk.select(probe=probe, event="syscall", syscall=name)
            if all(e.get(k) == v for k, v in match.items())]


def check_call(pk, probe, name, nr, args_prefix, ret, count=None, durations=True):
    """Exactly one call of `name` whose first args are args_prefix (and whose
    third, the byte count of read and write, is `count` when given)."""
    found = [e for e in calls(pk, probe, name)
             if e.get("args", [])[:len(args_prefix)] == args_prefix
             and (count is None or e.get("args", [0, 0, 0])[2] == count)]
    check_eq(len(found), 1, f"{probe}: one {name}{tuple(args_prefix)}")
    if found:
        event = found[0]
        check_eq((event.get("nr"), event.get("ret")), (nr, ret), f"{probe}: {name} nr and ret")
        check_eq(len(event.get("args", [])), 6, f"{probe}: {name} has six args")
        if durations:
            check(event.get("duration_ns", 0) > 0, f"{probe}: {name} has a duration",
                  repr(event))
        else:
            check(event.get("duration_ns", 0) is None, f"{probe}: {name} has no duration (null)",
                  event)


def task_identity(pid):
    """(comm, cgroup v2 id) of a live process: the id is its cgroup directory's inode."""
    with open(f"/proc/{pid}/comm") as f:
        comm = f.read().strip()
    with open(f"/proc/{pid}/cgroup") as f:
        path = next(line.split("::", 1)[1].strip() for line in f if line.startswith("0::"))
    return comm, os.stat("/sys/fs/cgroup" + path).st_ino


def main():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        read_fd, write_fd = (int(x) for x in child.stdout.readline().split())
        child_comm, child_cgroup = task_identity(child.pid)
        with Probekit(config(child.pid)) as pk:
            child.stdin.write("go\n")
            child.stdin.flush()
            check_eq(child.stdout.readline().strip(), "done", "the child made its calls")
            child.stdin.close()
            child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    check_eq(pk.returncode, 0, "probekit exits 0 on SIGINT")
    check("ready: 4 attached, 0 failed" in pk.stderr, "every instance attached", pk.stderr)
    check_unknown_syscalls_refused()

    for probe in ("raw_selected", "raw_all", "raw_exit_only"):
        durations = probe != "raw_exit_only"
        check_call(pk, probe, "read", 0, [read_fd], 3, count=3, durations=durations)
        check_call(pk, probe, "lseek", 8, [read_fd, 0, os.SEEK_SET], -ESPIPE,
                   durations=durations)
        check_call(pk, probe, "write", 1, [write_fd], 2, count=2, durations=durations)
        getppid = calls(pk, probe, "getppid")
        check_eq(len(getppid), GETPPID_CALLS, f"{probe}: every getppid")
        check_eq({e.get("ret") for e in getppid}, {os.getpid()}, f"{probe}: getppid returns")
        check_eq({e.get("pid") for e in pk.select(probe=probe)}, {child.pid},
                 f"{probe}: only the child")
        # the header the SDK fills from the task: every field, not only pid
        check_eq({(e.get("tid"), e.get("uid"), e.get("comm"), e.get("cgroup"))
                  for e in pk.select(probe=probe)},
                 {(child.pid, os.getuid(), child_comm, child_cgroup)},
                 f"{probe}: header tid, uid, comm and cgroup are the child's")

    for probe in ("raw_selected", "raw_exit_only"):
        selected = {e.get("syscall") for e in pk.select(probe=probe)}
        check(selected <= set(SELECTED), f"{probe}: only the selected syscalls", repr(selected))
    others = {e.get("syscall") for e in pk.select(probe="raw_all")} - set(SELECTED)
    check(others, "raw_all: other syscalls too (no set)", repr(others))

    counts = pk.select(probe="raw_counts", event="syscall_counts")
    check(counts, "raw_counts: syscall_counts records", repr(pk.events[-3:]))
    check_eq({(e.get("pid"), e.get("syscall"), e.get("nr")) for e in counts},
             {(child.pid, "getppid", 110)}, "raw_counts: only the child's getppid")
    check_eq(sum(e.get("count", 0) for e in counts), GETPPID_CALLS,
             "raw_counts: every getppid counted, once")
    check_eq(sum(e.get("errors", 0) for e in counts), 0, "raw_counts: no errors")
    done()


if __name__ == "__main__":
    main()
