#!/usr/bin/env python3
"""Capture and replay end to end.

One run writes a capture (--format capture) and, through a second sink, the
JSON of the same records directly. Replayed to JSON, the capture must give
the same lines (records, order, fields, values, timestamps). Replay must
also work with no plugins installed (records of custom decoders marked
partial), as an unprivileged user, on a file cut at every block boundary and
at random offsets inside blocks (the valid prefix replays, the offset is
reported), and on files with flipped header bytes (refused or skipped with
the reason, never a crash).
"""
import json
import os
import pty
import random
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import capture_spec_reader
from pktest import PROBEKIT, Probekit, check, check_eq, done, run_cli

HEADER = 64
GETPPID_CALLS = 500


def config(direct_json, pid):
    # every built-in probe: those that cannot attach here fail alone
    return (
        "[raw_events]\nplugin = raw_tp\nmode = events\nsyscalls = getppid\n"
        f"pid = {pid}\n\n"
        "[raw_counts]\nplugin = raw_tp\nmode = counts\nsyscalls = getppid\n\n"
        "[tp_exec]\n\n[uprobe_bash]\n\n[kprobe_unlink]\n\n"
        f"[json]\noutput = {direct_json}\n"
    )


def blocks(data):
    """(offset, type, total size) of every block after the file header."""
    out, at = [], HEADER
    while at + 16 <= len(data):
        _sync, btype, _flags, length, _crc = struct.unpack_from("<IHHII", data, at)
        size = 16 + ((length + 7) & ~7)
        out.append((at, btype, size))
        at += size
    return out


def replay(path, *args, probekit=PROBEKIT, user=None):
    cmd = [probekit, "replay", "-f", "json", "-o", "-", *args, path]
    if user:
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def start_bash(prompt):
    """An interactive bash on a pseudo-terminal (what uprobe_bash traces);
    returns (pid, fd). It is started before probekit, waiting at its prompt."""
    env = dict(os.environ, PS1=prompt, TERM="dumb", HISTFILE="/dev/null")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/bash", ["/bin/bash", "--norc", "--noprofile", "-i"], env)
    return pid, fd


def read_until(fd, text, timeout=10.0):
    seen, deadline = b"", time.monotonic() + timeout
    while text.encode() not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return text.encode() in seen


def make_capture(tmp):
    direct = os.path.join(tmp, "direct.json")
    prompt = f"pk{os.getpid()}-prompt$ "
    bash_pid, bash_fd = start_bash(prompt)
    check(read_until(bash_fd, prompt), "bash shows its prompt")
    # a child that waits for the go, makes its calls and execs a few programs
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import os,sys,subprocess\nsys.stdin.readline()\n"
         f"[os.getppid() for _ in range({GETPPID_CALLS})]\n"
         "[subprocess.run(['/bin/true']) for _ in range(3)]\nprint('done', flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pk = Probekit(config(direct, child.pid), fmt="capture")
    with pk:
        child.stdin.write("go\n")
        child.stdin.flush()
        check_eq(child.stdout.readline().strip(), "done", "the child made its calls")
        child.stdin.close()
        child.wait(10)
        os.write(bash_fd, b"echo capture-test-line\n")
        check(read_until(bash_fd, prompt), "bash ran a line")
    os.write(bash_fd, b"exit\n")
    os.close(bash_fd)
    os.waitpid(bash_pid, 0)
    check_eq(pk.returncode, 0, "the run exits 0")
    with open(direct) as f:
        direct_lines = f.read().splitlines()
    cap = os.path.join(tmp, "run.cap")  # pk's own directory goes with it
    shutil.copy(pk.output_path, cap)
    return cap, direct_lines, pk.stderr


