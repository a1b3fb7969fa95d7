#!/usr/bin/env python3
"""The common login and cgroup filters, applied in the kernel: `login_only`,
`auid`, `session` and `cgroup` on four tp_exec instances at once.

A child of the test becomes a login of its own (root writes a uid to
/proc/self/loginuid, which gives the task a new audit session id, as
pam_loginuid does for sshd) and moves itself into a cgroup v2 of the test's;
it then runs a program named after the test. The test runs a second program
outside any login and any such cgroup. Each instance must show the first
and never the second, and every event it shows must match its filter.
"""
import os
import shutil
import subprocess
import tempfile

from pktest import Probekit, check, check_eq, done, run_cli, wait_for
from task_filter_env import cgroup2_mount

TAG = os.getpid() % 100000
AUID = 4000 + TAG % 1000
INSIDE = f"pkin{TAG}"
OUTSIDE = f"pkout{TAG}"

tmp = tempfile.mkdtemp(prefix="pk-session-filters-")
mount = cgroup2_mount()
cgroup_rel = f"/pk-session-filters-{TAG}"
cgroup_dir = mount + cgroup_rel
holder = None
try:
    os.mkdir(cgroup_dir)
    cgroup_id = os.stat(cgroup_dir).st_ino
    inside, outside = (os.path.join(tmp, n) for n in (INSIDE, OUTSIDE))
    shutil.copy("/bin/true", inside)
    shutil.copy("/bin/true", outside)
    go = os.path.join(tmp, "go")
    os.mkfifo(go)
    # the login: loginuid first (a new session), then the cgroup, then wait
    holder = subprocess.Popen(
        ["/bin/sh", "-c",
         f"echo {AUID} > /proc/self/loginuid && echo $$ > {cgroup_dir}/cgroup.procs && "
         f"cat /proc/self/sessionid > {tmp}/sid && read x < {go} && exec {inside}"])
    sid_path = os.path.join(tmp, "sid")
    check(wait_for(lambda: os.path.exists(sid_path) and open(sid_path).read().strip()),
          "the child made itself a login")
    session = int(open(sid_path).read())
    check(session != 0xFFFFFFFF, "the child has an audit session id", str(session))

    config = f"""
[login]
plugin = tp_exec
exits = false
login_only = true

[by_auid]
plugin = tp_exec
exits = false
auid = {AUID}

[by_session]
plugin = tp_exec
exits = false
session = {session}

[by_cgroup]
plugin = tp_exec
exits = false
cgroup = {cgroup_rel}
"""
    with Probekit(config) as pk:
        subprocess.run([outside], check=True)
        with open(go, "w") as f:
            f.write("go\n")
        holder.wait(timeout=10)
        subprocess.run([outside], check=True)
        wait_for(lambda: all((p or {}).get("events", 0) >= 1 for p in
                             (pk.probe(n) for n in ("login", "by_auid", "by_session",
                                                    "by_cgroup"))), timeout=10)
    check_eq(pk.returncode, 0, "probekit exits 0")

    for name in ("login", "by_auid", "by_session", "by_cgroup"):
        events = pk.select(probe=name)
        ours = [e for e in events if e.get("filename") == inside]
        check_eq(len(ours), 1, f"{name}: the exec inside the login, once")
        check_eq([e for e in events if e.get("filename") == outside], [],
                 f"{name}: nothing of the program outside the login")
        if ours:
            check_eq((ours[0].get("pid"), ours[0].get("auid"), ours[0].get("session")),
                     (holder.pid, AUID, session), f"{name}: pid, auid and session of the exec")
    check(all(e.get("auid") is not None and e.get("session") is not None
              for e in pk.select(probe="login")), "login: every event is inside a login")
    check(all(e.get("auid") == AUID for e in pk.select(probe="by_auid")),
          "by_auid: every event has that auid")
    check(all(e.get("session") == session for e in pk.select(probe="by_session")),
          "by_session: every event has that session")
    check(all(e.get("cgroup") == cgroup_id for e in pk.select(probe="by_cgroup")),
          "by_cgroup: every event is in that cgroup", str(cgroup_id))

    # bad input: a cgroup that does not exist is refused by check and by run, with file:line
    bad = os.path.join(tmp, "bad.ini")
    with open(bad, "w") as f:
        f.write("[tp_exec]\ncgroup = /pk-no-such-cgroup\n")
    for command in (["check", "--config", bad], ["run", "--config", bad, "--duration", "1"]):
        out = run_cli(*command)
        check_eq(out.returncode, 2, f"a missing cgroup: {command[0]} exits 2")
        check(f"{bad}:2: [tp_exec] cgroup:" in out.stderr and "pk-no-such-cgroup" in out.stderr,
              f"a missing cgroup: {command[0]} names the file, line and path", out.stderr)
finally:
    if holder and holder.poll() is None:
        holder.kill()
        holder.wait()
    try:
        os.rmdir(cgroup_dir)
    except OSError:
        pass
    shutil.rmtree(tmp, ignore_errors=True)
done()
