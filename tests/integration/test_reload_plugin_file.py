#!/usr/bin/env python3
"""A plugin file changed on disk is loaded again at a reload, for its instances only.

raw_tp is copied into a plugin directory of the test's own (it shadows the
built-in one); an instance of it and one of tp_exec (built-in) run. Replacing
the copy (a new file renamed over it) and reloading restarts the raw_tp
instance ("plugin file changed") from a second copy of the file (a memfd:
dlopen() of the same path would give the old code back), and keeps tp_exec
untouched. The restarted instance records events; an untouched file on the
next reload changes nothing.
"""
import json
import os
import shutil
import tempfile

from pktest import PROBEKIT, Probekit, check, check_eq, done, run_cli, wait_for

BUILTIN = os.path.join(os.path.dirname(os.path.realpath(PROBEKIT)), "..", "lib", "probekit",
                       "plugins")


def memfd_copies(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {line.split()[-2] if line.rstrip().endswith("(deleted)") else line.split()[-1]
                for line in f if "probekit-plugin" in line}


with tempfile.TemporaryDirectory(prefix="pktest-engine-plugins-") as plugins:
    os.chmod(plugins, 0o755)
    source = os.path.join(BUILTIN, "raw_tp.so")
    target = os.path.join(plugins, "raw_tp.so")
    shutil.copyfile(source, target)
    os.chmod(target, 0o644)
    config = ("[raw]\nplugin = raw_tp\nmode = events\nsyscalls = getppid\n"
              f"pid = {os.getpid()}\n\n[exec]\nplugin = tp_exec\n")
    with Probekit(config, args=["--plugin-dir", plugins]) as pk:
        sock = ["--control-socket", pk.socket_path]
        before = {p["name"]: p for p in pk.list_json()["probes"]}
        check(not memfd_copies(pk.proc.pid), "no copy is loaded at start")

        out = run_cli("reload", "--json", *sock)
        actions = {i["name"]: i["action"] for i in json.loads(out.stdout or "{}")["instances"]}
        check_eq(actions, {"raw": "kept", "exec": "kept", "json": "kept"},
                 "an untouched file changes nothing")

        # a new build of the plugin replaces the file (install(1) and cp to a
        # new name then rename, as package managers do)
        shutil.copyfile(source, target + ".new")
        os.chmod(target + ".new", 0o644)
        os.rename(target + ".new", target)
        out = run_cli("reload", "--json", *sock)
        check_eq(out.returncode, 0, "reload succeeds")
        reply = json.loads(out.stdout or "{}")
        got = {i["name"]: (i["action"], i["why"]) for i in reply["instances"]}
        check_eq(got.get("raw"), ("restarted", "plugin file changed"),
                 "the instance of the changed file restarts")
        check_eq(got.get("exec"), ("kept", None), "the other plugin's instance is kept")
        after = {p["name"]: p for p in pk.list_json()["probes"]}
        check_eq(after["exec"]["since"], before["exec"]["since"], "tp_exec runs on")
        check_eq(after["exec"]["links"], before["exec"]["links"], "tp_exec keeps its links")
        check_eq(after["raw"]["state"], "attached", "raw_tp is attached again")
        check(len(memfd_copies(pk.proc.pid)) >= 1, "the new file is loaded from a copy",
              str(memfd_copies(pk.proc.pid)))
        for _ in range(25):
            os.getppid()
        check(wait_for(lambda: pk.probe("raw")["events"] >= 25),
              "the reloaded plugin records events", str(pk.probe("raw")))

        out = run_cli("reload", "--json", *sock)
        actions = {i["name"]: i["action"] for i in json.loads(out.stdout or "{}")["instances"]}
        check_eq(actions.get("raw"), "kept", "the same new file again: kept")
done()
