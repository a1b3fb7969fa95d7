# SPDX-License-Identifier: MIT
"""Scenario 3, start-up and footprint: time from launch to "tracing" and the
peak RSS, for probekit with its default configuration (every built-in probe)
and with the four probes the targets were set for, execsnoop and bpftrace
with one probe. Each tool writes to a pseudo-terminal, as when run by hand, so
its ready line is not held back by stdio buffering.
"""
import os
import re
import select
import time

from procs import (Child, HarnessError, kill_leftovers, now_ns, proc_vm_hwm_kb,
                   proc_vm_rss_kb)
from stats import median
from tracers import PROBEKIT_READY

RUN_AFTER_READY = 1.0  # seconds of tracing before the footprint is read
READY_TIMEOUT = 60.0


# The probes there were when the targets (200 ms, 16 MB) were set.
FIRST_FOUR = ["kprobe_unlink", "raw_tp", "tp_exec", "uprobe_bash"]


def probekit_argv(ctx, run_dir, probes):
    """probekit run with the built-in default configuration (every probe it
    finds), or with a config enabling just `probes`."""
    argv = [ctx.probekit, "run", "--format", "json", "--output", "/dev/null", "--control-socket",
            os.path.join(run_dir, "probekit.sock")]
    if probes:
        config = os.path.join(run_dir, f"{len(probes)}-probes.ini")
        with open(config, "w") as f:
            f.write("".join(f"[{name}]\n" for name in probes))
        argv[2:2] = ["--config", config]
    return argv


def tools(ctx, run_dir):
    found = []
    if ctx.probekit:
        found.append(("probekit (default config: every probe)", probekit_argv(ctx, run_dir, None),
                      PROBEKIT_READY))
        if all(name in ctx.plugins for name in FIRST_FOUR):
            found.append((f"probekit (4 probes: {', '.join(FIRST_FOUR)})",
                          probekit_argv(ctx, run_dir, FIRST_FOUR), PROBEKIT_READY))
    if ctx.have("execsnoop"):
        found.append(("execsnoop", ["execsnoop"], r"PCOMM"))
    if ctx.have("bpftrace"):
        found.append(("bpftrace (1 probe)",
                      ["bpftrace", "-e",
                       'tracepoint:sched:sched_process_exec { printf("%s\\n", comm); }'],
                      r"Attaching \d+ probe"))
    return found


class PtyReader:
    def __init__(self):
        self.master, self.slave = os.openpty()
        self.text = ""

    def pump(self, seconds):
        """Read what is there for up to `seconds`; False at end of file."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the other side is closed
            return False
        self.text += data.decode(errors="replace")
        return bool(data)

    def close(self):
        os.close(self.master)


def one_run(argv, pattern):
    pty = PtyReader()
    child = Child(argv, stdin=pty.slave, stdout=pty.slave, stderr=pty.slave)
    os.close(pty.slave)
    regex = re.compile(pattern)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        match = None
        while not match:
            if time.monotonic() > deadline or not pty.pump(0.05) and not child.alive():
                raise HarnessError(f"{argv[0]} not ready ({child.status}):\n{pty.text[-2000:]}")
            match = regex.search(pty.text)
        ready_ms = (now_ns() - child.launched_ns) / 1e6
        end = time.monotonic() + RUN_AFTER_READY
        while time.monotonic() < end:
            pty.pump(0.05)
        hwm_kb, rss_kb = proc_vm_hwm_kb(child.pid), proc_vm_rss_kb(child.pid)
        os.kill(child.pid, 2)
        while pty.pump(0.1) and child.alive():
            pass
        child.wait(20)
        # VmHWM, not wait4's ru_maxrss: that one keeps the high-water mark of
        # the forked Python harness from before exec.
        return {"ready_ms": ready_ms, "rss_kb": hwm_kb, "steady_rss_kb": rss_kb,
                "ready_line": match.group(0)}
    finally:
        kill_leftovers(child)
        pty.close()


def run(ctx):
    results = ctx.repeat("start-up", tools(ctx, ctx.run_dir("startup")),
                         lambda variant, run_dir: one_run(variant[1], variant[2]))
    return {label: {"runs": len(rows),
                    "ready_ms": median([r["ready_ms"] for r in rows]),
                    "rss_mb": median([r["rss_kb"] for r in rows]) / 1024.0,
                    "max_rss_mb": max(r["rss_kb"] for r in rows) / 1024.0,
                    "steady_rss_mb": median([r["steady_rss_kb"] for r in rows]) / 1024.0,
                    "ready_line": rows[-1]["ready_line"]}
            for label, rows in results.items()}
