#!/usr/bin/env python3
"""tp_exec end to end: exact exec and exit events of the test's own children,
the instance shown attached with events in `probekit list --json`, the
options `exits`, `failed_only` and argv's caps, and one exit event per
process however its threads end.

The children run a copy of /bin/sh under a name of their own, so the `comm`
filter keeps every other process of the machine out.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from pktest import Probekit, check, check_eq, done, wait_for

NAME = f"pkexec{os.getpid() % 100000}"  # at most 11 bytes: fits comm (15)


def make_program(folder):
    path = os.path.join(folder, NAME)
    shutil.copy("/bin/sh", path)
    return path


def run_timed(argv):
    """Runs argv to its end; returns (pid, returncode, wall-clock ns)."""
    start = time.monotonic_ns()
    child = subprocess.Popen(argv)
    child.wait()
    return child.pid, child.returncode, time.monotonic_ns() - start


def probe_entry(listing, name):
    probes = listing.get("probes", []) if isinstance(listing, dict) else listing
    return next((p for p in probes if p.get("name") == name), None)


def event_count(entry):
    return (entry or {}).get("events", 0)


def wait_for_events(pk, name, count):
    """The probe's `list --json` entry once it counts `count` events (or as it is)."""
    def counted():
        entry = probe_entry(pk.list_json(), name)
        return entry if event_count(entry) >= count else None
    return wait_for(counted, timeout=10) or probe_entry(pk.list_json(), name)


def only(events, what):
    check_eq(len(events), 1, f"exactly one {what}")
    return events[0] if events else {}


def check_exec(pk, pid, program, argv):
    exec_event = only(pk.select(event="exec", pid=pid), f"exec event of pid {pid}")
    check_eq(exec_event.get("argv"), argv, "exec: argv as the program got it")
    check_eq(exec_event.get("argc"), len(argv), "exec: argc")
    check_eq(exec_event.get("argv_truncated"), False, "exec: argv not truncated")
    check_eq(exec_event.get("probe"), "tp_exec", "exec: probe")
    check_eq(exec_event.get("tid"), pid, "exec: tid of a single-threaded child")
    check_eq(exec_event.get("comm"), NAME, "exec: comm is the new program's")
    check_eq(exec_event.get("filename"), program, "exec: filename as given to execve")
    check_eq(exec_event.get("filename_truncated"), False, "exec: filename not truncated")
    check_eq(exec_event.get("ppid"), os.getpid(), "exec: ppid is the test")
    check("mode" not in exec_event, "exec: no mode key (tp_exec has one way to attach)")


def check_exit(pk, pid, wall_ns, exit_code, signal):
    exit_event = only(pk.select(event="exit", pid=pid), f"exit event of pid {pid}")
    check_eq(exit_event.get("exit_code"), exit_code, "exit: exit_code")
    check_eq(exit_event.get("signal"), signal, "exit: signal")
    check_eq(exit_event.get("ppid"), os.getpid(), "exit: ppid is the test")
    duration = exit_event.get("duration_ns", -1)
    check(0 < duration <= wall_ns, "exit: duration within the child's wall-clock life",
          f"duration_ns={duration}, measured around the child: {wall_ns} ns")


# Its leader leaves first (SYS_exit ends one thread only), and the process
# ends later with exit_group(5) from another thread.
LEADER_LEAVES_FIRST = r"""
import ctypes, os, sys, threading, time
sys.stdin.readline()
for _ in range(2):
    short = threading.Thread(target=lambda: None)
    short.start()
    short.join()
def finish():
    time.sleep(0.3)
    os._exit(5)
threading.Thread(target=finish).start()
ctypes.CDLL(None).syscall(60, 0)
"""


def test_events_and_list(program):
    with Probekit(f"[tp_exec]\ncomm = {NAME}\n") as pk:
        exited_pid, exited_rc, exited_ns = run_timed([program, "-c", "exit 7"])
        killed_pid, killed_rc, killed_ns = run_timed([program, "-c", "kill -KILL $$"])
        entry = wait_for_events(pk, "tp_exec", 4)
    check_eq(pk.returncode, 0, "probekit exits 0 on SIGINT")
    check_eq((exited_rc, killed_rc), (7, -9), "the children ended as planned")
    check(entry is not None, "`probekit list --json` shows tp_exec", repr(entry))
    check_eq((entry or {}).get("state"), "attached", "tp_exec is attached")
    check(event_count(entry) >= 4, "list counts the 4 events", repr(entry))

    check_exec(pk, exited_pid, program, [program, "-c", "exit 7"])
    check_exit(pk, exited_pid, exited_ns, exit_code=7, signal=0)
    check_exec(pk, killed_pid, program, [program, "-c", "kill -KILL $$"])
    check_exit(pk, killed_pid, killed_ns, exit_code=0, signal=9)
    others = [e for e in pk.events if e.get("pid") not in (exited_pid, killed_pid)]
    check_eq(others, [], "the comm filter lets nothing else through")


