#!/usr/bin/env python3
"""Log rotation with the real logrotate: while a steady stream of events
runs, logrotate (its own state file and a copy of packaging/logrotate/probekit
pointed at a temporary directory) rotates probekit's output twice by rename
with the postrotate reopen (SIGUSR1), then twice with copytruncate. The lines
in all the files together (compressed ones included) equal the events
probekit counted, every line is whole JSON and no file holds a NUL byte."""
import gzip
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from outputs_env import Generator, Summary, raw_config
from pktest import Probekit, check, check_eq, done, wait_for

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging",
                      "logrotate", "probekit")


def config_for(logdir, pid, copytruncate):
    """The shipped configuration, its paths moved to logdir, its postrotate to this probekit."""
    text = open(SOURCE).read().replace("/var/log/probekit", logdir)
    if copytruncate:
        text = re.sub(r"\tpostrotate\n.*?endscript\n", "\tcopytruncate\n", text, flags=re.S)
    else:
        text = re.sub(r"(\tpostrotate\n)\t\t.*\n", rf"\1\t\tkill -USR1 {pid}\n", text)
    return text


def logrotate(work, text, name):
    conf = os.path.join(work, name)
    with open(conf, "w") as f:
        f.write(text)
    os.chmod(conf, 0o644)
    return subprocess.run(["logrotate", "--force", "--state", os.path.join(work, "state"), conf],
                          capture_output=True, text=True, timeout=30)


def read_all(logdir):
    """{file: (lines, has NUL)} for every file in logdir."""
    found = {}
    for name in sorted(os.listdir(logdir)):
        path = os.path.join(logdir, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read()
        found[name] = (data.decode(errors="replace").splitlines(), b"\0" in data)
    return found


def keep_calling(gen, stop):
    while not stop.is_set():
        gen.calls(20)
        time.sleep(0.02)


gen = Generator()
work = tempfile.mkdtemp(prefix="pktest-logrotate-")
logdir = os.path.join(work, "log")
os.makedirs(logdir)
# write out once a second: the copytruncate window (between its copy and its
# truncate, lines written there are lost: logrotate's own caveat) is hit rarely
pk = Probekit(raw_config(gen.pid, flush_ms=1000), fmt="json")
pk.output_path = os.path.join(logdir, "events.jsonl")
pk.start()
stop = threading.Event()
caller = threading.Thread(target=keep_calling, args=(gen, stop))
caller.start()
try:
    for i, copytruncate in enumerate((False, False, True, True)):
        time.sleep(1.2)
        text = config_for(logdir, pk.proc.pid, copytruncate)
        res = logrotate(work, text, f"rotate{i}.conf")
        how = "copytruncate" if copytruncate else "rename and SIGUSR1"
        check_eq(res.returncode, 0, f"logrotate ({how}) succeeds: {res.stderr}")
        if not copytruncate:
            check(wait_for(lambda: os.path.exists(pk.output_path), 5),
                  "probekit reopened the output after the rename")
    time.sleep(1.2)
finally:
    stop.set()
    caller.join()
    rc = pk.stop(signal.SIGINT)
    gen.close()

files = read_all(logdir)
total = sum(len(lines) for lines, _ in files.values())
events = Summary(pk.stderr).events.get("raw")
check_eq(rc, 0, "probekit ran through four rotations and lost nothing")
check(len(files) >= 5, "four rotations made four old files", sorted(files))
check(all(lines for lines, _ in files.values()), "each file holds events",
      {name: len(lines) for name, (lines, _) in files.items()})
check(not any(nul for _, nul in files.values()), "no file holds a NUL byte")
check(events and events > 1000, "a steady stream ran", pk.stderr)
check_eq(total, events, "the lines in all files together = the events counted")
check(pk.stderr.count("SIGUSR1 received: reopening the outputs") == 2,
      "probekit reopened on each postrotate SIGUSR1", pk.stderr)
shutil.rmtree(work)
done()
