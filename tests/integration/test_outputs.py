#!/usr/bin/env python3
"""What probekit guarantees about its outputs (docs/reliability.md), each
case against real files and real full filesystems (a tmpfs this test
mounts): a full disk mid-run drops and counts records and recovers once
space is freed, a disk full from the start counts every record dropped,
`| head -1` ends the run at once and non-zero, a second instance refuses a
locked output, a missing or read-only output directory is a start-up error
(exit 2, before any probe attaches) that `check` reports too, the exit
summary is the last thing written with every event it counts in the output,
and a reader of standard output that stops reading never holds up the loop
(list answers, the run ends on a signal) while what it missed is counted.
Throughout: events = lines + dropped, exactly, and no line is ever half."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from outputs_env import Generator, Summary, fill, raw_config, read_lines, tmpfs
from pktest import PROBEKIT, Probekit, check, check_eq, done, run_cli, wait_for

work_dirs = []


def work_dir(what):
    path = tempfile.mkdtemp(prefix=f"pktest-outputs-{what}-")
    work_dirs.append(path)
    return path


def sink_entry(pk, name="json"):
    for entry in pk.list_json()["sinks"]:
        if entry["name"] == name:
            return entry
    return {}


def all_json(lines):
    try:
        for line in lines:
            json.loads(line)
        return True
    except ValueError:
        return False


def start_at(config, output, fmt="json"):
    pk = Probekit(config, fmt=fmt)
    pk.output_path = output
    pk.start()
    return pk


def check_full_mid_run_then_recovery(gen):
    with tmpfs("256k") as mnt:
        out = os.path.join(mnt, "events.jsonl")
        filler = os.path.join(mnt, "filler")
        fill(filler, 200 * 1024)
        pk = start_at(raw_config(gen.pid), out)
        try:
            gen.calls(1000)  # ~270 KB of JSON into ~56 KB of space
            check(wait_for(lambda: sink_entry(pk).get("condition"), 10),
                  "list shows the sink's condition while the disk is full", sink_entry(pk))
            entry = sink_entry(pk)
            check(entry.get("dropped", 0) > 0, "list counts the dropped records", entry)
            time.sleep(0.5)  # retries reopen the file meanwhile: the condition stays
            table = run_cli("list", "--control-socket", pk.socket_path).stdout
            check("No space left on device" in table, "list (text) shows the condition", table)
            os.unlink(filler)
            # records refused during the back-off are counted; a write that works clears it
            probes = []

            def written_again():
                gen.calls(10)
                probes.append(10)
                return sink_entry(pk).get("condition", 1) is None

            check(wait_for(written_again, 15, 0.1), "the sink writes again once space is freed",
                  sink_entry(pk))
            gen.calls(300)
            total = 1300 + sum(probes)
            check(wait_for(lambda: sink_entry(pk).get("records", 0) +
                           sink_entry(pk).get("dropped", 0) >= total, 10),
                  "every event is written or dropped", sink_entry(pk))
        finally:
            rc = pk.stop()
        totals = Summary(pk.stderr)
        lines, whole = read_lines(out)
        check_eq(rc, 4, "a run that lost records exits 4")
        check_eq(totals.events.get("raw"), total, "the summary counts every event")
        check_eq(len(lines) + totals.dropped.get("json", -1), total, "events = lines + dropped")
        check_eq(len(lines), totals.records.get("json"), "records written = lines in the file")
        check(whole and all_json(lines), "no half line, no NUL byte in the file")
        check(len(lines) >= 300 + 100, "lines written before the disk filled and after it was freed",
              f"{len(lines)} lines")
        check_eq(pk.stderr.count("records are dropped (and counted)"), 1,
                 "the failure is logged once, not per record")
        check("No space left on device" in pk.stderr and "writing again" in pk.stderr,
              "the log names the error and the recovery", pk.stderr)


def check_full_at_start(gen):
    with tmpfs("64k") as mnt:
        out = os.path.join(mnt, "events.jsonl")
        fill(os.path.join(mnt, "filler"), 1024 * 1024)
        pk = start_at(raw_config(gen.pid), out)
        try:
            gen.calls(200)
            check(wait_for(lambda: sink_entry(pk).get("dropped", 0) >= 200, 10),
                  "a full disk from the start: every record is counted dropped", sink_entry(pk))
        finally:
            rc = pk.stop()
        totals = Summary(pk.stderr)
        lines, whole = read_lines(out)
        check_eq(rc, 4, "full from the start: exit 4")
        check_eq((len(lines), totals.events.get("raw"), totals.dropped.get("json")),
                 (0, 200, 200), "(lines, events, dropped)")
        check(whole, "no partial line in the file")


def check_epipe_ends_run(gen):
    work = work_dir("epipe")
    cfg = os.path.join(work, "probekit.ini")
    with open(cfg, "w") as f:
        f.write(raw_config(gen.pid))
    errlog = open(os.path.join(work, "stderr"), "w+")
    pk = subprocess.Popen([PROBEKIT, "run", "-c", cfg, "-f", "json", "-s",
                           os.path.join(work, "sock"), "-d", "60"],
                          stdout=subprocess.PIPE, stderr=errlog)
    head = subprocess.Popen(["head", "-1"], stdin=pk.stdout, stdout=subprocess.PIPE)
    pk.stdout.close()  # head is the only reader
    try:
        wait_for(lambda: "ready:" in open(errlog.name).read(), 20)
        started = time.monotonic()
        while pk.poll() is None and time.monotonic() - started < 10:
            gen.calls(50)
            time.sleep(0.05)
        rc = pk.wait(5)
        took = time.monotonic() - started
    finally:
        if pk.poll() is None:
            pk.kill()
            pk.wait()
    first = head.communicate(timeout=5)[0].decode()
    stderr = open(errlog.name).read()
    check_eq(rc, 4, "| head -1: the run ends non-zero")
    check(took < 3, "| head -1: the run ends promptly", f"{took:.1f}s")
    check(all_json(first.splitlines()) and first.count("\n") == 1, "head got one whole line",
          first)
    check("reader is gone" in stderr, "the log says the reader is gone", stderr)
    totals = Summary(stderr)
    check_eq(totals.records.get("json", 0) + totals.dropped.get("json", 0),
             totals.events.get("raw"), "records + dropped = events, EPIPE or not")


def check_two_instances(gen):
    work = work_dir("lock")
    out = os.path.join(work, "events.jsonl")
    cfg = os.path.join(work, "probekit.ini")
    with open(cfg, "w") as f:
        f.write(raw_config(gen.pid))
    pk = start_at(raw_config(gen.pid), out)
    try:
        gen.calls(100)
        wait_for(lambda: sink_entry(pk).get("records", 0) >= 100, 10)
        second = run_cli("run", "-c", cfg, "-f", "json", "-o", out, "-s",
                         os.path.join(work, "sock2"), "-d", "5")
        gen.calls(100)
        wait_for(lambda: sink_entry(pk).get("records", 0) >= 200, 10)
    finally:
        rc = pk.stop()
    lines, whole = read_lines(out)
    check_eq(second.returncode, 2, "a second instance on the same output exits 2")
    check(out in second.stderr and "locked by another process" in second.stderr,
          "and says the file is locked, naming it", second.stderr)
    check("attached" not in second.stderr, "before any probe attaches", second.stderr)
    check_eq(rc, 0, "the first instance runs on, nothing lost")
    check_eq(len(lines), 200, "the first instance's file is whole: every event once")
    check(whole, "no NUL bytes, no half line")


def check_start_errors():
    with tmpfs("64k", "ro") as ro_mnt:
        work = work_dir("start")
        cases = [("missing directory", os.path.join(work, "nonexistent", "x.jsonl"),
                  "No such file or directory"),
                 ("read-only directory", os.path.join(ro_mnt, "x.jsonl"), "Read-only file system")]
        for what, out, reason in cases:
            cfg = os.path.join(work, "probekit.ini")
            with open(cfg, "w") as f:
                f.write(raw_config(os.getpid()))
            res = run_cli("run", "-c", cfg, "-f", "json", "-o", out, "-s",
                          os.path.join(work, "sock"), "-d", "5")
            check_eq(res.returncode, 2, f"run, {what}: exit 2")
            check(out in res.stderr and reason in res.stderr,
                  f"run, {what}: the path and the reason", res.stderr)
            check("attached" not in res.stderr, f"run, {what}: before any probe attaches",
                  res.stderr)
            with open(cfg, "w") as f:
                f.write(raw_config(os.getpid(), f"[archive]\nplugin = json\noutput = {out}\n"))
            res = run_cli("check", "-c", cfg)
            check_eq(res.returncode, 2, f"check, {what}: exit 2")
            check(out.split("/")[-2] in res.stderr and "output" in res.stderr,
                  f"check, {what}: names the output", res.stderr)
            check(not os.path.exists(out), f"check, {what}: creates nothing")
        # a sink plugin whose open() fails (the capture sink, in a missing directory)
        cap = os.path.join(work, "nonexistent", "x.pkcap")
        with open(cfg, "w") as f:
            f.write(raw_config(os.getpid(), f"[cap]\nplugin = capture\noutput = {cap}\n"))
        res = run_cli("run", "-c", cfg, "-f", "none", "-s", os.path.join(work, "sock"), "-d", "5")
        check_eq(res.returncode, 2, "run, a sink plugin whose open() fails: exit 2")
        check(cap in res.stderr and "attached" not in res.stderr,
              "run, a sink plugin whose open() fails: its path, before any probe attaches",
              res.stderr)
        res = run_cli("check", "-c", cfg)
        check_eq(res.returncode, 2, "check, the capture sink's missing directory: exit 2")


def keep_calling(gen, stop):
    while not stop.is_set():
        gen.calls(200)
        time.sleep(0.01)


def check_summary_last_to_file(gen, fmt, sig):
    work = work_dir("summary")
    out = os.path.join(work, f"events.{fmt}")
    pk = start_at(raw_config(gen.pid), out, fmt)
    stop = threading.Event()
    caller = threading.Thread(target=keep_calling, args=(gen, stop))
    caller.start()
    try:
        time.sleep(1.0)
        rc = pk.stop(sig)
    finally:
        stop.set()
        caller.join()
    totals = Summary(pk.stderr)
    lines, whole = read_lines(out)
    events = len(lines) - (1 if fmt == "text" else 0)  # the text sink's header line
    check_eq(rc, 0, f"{fmt} to a file, {sig.name}: exit 0")
    check(totals.events.get("raw", 0) > 0, f"{fmt} to a file: events were made", pk.stderr)
    check_eq(events, totals.events.get("raw"), f"{fmt} to a file: every counted event is in it")
    check(whole, f"{fmt} to a file: whole lines only")


def start_to_pipe(gen, what):
    """probekit run, JSON to a pipe this test reads only when it says so."""
    work = work_dir(what)
    cfg = os.path.join(work, "probekit.ini")
    with open(cfg, "w") as f:
        f.write(raw_config(gen.pid))
    errlog = os.path.join(work, "stderr")
    sock = os.path.join(work, "sock")
    pk = subprocess.Popen([PROBEKIT, "run", "-c", cfg, "-f", "json", "-s", sock],
                          stdout=subprocess.PIPE, stderr=open(errlog, "w"))
    check(wait_for(lambda: "ready:" in open(errlog).read(), 20), f"{what}: probekit is ready",
          open(errlog).read())
    return pk, sock, errlog


def json_sink_of(sock):
    res = run_cli("list", "--json", "--control-socket", sock, timeout=10)
    for entry in json.loads(res.stdout)["sinks"]:
        if entry["name"] == "json":
            return entry
    return {}


def make_burst(gen, events, piece=2000):
    """`events` getppid calls in slices the ring buffer holds: they reach the sink."""
    for _ in range(events // piece):
        gen.calls(piece)
        time.sleep(0.02)


def timed(fn):
    started = time.monotonic()
    value = fn()
    return value, time.monotonic() - started


def check_stalled_reader_mid_run(gen):
    pk, sock, errlog = start_to_pipe(gen, "stalled")
    got = []
    try:
        make_burst(gen, 60000)  # ~18 MB of JSON into a 64 KiB pipe nobody reads
        check(wait_for(lambda: json_sink_of(sock).get("condition"), 10),
              "a stalled reader: list shows the json sink's condition", json_sink_of(sock))
        entry, took = timed(lambda: json_sink_of(sock))
        check(took < 2, "a stalled reader: list answers at once", f"{took:.2f}s")
        check("reader is behind" in (entry.get("condition") or ""),
              "the condition says the reader is behind", entry)
        check(entry.get("dropped", 0) > 0 and entry.get("queued", 0) > 0,
              "list counts what was dropped and what waits for the reader", entry)
        reader = threading.Thread(target=lambda: got.append(pk.stdout.read()))
        reader.start()
        check(wait_for(lambda: "caught up" in open(errlog).read(), 20),
              "once it reads, the reader catches up (logged)", open(errlog).read())
        before = json_sink_of(sock)
        make_burst(gen, 2000, 250)
        check(wait_for(lambda: json_sink_of(sock).get("records", 0) >=
                       before.get("records", 0) + 2000, 10),
              "the reader caught up: new events are written", json_sink_of(sock))
        check_eq(json_sink_of(sock).get("dropped"), before.get("dropped"),
                 "and none of them is dropped")
        pk.send_signal(signal.SIGTERM)
        rc = pk.wait(15)
        reader.join(10)
    finally:
        if pk.poll() is None:
            pk.kill()
            pk.wait()
    stderr = open(errlog).read()
    lines = b"".join(got).decode(errors="replace").splitlines()
    totals = Summary(stderr)
    check_eq(rc, 4, "a stalled reader lost records: exit 4")
    check_eq(totals.events.get("raw", 0) + totals.kernel_drops.get("raw", 0), 62000,
             "the summary counts every call: an event or a kernel drop")
    check_eq(len(lines) + totals.dropped.get("json", -1), totals.events.get("raw"),
             "events = lines + dropped")
    check_eq(len(lines), totals.records.get("json"), "records written = lines read")
    check(all_json(lines), "every line read is whole JSON")
    check_eq(stderr.count("records are dropped (and counted) until it catches up"), 1,
             "the stall is logged once, not per record")


def check_stalled_reader_at_exit(gen):
    pk, sock, errlog = start_to_pipe(gen, "stalled-exit")
    try:
        make_burst(gen, 20000)
        check(wait_for(lambda: json_sink_of(sock).get("queued", 0) > 0, 10),
              "records wait for a reader that does not read", json_sink_of(sock))
        pk.send_signal(signal.SIGTERM)
        rc, took = timed(lambda: pk.wait(30))
    finally:
        if pk.poll() is None:
            pk.kill()
            pk.wait()
    stderr = open(errlog).read()
    data = pk.stdout.read().decode(errors="replace")
    whole = data[:data.rfind("\n") + 1].splitlines()
    totals = Summary(stderr)
    check(took < 8, "a reader that never reads again: the run ends after a bounded wait",
          f"{took:.1f}s")
    check_eq(rc, 4, "and exits 4: records were lost")
    check_eq(len(whole), totals.records.get("json"), "records written = whole lines in the pipe")
    check_eq(len(whole) + totals.dropped.get("json", -1), totals.events.get("raw"),
             "events = whole lines + dropped")
    check(all_json(whole), "the whole lines are JSON")


def check_summary_last_to_pipe(gen, fmt, how):
    work = work_dir("pipe")
    cfg = os.path.join(work, "probekit.ini")
    with open(cfg, "w") as f:
        f.write(raw_config(gen.pid))
    args = [PROBEKIT, "run", "-c", cfg, "-f", fmt, "-s", os.path.join(work, "sock")]
    if how == "duration":
        args += ["-d", "2"]
    # stdout and stderr in one pipe: the order the reader sees is the order written
    pk = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(pk.stdout.read()))
    reader.start()
    stop = threading.Event()
    caller = threading.Thread(target=keep_calling, args=(gen, stop))
    time.sleep(0.5)  # attached well before this (the raw_tp probe loads in ~0.1 s)
    caller.start()
    try:
        if how == "duration":
            rc = pk.wait(20)
        else:
            time.sleep(1.2)
            pk.send_signal(signal.SIGINT)
            rc = pk.wait(20)
    finally:
        stop.set()
        caller.join()
        reader.join()
    lines = b"".join(chunks).decode(errors="replace").splitlines()
    event_at = [i for i, line in enumerate(lines) if "getppid" in line
                and not line.startswith("probekit:")]
    summary_at = [i for i, line in enumerate(lines) if " events, " in line]
    totals = Summary("\n".join(lines))
    check_eq(rc, 0, f"{fmt} to a pipe, {how}: exit 0")
    check(summary_at and event_at and max(event_at) < min(summary_at),
          f"{fmt} to a pipe, {how}: no event after the summary", "\n".join(lines[-5:]))
    check_eq(len(event_at), totals.events.get("raw"),
             f"{fmt} to a pipe, {how}: every counted event is in it")


gen = Generator()
try:
    check_full_mid_run_then_recovery(gen)
    check_full_at_start(gen)
    check_epipe_ends_run(gen)
    check_two_instances(gen)
    check_start_errors()
    check_summary_last_to_file(gen, "json", signal.SIGINT)
    check_summary_last_to_file(gen, "text", signal.SIGTERM)
    check_summary_last_to_pipe(gen, "json", "duration")
    check_summary_last_to_pipe(gen, "text", "sigint")
    check_stalled_reader_mid_run(gen)
    check_stalled_reader_at_exit(gen)
finally:
    gen.close()
    for path in work_dirs:
        shutil.rmtree(path, ignore_errors=True)
done()