def test_round_trip(cap, direct):
    out = replay(cap)
    check_eq(out.returncode, 0, "replay of a clean capture exits 0")
    lines = out.stdout.splitlines()
    check(len(lines) > GETPPID_CALLS, "the capture holds the child's calls and more",
          f"{len(lines)} lines")
    first_diff = next((i for i, (a, b) in enumerate(zip(lines, direct)) if a != b), None)
    check(lines == direct, "replayed JSON equals the JSON written directly in the same run",
          f"{len(lines)} vs {len(direct)} lines, first difference at line {first_diff}")
    for probe in ("raw_events", "raw_counts", "tp_exec", "uprobe_bash"):
        check(any(f'"probe":"{probe}"' in line for line in lines), f"{probe} has records")
    stats = run_cli("replay", "--stats", cap)
    check_eq(stats.returncode, 0, "--stats exits 0")
    check(f"raw_events" in stats.stdout and "syscall" in stats.stdout and
          "dropped in the kernel" in stats.stdout, "--stats names probes, events and drops",
          stats.stdout)
    only = replay(cap, "--probes", "tp_exec", "--event", "exec")
    check(only.stdout and all('"probe":"tp_exec","event":"exec"' in line
                              for line in only.stdout.splitlines()),
          "--probes and --event select", only.stdout[:300])
    return lines


def test_spec_reader(cap, lines):
    """A reader written from docs/capture-format.md alone reads the same events."""
    import json
    items = list(capture_spec_reader.read(cap))
    check(items[-1][0] == "end" and items[-1][1] is not None, "the spec reader finds the trailer")
    mine = [r for kind, r in items if kind == "record" and not r["custom_decode"]]
    theirs = [json.loads(line) for line in lines]
    declared = {r["probe"] for r in mine}  # probes without a custom decode()
    theirs = [r for r in theirs if r["probe"] in declared]
    check(len(mine) > 0 and len(mine) == len(theirs),
          "the spec reader gets every declared-fields sample",
          f"{len(mine)} vs {len(theirs)}: {sorted(set(r['probe'] for r in mine))}")
    same = True
    for a, b in zip(mine, theirs):
        for key in ("ts", "probe", "event", "pid", "tid", "comm"):
            same &= a[key] == b[key]
        for name, value in a["fields"].items():
            if value is not None and type(b.get(name)) is type(value):
                same &= value == b[name]
    check(same, "the spec reader's records match probekit replay's")


def stats_json(*paths):
    """`replay --stats --json`: exit status and the parsed document."""
    out = run_cli("replay", "--stats", "--json", *paths)
    try:
        return out.returncode, json.loads(out.stdout), out.stderr
    except ValueError:
        check(False, "--stats --json prints one JSON document", out.stdout[-300:])
        return out.returncode, {"files": []}, out.stderr


