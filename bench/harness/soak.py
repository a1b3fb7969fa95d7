# SPDX-License-Identifier: MIT
"""Scenario 5, the soak: every built-in probe plus a raw_tp firehose filtered
to a paced getppid() load, for ten minutes (20 s with --quick), while a
helper execs and unlinks a file twice a second. It shows that nothing grows
and nothing is lost unaccounted:

- probekit's RSS and its anonymous part (the heap: ring pages are shared
  memory that fills in as the producer first goes round), sampled every
  10 s (every second with --quick), and their slopes by least squares over
  the samples after the first minute;
- for the firehose instance, events produced (the load's own count), lines
  delivered (counted on probekit's stdout by the harness) and kernel drops
  (from the exit summary): delivered + dropped must equal produced exactly.
"""
import os
import re
import subprocess
import threading
import time

from procs import (Child, HarnessError, kill_leftovers, proc_status_kb, proc_vm_rss_kb, release,
                   wait_for_file_text)
from tracers import PROBEKIT_READY, READY_TIMEOUT

RATE = 20_000  # getppid() calls a second: the firehose, but one a pipe keeps up with
NEEDLE = b'"probe":"firehose"'
SUMMARY = re.compile(r"probekit: firehose: (\d+) events, (\d+) dropped in the kernel")

CONFIG = """[tp_exec]
[kprobe_unlink]
[uprobe_bash]
[raw_counts]
plugin = raw_tp
mode = counts

[firehose]
plugin = raw_tp
mode = events
pid = {pid}
syscalls = getppid
ring_size = 16M
"""


class LineCounter(threading.Thread):
    """Reads probekit's stdout to its end, counting lines and firehose lines."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = 0
        self.firehose = 0

    def run(self):
        tail = b""
        while True:
            chunk = self.stream.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"\n") + 1
            whole, tail = data[:cut], data[cut:]
            self.lines += whole.count(b"\n")
            self.firehose += whole.count(NEEDLE)


def activity(stop, work):
    """Exec and unlink twice a second, so tp_exec and kprobe_unlink have work."""
    path = os.path.join(work, "soak-file")
    while not stop.wait(0.5):
        subprocess.run(["sh", "-c", f"touch {path} && rm -f {path}"], check=False)


def slope_kb_per_min(samples, skip_s):
    points = [(t, kb) for t, kb in samples if t >= skip_s]
    if len(points) < 2:
        return None
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mk = sum(kb for _, kb in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    if not var:
        return None
    return sum((t - mt) * (kb - mk) for t, kb in points) / var * 60.0


def run(ctx):
    if not ctx.probekit:
        raise HarnessError("the soak needs probekit")
    seconds = 20 if ctx.quick else ctx.soak_seconds
    every = 1.0 if ctx.quick else 10.0
    work = ctx.run_dir("soak")
    load = Child([ctx.tool("rate_getppid"), str(RATE), str(seconds)], stdin=subprocess.PIPE,
                 stdout=subprocess.PIPE, name="rate_getppid")
    cfg = os.path.join(work, "soak.ini")
    with open(cfg, "w") as f:
        f.write(CONFIG.format(pid=load.pid))
    log = os.path.join(work, "probekit.log")
    pk = counter = None
    stop = threading.Event()
    try:
        with open(log, "wb") as err:
            pk = Child([ctx.probekit, "run", "--config", cfg, "--format", "json",
                        "--control-socket", os.path.join(work, "soak.sock")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                       name="probekit")
        counter = LineCounter(pk.popen.stdout)
        counter.start()
        wait_for_file_text(log, PROBEKIT_READY, pk, READY_TIMEOUT)
        helper = threading.Thread(target=activity, args=(stop, work), daemon=True)
        helper.start()
        start = time.monotonic()
        release(load)
        samples = []
        while load.alive():
            samples.append((time.monotonic() - start, proc_vm_rss_kb(pk.pid),
                            proc_status_kb(pk.pid, "RssAnon")))
            deadline = time.monotonic() + every
            while load.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        produced = int(load.popen.stdout.read().strip() or 0)
        stop.set()
        helper.join()
        status = pk.stop()
        counter.join(30)
    except Exception:
        stop.set()
        kill_leftovers(load, pk)
        raise
    with open(log) as f:
        text = f.read()
    found = SUMMARY.findall(text)
    if not found:
        raise HarnessError(f"no firehose summary in {log}")
    counted, dropped = (int(x) for x in found[-1])
    rss = [kb for _, kb, _ in samples]
    skip = 10 if ctx.quick else 60
    return {
        "seconds": seconds,
        "rate": RATE,
        "produced": produced,
        "delivered": counter.firehose,
        "counted": counted,
        "dropped": dropped,
        "balanced": counter.firehose + dropped == produced,
        "lines": counter.lines,
        "exit": status,
        "rss_first_kb": rss[0] if rss else None,
        "rss_last_kb": rss[-1] if rss else None,
        "rss_max_kb": max(rss) if rss else None,
        "rss_slope_kb_per_min": slope_kb_per_min([(t, kb) for t, kb, _ in samples], skip),
        # the heap alone: ring pages (shared memory) fill in as the producer first
        # goes round, which is not growth
        "anon_slope_kb_per_min": slope_kb_per_min([(t, kb) for t, _, kb in samples], skip),
        "samples": len(samples),
        "series": [[round(t, 1), kb, anon] for t, kb, anon in samples],
    }
