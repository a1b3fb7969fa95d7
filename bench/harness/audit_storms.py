# SPDX-License-Identifier: MIT
"""Scenarios 6 and 7, the session-audit storms: many threads opening and
closing files (bench/src/open_storm.c), and many threads connecting to a
local listener (bench/src/connect_storm.c), untraced and under probekit's
file_open / tcp_connect and libbpf-tools' opensnoop / tcpconnect, side by
side in one run. Plus the filtered cost: probekit with `login_only = true`
while the storm itself is outside any login, so every event is refused in
the kernel (goal: within 5 % of no probe).

An event counts when it is one of the storm's own opens of its own files, or
its own connects to its listener's port.
"""
import json
import os
import subprocess

from counting import count_lines, remove
from procs import Child, HarnessError, kill_leftovers, run_released, wait_until_stable
from stats import median, paired_ratio
from tracers import Execsnoop, Probekit

THREADS = 4


class Peer(Execsnoop):
    """A libbpf-tools tool writing to a file, started like execsnoop."""

    def __init__(self, name, output):
        super().__init__(output)
        self.name = name

    def argv(self):
        return [self.name]


def probekit_event_of(storm_pid, marker):
    """JSON lines of the storm's pid for its files (path under the `marker`
    directory) or its listener (dport `marker`)."""
    pid_key = f'"pid":{storm_pid},'

    def match(line):
        if pid_key not in line or marker not in line:
            return False
        try:
            event = json.loads(line)
        except ValueError:
            return False
        return event.get("pid") == storm_pid and (
            str(event.get("path", "")).startswith(marker) or str(event.get("dport")) == marker)
    return match


def opensnoop_event_of(storm_pid, storm_dir):
    # PID COMM FD ERR PATH
    def match(line):
        cols = line.split()
        return len(cols) >= 5 and cols[0] == str(storm_pid) and cols[4].startswith(storm_dir)
    return match


def tcpconnect_event_of(storm_pid, port):
    # PID COMM IP SADDR DADDR DPORT
    def match(line):
        cols = line.split()
        return len(cols) >= 6 and cols[0] == str(storm_pid) and cols[5] == str(port)
    return match


def login_filter(ctx, plugin):
    """The config lines that refuse every event of a task outside a login:
    `login_only = true` where this probekit has it, else (the label says
    "comm filter") a comm no task has, refused by the same in-kernel filter
    function, pk_task_wanted()."""
    config = os.path.join(ctx.work_dir, "login_only_check.ini")
    with open(config, "w") as f:
        f.write(f"[{plugin}]\nlogin_only = true\n")
    ok = subprocess.run([ctx.probekit, "check", "--config", config],
                        capture_output=True).returncode == 0
    if ok:
        return "login_only = true\n", "login_only"
    return "comm = pk-no-such-task\n", "comm filter"


class Storm:
    """What differs between the two storms."""

    def __init__(self, name, plugin, peer, peer_match, load_argv, count_key, marker):
        self.name, self.plugin, self.peer, self.peer_match = name, plugin, peer, peer_match
        self.load_argv, self.count_key, self.marker = load_argv, count_key, marker


def variants(ctx, storm):
    found = [("untraced", None, None)]
    if ctx.probekit:
        # The open storm makes events faster than JSON lines reach a file: a
        # 32 MiB ring (ring_size) holds a storm's backlog where the default
        # 1 MiB overflows (the drops are counted: see docs/benchmarks.md).
        config = f"[{storm.plugin}]\nring_size = 32M\n"
        found.append((f"probekit {storm.plugin}",
                      lambda out: Probekit(ctx.probekit, config, out, os.path.dirname(out)),
                      probekit_event_of))
        extra, label = login_filter(ctx, storm.plugin)
        filtered = config + extra
        found.append((f"probekit {storm.plugin}, {label}",
                      lambda out: Probekit(ctx.probekit, filtered, out, os.path.dirname(out)),
                      probekit_event_of))
    if ctx.have(storm.peer):
        found.append((storm.peer, lambda out: Peer(storm.peer, out), storm.peer_match))
    return found


def one_run(ctx, storm, make, matcher, run_dir):
    output = os.path.join(run_dir, "events.out")
    remove(output)
    try:
        tracer = make(output).start(run_dir) if make else None
    except HarnessError as err:
        # a peer that cannot attach on this kernel (tcpconnect needs kprobes)
        return {"unavailable": str(err).splitlines()[-1][:200]}
    load = Child(storm.load_argv(run_dir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 name=storm.name)
    try:
        result = run_released(load, storm.name)
        # CPU time too: the connect storm's wall time is bound by contention
        # on the one listener and moves by ±20 % from run to run.
        row = {"done": int(result[storm.count_key]), "wall_s": int(result["ns"]) / 1e9,
               "cpu_s": load.cpu_seconds()}
        if tracer:
            wait_until_stable(output, tracer.child)
            if isinstance(tracer, Probekit):
                tracer.query_drops()
            tracer.stop()
            row["seen"] = count_lines(output, matcher(load.pid, storm.marker(run_dir, result)))
            row["lost"] = tracer.lost()
        return row
    finally:
        kill_leftovers(load, tracer and tracer.child)
        remove(output)


def run_storm(ctx, storm):
    results = ctx.repeat(storm.name, variants(ctx, storm),
                         lambda v, run_dir: one_run(ctx, storm, v[1], v[2], run_dir))
    summary = {}
    for label, rows in results.items():
        rows = [r for r in rows if "unavailable" not in r]
        if not rows:
            summary[label] = {"unavailable": results[label][0]["unavailable"]}
            continue
        summary[label] = {
            "runs": len(rows),
            "done": rows[0]["done"],
            "wall_s": median([r["wall_s"] for r in rows]),
            "x_untraced": paired_ratio(rows, results.get("untraced"), "wall_s"),
            "cpu_s": median([r["cpu_s"] for r in rows]),
            "x_untraced_cpu": paired_ratio(rows, results.get("untraced"), "cpu_s"),
            "seen": median([r.get("seen") for r in rows]),
            "min_seen": min((r.get("seen") or 0) for r in rows),
            "max_lost": max((r.get("lost") or 0) for r in rows),
        }
    return summary


def open_storm(ctx):
    per_thread = max(1, ctx.opens // THREADS)

    def argv(run_dir):
        storm_dir = os.path.join(run_dir, "files")
        os.makedirs(storm_dir, exist_ok=True)
        for t in range(THREADS):
            with open(os.path.join(storm_dir, f"storm-{t}"), "w"):
                pass
        return [ctx.tool("open_storm"), storm_dir, str(THREADS), str(per_thread)]

    return Storm("open storm", "file_open", "opensnoop", opensnoop_event_of, argv, "opens",
                 lambda run_dir, result: os.path.join(run_dir, "files") + "/")


def connect_storm(ctx):
    per_thread = max(1, ctx.connects // THREADS)
    return Storm("connect storm", "tcp_connect", "tcpconnect", tcpconnect_event_of,
                 lambda run_dir: [ctx.tool("connect_storm"), str(THREADS), str(per_thread)],
                 "connects", lambda run_dir, result: result["port"])


class OpensScenario:
    @staticmethod
    def run(ctx):
        return run_storm(ctx, open_storm(ctx))


class ConnectsScenario:
    @staticmethod
    def run(ctx):
        return run_storm(ctx, connect_storm(ctx))
