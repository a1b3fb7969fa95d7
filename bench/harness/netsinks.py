# SPDX-License-Identifier: MIT
"""Scenario 6, network sinks: the events per second the `syslog` sink (TCP
into rsyslogd) and the `nats` sink (into nats-server -js, acknowledged)
deliver into their servers on this machine, side by side with probekit's
json sink writing a file, for an exec storm (tp_exec, comm = true) and a
filtered syscall firehose (raw_tp events for one getppid() loop), with the
records each sink dropped (its queue full) and the kernel's drops.

The servers are the ones the integration tests start (tests/integration/
netservers.py), fresh for each run. A run's delivery time is from the load's
start until probekit has exited, its sink having sent (and, for nats, had
acknowledged) everything it held: delivered / that time is the rate.
"""
import os
import re
import subprocess
import sys
import time

from counting import remove
from procs import Child, HarnessError, kill_leftovers, run_released
from stats import median, paired_ratio
from tracers import Probekit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "integration"))
from netservers import NatsServer, Rsyslog  # noqa: E402

KERNEL_LOST = re.compile(r"(\d+) dropped in the kernel")
SINK_TOTALS = re.compile(r"(\d+) records accepted, (\d+) delivered \((\d+) bytes\), (\d+) dropped")
# the firehose into a network sink: 1/10 of the file firehose's calls
FIREHOSE_DIVISOR = 10

WORKLOADS = {
    "exec storm": "[tp_exec]\nexits = false\ncomm = true\n",
    "firehose": "[raw_tp]\nmode = events\npid = {pid}\nring_size = 16777216\n",
}

SINKS = {
    "json>file": None,
    "syslog tcp>rsyslogd": "[to_server]\nplugin = syslog\ntransport = tcp\nport = {port}\n"
                           "close_timeout_ms = 120000\n",
    "nats>JetStream": "[to_server]\nplugin = nats\nservers = {url}\nstream = PROBEKIT\n"
                      "create_stream = true\nclose_timeout_ms = 120000\n",
}


def have_servers(ctx):
    found = {"json>file": True}
    found["syslog tcp>rsyslogd"] = ctx.have("rsyslogd") or os.path.exists("/usr/sbin/rsyslogd")
    found["nats>JetStream"] = ctx.have("nats-server") or os.path.exists("/usr/sbin/nats-server")
    plugins = set(ctx.plugins)
    found["syslog tcp>rsyslogd"] &= "syslog" in plugins
    found["nats>JetStream"] &= "nats" in plugins
    return found


def variants(ctx):
    usable = have_servers(ctx)
    return [(f"{workload}: {sink}", workload, sink) for workload in WORKLOADS
            for sink in SINKS if usable[sink]]


def start_server(sink, run_dir):
    if sink.startswith("syslog"):
        server = Rsyslog(run_dir, name="rsyslog").start()
        return server, {"port": server.tcp_port}
    if sink.startswith("nats"):
        server = NatsServer(run_dir, name="nats").start()
        return server, {"url": server.url}
    return None, {}


def load_argv(ctx, workload):
    if workload == "exec storm":
        return [ctx.tool("exec_storm"), str(ctx.execs)]
    return [ctx.tool("getppid_load"), str(max(1, ctx.calls // FIREHOSE_DIVISOR))]


def one_run(ctx, workload, sink, run_dir):
    output = os.path.join(run_dir, "events.out")
    remove(output)
    server, where = start_server(sink, run_dir)
    load = Child(load_argv(ctx, workload), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 name="load")
    tracer = None
    try:
        config = WORKLOADS[workload].format(pid=load.pid)
        if sink and SINKS[sink]:
            config += SINKS[sink].format(**where)
        extra = ["--format", "none"] if SINKS[sink] else []
        tracer = Probekit(ctx.probekit, config, output, run_dir, extra_args=extra).start(run_dir)
        start = time.monotonic()
        result = run_released(load, "load")
        tracer.query_drops()
        # returns once the sink has delivered what it held; 4: records were lost (counted below)
        status = tracer.child.stop(timeout=300)
        if status not in (0, 4, -2, 130):
            raise HarnessError(f"probekit exited with {status}; see {tracer.log}")
        elapsed = time.monotonic() - start
        row = {"load_rate": (int(result.get("execs") or result.get("calls") or 0)
                             / (int(result["ns"]) / 1e9)),
               "kernel_lost": sum(int(n) for n in KERNEL_LOST.findall(tracer.log_text())),
               "seconds": elapsed}
        if SINKS[sink]:
            totals = SINK_TOTALS.findall(tracer.log_text())
            if not totals:
                raise HarnessError(f"{sink}: no totals in {tracer.log}")
            accepted, delivered, size, dropped = (int(x) for x in totals[-1])
            row.update(accepted=accepted, delivered=delivered, dropped=dropped,
                       bytes_per_event=size / delivered if delivered else None)
        else:
            with open(output, "rb") as f:
                row["delivered"] = row["accepted"] = sum(1 for _ in f)
            row["dropped"] = 0
        row["delivered_rate"] = row["delivered"] / elapsed
        return row
    finally:
        kill_leftovers(load, tracer and tracer.child)
        if server:
            server.stop()
        remove(output)


def run(ctx):
    results = ctx.repeat("netsinks", variants(ctx),
                         lambda variant, run_dir: one_run(ctx, variant[1], variant[2], run_dir))
    summary = {}
    for label, rows in results.items():
        workload = label.split(":")[0]
        summary[label] = {key: median([r.get(key) for r in rows])
                          for key in ("load_rate", "delivered", "accepted", "dropped",
                                      "kernel_lost", "seconds", "delivered_rate",
                                      "bytes_per_event")}
        summary[label]["runs"] = len(rows)
        summary[label]["max_dropped"] = max((r.get("dropped") or 0) for r in rows)
        summary[label]["x_json_file"] = paired_ratio(rows, results.get(f"{workload}: json>file"),
                                                     "delivered_rate")
    return summary
