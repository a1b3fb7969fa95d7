# SPDX-License-Identifier: MIT
"""Scenario 1, the syscall firehose: one thread making getppid() calls as
fast as it can, untraced, under the bare BPF floor, under probekit's raw_tp
plugin (events mode, JSON to a file and to /dev/null) and under bpftrace.
"""
import os
import subprocess
import time

import capture_replay
from counting import count_bytes, remove
from procs import Child, kill_leftovers, run_released, wait_until_stable
from stats import median, paired_ratio
from tracers import Bpftrace, Floor, Probekit, RingFloor, ScrapedProbekit

GETPPID_NR = 110  # x86_64
JSON_LINE_BYTES = 289  # one of raw_tp's firehose events as a JSON line
PROBEKIT_NEEDLE = b'"syscall":"getppid"'
BPFTRACE_NEEDLE = f" nr={GETPPID_NR} ".encode()

# The same fields probekit's raw_tp events carry, one line per syscall entry.
BPFTRACE_SCRIPT = ("tracepoint:raw_syscalls:sys_enter /pid == {pid}/ {{ "
                   'printf("%llu %d %d %d %s %llu nr=%d %lu %lu %lu\\n", nsecs, pid, tid, uid, '
                   "comm, cgroup, args->id, args->args[0], args->args[1], args->args[2]); }}")

BPFTRACE_LABEL = "bpftrace printf>file"
REUSED_LABEL = "probekit json>file, reused pages"
CAPTURE_LABEL = "probekit capture>file"
NULL_LABEL = "probekit json>/dev/null"
# what a Prometheus server scraping it costs, ten times more often than usual
SCRAPED_LABEL = "probekit json>/dev/null, /metrics scraped 10/s"

PROBEKIT_CONFIG = """[raw_tp]
mode = events
pid = {pid}
ring_size = 16777216
"""


def variants(ctx):
    found = []
    found.append(("untraced", None, None))
    found.append(("floor", lambda pid, out: Floor(ctx.tool("bench-floor"), pid, out), None))
    # events out through a bare ring buffer, consumer doing nothing: the floor
    # of any ring-buffer tracer; and the in-kernel batching experiment
    for mode in ("ring", "batch"):
        found.append((f"ring floor, {mode}",
                      lambda pid, out, mode=mode: RingFloor(ctx.tool("bench-ringfloor"), pid, out,
                                                            mode), None))
    if ctx.probekit:
        # The first two write one path: the first run leaves its file, and the
        # harness empties it just before the second (probekit appends to an
        # existing output), so that one writes into pages the kernel has just
        # freed instead of new ones (see file_write_cost()).
        shared = os.path.join(ctx.run_dir("firehose-shared-file"), "events.out")
        # the default hooks the return only, as bpftrace's script hooks the entry only;
        # durations = true adds the entry hook for duration_ns
        for label, sink, extra, files in (
                ("probekit json>file", "file", "", {"path": shared, "keep": True}),
                (REUSED_LABEL, "file", "", {"path": shared, "reuse": True}),
                (NULL_LABEL, "null", "", None),
                ("probekit durations json>file", "file", "durations = true\n", None)):
            def make(pid, out, sink=sink, extra=extra):
                target = out if sink == "file" else "/dev/null"
                return Probekit(ctx.probekit, PROBEKIT_CONFIG.format(pid=pid) + extra, target,
                                os.path.dirname(out))
            found.append((label, make, PROBEKIT_NEEDLE, files))
        found.append((SCRAPED_LABEL,
                      lambda pid, out: ScrapedProbekit(ctx.probekit, PROBEKIT_CONFIG.format(pid=pid),
                                                       "/dev/null", os.path.dirname(out),
                                                       interval=0.1),
                      PROBEKIT_NEEDLE))
        # raw samples, decoded afterwards by `probekit replay` (which counts them)
        found.append((CAPTURE_LABEL,
                      lambda pid, out: Probekit(ctx.probekit, PROBEKIT_CONFIG.format(pid=pid), out,
                                                os.path.dirname(out),
                                                extra_args=["--format", "capture"]),
                      PROBEKIT_NEEDLE, {"capture": True}))
    if ctx.have("bpftrace"):
        found.append((BPFTRACE_LABEL,
                      lambda pid, out: Bpftrace(BPFTRACE_SCRIPT.format(pid=pid), out),
                      BPFTRACE_NEEDLE))
    return found


