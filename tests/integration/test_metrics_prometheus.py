#!/usr/bin/env python3
"""/metrics scraped by a real Prometheus (Debian's prometheus, started here
with its own config, data directory and loopback port, scraping every
second): every running probe's probekit_events_total grows and its
probekit_probe_up is 1, as Prometheus's HTTP API reports them. A direct
scrape passes `promtool check metrics`, carries the config's SHA-256, the
build and process metrics, and the kernel's per-program BPF cost while
BPF stats are on (enabled here through a BPF_ENABLE_STATS descriptor, which
turns them off again when it is closed, and is all a test may touch: the
sysctl would change the machine for everyone)."""
import ctypes
import hashlib
import os
import socket
import subprocess
import tempfile
import threading
import time

from pkmetrics import (Prometheus, free_port, http_get, parse_metrics, promtool_check,
                       samples)
from pktest import PROBEKIT, Probekit, check, check_eq, done, run_cli, wait_for

PROBES = ["kprobe_unlink", "raw_tp", "tp_exec"]


def workload(stop, folder):
    """execs and unlinks every 50 ms until `stop` is set."""
    victim = os.path.join(folder, "victim")
    while not stop.is_set():
        subprocess.run(["/bin/true"])
        open(victim, "w").close()
        os.unlink(victim)
        time.sleep(0.05)


def enable_bpf_stats():
    """A descriptor that keeps kernel.bpf_stats_enabled on while open, or None."""
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)  # union bpf_attr.enable_stats.type = BPF_STATS_RUN_TIME
    fd = libc.syscall(321, 32, attr, 4)  # SYS_bpf, BPF_ENABLE_STATS
    return fd if fd >= 0 else None


def sums_by_probe(prom):
    return {m["probe"]: v for m, v in prom.query("sum by (probe) (probekit_events_total)")}


port = free_port()
folder = tempfile.mkdtemp(prefix="pktest-metrics-")
capture_path = os.path.join(folder, "events.pkcap")
# a sink with stats(): the capture sink counts what it wrote
config = (f"[probekit]\nstats_interval = 1\nmetrics = 127.0.0.1:{port}\n\n"
          f"[capture]\noutput = {capture_path}\n\n"
          + "".join(f"[{p}]\n" for p in PROBES))
stop = threading.Event()
worker = threading.Thread(target=workload, args=(stop, folder))

