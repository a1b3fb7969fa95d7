#!/usr/bin/env python3
"""Reload keeps what did not change, and runtime control touches one instance.

Under load: a raw_tp instance `steady` records a child's getppid() calls
while three reloads add, change and remove another instance. `steady`
delivers exactly the calls the child made (none lost, none twice), keeps
its BPF link ids (checked in `bpftool link` too) and its `since`. A reload
of a broken file exits non-zero with file:line and changes nothing; SIGHUP
reloads too. enable/disable: a disabled instance records nothing until
enabled again, while the other goes on.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from pktest import Probekit, check, check_eq, done, run_cli, wait_for

# Calls getppid() in batches until told to stop, then prints how many it made
# (paced: a steady stream all through the reloads, not a firehose to parse).
CHILD = textwrap.dedent("""
    import os, select, sys
    sys.stdin.readline()
    n = 0
    while not select.select([sys.stdin], [], [], 0.002)[0]:
        for _ in range(500):
            os.getppid()
        n += 500
    print(n, flush=True)
    sys.stdin.read()
""")


def steady(pid):
    return ("[steady]\nplugin = raw_tp\nmode = events\n"
            f"pid = {pid}\nsyscalls = getppid\nring_size = 16777216\n\n")


def other(pid, syscalls="getppid"):
    return f"[other]\nplugin = raw_tp\nmode = events\npid = {pid}\nsyscalls = {syscalls}\n\n"


def write(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def reload(pk, *extra):
    return run_cli("reload", "--control-socket", pk.socket_path, *extra, timeout=60)


def kernel_link_ids():
    out = subprocess.run(["bpftool", "-j", "link", "show"], capture_output=True, text=True)
    return {link["id"] for link in json.loads(out.stdout or "[]")}


def check_reload_under_load():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    with Probekit(steady(child.pid)) as pk:
        before = pk.probe("steady")
        check(before["links"], "steady has BPF links", str(before))
        check(set(before["links"]) <= kernel_link_ids(), "bpftool shows steady's links")
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(0.2)
        steps = [(steady(child.pid) + other(child.pid), "other", "started"),
                 (steady(child.pid) + other(child.pid, "getppid,getpid"), "other", "restarted"),
                 (steady(child.pid), "other", "stopped")]
        for config, name, action in steps:
            write(pk.config_path, config)
            out = reload(pk, "--json")
            check_eq(out.returncode, 0, f"reload ({name} {action}) succeeds")
            reply = json.loads(out.stdout or "{}")
            actions = {i["name"]: i["action"] for i in reply.get("instances", [])}
            check_eq(actions.get(name), action, f"{name} is {action}")
            check_eq(actions.get("steady"), "kept", "steady is kept")
            time.sleep(0.2)
        child.stdin.write("stop\n")
        child.stdin.flush()
        made = int(child.stdout.readline())
        child.stdin.close()
        child.wait()
        after = wait_for(lambda: (lambda p: p if p["events"] >= made else None)(
            pk.probe("steady")), timeout=5) or pk.probe("steady")
        check_eq(after["links"], before["links"], "steady's BPF link ids are the same")
        check(set(after["links"]) <= kernel_link_ids(), "bpftool still shows them")
        check_eq(after["since"], before["since"], "steady has run since the start")
        check_eq(after["events"], made, "steady delivered every call, once")
        check_eq(after["drops"], 0, "no kernel drops")
        check_eq(pk.probe("other")["state"], "removed", "other is shown as removed")
    lines = len(pk.select(probe="steady"))
    check_eq(lines, made, "the output holds each of steady's events once")
    print(f"{made} calls during three reloads")


def check_broken_reload_changes_nothing():
    with Probekit(steady(os.getpid()) + other(os.getpid())) as pk:
        before = pk.list_json()
        write(pk.config_path, steady(os.getpid()) + "[other]\nplugin = raw_tp\npid = nope\n"
              "\n[third]\nplugin = nosuchplugin\n")
        out = reload(pk)
        check_eq(out.returncode, 1, "a broken configuration makes reload exit 1")
        check(f"{pk.config_path}:10:" in out.stderr and "pid" in out.stderr,
              "the option error is given with file:line", out.stderr)
        check(f"{pk.config_path}:13:" in out.stderr, "every error is given", out.stderr)
        check("nothing changed" in out.stderr, "the reply says nothing changed", out.stderr)
        after = pk.list_json()
        for name in ("steady", "other"):
            b = [p for p in before["probes"] if p["name"] == name][0]
            a = [p for p in after["probes"] if p["name"] == name][0]
            check_eq((a["state"], a["links"], a["since"]), (b["state"], b["links"], b["since"]),
                     f"{name} runs on untouched")
        out = reload(pk, "--json")
        check(out.returncode == 1 and json.loads(out.stderr)["errors"],
              "--json gives the errors as a list", out.stderr)
        # SIGHUP reloads as well: a fixed file removes `other`
        write(pk.config_path, steady(os.getpid()))
        pk.proc.send_signal(signal.SIGHUP)
        check(wait_for(lambda: pk.probe("other")["state"] == "removed"),
              "SIGHUP applied the fixed file")
        check_eq(pk.probe("steady")["since"], before["probes"][0]["since"],
                 "SIGHUP kept steady")
        check(pk.proc.poll() is None, "SIGHUP does not stop probekit")
    check("reload refused" in pk.stderr and ":10:" in pk.stderr, "the refusal is logged",
          pk.stderr)


def check_enable_disable():
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import os, sys
        for line in sys.stdin:
            for _ in range(int(line)):
                os.getppid()
            print("done", flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def calls(n):
        child.stdin.write(f"{n}\n")
        child.stdin.flush()
        child.stdout.readline()

    config = (f"[one]\nplugin = raw_tp\nmode = events\npid = {child.pid}\nsyscalls = getppid\n\n"
              f"[two]\nplugin = raw_tp\nmode = events\npid = {child.pid}\nsyscalls = getppid\n")
    with Probekit(config) as pk:
        sock = ["--control-socket", pk.socket_path]
        calls(100)
        out = run_cli("disable", "two", *sock)
        check_eq(out.returncode, 0, "disable two")
        check_eq(pk.probe("two")["state"], "disabled", "two is disabled")
        check_eq(pk.probe("two")["links"], [], "two has no BPF link")
        calls(1000)
        out = run_cli("enable", "two", *sock, "--json")
        check_eq((out.returncode, json.loads(out.stdout or "{}").get("state")), (0, "attached"),
                 "enable two")
        calls(10)
        wait_for(lambda: pk.probe("one")["events"] >= 1110 and pk.probe("two")["events"] >= 110)
        check_eq(pk.probe("one")["events"], 1110, "one saw every call")
        check_eq(pk.probe("two")["events"], 110, "two saw nothing while disabled")
        out = run_cli("disable", "nosuch", *sock)
        check(out.returncode == 1 and "no instance named 'nosuch'" in out.stderr,
              "an unknown name is refused", out.stderr)
        out = run_cli("disable", "json", *sock)
        check(out.returncode == 1 and "only working sink" in out.stderr,
              "the only sink cannot be disabled", out.stderr)
        out = run_cli("stats", "--json", *sock)
        stats = json.loads(out.stdout)
        check_eq([p["events"] for p in stats["probes"]], [1110, 110], "stats counts events")
        check("events_per_second" in stats["probes"][0], "stats gives a rate")
        out = run_cli("stats", *sock)
        check(out.returncode == 0 and "EVENTS/S" in out.stdout, "stats as text", out.stdout)
    child.stdin.close()
    child.wait()
    check_eq(len(pk.select(probe="one")), 1110, "one's events are all in the output")
    check_eq(len(pk.select(probe="two")), 110, "two's events are all in the output")


check_reload_under_load()
check_broken_reload_changes_nothing()
check_enable_disable()
done()