def test_options_and_threads(program):
    threaded = subprocess.Popen([sys.executable, "-c", LEADER_LEAVES_FIRST],
                                stdin=subprocess.PIPE, text=True)
    config = (f"[threads]\nplugin = tp_exec\npid = {threaded.pid}\n"
              f"[failed]\nplugin = tp_exec\ncomm = {NAME}\nfailed_only = true\n"
              f"[no_exits]\nplugin = tp_exec\ncomm = {NAME}\nexits = false\n")
    try:
        with Probekit(config) as pk:
            threaded.stdin.write("go\n")
            threaded.stdin.close()
            threaded_rc = threaded.wait(10)
            ok_pid = run_timed([program, "-c", "exit 0"])[0]
            failed_pid = run_timed([program, "-c", "exit 3"])[0]
            wait_for_events(pk, "no_exits", 2)
    finally:
        if threaded.poll() is None:
            threaded.kill()
    check_eq(threaded_rc, 5, "the threaded child ended with 5")

    exit_event = only(pk.select(probe="threads", event="exit"), "exit of the threaded process")
    check_eq(exit_event.get("pid"), threaded.pid, "threads: pid is the process")
    check(exit_event.get("tid") != threaded.pid, "threads: reported by the last thread, "
          "not the leader that left first", repr(exit_event))
    check_eq((exit_event.get("exit_code"), exit_event.get("signal")), (5, 0),
             "threads: the process's exit status")

    failed_exits = pk.select(probe="failed", event="exit")
    check_eq([(e.get("pid"), e.get("exit_code")) for e in failed_exits], [(failed_pid, 3)],
             "failed_only: only the exit with a non-zero code")
    check_eq(len(pk.select(probe="failed", event="exec")), 2, "failed_only: execs still reported")

    check_eq(pk.select(probe="no_exits", event="exit"), [], "exits = false: no exit events")
    check_eq(sorted(e.get("pid") for e in pk.select(probe="no_exits", event="exec")),
             sorted([ok_pid, failed_pid]), "exits = false: exec events still reported")


def test_argv(program):
    """argv's caps, an empty string, bytes that are not UTF-8, and no argv at all."""
    config = (f"[full]\nplugin = tp_exec\ncomm = {NAME}\nexits = false\n"
              f"[two_args]\nplugin = tp_exec\ncomm = {NAME}\nexits = false\n"
              f"argv_max_args = 2\n"
              f"[ten_bytes]\nplugin = tp_exec\ncomm = {NAME}\nexits = false\n"
              f"argv_max_bytes = 10\n"
              f"[no_argv]\nplugin = tp_exec\ncomm = {NAME}\nexits = false\n"
              f"argv_max_bytes = 0\n")
    long_arg = "x" * 5000
    with Probekit(config) as pk:
        plain = subprocess.Popen([program, "-c", ":", "a b", "", "\u00e9t\u00e9"])
        plain.wait()
        big = subprocess.Popen([program, "-c", ":", long_arg])
        big.wait()
        wait_for_events(pk, "no_argv", 2)

    def argv_of(probe, pid):
        event = only(pk.select(probe=probe, pid=pid), f"{probe}: exec of pid {pid}")
        return event.get("argv"), event.get("argv_truncated"), event.get("argc")

    whole = [program, "-c", ":", "a b", "", "\u00e9t\u00e9"]
    check_eq(argv_of("full", plain.pid), (whole, False, 6),
             "full: every string, the empty one and UTF-8 included")
    check_eq(argv_of("two_args", plain.pid), (whole[:2], True, 6),
             "argv_max_args = 2: the first two strings, flagged")
    # ten bytes: "<program>\0" is longer, so the first string is cut to 9 bytes and its NUL
    check_eq(argv_of("ten_bytes", plain.pid), ([program[:9]], True, 6),
             "argv_max_bytes = 10: cut inside the first string, flagged")
    check_eq(argv_of("no_argv", plain.pid), ([], True, 6), "argv_max_bytes = 0: no strings")
    cut = argv_of("full", big.pid)
    check_eq((cut[1], cut[2]), (True, 4), "a 5000-byte argument: argv is flagged cut")
    kept = "\0".join(cut[0] or []) + "\0"
    check_eq(len(kept.encode()), 4096, "a 5000-byte argument: 4096 bytes of argv kept")
    strings = cut[0] or []
    check(len(strings) == 4 and strings[3] and long_arg.startswith(strings[3]),
          "a 5000-byte argument: its start is kept", repr(strings)[:200])


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-exec-") as folder:
        program = make_program(folder)
        test_events_and_list(program)
        test_options_and_threads(program)
        test_argv(program)
    done()


if __name__ == "__main__":
    main()
