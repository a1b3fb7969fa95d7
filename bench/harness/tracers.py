# SPDX-License-Identifier: MIT
"""The tools under test, each started the same way: launch, wait until it is
tracing, let the load run, stop it with SIGINT, and collect what it reports.

A tracer writes its events to `output` and its log to `<output>.log`.
"""
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request

from procs import Child, HarnessError, wait_for_file_text

READY_TIMEOUT = 60.0
PROBEKIT_READY = r"probekit: ready: (\d+) attached, (\d+) failed"
# bpftrace prints "Attaching N probes..." before it attaches; BEGIN fires
# once every probe is attached, so that is when the load may start.
BPFTRACE_READY = "bench-ready"
BPFTRACE_READY_PROBE = 'BEGIN { printf("bench-ready\\n"); } '


class Tracer:
    name = "tracer"

    def __init__(self, output):
        self.output = output
        self.log = None
        self.child = None
        self.ready_ns = None
        self.ready_match = None

    def argv(self):
        raise NotImplementedError

    def start(self, log_dir):
        self.log = os.path.join(log_dir, f"{self.name}.log")
        with open(self.log, "wb") as log:
            self.child = Child(self.argv(), stdin=subprocess.DEVNULL, stdout=self.stdout(log),
                               stderr=log, name=self.name, cwd=os.path.dirname(self.output))
        self.wait_ready()
        return self

    def stdout(self, log):
        return log

    def wait_ready(self):
        raise NotImplementedError

    def lost(self):
        """Events the tool itself says it lost, or None when it cannot say."""
        return None

    def stop(self):
        status = self.child.stop()
        if status not in (0, -2, 130):
            raise HarnessError(f"{self.name} exited with {status}; see {self.log}")
        return status

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""


class Probekit(Tracer):
    """`probekit run` with a generated config, JSON to a file (or /dev/null)."""

    name = "probekit"

    def __init__(self, binary, config_text, output, work_dir, extra_args=()):
        super().__init__(output)
        self.binary = binary
        self.config = os.path.join(work_dir, "probekit.ini")
        self.socket = os.path.join(work_dir, "probekit.sock")
        self.extra_args = list(extra_args)
        with open(self.config, "w") as f:
            f.write(config_text)
        self.reported_drops = None

    def argv(self):
        return [self.binary, "run", "--config", self.config, "--format", "json", "--output",
                self.output, "--control-socket", self.socket] + self.extra_args

    def wait_ready(self):
        self.ready_match, self.ready_ns = wait_for_file_text(self.log, PROBEKIT_READY, self.child,
                                                             READY_TIMEOUT)
        if int(self.ready_match.group(1)) == 0:
            self.child.stop()
            raise HarnessError(f"probekit attached no probe:\n{self.log_text()[-2000:]}")

    def query_drops(self):
        """Ask the running probekit for its drop counters (`probekit list --json`)."""
        try:
            out = subprocess.run([self.binary, "list", "--json", "--control-socket", self.socket],
                                 capture_output=True, timeout=10, check=True).stdout
            self.reported_drops = sum_key(json.loads(out), "drops")
        except (subprocess.SubprocessError, ValueError, OSError):
            self.reported_drops = None
        return self.reported_drops

    def reported_events(self):
        """Events probekit says it delivered (its summary at exit)."""
        counts = [int(n) for n in re.findall(r"(\d+) events,", self.log_text())]
        return sum(counts) if counts else None

    def lost(self):
        # the summary at exit: "probekit: raw_tp: N events, D dropped in the kernel, ..."
        from_log = [int(n) for n in re.findall(r"(\d+) dropped", self.log_text())]
        candidates = [n for n in [self.reported_drops] + from_log if n is not None]
        return max(candidates) if candidates else None