def one_run(ctx, label, make, needle, run_dir, files=None):
    """One run of one variant. `files`, when given: the output path, and whether
    to leave the file for the next variant (keep) or write over the previous
    one's (reuse) instead of starting from no file."""
    calls = ctx.calls // ctx.bpftrace_divisor if label.startswith("bpftrace") else ctx.calls
    files = files or {}
    output = files.get("path") or os.path.join(run_dir, "events.out")
    if files.get("reuse") and os.path.exists(output):
        os.truncate(output, 0)  # frees the previous run's pages just now
    elif not files.get("reuse"):
        remove(output)
    load = Child([ctx.tool("getppid_load"), str(calls)], stdin=subprocess.PIPE,
                 stdout=subprocess.PIPE, name="getppid_load")
    tracer = None
    try:
        if make:
            tracer = make(load.pid, output).start(run_dir)
            cpu_before = tracer.child.cpu_seconds()
        result = run_released(load, "getppid_load")
        elapsed_s = int(result["ns"]) / 1e9
        row = {"calls": calls, "rate": float(result["rate"]), "ns_per_call": elapsed_s * 1e9 / calls}
        if tracer:
            if tracer.output != "/dev/null":
                wait_until_stable(tracer.output, tracer.child)
            if isinstance(tracer, Probekit):
                tracer.query_drops()
            tracer.stop()
            if isinstance(tracer, ScrapedProbekit):
                row["scrapes"] = tracer.scrapes
                row["failed_scrapes"] = tracer.failed_scrapes
                row["slowest_scrape_ms"] = tracer.slowest_scrape_s * 1000
            cpu = tracer.child.cpu_seconds() - cpu_before
            if isinstance(tracer, Floor):
                delivered = tracer.count()
            elif tracer.output == "/dev/null":
                delivered = tracer.reported_events()  # all its syscalls, not only getppid
            elif files.get("capture"):
                delivered, replay = capture_replay.measure(ctx.probekit, tracer.output, needle)
                row.update(replay)
            else:
                delivered = count_bytes(tracer.output, needle)
            if tracer.output != "/dev/null" and delivered:
                row["bytes_per_event"] = os.path.getsize(tracer.output) / delivered
            row["delivered"] = delivered
            row["lost"] = tracer.lost()
            row["delivered_rate"] = delivered / elapsed_s if delivered is not None else None
            row["cpu_ns_per_event"] = cpu * 1e9 / (delivered if delivered else calls)
        return row
    finally:
        kill_leftovers(load, tracer and tracer.child)
        if not files.get("keep"):
            remove(output)


def file_write_cost(directory, size, chunk=256 << 10):
    """ns per KiB that write() takes into new pages of a file in `directory`,
    then into the same pages again. The JSON-to-file rows pay the first on
    every page: on a VM whose balloon reports free pages to the host, a new
    tmpfs page is a host page fault, and the cost grows with the volume, so
    `size` should be about what one run writes."""
    size = max(chunk, size // chunk * chunk)
    path = os.path.join(directory, "write-cost.tmp")
    block = b"x" * chunk
    costs = []
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for _ in range(2):
                os.lseek(fd, 0, os.SEEK_SET)
                start = time.perf_counter_ns()
                for _ in range(size // chunk):
                    os.write(fd, block)
                costs.append((time.perf_counter_ns() - start) / (size / 1024))
        finally:
            os.close(fd)
    finally:
        remove(path)
    return {"new_pages_ns_per_kib": costs[0], "same_pages_ns_per_kib": costs[1],
            "mib": size >> 20}


def run(ctx):
    # what probekit's file runs write, up to 2 GiB (about 3 s on a slow VM)
    write_cost = file_write_cost(ctx.run_dir("firehose-write-cost"),
                                 min(ctx.calls * JSON_LINE_BYTES, 2 << 30))
    results = ctx.repeat("firehose", variants(ctx),
                         lambda variant, run_dir: one_run(ctx, *variant[:3], run_dir,
                                                           *variant[3:]))
    summary = {label: summarize(rows) for label, rows in results.items()}
    for label, rows in results.items():
        summary[label]["x_untraced"] = paired_ratio(rows, results.get("untraced"), "rate")
        summary[label]["x_floor"] = paired_ratio(rows, results.get("floor"), "rate")
        summary[label]["x_ring_floor"] = paired_ratio(rows, results.get("ring floor, ring"), "rate")
        summary[label]["x_bpftrace_delivered"] = paired_ratio(
            rows, results.get(BPFTRACE_LABEL), "delivered_rate")
    if SCRAPED_LABEL in summary:
        summary[SCRAPED_LABEL]["x_unscraped"] = paired_ratio(
            results[SCRAPED_LABEL], results.get(NULL_LABEL), "rate")
    summary["_file_write_cost"] = write_cost
    return summary


def summarize(rows):
    keys = set().union(*(row.keys() for row in rows))
    summary = {key: median([row.get(key) for row in rows]) for key in keys}
    summary["runs"] = len(rows)
    summary["delivered_fraction"] = median(
        [row["delivered"] / row["calls"] if row.get("delivered") is not None else None
         for row in rows])
    summary["max_lost"] = max((row.get("lost") or 0) for row in rows) if rows else None
    return summary
