#!/usr/bin/env python3
"""A capture describes the probes a reload adds or changes while it is written.

A run writes a capture of one raw_tp instance (a child's getppid() calls).
A reload (control socket) adds a tp_exec instance and a second raw_tp
instance (the child's getpid() calls); a second reload changes tp_exec's
options (a restart: a new instance); SIGHUP then removes the second raw_tp;
the first is disabled and enabled again. Events of every instance are
caused at every step. The replay must decode
every one of them with its fields, each instance described by its own
SCHEMA block under its own capture id (the changed one under a new id with
its new options), and the COUNTERS blocks must cover every id with the
numbers of the run's exit summary.
"""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap

from pktest import Probekit, check, check_eq, done, run_cli, wait_for

# On each line read from stdin, "ppid N" or "pid N": make N such calls; answer "ok".
CHILD = textwrap.dedent("""
    import os, sys
    for line in sys.stdin:
        what, n = line.split()
        call = os.getppid if what == "ppid" else os.getpid
        for _ in range(int(n)):
            call()
        print("ok", flush=True)
""")


def first(pid):
    return f"[first]\nplugin = raw_tp\nmode = events\npid = {pid}\nsyscalls = getppid\n\n"


def execs(argv_max=None):
    return "[execs]\nplugin = tp_exec\n" + (f"argv_max_bytes = {argv_max}\n" if argv_max else "") + "\n"


def third(pid):
    return f"[third]\nplugin = raw_tp\nmode = events\npid = {pid}\nsyscalls = getpid\n\n"


def write(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def main():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)

    def calls(what, n):
        child.stdin.write(f"{what} {n}\n")
        child.stdin.flush()
        check_eq(child.stdout.readline().strip(), "ok", f"the child made {n} {what} calls")

    marker = f"pk-capture-reload-{os.getpid()}"

    def run_true(step):
        subprocess.run(["/bin/true", marker, step], check=True)

    pk = Probekit(first(child.pid), fmt="capture")
    with pk:
        calls("ppid", 100)
        write(pk.config_path, first(child.pid) + execs() + third(child.pid))
        out = run_cli("reload", "--json", "--control-socket", pk.socket_path, timeout=60)
        check_eq(out.returncode, 0, "the reload adding execs and third succeeds")
        actions = {i["name"]: i["action"] for i in json.loads(out.stdout or "{}")["instances"]}
        check_eq((actions.get("execs"), actions.get("third")), ("started", "started"),
                 "execs and third started")
        calls("ppid", 200)
        calls("pid", 300)
        run_true("added")
        write(pk.config_path, first(child.pid) + execs(1024) + third(child.pid))
        out = run_cli("reload", "--json", "--control-socket", pk.socket_path, timeout=60)
        actions = {i["name"]: i["action"] for i in json.loads(out.stdout or "{}")["instances"]}
        check_eq(actions.get("execs"), "restarted", "execs with new options is restarted")
        run_true("changed")
        calls("pid", 50)
        write(pk.config_path, first(child.pid) + execs(1024))
        pk.proc.send_signal(signal.SIGHUP)
        check(wait_for(lambda: pk.read_stderr().count("reload: done") == 3),
              "SIGHUP reloaded (third removed)")
        calls("ppid", 400)
        calls("pid", 60)  # third is gone: not traced
        run_true("after")
        for verb, n in (("disable", 50), ("enable", 70)):
            out = run_cli(verb, "first", "--control-socket", pk.socket_path)
            check_eq(out.returncode, 0, f"{verb} first", )
            calls("ppid", n)
    child.stdin.close()
    child.wait(10)
    check_eq(pk.returncode, 0, "the run exits 0", )

    rep = run_cli("replay", "-f", "json", "-o", "-", pk.output_path)
    check_eq(rep.returncode, 0, "the capture replays whole")
    records = [json.loads(line) for line in rep.stdout.splitlines()]
    ppid = [r for r in records if r["probe"] == "first"]
    pid = [r for r in records if r["probe"] == "third"]
    check_eq(len(ppid), 770, "first: every getppid() call while it was enabled")
    check(all(r["event"] == "syscall" and r["syscall"] == "getppid" and r["pid"] == child.pid
              for r in ppid), "first's records decode with their fields", ppid[:1])
    check_eq(len(pid), 350, "third (added by a reload): every getpid() call while it ran")
    check(all(r["event"] == "syscall" and r["syscall"] == "getpid" and r["pid"] == child.pid
              for r in pid), "third's records decode with their fields", pid[:1])
    mine = [r for r in records if r["probe"] == "execs" and r["event"] == "exec"
            and marker in r.get("argv", [])]
    steps = [r["argv"][2] for r in mine]
    check_eq(steps, ["added", "changed", "after"],
             "execs (added, then changed): its exec events decode, argv and all")
    check(all(r["filename"] == "/bin/true" and r["argc"] == 3 for r in mine),
          "the exec events' fields", mine[:1])

    st = run_cli("replay", "--stats", "--json", pk.output_path)
    check_eq(st.returncode, 0, "--stats --json of the capture exits 0")
    f = json.loads(st.stdout)["files"][0]
    insts = f["instances"]
    ids = [i["id"] for i in insts]
    check_eq(len(ids), len(set(ids)), "every SCHEMA block has its own id")
    by_name = {}
    for inst in insts:
        by_name.setdefault(inst["name"], []).append(inst)
    check_eq(sorted((n, len(v)) for n, v in by_name.items()),
             [("execs", 2), ("first", 2), ("third", 1)],
             "one id per instance start: the changed execs and the enabled first have two")
    old, new = (by_name.get("execs", []) + [{}, {}])[:2]
    check(old.get("options", {}).get("argv_max_bytes") != "1024"
          and new.get("options", {}).get("argv_max_bytes") == "1024",
          "the changed instance's schema has its new options", (old.get("options"), new.get("options")))
    check(all(i["counters"] is not None for i in insts), "the COUNTERS blocks cover every id",
          [(i["name"], i["id"], i["counters"]) for i in insts])
    summary = {m[0]: int(m[1]) for m in re.findall(
        r"probekit: (\S+): (\d+) events, \d+ dropped in the kernel", pk.stderr)}
    check_eq([(i["counters"] or {}).get("events") for i in by_name.get("first", [])], [700, 70],
             "first's ids count its events before the disable and after the enable")
    check_eq(sum((i["counters"] or {}).get("events", 0) for i in by_name.get("first", [])),
             summary.get("first"), "first's counters add up to the exit summary's")
    check_eq((new.get("counters") or {}).get("events"), summary.get("execs"),
             "the changed execs' counters: the exit summary's")
    check_eq(((by_name.get("third") or [{}])[0].get("counters") or {}).get("events"), 350,
             "third's counters (removed by a reload) keep its final count")
    check(old.get("counters") and old["counters"]["events"] >= 1
          and old["records"] == old["counters"]["events"],
          "the first execs keeps its own final counters", old.get("counters"))
    done()


main()
