# SPDX-License-Identifier: MIT
"""Scenario 2, the exec storm: M runs of /bin/true (fork, execve, wait),
untraced and under probekit's tp_exec, libbpf-tools execsnoop and bpftrace.
An event counts when it is an exec of /bin/true by the storm's own children.
"""
import json
import os
import subprocess

from counting import count_lines, remove
from procs import Child, kill_leftovers, run_released, wait_until_stable
from stats import median, paired_ratio
from tracers import Bpftrace, Execsnoop, Probekit

BPFTRACE_SCRIPT = ("tracepoint:sched:sched_process_exec { "
                   'printf("%d %d %s %s\\n", pid, curtask->real_parent->tgid, comm, '
                   "str(args->filename)); }")

# execs only, like execsnoop (tp_exec also reports exits by default)
PROBEKIT_CONFIG = "[tp_exec]\nexits = false\n"


def probekit_event_of(storm_pid):
    def match(line):
        if '"true"' not in line and "/bin/true" not in line:
            return False
        try:
            event = json.loads(line)
        except ValueError:
            return False
        is_true = event.get("comm") == "true" or event.get("filename") == "/bin/true"
        return (event.get("event") == "exec" and is_true
                and event.get("ppid", storm_pid) == storm_pid)
    return match


def execsnoop_event_of(storm_pid):
    # PCOMM PID PPID RET ARGS (ARGS may be empty when unreadable)
    def match(line):
        cols = line.split()
        return len(cols) >= 4 and cols[0] == "true" and cols[2] == str(storm_pid)
    return match


def bpftrace_event_of(storm_pid):
    # PID PPID COMM FILENAME
    def match(line):
        cols = line.split()
        return len(cols) == 4 and cols[1] == str(storm_pid) and cols[3] == "/bin/true"
    return match


def variants(ctx):
    found = [("untraced", None, None)]
    if ctx.probekit:
        found.append(("probekit tp_exec",
                      lambda out: Probekit(ctx.probekit, PROBEKIT_CONFIG, out,
                                           os.path.dirname(out)),
                      probekit_event_of))
    if ctx.have("execsnoop"):
        found.append(("execsnoop", lambda out: Execsnoop(out), execsnoop_event_of))
    if ctx.have("bpftrace"):
        found.append(("bpftrace", lambda out: Bpftrace(BPFTRACE_SCRIPT, out), bpftrace_event_of))
    return found


def one_run(ctx, make, matcher, run_dir):
    output = os.path.join(run_dir, "events.out")
    remove(output)
    tracer = make(output).start(run_dir) if make else None
    load = Child([ctx.tool("exec_storm"), str(ctx.execs)], stdin=subprocess.PIPE,
                 stdout=subprocess.PIPE, name="exec_storm")
    try:
        result = run_released(load, "exec_storm")
        row = {"execs": int(result["execs"]), "wall_s": int(result["ns"]) / 1e9}
        if tracer:
            wait_until_stable(output, tracer.child)
            tracer.stop()
            row["delivered"] = count_lines(output, matcher(load.pid))
            row["lost"] = tracer.lost()
        return row
    finally:
        kill_leftovers(load, tracer and tracer.child)
        remove(output)


def run(ctx):
    results = ctx.repeat("exec storm", variants(ctx),
                         lambda variant, run_dir: one_run(ctx, variant[1], variant[2], run_dir))
    summary = {}
    for label, rows in results.items():
        summary[label] = {
            "runs": len(rows),
            "execs": rows[0]["execs"],
            "wall_s": median([r["wall_s"] for r in rows]),
            "x_untraced": paired_ratio(rows, results.get("untraced"), "wall_s"),
            "delivered": median([r.get("delivered") for r in rows]),
            "min_delivered": min((r.get("delivered") or 0) for r in rows),
            "max_delivered": max((r.get("delivered") or 0) for r in rows),
            "max_lost": max((r.get("lost") or 0) for r in rows),
        }
    return summary
