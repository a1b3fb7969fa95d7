# SPDX-License-Identifier: MIT
"""Processes of a benchmark run: start, watch for a line, stop, and account.

Every child is reaped with wait4() so its own CPU time comes from the
kernel, not from sampling.
"""
import os
import re
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


class HarnessError(RuntimeError):
    """A tool or load did not behave as the harness needs (not a slow result)."""


def now_ns():
    return time.monotonic_ns()


class Child:
    """One started process, reaped with wait4 to get its rusage."""

    def __init__(self, argv, stdin=None, stdout=None, stderr=None, name=None, cwd=None):
        self.name = name or os.path.basename(argv[0])
        self.argv = argv
        self.launched_ns = now_ns()
        try:
            self.popen = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr,
                                          close_fds=True, cwd=cwd)
        except OSError as err:
            raise HarnessError(f"cannot start {argv[0]}: {err}") from err
        self.pid = self.popen.pid
        self.status = None
        self.rusage = None

    def alive(self):
        if self.status is not None:
            return False
        pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self._reaped(status, rusage)
        return False

    def _reaped(self, status, rusage):
        self.status = os.waitstatus_to_exitcode(status)
        self.rusage = rusage
        self.popen.returncode = self.status  # keep Popen from reaping again

    def wait(self, timeout):
        """Reap within timeout seconds; returns the exit code (-N for signal N)."""
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                raise HarnessError(f"{self.name} (pid {self.pid}) did not exit in {timeout}s")
            time.sleep(0.005)
        return self.status

    def stop(self, timeout=20.0, sig=signal.SIGINT):
        """Ask the process to finish (SIGINT), kill it if it will not."""
        if self.alive():
            os.kill(self.pid, sig)
            try:
                return self.wait(timeout)
            except HarnessError:
                os.kill(self.pid, signal.SIGKILL)
                self.wait(5.0)
                raise
        return self.status

    def cpu_seconds(self):
        """User+system CPU so far: from rusage once reaped, else /proc."""
        if self.rusage is not None:
            return self.rusage.ru_utime + self.rusage.ru_stime
        return proc_cpu_seconds(self.pid)


def kill_leftovers(*children):
    """After a failed run: kill whatever is still running (None is skipped)."""
    for child in children:
        if child is not None and child.alive():
            child.stop(sig=signal.SIGKILL)


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read()
    fields = stat[stat.rindex(b")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def proc_vm_hwm_kb(pid):
    """Peak resident set size so far."""
    return proc_status_kb(pid, "VmHWM")


def proc_vm_rss_kb(pid):
    return proc_status_kb(pid, "VmRSS")


def wait_for_file_text(path, pattern, child, timeout):
    """Poll a file the child writes until `pattern` (regex) matches.

    Returns the match and the monotonic time it was seen (1 ms resolution).
    """
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "r", errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        match = regex.search(text)
        if match:
            return match, now_ns()
        if not child.alive():
            raise HarnessError(f"{child.name} exited ({child.status}) before '{pattern}':\n"
                               f"{text[-2000:]}")
        if time.monotonic() > deadline:
            child.stop()
            raise HarnessError(f"{child.name} did not print '{pattern}' in {timeout}s:\n"
                               f"{text[-2000:]}")
        time.sleep(0.001)


def wait_until_stable(path, child=None, quiet=0.3, timeout=60.0):
    """Wait until a file has stopped growing, and the child writing it has
    used no CPU, for `quiet` seconds: a tool whose file output is buffered
    may still be draining its kernel buffer while the file stands still."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            size = os.path.getsize(path)
        except FileNotFoundError:
            size = 0
        if child is not None and child.alive():
            size = (size, proc_cpu_seconds(child.pid))
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.02)


def release(load):
    """Open the start gate of a paused load."""
    load.popen.stdin.write(b"\n")
    load.popen.stdin.close()


def run_released(load, name, timeout=600):
    """Open the start gate of a paused load, wait for it and return its one
    line of results parsed (parse_kv); a load that fails raises with that line."""
    release(load)
    line = load.popen.stdout.read().decode()
    if load.wait(timeout) != 0:
        raise HarnessError(f"{name} failed: {line}")
    return parse_kv(line)


def parse_kv(line):
    """'calls=1 ns=2' -> {'calls': '1', 'ns': '2'}"""
    return dict(item.split("=", 1) for item in line.split() if "=" in item)
