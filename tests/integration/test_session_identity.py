#!/usr/bin/env python3
"""The audit login uid and session in every event's header, end to end.

A child process enters a login the way pam_loginuid does (it writes its
uid to /proc/self/loginuid, which gives it a fresh audit session id), then
removes a file; its event must carry exactly /proc/PID/loginuid and
/proc/PID/sessionid, read while it is alive. A child outside any login
(this test runs outside one, or starts the child with an unset loginuid
where it can) must give null for both, never 4294967295 or 0. The same
events through the text sink show the ids, or "-".
"""
import os
import subprocess
import sys
import tempfile

from pktest import Probekit, check, check_eq, done

UNSET = 4294967295

# Waits for a line on stdin, then removes the file named on the command
# line; before that, enters a login when asked to.
CHILD = r"""
import os, sys
if sys.argv[2] == "login":
    with open("/proc/self/loginuid", "w") as f:
        f.write("0")
print("ready", flush=True)
sys.stdin.readline()
os.unlink(sys.argv[1])
"""


def proc_id(pid, name):
    with open(f"/proc/{pid}/{name}") as f:
        return int(f.read().strip())


def run_child(path, login):
    """Returns (pid, loginuid, sessionid) as /proc showed them before the unlink."""
    with open(path, "w"):
        pass
    child = subprocess.Popen([sys.executable, "-c", CHILD, path, "login" if login else "no"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    check_eq(child.stdout.readline().strip(), "ready", "the child is ready")
    ids = (child.pid, proc_id(child.pid, "loginuid"), proc_id(child.pid, "sessionid"))
    child.stdin.write("go\n")
    child.stdin.flush()
    check_eq(child.wait(timeout=10), 0, "the child removed its file")
    return ids


def ensure_tracefs():
    """kprobe_unlink's tracepoint mode needs tracefs, unmounted on a fresh machine."""
    if not os.path.isdir("/sys/kernel/tracing/events"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=True)


def main():
    ensure_tracefs()
    own_login = proc_id(os.getpid(), "loginuid")
    with tempfile.TemporaryDirectory(prefix="pktest-session-") as root:
        in_login = os.path.join(root, "in_login")
        outside = os.path.join(root, "outside")
        with Probekit("[kprobe_unlink]\n") as pk:
            pid, loginuid, sessionid = run_child(in_login, True)
            out_pid, out_loginuid, _ = run_child(outside, False)

        check_eq(loginuid, 0, "the child's /proc loginuid is the uid it wrote")
        check(sessionid != UNSET, "writing loginuid gave the child a session id",
              repr(sessionid))
        events = pk.select(probe="kprobe_unlink", path=in_login)
        check_eq(len(events), 1, "one event from the child in a login")
        for event in events:
            check_eq(event.get("pid"), pid, "the event is the child's")
            check_eq(event.get("auid"), loginuid, "auid is /proc/PID/loginuid")
            check_eq(event.get("session"), sessionid, "session is /proc/PID/sessionid")

        events = pk.select(probe="kprobe_unlink", path=outside)
        check_eq(len(events), 1, "one event from the child outside a login")
        for event in events:
            check_eq(event.get("pid"), out_pid, "the event is the second child's")
            if out_loginuid == UNSET:
                check("auid" in event and event["auid"] is None,
                      "outside a login auid is null", repr(event))
                check("session" in event and event["session"] is None,
                      "outside a login session is null", repr(event))
            else:
                # the test itself runs inside a login: the child inherits it
                check_eq(event.get("auid"), out_loginuid, "an inherited login is reported")
        if own_login != UNSET:
            print(f"note: this test runs inside login {own_login}: the null case "
                  "is the one of the inherited login")

        # The text sink: AUID and SES columns, "-" outside a login.
        with open(in_login, "w"):
            pass
        with Probekit("[kprobe_unlink]\n", fmt="text") as pk:
            pid, loginuid, sessionid = run_child(in_login, True)
        lines = [line for line in pk.output.splitlines() if in_login in line]
        check_eq(len(lines), 1, "one text line for the child in a login")
        for line in lines:
            words = line.split()
            # TIME PROBE EVENT PID AUID SES COMM DETAILS...
            check_eq(words[3:6], [str(pid), str(loginuid), str(sessionid)],
                     "the text line shows pid, auid and session")
    done()


if __name__ == "__main__":
    main()
