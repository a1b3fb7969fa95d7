# SPDX-License-Identifier: MIT
"""Scenario 4, latency at low rate: one getppid() every 100 ms; for each
event, the time from its kernel timestamp to the moment its line can be read
from the tool's output pipe (the reader stamps each line on arrival).

probekit's `ts` is CLOCK_REALTIME; bpftrace prints `nsecs`, CLOCK_MONOTONIC;
each is compared with the same clock on arrival.
"""
import json
import os
import re
import subprocess
import threading
import time

from procs import Child, HarnessError, kill_leftovers, release
from stats import percentile
from tracers import BPFTRACE_READY, BPFTRACE_READY_PROBE, PROBEKIT_READY

INTERVAL_MS = 100
PROBEKIT_CONFIG = "[raw_tp]\nmode = events\npid = {pid}\n"
BPFTRACE_SCRIPT = 'tracepoint:syscalls:sys_enter_getppid /pid == {pid}/ {{ printf("getppid %llu\\n", nsecs); }}'


def probekit_ts(line):
    if '"getppid"' not in line:
        return None
    try:
        return int(json.loads(line)["ts"])
    except (ValueError, KeyError, TypeError):
        return None


def bpftrace_ts(line):
    match = re.match(r"getppid (\d+)$", line.strip())
    return int(match.group(1)) if match else None


def tools(ctx, run_dir):
    found = []
    if ctx.probekit:
        def probekit(pid):
            config = os.path.join(run_dir, "latency.ini")
            with open(config, "w") as f:
                f.write(PROBEKIT_CONFIG.format(pid=pid))
            return [ctx.probekit, "run", "--config", config, "--format", "json", "--output",
                    "/dev/stdout", "--control-socket", os.path.join(run_dir, "probekit.sock")]
        found.append(("probekit raw_tp", probekit, PROBEKIT_READY, probekit_ts,
                      time.CLOCK_REALTIME))
    if ctx.have("bpftrace"):
        found.append(("bpftrace",
                      lambda pid: ["bpftrace", "-e",
                                   BPFTRACE_READY_PROBE + BPFTRACE_SCRIPT.format(pid=pid)],
                      BPFTRACE_READY, bpftrace_ts, time.CLOCK_MONOTONIC))
    return found


def stamp_lines(stream, clock, lines):
    """Reader thread: every line with its arrival time on `clock`."""
    for line in iter(stream.readline, b""):
        lines.append((time.clock_gettime_ns(clock), line.decode(errors="replace")))


def wait_ready(tracer, ready, lines, log_path):
    """bpftrace prints its ready line on stdout, probekit on stderr."""
    deadline = time.monotonic() + 60
    while not any(re.search(ready, text) for _, text in list(lines)):
        with open(log_path, errors="replace") as log:
            if re.search(ready, log.read()):
                return
        if time.monotonic() > deadline or not tracer.alive():
            raise HarnessError(f"{tracer.name} not ready; see {log_path}")
        time.sleep(0.002)


def one_run(ctx, run_dir, argv_of, ready, ts_of, clock):
    load = Child([ctx.tool("paced_getppid"), str(ctx.latency_events), str(INTERVAL_MS)],
                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, name="paced_getppid")
    log_path = os.path.join(run_dir, "tracer.log")
    lines = []
    with open(log_path, "wb") as log:
        tracer = Child(argv_of(load.pid), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=log)
    reader = threading.Thread(target=stamp_lines, args=(tracer.popen.stdout, clock, lines))
    reader.start()
    try:
        wait_ready(tracer, ready, lines, log_path)
        release(load)
        if load.wait(ctx.latency_events * INTERVAL_MS / 1000 + 60) != 0:
            raise HarnessError("paced_getppid failed")
        time.sleep(1.0)  # room for the last event to arrive late
        tracer.stop()
        reader.join(10)
    finally:
        kill_leftovers(load, tracer)
    latencies = []
    for arrival, text in lines:
        ts = ts_of(text)
        if ts is not None:
            latencies.append((arrival - ts) / 1e6)
    return latencies


def run(ctx):
    runs = 1 if ctx.quick else max(1, ctx.runs // 2)
    found = tools(ctx, ctx.run_dir("latency"))
    per_run = ctx.repeat("latency", found,
                         lambda variant, run_dir: one_run(ctx, run_dir, *variant[1:]), runs)
    results = {}
    for label, runs_of_tool in per_run.items():
        pooled = [ms for latencies in runs_of_tool for ms in latencies]
        results[label] = {"runs": runs, "sent": runs * ctx.latency_events, "delivered": len(pooled),
                          "p50_ms": percentile(pooled, 50), "p99_ms": percentile(pooled, 99),
                          "max_ms": max(pooled) if pooled else None}
    return results
