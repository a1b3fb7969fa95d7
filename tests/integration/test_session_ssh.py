#!/usr/bin/env python3
"""Session audit end to end with a real SSH login (docs/session-audit.md).

A Debian sshd on 127.0.0.1 (sshd_env.py) lets a test user in with a key;
PAM's pam_loginuid gives the login its audit session id. probekit runs
tp_exec and file_open with login_only = true, and sessions =
true. Login A (with a terminal) runs: cat /etc/hostname; an obfuscated
command (base64 of `cat /etc/os-release` piped to sh); a script file of two
commands; stty -echo then a command; TCP connects to listeners on 127.0.0.1
and ::1 and to a closed port. Login B runs at the same time.

Asserted: every exec (with argv) and the opens of /etc/hostname and
/etc/os-release carry login A's session id and the user's auid; nothing from outside a login shows; B has another
session id; `probekit sessions` lists both with the client's address, and
each gets its start and end `session` event; the jq recipe of
docs/session-audit.md turns the lines into Teleport's event kinds.
"""
import json
import os
import re
import socket
import subprocess
import time

from pktest import PROBEKIT, Probekit, check, check_eq, done, wait_for
from sshd_env import SshServer

HERE = os.path.dirname(os.path.abspath(__file__))
RECIPE = os.path.join(HERE, "..", "..", "docs", "session-audit.jq")
PAYLOAD = "Y2F0IC9ldGMvb3MtcmVsZWFzZQo="  # base64 of "cat /etc/os-release\n"

CONFIG = """
[probekit]
sessions = true

[tp_exec]
login_only = true
exits = false

[file_open]
login_only = true
path_prefix = /etc/
"""


def listener(family, host):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(8)
    return s


def login_a_script(port4, port6, closed):
    return "\n".join([
        "echo SID=$(cat /proc/self/sessionid) LUID=$(cat /proc/self/loginuid)",
        'echo "CONN=$SSH_CONNECTION"',
        "cat /etc/hostname",
        f"echo {PAYLOAD} | base64 -d | sh",
        "printf 'id -un\\nuname -r\\n' > ~/pk-script.sh",
        "sh ~/pk-script.sh",
        "stty -echo",
        "ls -d /tmp",
        "stty echo",
        f"echo hi > /dev/tcp/127.0.0.1/{port4}",
        f"echo hi > /dev/tcp/::1/{port6}",
        f"(echo hi > /dev/tcp/127.0.0.1/{closed}) 2>/dev/null",
        "echo READY",
        "sleep 3",
    ])


def parse_login(text):
    sid = re.search(r"SID=(\d+) LUID=(\d+)", text)
    conn = re.search(r"CONN=(\S+) (\d+) (\S+) (\d+)", text)
    return (int(sid.group(1)) if sid else None, int(sid.group(2)) if sid else None,
            int(conn.group(2)) if conn else None)


def read_lines(path):
    try:
        with open(path, errors="replace") as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def sessions_json(pk):
    out = subprocess.run([PROBEKIT, "sessions", "--json", "--control-socket", pk.socket_path],
                         capture_output=True, text=True, timeout=10)
    check(out.returncode == 0, "probekit sessions exits 0", out.stderr)
    return json.loads(out.stdout)["sessions"] if out.returncode == 0 else []


