"""Helpers for probekit's integration tests: run the real probekit binary with
a config, wait until its probes are attached, act, stop it, read its events.

Tests are plain scripts: they call check() (or raise) and end with done(),
which prints a one-line summary and exits non-zero if any check failed.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

PROBEKIT = os.environ.get("PROBEKIT") or os.path.join(
    os.environ.get("PROBEKIT_BUILD_DIR", "build"), "bin", "probekit")

_failures = []
_passes = 0


def check(cond, what, detail=""):
    """Record one assertion; a failure prints where it was made."""
    global _passes
    if cond:
        _passes += 1
        return True
    frame = traceback.extract_stack(limit=2)[0]
    msg = f"FAIL {frame.filename}:{frame.lineno}: {what}"
    if detail:
        msg += f"\n    {detail}"
    print(msg, flush=True)
    _failures.append(what)
    return False


def check_eq(actual, expected, what):
    return check(actual == expected, what, f"expected {expected!r}, got {actual!r}")


def done():
    print(f"{_passes} passed, {len(_failures)} failed")
    sys.exit(1 if _failures else 0)


def wait_for(predicate, timeout=10.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class Probekit:
    """One `probekit run` process.

    with Probekit(config_text) as pk:   # returns once probekit says ready
        ...cause events...
    pk.events  # decoded JSON lines after it stopped
    """

    def __init__(self, config=None, args=(), fmt="json", ready_timeout=20.0,
                 expect_ready=True):
        self.tmp = tempfile.TemporaryDirectory(prefix="pktest-")
        self.dir = self.tmp.name
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(self.dir, "probekit.ini")
            with open(self.config_path, "w") as f:
                f.write(config)
        self.output_path = os.path.join(self.dir, "events.out")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.socket_path = os.path.join(self.dir, "control.sock")
        self.fmt = fmt
        self.args = list(args)
        self.ready_timeout = ready_timeout
        self.expect_ready = expect_ready
        self.proc = None
        self.returncode = None
        self.events = []
        self.output = ""
        self.stderr = ""

    def command(self):
        cmd = [PROBEKIT, "run", "--format", self.fmt, "--output", self.output_path,
               "--control-socket", self.socket_path]
        if self.config_path:
            cmd += ["--config", self.config_path]
        return cmd + self.args

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        return False

    def start(self):
        self._stderr_file = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL,
                                     stderr=self._stderr_file, stdin=subprocess.DEVNULL)
        if self.expect_ready:
            ok = wait_for(lambda: "probekit: ready:" in self.read_stderr()
                          or self.proc.poll() is not None, self.ready_timeout)
            if not ok or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("probekit did not become ready:\n" + self.stderr)

    def read_stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def list_json(self):
        """`probekit list --json` against this instance."""
        out = subprocess.run([PROBEKIT, "list", "--json", "--control-socket", self.socket_path],
                             capture_output=True, text=True, timeout=10)
        if out.returncode != 0:
            raise RuntimeError(f"probekit list failed ({out.returncode}): {out.stderr}")
        return json.loads(out.stdout)

    def probe(self, name):
        """This instance's entry for probe `name` in `probekit list --json`, or None."""
        for entry in self.list_json()["probes"]:
            if entry["name"] == name:
                return entry
        return None

    def stop(self, sig=signal.SIGINT, timeout=15.0):
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait()
        self.proc = None
        self._stderr_file.close()
        self.stderr = self.read_stderr()
        if os.path.exists(self.output_path):
            with open(self.output_path, errors="replace") as f:
                self.output = f.read()
        if self.fmt == "json":
            self.events = [json.loads(line) for line in self.output.splitlines() if line]
        return self.returncode

    def wait(self, timeout=30.0):
        """Wait for a run with --duration to end by itself."""
        self.returncode = self.proc.wait(timeout)
        return self.stop()

    def select(self, **match):
        """Events whose keys equal every given value."""
        return [e for e in self.events if all(e.get(k) == v for k, v in match.items())]


def run_cli(*args, timeout=30):
    """Run a probekit command to completion; returns CompletedProcess."""
    return subprocess.run([PROBEKIT, *args], capture_output=True, text=True, timeout=timeout)
