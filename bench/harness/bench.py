# SPDX-License-Identifier: MIT
"""probekit benchmark harness: runs every scenario with each tool in turn on
the same workload and prints the tables and the targets. Started by
bench/run.sh, which builds what it needs first.

Exit status: 0 when every run completed, 1 when the harness could not
measure something (a tool failed to start, crashed, or a load failed),
2 on bad usage; with --strict, also 3 when a target is missed.
"""
import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import time

import audit_storms
import exec_storm
import firehose
import latency
import netsinks
import report
import soak
import startup
from context import Context
from procs import HarnessError

SCENARIOS = {
    "firehose": (firehose, "1. Syscall firehose", report.firehose_table),
    "exec": (exec_storm, "2. Exec storm", report.exec_table),
    "startup": (startup, "3. Start-up and footprint", report.startup_table),
    "latency": (latency, "4. Latency at low rate", report.latency_table),
    "netsinks": (netsinks, "6. Network sinks: syslog into rsyslogd, nats into JetStream",
                 report.netsinks_table),
    "soak": (soak, "5. Soak: every probe plus a firehose, RSS and accounting", report.soak_table),
    "opens": (audit_storms.OpensScenario, "7. Open storm: file_open vs opensnoop",
              report.storm_table),
    "connects": (audit_storms.ConnectsScenario, "8. Connect storm: tcp_connect vs tcpconnect",
                 report.storm_table),
}
# The soak takes ten minutes: only when asked for (--only soak), or 20 s with --quick.
DEFAULT = ["firehose", "exec", "startup", "latency", "netsinks", "opens", "connects"]


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="1 run, tiny sizes: a smoke test")
    p.add_argument("--runs", type=int, help="repetitions per tool (median), default 5")
    p.add_argument("--only", help="scenarios, comma-separated (default: all but soak; "
                   "--quick adds a 20 s soak)")
    p.add_argument("--soak-seconds", type=int, default=600, help="soak length, default 600")
    p.add_argument("--build-dir", required=True, help=argparse.SUPPRESS)
    p.add_argument("--tools-dir", required=True, help=argparse.SUPPRESS)
    p.add_argument("--work-dir", required=True, help=argparse.SUPPRESS)
    p.add_argument("--calls", type=int, help="firehose getppid() calls")
    p.add_argument("--execs", type=int, help="exec storm size")
    p.add_argument("--latency-events", type=int, help="low-rate events (one per 100 ms)")
    p.add_argument("--opens", type=int, help="open storm size (opens, over 4 threads)")
    p.add_argument("--connects", type=int, help="connect storm size (connects, over 4 threads)")
    p.add_argument("--no-probekit", action="store_true", help="measure the peers only")
    p.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    p.add_argument("--json", help="also write the results to this file")
    return p.parse_args(argv)


def make_context(args):
    ctx = Context(tools_dir=args.tools_dir, work_dir=args.work_dir, quick=args.quick)
    if args.quick:
        ctx.runs, ctx.calls, ctx.execs, ctx.latency_events = 1, 200_000, 50, 10
        ctx.opens, ctx.connects = 4000, 400
        ctx.bpftrace_divisor = 10
    ctx.runs = args.runs or ctx.runs
    ctx.calls = args.calls or ctx.calls
    ctx.execs = args.execs or ctx.execs
    ctx.latency_events = args.latency_events or ctx.latency_events
    ctx.opens = args.opens or ctx.opens
    ctx.connects = args.connects or ctx.connects
    ctx.soak_seconds = args.soak_seconds
    binary = os.path.join(args.build_dir, "bin", "probekit")
    if not args.no_probekit:
        if not os.access(binary, os.X_OK):
            raise HarnessError(f"{binary} is missing (build failed?); use --no-probekit for peers only")
        ctx.probekit = binary
        plugin_files = glob.glob(os.path.join(args.build_dir, "lib*", "probekit", "plugins", "*.so"))
        ctx.plugins = sorted(os.path.basename(f)[:-3] for f in plugin_files)
    os.makedirs(ctx.work_dir, exist_ok=True)
    return ctx


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not installed"


def header(ctx):
    bpftrace = version(["bpftrace", "--version"])
    tools = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libbpf-tools"],
                           capture_output=True, text=True).stdout or "unknown"
    return (f"probekit bench, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"kernel {platform.release()}, {os.cpu_count()} CPUs, {bpftrace}, "
            f"libbpf-tools {tools}; {ctx.runs} run(s) per tool, medians"
            + (" (--quick smoke: sizes too small to mean anything)" if ctx.quick else ""))


def main(argv):
    args = parse_args(argv)
    # --quick leaves out the storms of the session-audit probes (a minute of
    # tracer start-ups for rows too small to mean anything); --only runs them.
    quick = [name for name in DEFAULT if name not in ("opens", "connects")] + ["soak"]
    only = args.only or ",".join(quick if args.quick else DEFAULT)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}",
              file=sys.stderr)
        return 2
    try:
        ctx = make_context(args)
    except HarnessError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    results, failed = {}, []
    for name in wanted:
        module = SCENARIOS[name][0]
        try:
            results[name] = module.run(ctx)
        except HarnessError as err:
            failed.append(name)
            print(f"bench: scenario {name} failed: {err}", file=sys.stderr)
    print(header(ctx))
    for name in wanted:
        if name in results:
            _, title, render = SCENARIOS[name]
            print(f"\n### {title}\n\n{render(results[name])}")
    if ctx.probekit:
        text, rows = report.targets_table(results)
        print(f"\n### Targets\n\n{text}")
    else:
        rows = []
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header(ctx), "results": results}, f, indent=1, default=str)
    if failed:
        print(f"\nbench: FAILED scenario(s): {', '.join(failed)}", file=sys.stderr)
        return 1
    if args.strict and any(ok is False for *_, ok in rows):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