def main():
    tag = os.getpid() % 100000
    l4 = listener(socket.AF_INET, "127.0.0.1")
    l6 = listener(socket.AF_INET6, "::1")
    port4, port6 = l4.getsockname()[1], l6.getsockname()[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    args = []
    try:
        with SshServer(tag) as sshd, Probekit(CONFIG, args=args) as pk:
            # outside any login: must not show with login_only
            outside = subprocess.Popen(["cat", "/etc/hostname"], stdout=subprocess.DEVNULL)
            outside.wait()
            b = subprocess.Popen(sshd.ssh_argv(
                "echo SID=$(cat /proc/self/sessionid) LUID=$(cat /proc/self/loginuid); "
                'echo "CONN=$SSH_CONNECTION"; echo READY; sleep 6'),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                text=True)
            a = subprocess.Popen(sshd.ssh_argv(login_a_script(port4, port6, closed), tty=True),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, text=True)
            a_out = ""
            for line in a.stdout:
                a_out += line
                if line.startswith("READY"):
                    break
            b_out = ""
            for line in b.stdout:
                b_out += line
                if line.startswith("READY"):
                    break
            sid_a, luid_a, port_a = parse_login(a_out)
            sid_b, luid_b, port_b = parse_login(b_out)
            check(sid_a is not None, "login A printed its session id", a_out[-2000:])
            check_eq(luid_a, sshd.uid, "PAM (pam_loginuid) set login A's login uid")
            check_eq(luid_b, sshd.uid, "PAM set login B's login uid")
            check(sid_a not in (None, 0xFFFFFFFF), "login A has an audit session id")
            check(sid_b is not None and sid_b != sid_a, "login B has another session id",
                  f"A {sid_a}, B {sid_b}")

            def both_listed():
                # A's terminal is learned on a stats tick (its first events came
                # from sshd's PAM phase, before the terminal existed)
                listed = {e["session"]: e for e in sessions_json(pk)}
                a_entry = listed.get(sid_a, {})
                done_yet = sid_b in listed and a_entry.get("tty")
                return listed if done_yet else None
            listed = wait_for(both_listed, timeout=10) or {
                e["session"]: e for e in sessions_json(pk)}
            check(sid_a in listed and sid_b in listed, "probekit sessions lists both logins",
                  repr(listed))
            for name, sid, port in (("A", sid_a, port_a), ("B", sid_b, port_b)):
                e = listed.get(sid, {})
                check_eq((e.get("auid"), e.get("user"), e.get("remote_addr"),
                          e.get("remote_port"), e.get("local_port"), e.get("opened_by")),
                         (sshd.uid, sshd.user, "127.0.0.1", port, sshd.port, "sshd"),
                         f"sessions: login {name}'s user, client address and port, opener")
            check(re.fullmatch(r"pts/\d+", listed.get(sid_a, {}).get("tty") or ""),
                  "sessions: login A has a pseudo-terminal", repr(listed.get(sid_a)))
            check_eq(listed.get(sid_b, {}).get("tty"), None, "sessions: login B has none")
            check(listed.get(sid_a, {}).get("commands", 0) >= 9,
                  "sessions: login A's commands so far", repr(listed.get(sid_a)))
            text = subprocess.run([PROBEKIT, "sessions", "--control-socket", pk.socket_path],
                                  capture_output=True, text=True, timeout=10).stdout
            check(f"127.0.0.1:{port_a}" in text and sshd.user in text,
                  "sessions (text) shows the user and the client", text)

            a.wait(20)
            b.wait(20)

            def ended():
                ends = {e.get("session") for e in read_lines(pk.output_path)
                        if e.get("event") == "session" and e.get("action") == "end"}
                return sid_a in ends and sid_b in ends
            check(wait_for(ended, timeout=10), "both logins get their end event")
        check_eq(pk.returncode, 0, "probekit exits 0")
    finally:
        l4.close()
        l6.close()

    events = pk.events
    in_a = [e for e in events if e.get("session") == sid_a]
    execs = [e for e in in_a if e.get("event") == "exec"]
    argvs = [e.get("argv") for e in execs]
    for argv in (["cat", "/etc/hostname"], ["base64", "-d"], ["sh"], ["cat", "/etc/os-release"],
                 ["sh", f"/home/{sshd.user}/pk-script.sh"], ["id", "-un"], ["uname", "-r"],
                 ["stty", "-echo"], ["ls", "-d", "/tmp"]):
        check(argv in argvs, f"login A: exec of {argv}", repr(argvs)[:3000])
    check(all(e.get("auid") == sshd.uid for e in in_a), "login A: every event has the auid")
    opens = {e.get("path") for e in in_a if e.get("event") == "open" and e.get("ret", -1) >= 0}
    for path in ("/etc/hostname", "/etc/os-release"):
        check(path in opens, f"login A: the open of {path}", repr(sorted(opens)))

    check(all(e.get("session") is not None and e.get("auid") is not None for e in events),
          "login_only: every event is inside a login")
    check_eq([e for e in events if e.get("pid") == outside.pid], [],
             "login_only: the test's own cat of /etc/hostname does not show")
    check_eq([e for e in events if e.get("session") is None], [],
             "login_only: nothing from outside a login")

    starts = {e["session"]: e for e in events if e.get("event") == "session"
              and e.get("action") == "start"}
    finish = {e["session"]: e for e in events if e.get("event") == "session"
              and e.get("action") == "end"}
    for name, sid in (("A", sid_a), ("B", sid_b)):
        check_eq((starts.get(sid, {}).get("user"), starts.get(sid, {}).get("remote_addr")),
                 (sshd.user, "127.0.0.1"), f"login {name}: a start event with user and client")
    end_a = finish.get(sid_a, {})
    check(end_a.get("commands", 0) >= 9 and end_a.get("opens", 0) >= 2,
          "login A's end event counts what it did", repr(end_a))
    first_a = next((i for i, e in enumerate(events) if e.get("session") == sid_a), None)
    check(first_a is not None and events[first_a].get("event") == "session",
          "login A's start event comes before its other events")

    # the jq recipe of docs/session-audit.md: Teleport's three audit event kinds
    out = subprocess.run(["jq", "-n", "-c", "-f", RECIPE], input=pk.output, capture_output=True,
                         text=True, timeout=30)
    check(out.returncode == 0, "the jq recipe runs", out.stderr)
    kinds = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    mine = [k for k in kinds if k.get("login") == sshd.user]
    commands = [k for k in mine if k.get("event") == "session.command"]
    check(any(k.get("path") == "/usr/bin/cat" and k.get("argv") == ["/etc/os-release"]
              for k in commands), "jq: session.command for the decoded payload",
          repr(commands)[:2000])
    check(any(k.get("event") == "session.disk" and k.get("path") == "/etc/hostname"
              for k in mine), "jq: session.disk for /etc/hostname")
    done()


if __name__ == "__main__":
    main()
