"""What the network sink tests share: a program of the test's own name to
exec (so tp_exec's comm filter keeps the machine's other processes out),
the config of tp_exec plus one sink, and the sink's totals from its last
log line."""
import os
import re
import shutil
import subprocess
import time

from pktest import wait_for

NAME = f"pkns{os.getpid() % 100000}"  # comm of the test's own program
SUMMARY = re.compile(r"(\d+) records accepted, (\d+) delivered \((\d+) bytes\), (\d+) dropped, "
                     r"(\d+) errors")


def make_program(folder):
    path = os.path.join(folder, NAME)
    shutil.copy("/bin/true", path)
    return path


def run_execs(program, n, pause=0.0):
    for _ in range(n):
        subprocess.run([program], check=True)
        if pause:
            time.sleep(pause)


def config(sink_plugin, sink_options):
    return (f"[tp_exec]\ncomm = {NAME}\nexits = false\n"
            f"[sink]\nplugin = {sink_plugin}\n{sink_options}")


def wait_events(pk, n, timeout=10):
    """Until tp_exec counts n events (probekit list)."""
    return wait_for(lambda: (pk.probe("tp_exec") or {}).get("events", 0) >= n, timeout)


class Totals:
    """The sink's totals from its last log line (accepted, delivered, bytes, dropped, errors)."""

    def __init__(self, stderr):
        found = SUMMARY.findall(stderr)
        values = [int(x) for x in found[-1]] if found else [None] * 5
        self.found = bool(found)
        self.accepted, self.delivered, self.bytes, self.dropped, self.errors = values

    def __repr__(self):
        return (f"accepted {self.accepted}, delivered {self.delivered}, dropped {self.dropped}, "
                f"errors {self.errors}")


HOST_SUMMARY = re.compile(r"probekit: sink: (?:warning: )?(\d+) records written \((\d+) bytes\), "
                          r"(\d+) dropped")


def host_summary(stderr):
    """(records, dropped) from probekit's own exit summary of the sink, or None."""
    found = HOST_SUMMARY.findall(stderr)
    return (int(found[-1][0]), int(found[-1][2])) if found else None


def check_accounting(pk, what):
    """`probekit list --json` now: the sink's records + dropped + queued equal
    the events tp_exec handed it. Returns the sink's entry."""
    from pktest import check_eq
    listing = pk.list_json()
    events = next((p.get("events") for p in listing.get("probes", [])
                   if p.get("name") == "tp_exec"), None)
    sink = next((s for s in listing.get("sinks", []) if s.get("name") == "sink"), {})
    total = sum(sink.get(k, 0) for k in ("records", "dropped", "queued"))
    check_eq(total, events, f"{what}: probekit list: records + dropped + queued == events")
    return sink