def test_stats_json(tmp, cap, lines, run_stderr):
    """--stats --json: per instance and event, what the replay and the run's exit summary say."""
    rc, doc, _ = stats_json(cap)
    check_eq(rc, 0, "--stats --json of a clean capture exits 0")
    check_eq(len(doc["files"]), 1, "one entry per file")
    f = doc["files"][0]
    check(f["clean_stop"] and f["end"]["status"] == "trailer" and f["end"]["reason"] is None
          and f["damaged"] == [], "a clean capture: trailer, no damage", f["end"])
    check_eq(f["end"]["offset"], os.path.getsize(cap), "reading ended at the file's end")
    records = [json.loads(line) for line in lines]
    check_eq(f["records"], len(records), "records: as many as the replay gives")
    # the run's exit summary: "probekit: NAME: N events, D dropped in the kernel, M malformed"
    summary = {m[0]: tuple(map(int, m[1:])) for m in re.findall(
        r"probekit: (\S+): (\d+) events, (\d+) dropped in the kernel, (\d+) malformed",
        run_stderr)}
    by_name = {i["name"]: i for i in f["instances"]}
    check({"raw_events", "raw_counts", "tp_exec"} <= set(summary),
          "the run's exit summary names its probes", run_stderr[-500:])
    check(set(summary) <= set(by_name), "every probe of the exit summary is in the capture",
          f"{sorted(summary)} vs {sorted(by_name)}")
    for name, (events, drops, malformed) in summary.items():
        inst = by_name.get(name, {})
        check_eq(inst.get("counters"), {"events": events, "kernel_drops": drops,
                                        "malformed": malformed, "not_captured": 0},
                 f"{name}: the capture's counters are the exit summary's")
        check_eq(inst.get("records"), events, f"{name}: every event it counted is replayed")
    for inst in f["instances"]:
        mine = [r for r in records if r["probe"] == inst["name"]]
        stamps = [r["ts"] for r in mine]
        check_eq((inst["records"], inst["first_ns"], inst["last_ns"]),
                 (len(mine), min(stamps, default=None), max(stamps, default=None)),
                 f"{inst['name']}: records and time span as replayed")
        for ev in inst["events"]:
            these = [r["ts"] for r in mine if r["event"] == ev["name"]]
            check_eq((ev["records"], ev["first_ns"], ev["last_ns"]),
                     (len(these), min(these, default=None), max(these, default=None)),
                     f"{inst['name']}/{ev['name']}: records and time span")
    raw = by_name["raw_events"]
    syscalls = next(e for e in raw["events"] if e["name"] == "syscall")
    check(syscalls["records"] >= GETPPID_CALLS, "raw_events saw the child's getppid() calls",
          syscalls)
    check_eq((raw["plugin"], raw["options"].get("syscalls")), ("raw_tp", "getppid"),
             "the instance's plugin and options")
    sink = re.search(r"probekit: capture: (\d+) records written", run_stderr)
    check(sink and int(sink[1]) == f["trailer"]["samples"] + f["trailer"]["records"],
          "the trailer counts what the capture sink said it wrote", sink and sink[0])

    with open(cap, "rb") as src:
        data = src.read()
    bl = blocks(data)
    start, _btype, size = bl[len(bl) // 2]
    cut = os.path.join(tmp, "stats-cut.cap")
    with open(cut, "wb") as out:
        out.write(data[:start + size // 2])
    replayed = replay(cut).stdout.splitlines()
    rc, doc, err = stats_json(cut, cap)
    check_eq(rc, 1, "--stats --json of a truncated file exits 1")
    check_eq(len(doc["files"]), 2, "both files are in the document")
    f, whole = doc["files"][0], doc["files"][1]
    check(not f["clean_stop"] and f["trailer"] is None, "the cut file has no trailer")
    check_eq((f["end"]["status"], f["end"]["offset"]), ("truncated", start),
             "the cut file: truncated, at the cut block's offset")
    check(f"truncated at byte {start}" in (f["end"]["reason"] or ""),
          "the reason says where and what was expected", f["end"])
    check_eq(f["records"], len(replayed), "the cut file's records: the valid prefix")
    check(whole["clean_stop"], "the second file is read on, whole")

    bad = bytearray(data)
    bad[start + 1] ^= 0x10  # the sync word of that block
    with open(cut, "wb") as out:
        out.write(bad)
    rc, doc, _ = stats_json(cut)
    f = doc["files"][0]
    check(rc == 1 and f["clean_stop"] and [d["offset"] for d in f["damaged"]] == [start]
          and f["damaged_total"] == 1, "a damaged block is listed with its offset", f["damaged"])

    with open(cut, "wb") as out:
        out.write(b"not a capture at all" * 8)
    rc, doc, _ = stats_json(cut)
    f = doc["files"][0]
    check(rc == 1 and f["end"]["status"] == "refused" and "instances" not in f,
          "a foreign file: refused, with the reason", f)


def hostile_names(data):
    """The capture with its first schema's instance and plugin names made hostile
    (quotes, backslash, control bytes, invalid UTF-8), same lengths, checksums redone."""
    out = bytearray(data)
    for at, btype, _size in blocks(data):
        if btype != 1:
            continue
        length = struct.unpack_from("<I", data, at + 8)[0]
        payload = bytearray(data[at + 16:at + 16 + length])
        n = struct.unpack_from("<I", payload, 4)[0]
        payload[8:8 + n] = (b'a"b\\\x01\x1b[2J\xff' * n)[:n]  # the instance's name
        at_plugin = 8 + n
        m = struct.unpack_from("<I", payload, at_plugin)[0]
        payload[at_plugin + 4:at_plugin + 4 + m] = (b'\x07"\\\xfez' * m)[:m]
        out[at + 16:at + 16 + length] = payload
        crc = capture_spec_reader.crc32c(bytes(payload),
                                         capture_spec_reader.crc32c(bytes(out[at + 4:at + 12])))
        struct.pack_into("<I", out, at + 12, crc)
        return out, bytes(payload[8:8 + n]), bytes(payload[at_plugin + 4:at_plugin + 4 + m])
    raise AssertionError("no schema block")


def test_stats_escaping(tmp, cap):
    """Names in a capture are untrusted: --stats --json escapes them, --stats too."""
    with open(cap, "rb") as f:
        data, name, plugin = hostile_names(f.read())
    path = os.path.join(tmp, "hostile.cap")
    with open(path, "wb") as f:
        f.write(data)
    rc, doc, _ = stats_json(path)
    check_eq(rc, 0, "--stats --json of the edited capture exits 0")
    names = [(i["name"], i["plugin"]) for i in doc["files"][0]["instances"]]
    want = (name.decode("utf-8", "replace"), plugin.decode("utf-8", "replace"))
    check(want in names, "hostile names come out as JSON strings of what the file holds",
          f"{want!r} not in {names!r}")
    text = run_cli("replay", "--stats", path)
    check(text.returncode == 0 and "\x1b" not in text.stdout and "\x07" not in text.stdout
          and "\\x1b" in text.stdout, "--stats shows control bytes escaped",
          repr(text.stdout[:300]))


def test_without_plugins(tmp, cap, lines):
    # a copy of the binary has no plugin directory next to it
    bare = os.path.join(tmp, "bare")
    os.mkdir(bare)
    shutil.copy(PROBEKIT, bare)
    out = replay(cap, probekit=os.path.join(bare, "probekit"))
    check_eq(out.returncode, 0, "replay without plugins exits 0")
    got = out.stdout.splitlines()
    check_eq(len(got), len(lines), "replay without plugins gives every record")
    raw = [line for line in got if '"probe":"raw_events"' in line]
    check(raw and all('"partial":true' in line for line in raw),
          "records of raw_tp's custom decoder are marked partial", raw[:1])
    execs = [line for line in got if '"probe":"tp_exec"' in line]
    check(execs == [line for line in lines if '"probe":"tp_exec"' in line],
          "tp_exec (declared fields only) replays the same without its plugin")
    # the plugins the schemas name are not installed, and the user is not root
    os.chmod(tmp, 0o755)
    os.chmod(bare, 0o755)
    nobody = replay(cap, probekit=os.path.join(bare, "probekit"), user="nobody")
    check_eq(nobody.returncode, 0, "replay without plugins as nobody exits 0")
    check(nobody.stdout.splitlines() == got,
          "replay without plugins as nobody gives the same records", nobody.stderr[-300:])


def test_as_nobody(tmp, cap, lines):
    os.chmod(tmp, 0o755)
    out = replay(cap, user="nobody")
    check_eq(out.returncode, 0, "replay as nobody exits 0", )
    check(out.stdout.splitlines() == lines, "replay as nobody gives the same records",
          out.stderr[-300:])


def test_truncation(tmp, cap, lines):
    with open(cap, "rb") as f:
        data = f.read()
    cut_path = os.path.join(tmp, "cut.cap")
    rng = random.Random(15)
    bl = blocks(data)
    check(len(bl) > 5, "the capture has several blocks", len(bl))
    boundaries = [b[0] for b in bl]
    cuts = [(b, None) for b in boundaries]
    for start, _btype, size in rng.sample(bl, min(40, len(bl))):
        cuts.append((start + rng.randrange(1, size), start))
    for cut, block_start in cuts:
        with open(cut_path, "wb") as f:
            f.write(data[:cut])
        out = replay(cut_path)
        got = out.stdout.splitlines()
        if not check(out.returncode == 1 and got == lines[:len(got)],
                     f"cut at {cut}: exit 1 and a prefix of the records",
                     f"rc {out.returncode}, {len(got)} lines, {out.stderr[-300:]}"):
            continue
        if block_start is None:
            check(f"ends at byte {cut} without the clean-stop trailer" in out.stderr,
                  f"cut at boundary {cut} is reported there", out.stderr[-300:])
        else:
            check(f"truncated at byte {block_start}" in out.stderr,
                  f"cut at {cut} inside the block at {block_start} is reported", out.stderr[-300:])


def test_flipped_bytes(tmp, cap):
    with open(cap, "rb") as f:
        data = bytearray(f.read())
    path = os.path.join(tmp, "flipped.cap")
    for i in range(HEADER):
        bad = bytearray(data)
        bad[i] ^= 0x40
        with open(path, "wb") as f:
            f.write(bad)
        out = replay(path)
        check(out.returncode == 1 and "refused" in out.stderr,
              f"file header byte {i} flipped: refused", out.stderr[-200:])
    rng = random.Random(7)
    bl = blocks(bytes(data))
    for start, _btype, _size in rng.sample(bl, min(20, len(bl))):
        bad = bytearray(data)
        bad[start + rng.randrange(0, 16)] ^= 0x10
        with open(path, "wb") as f:
            f.write(bad)
        out = replay(path)
        check(out.returncode == 1 and f"damaged block at byte {start}" in out.stderr,
              f"block header at {start} flipped: skipped with the reason",
              f"rc {out.returncode}: {out.stderr[-300:]}")
    with open(path, "wb") as f:
        f.write(b"#!/bin/sh\necho not a capture\n" * 4)
    out = replay(path)
    check(out.returncode == 1 and "not a probekit capture" in out.stderr, "a foreign file is refused")
    newer = bytearray(data)
    newer[8:10] = struct.pack("<H", 2)
    with open(path, "wb") as f:
        f.write(newer)
    out = replay(path)
    check(out.returncode == 1 and "newer than this probekit reads" in out.stderr,
          "a newer major version is refused clearly", out.stderr)


def test_follow_and_sinks(tmp):
    """--follow shows events while the capture grows and ends at its trailer;
    sink sections of --config get the records; --since/--until select by time."""
    cap = os.path.join(tmp, "follow.cap")
    pk = Probekit("[tp_exec]\n", fmt="capture", args=["--output", cap])
    with pk:
        follower = subprocess.Popen([PROBEKIT, "replay", "--follow", "-f", "json", "-o", "-",
                                     cap], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        seen = []
        for _ in range(3):
            subprocess.run(["/bin/true"])
        # the first event must show up while the run still goes on
        if select.select([follower.stdout], [], [], 10)[0]:
            seen.append(follower.stdout.readline())
    check(seen and '"probe":"tp_exec"' in seen[0], "--follow shows an event while the run goes on",
          seen)
    try:
        follower.wait(timeout=10)  # a few records: they fit the pipe
    except subprocess.TimeoutExpired:
        follower.kill()
        follower.wait()
    rest = follower.stdout.read()  # what readline() buffered included
    check_eq(follower.returncode, 0, "--follow ends at the trailer with 0")
    everything = replay(cap).stdout.splitlines()
    followed = [line.rstrip("\n") for line in seen] + rest.splitlines()
    check(followed == everything, "--follow gave every record of the file",
          f"{len(followed)} vs {len(everything)}")

    out_path = os.path.join(tmp, "sink.json")
    ini = os.path.join(tmp, "sinks.ini")
    with open(ini, "w") as f:
        f.write(f"[archive]\nplugin = json\noutput = {out_path}\n")
    out = run_cli("replay", "-c", ini, "-f", "none", cap)
    check_eq(out.returncode, 0, "replay into a configured sink exits 0")
    with open(out_path) as f:
        check(f.read().splitlines() == everything, "the config's sink got every record")

    if len(everything) >= 2:
        import json
        stamps = [json.loads(line)["ts"] for line in everything]
        middle = sorted(stamps)[len(stamps) // 2]
        since = replay(cap, "--since", f"{middle // 10**9}.{middle % 10**9:09d}").stdout
        check_eq(len(since.splitlines()), sum(1 for t in stamps if t >= middle),
                 "--since keeps the records at or after the time")
        until = replay(cap, "--until", f"{middle // 10**9}.{middle % 10**9:09d}").stdout
        check_eq(len(until.splitlines()), sum(1 for t in stamps if t < middle),
                 "--until keeps the records before the time")


def main():
    tmp = tempfile.mkdtemp(prefix="pktest-capture-")
    try:
        cap, direct, run_stderr = make_capture(tmp)
        lines = test_round_trip(cap, direct)
        test_stats_json(tmp, cap, lines, run_stderr)
        test_stats_escaping(tmp, cap)
        test_spec_reader(cap, lines)
        test_without_plugins(tmp, cap, lines)
        test_as_nobody(tmp, cap, lines)
        test_truncation(tmp, cap, lines)
        test_flipped_bytes(tmp, cap)
        test_follow_and_sinks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


main()
