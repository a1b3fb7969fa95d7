"""What the output tests share: a load generator whose getppid() calls a
raw_tp instance filtered to its pid turns into events on demand, a small
tmpfs the test mounts (and unmounts) to fill up, and the totals of the exit
summary."""
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from contextlib import contextmanager

# Makes as many getppid() calls as each line on stdin says, then says "done".
GENERATOR = textwrap.dedent("""
    import os, sys
    print(os.getpid(), flush=True)
    for line in sys.stdin:
        for _ in range(int(line)):
            os.getppid()
        print("done", flush=True)
""")

EVENTS = re.compile(r"probekit: (\S+): (\d+) events, (\d+) dropped in the kernel, (\d+) malformed")
SINK = re.compile(r"probekit: (\S+): (?:warning: )?(\d+) records written \((\d+) bytes\), "
                  r"(\d+) dropped")


class Generator:
    """A process whose getppid() calls are the events (raw_tp, pid = its pid)."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", GENERATOR], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.pid = int(self.proc.stdout.readline())

    def calls(self, n):
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "done"

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


def raw_config(pid, sink="", flush_ms=25):
    """raw_tp on the generator's getppid() calls, plus optional sink sections."""
    return (f"[probekit]\nflush_interval_ms = {flush_ms}\n"
            f"[raw]\nplugin = raw_tp\nmode = events\npid = {pid}\nsyscalls = getppid\n" + sink)


@contextmanager
def tmpfs(size="256k", options=""):
    """A tmpfs of `size` mounted on a fresh directory, unmounted at the end."""
    where = tempfile.mkdtemp(prefix="pktest-outputs-tmpfs-")
    opts = f"size={size}" + (f",{options}" if options else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "pktest-outputs", where], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", where], check=False)
        os.rmdir(where)


def fill(path, size):
    """A file of `size` bytes (or as many as fit), to leave the filesystem (nearly) full."""
    with open(path, "wb") as f:
        try:
            f.write(b"x" * size)
            f.flush()
        except OSError:
            pass


class Summary:
    """The totals of the exit summary: probe events and each sink's records and drops."""

    def __init__(self, stderr):
        self.events = {m[0]: int(m[1]) for m in EVENTS.findall(stderr)}
        self.kernel_drops = {m[0]: int(m[2]) for m in EVENTS.findall(stderr)}
        self.records = {m[0]: int(m[1]) for m in SINK.findall(stderr)}
        self.dropped = {m[0]: int(m[3]) for m in SINK.findall(stderr)}

    def __repr__(self):
        return f"events {self.events}, records {self.records}, dropped {self.dropped}"


def read_lines(path):
    """(lines, whole) of a file: its lines, and whether it holds no NUL and ends whole."""
    with open(path, "rb") as f:
        data = f.read()
    whole = b"\0" not in data and (not data or data.endswith(b"\n"))
    return data.decode(errors="replace").splitlines(), whole