with Probekit(config, fmt="none") as pk:
    check(f"metrics: serving http://127.0.0.1:{port}/metrics" in pk.read_stderr(),
          "probekit says where it serves metrics", pk.read_stderr())
    worker.start()
    with Prometheus([f"127.0.0.1:{port}"]) as prom:
        first = wait_for(lambda: len(sums_by_probe(prom)) == len(PROBES) and sums_by_probe(prom),
                         20, 0.2)
        check_eq(sorted(first or {}), PROBES, "Prometheus has probekit_events_total of each probe")
        grown = wait_for(lambda: all(sums_by_probe(prom).get(p, 0) > (first or {}).get(p, 0)
                                     for p in PROBES) and sums_by_probe(prom), 20, 0.2)
        check(grown, "probekit_events_total of every probe increased between scrapes",
              f"first {first}, last {sums_by_probe(prom)}")
        up = {m["probe"]: v for m, v in prom.query("probekit_probe_up")}
        check_eq(up, {p: 1.0 for p in PROBES}, "probekit_probe_up is 1 for every probe")
        modes = {m["probe"]: m.get("mode", "") for m, v in prom.query("probekit_probe_info")}
        check_eq(modes.get("kprobe_unlink"), "tracepoint",
                 "probekit_probe_info carries kprobe_unlink's attach mode")
        rate = prom.query('sum(rate(probekit_events_total{probe="tp_exec"}[5s]))')
        check(rate and rate[0][1] > 0, "Prometheus computes a positive rate of tp_exec events",
              str(rate))
        health = prom.targets_health()
        check(health and all(h == "up" for _, h, _ in health), "the scrape target is up",
              str(health))

    status, ctype, text = http_get(f"http://127.0.0.1:{port}/metrics")
    check_eq(status, 200, "GET /metrics answers 200")
    check_eq(ctype, "text/plain; version=0.0.4; charset=utf-8",
             "the text exposition format's content type")
    rc, lint = promtool_check(text)
    check(rc == 0 and not lint.strip(), "promtool check metrics is clean", lint)
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name = line.split()[2]
            check(f"# HELP {name} " in text, f"{name} has a HELP line")
    m = parse_metrics(text)
    with open(pk.config_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    check_eq([d["sha256"] for d, _ in samples(m, "probekit_config_sha256_info")], [digest],
             "probekit_config_sha256_info is the SHA-256 of the config file")
    loaded = samples(m, "probekit_config_reload_timestamp_seconds")
    check(loaded and abs(loaded[0][1] - time.time()) < 120,
          "the config load timestamp is recent", str(loaded))
    version = subprocess.run([PROBEKIT, "--version"], capture_output=True, text=True).stdout
    build = samples(m, "probekit_build_info")
    check(build and build[0][0]["version"] in version and build[0][0]["abi"] in version,
          "probekit_build_info matches probekit --version", f"{build} / {version}")
    rss = samples(m, "process_resident_memory_bytes")
    check(rss and rss[0][1] > 1 << 20, "process_resident_memory_bytes is the RSS", str(rss))
    start = samples(m, "process_start_time_seconds")
    check(start and abs(start[0][1] - time.time()) < 300, "process_start_time_seconds is recent",
          str(start))
    check(samples(m, "process_cpu_seconds_total"), "process_cpu_seconds_total is there")
    for p in PROBES:
        check_eq([v for _, v in samples(m, "probekit_kernel_drops_total", probe=p)], [0.0],
                 f"{p}: no kernel drops")
        fill = samples(m, "probekit_ring_fill_ratio", probe=p)
        check(len(fill) == 1 and 0 <= fill[0][1] <= 1, f"{p}: a ring fill ratio in [0, 1]",
              str(fill))
    records = samples(m, "probekit_sink_records_total", sink="capture")
    written = samples(m, "probekit_sink_bytes_total", sink="capture")
    check(records and records[0][1] > 0 and written and written[0][1] > 0,
          "the capture sink's records and bytes", f"{records} {written}")
    check_eq([v for _, v in samples(m, "probekit_sink_errors_total", sink="capture")], [0.0],
             "the capture sink has no errors")
    exec_events = samples(m, "probekit_events_total", probe="tp_exec", event="exec")
    check(exec_events and exec_events[0][1] > 0, "events are counted by event type",
          str(exec_events))

    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        sysctl = float(f.read())
    check_eq([v for _, v in samples(m, "probekit_bpf_stats_enabled")], [sysctl],
             "probekit_bpf_stats_enabled is the sysctl")
    stats_fd = enable_bpf_stats()
    check(stats_fd is not None, "BPF_ENABLE_STATS gives a descriptor")
    if stats_fd is not None:
        time.sleep(0.5)  # the workload runs tp_exec's programs meanwhile
        text = http_get(f"http://127.0.0.1:{port}/metrics")[2]
        os.close(stats_fd)
        rc, lint = promtool_check(text)
        check(rc == 0 and not lint.strip(), "promtool check metrics is clean with BPF cost too",
              lint)
        m = parse_metrics(text)
        runs = samples(m, "probekit_bpf_runs_total", probe="tp_exec")
        check(runs and sum(v for _, v in runs) > 0, "tp_exec's programs ran, per the kernel",
              str(runs))
        spent = samples(m, "probekit_bpf_run_seconds_total", probe="tp_exec")
        check(spent and sum(v for _, v in spent) > 0, "and took some time", str(spent))
        check({d["program"] for d, _ in runs} == {d["program"] for d, _ in spent},
              "both families name the same programs")

    status404 = None
    try:
        http_get(f"http://127.0.0.1:{port}/other")
    except Exception as e:  # urllib raises HTTPError for 404
        status404 = getattr(e, "code", None)
    check_eq(status404, 404, "other paths are not found")
    stop.set()
    worker.join()

check_eq(pk.returncode, 0, "probekit exits 0")

# A bad address is a configuration error that `check` reports with its line,
# as `run` does; an address in use stops the run before it reports ready.
bad = os.path.join(folder, "bad.ini")
with open(bad, "w") as f:
    f.write("[probekit]\nformat = json\nmetrics = localhost:9464\n[tp_exec]\n")
for cmd in (["check"], ["run", "--format", "none"]):
    out = run_cli(*cmd, "--config", bad)
    check_eq(out.returncode, 2, f"{cmd[0]} refuses metrics = localhost:9464")
    check(f"{bad}:3: metrics:" in out.stderr and "no host names" in out.stderr,
          f"{cmd[0]} names the file and line", out.stderr)
out = run_cli("run", "--metrics", "127.0.0.1", "--probes", "tp_exec")
check_eq(out.returncode, 2, "--metrics without a port is refused")
check("--metrics:" in out.stderr, "and says which flag", out.stderr)
with socket.socket() as taken:
    taken.bind(("127.0.0.1", free_port()))
    taken.listen()
    addr = "127.0.0.1:%d" % taken.getsockname()[1]
    out = run_cli("run", "--format", "none", "--metrics", addr, "--probes", "tp_exec",
                  "--control-socket", os.path.join(folder, "c.sock"), "--duration", "5")
    check_eq(out.returncode, 1, "an address in use ends the run with 1")
    check(f"cannot serve on {addr}" in out.stderr and "ready:" not in out.stderr,
          "and says so before ready", out.stderr)
os.remove(bad)
os.remove(capture_path)
os.rmdir(folder)
done()