class ScrapedProbekit(Probekit):
    """Probekit with its /metrics endpoint on a free loopback port, scraped
    every `interval` seconds by a thread for as long as it runs: what a
    Prometheus server costs the loop. `scrapes` and `slowest_scrape_s` say
    how it went."""

    def __init__(self, *args, interval=0.1, **kwargs):
        super().__init__(*args, **kwargs)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.extra_args += ["--metrics", f"127.0.0.1:{self.port}"]
        self.interval = interval
        self.scrapes = 0
        self.failed_scrapes = 0
        self.slowest_scrape_s = 0.0
        self._stop = threading.Event()
        self._thread = None

    def _scrape_loop(self):
        url = f"http://127.0.0.1:{self.port}/metrics"
        while not self._stop.wait(self.interval):
            start = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    resp.read()
                self.scrapes += 1
            except OSError:
                self.failed_scrapes += 1
            self.slowest_scrape_s = max(self.slowest_scrape_s, time.monotonic() - start)

    def start(self, log_dir):
        super().start(log_dir)
        self._thread = threading.Thread(target=self._scrape_loop, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join()
        return super().stop()


class Bpftrace(Tracer):
    name = "bpftrace"
    READY_FILE = "bpftrace.ready"

    def __init__(self, script, output):
        super().__init__(output)
        self.script = script
        self.ready_file = os.path.join(os.path.dirname(output), self.READY_FILE)
        if os.path.exists(self.ready_file):
            os.remove(self.ready_file)

    def argv(self):
        # Output to a file (-o) is block-buffered, so the BEGIN probe signals
        # readiness through a file of its own, in the working directory as
        # bpftrace strings are short (system() needs --unsafe).
        begin = f'BEGIN {{ system("echo {BPFTRACE_READY} > {self.READY_FILE}"); }} '
        return ["bpftrace", "--unsafe", "-o", self.output, "-e", begin + self.script]

    def wait_ready(self):
        self.ready_match, self.ready_ns = wait_for_file_text(self.ready_file, BPFTRACE_READY,
                                                             self.child, READY_TIMEOUT)

    def lost(self):
        text = self.log_text()
        try:
            with open(self.output, "rb") as f:
                f.seek(max(0, os.path.getsize(self.output) - 65536))
                text += f.read().decode(errors="replace")
        except OSError:
            pass
        return sum(int(n) for n in re.findall(r"Lost (\d+) events", text))


class Execsnoop(Tracer):
    """libbpf-tools execsnoop, stdout to a file (block-buffered, as when redirected)."""

    name = "execsnoop"
    SETTLE = 1.0  # its header is buffered, so there is no ready line to wait for

    def argv(self):
        return ["execsnoop"]

    def stdout(self, log):
        return open(self.output, "wb")

    def wait_ready(self):
        time.sleep(self.SETTLE)
        if not self.child.alive():
            raise HarnessError(f"execsnoop exited ({self.child.status}):\n{self.log_text()}")
        self.ready_ns = self.child.launched_ns

    def lost(self):
        return sum(int(n) for n in re.findall(r"Lost (\d+) events", self.log_text()))


class Floor(Tracer):
    """The bench's own counting raw_tp program (bench/src/floor.bpf.c)."""

    name = "floor"

    def __init__(self, binary, pid, output):
        super().__init__(output)
        self.binary = binary
        self.pid = pid

    def argv(self):
        return [self.binary, str(self.pid)]

    def stdout(self, log):
        return open(self.output, "wb")

    def wait_ready(self):
        self.ready_match, self.ready_ns = wait_for_file_text(self.output, r"ready", self.child,
                                                             READY_TIMEOUT)

    def count(self):
        with open(self.output) as f:
            match = re.search(r"count=(\d+)", f.read())
        return int(match.group(1)) if match else None

    def lost(self):
        return 0


class RingFloor(Floor):
    """The bench's ring-buffer floors (bench/src/ringfloor.bpf.c): `ring`, a
    40-byte event per call through a bare ring buffer, or `batch`, the same
    events staged per CPU and sent in batches."""

    def __init__(self, binary, pid, output, mode):
        super().__init__(binary, pid, output)
        self.mode = mode
        self.name = f"ringfloor-{mode}"

    def argv(self):
        return [self.binary, str(self.pid), self.mode]

    def report(self, key):
        with open(self.output) as f:
            match = re.search(rf"{key}=(\d+)", f.read())
        return int(match.group(1)) if match else None

    def lost(self):
        return self.report("drops")


def sum_key(value, key):
    """Sum every number stored under `key` anywhere in a JSON value."""
    if isinstance(value, dict):
        return sum((v if k == key and isinstance(v, int) else sum_key(v, key))
                   for k, v in value.items())
    if isinstance(value, list):
        return sum(sum_key(v, key) for v in value)
    return 0
