#!/usr/bin/env python3
"""All four built-in probes in one `probekit run`, each delivering its events
for one shell session: a line typed into bash (uprobe_bash), the rm it runs
(tp_exec), the file rm unlinks (kprobe_unlink) and the syscalls bash makes
(raw_tp in its default counts mode)."""
import os
import tempfile

from pktest import Probekit, check, check_eq, done
from test_uprobe_bash import Terminal

CONFIG = """[probekit]
stats_interval = 1

[tp_exec]
[kprobe_unlink]
[uprobe_bash]
[raw_tp]
"""

folder = tempfile.mkdtemp(prefix="pktest-all-")
victim = os.path.join(folder, "victim")
open(victim, "w").close()
term = Terminal()
check(term.type_line("true"), "bash is at its prompt before probekit starts")
line = f"rm {victim}"

with Probekit(CONFIG) as pk:
    check(term.type_line(line), "bash ran the line")
    states = {p["name"]: (p["state"], p["mode"]) for p in pk.list_json()["probes"]}
term.close()

check_eq(states, {"tp_exec": ("attached", None), "kprobe_unlink": ("attached", "tracepoint"),
                  "uprobe_bash": ("attached", None), "raw_tp": ("attached", None)},
         "list shows the four probes attached, kprobe_unlink on its tracepoints")
check("ready: 4 attached, 0 failed" in pk.stderr, "probekit says all four attached", pk.stderr)

typed = [e["line"] for e in pk.select(probe="uprobe_bash", event="readline", pid=term.pid)]
check_eq(typed, [line], "uprobe_bash: the line typed")

execs = [e for e in pk.select(probe="tp_exec", event="exec", ppid=term.pid)
         if e["filename"].endswith("/rm")]
check_eq(len(execs), 1, "tp_exec: bash started rm once")
rm_pid = execs[0]["pid"] if execs else None
check_eq([e["exit_code"] for e in pk.select(probe="tp_exec", event="exit", pid=rm_pid)], [0],
         "tp_exec: rm exited with 0")

unlinks = pk.select(probe="kprobe_unlink", event="unlink", pid=rm_pid)
check_eq([(e["path"], e["ret"], e["mode"]) for e in unlinks], [(victim, 0, "tracepoint")],
         "kprobe_unlink: rm unlinked the file, in tracepoint mode")

counts = pk.select(probe="raw_tp", event="syscall_counts", pid=term.pid)
check(sum(e["count"] for e in counts) > 0, "raw_tp: counted the syscalls bash made",
      str(counts[:3]))
check(any(e["syscall"] == "read" for e in counts), "raw_tp: bash's reads are among them")

os.rmdir(folder)
done()
