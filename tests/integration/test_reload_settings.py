#!/usr/bin/env python3
"""A reload applies the [probekit] settings the loop can change, and says
which ones need a restart.

A real probekit runs with a [probekit] section; the file is rewritten and
reloaded over the control socket:
- applied: stats_interval (stats' interval_s), flush_interval_ms (the loop's
  timerfd period in /proc/PID/fdinfo), log_level (info lines stop), metrics
  (an endpoint appears on a free port, moves, and stays where it was when the
  new port is taken: reload exits 1 with the reason), mount_tracefs;
- needs a restart: control_socket and sessions: the reply (text and JSON)
  and the log name the key, file:line and "needs a restart"; the old
  socket still answers, the new path is not created.
"""
import json
import os
import re
import socket
import time
import urllib.request

from pktest import Probekit, check, check_eq, done, run_cli, wait_for


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


class SettingsRun(Probekit):
    """probekit with its control socket named only in the file (to change it there)."""

    def command(self):
        cmd = super().command()
        i = cmd.index("--control-socket")
        return cmd[:i] + cmd[i + 2:]


def config(sock, **keys):
    lines = [f"control_socket = {sock}"] + [f"{k} = {v}" for k, v in keys.items()]
    return ("[probekit]\n" + "\n".join(lines) + "\n\n"
            f"[raw_tp]\nmode = events\npid = {os.getpid()}\nsyscalls = getppid\n")


def reload(sock, *extra):
    return run_cli("reload", "--control-socket", sock, *extra, timeout=30)


def timer_interval(pid):
    """The it_interval of the loop's timerfd, in seconds, from fdinfo."""
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(f"{fd_dir}/{fd}") != "anon_inode:[timerfd]":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                m = re.search(r"it_interval: \((\d+), (\d+)\)", f.read())
        except OSError:
            continue
        if m:
            return int(m.group(1)) + int(m.group(2)) / 1e9
    return None


def scrape(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def settings_of(out):
    reply = json.loads(out.stdout or out.stderr or "{}")
    return {s["key"]: s for s in reply.get("settings", [])}


pk = SettingsRun(config("PLACEHOLDER"))
sock = os.path.join(pk.dir, "a.sock")
other_sock = os.path.join(pk.dir, "b.sock")
pk.socket_path = sock  # what list_json() asks
write(pk.config_path, config(sock))
with pk:
    pid = pk.proc.pid
    check_eq(timer_interval(pid), 0.025, "the loop's timer runs every 25 ms at start")
    stats = json.loads(run_cli("stats", "--json", "--control-socket", sock).stdout)
    check_eq(stats["interval_s"], 1, "stats_interval is 1 at start")

    port = free_port()
    write(pk.config_path, config(sock, stats_interval=3, flush_interval_ms=200,
                                 metrics=f"127.0.0.1:{port}", mount_tracefs="false"))
    out = reload(sock, "--json")
    check_eq(out.returncode, 0, "a reload of applicable settings succeeds")
    got = settings_of(out)
    for key in ("stats_interval", "flush_interval_ms", "metrics", "mount_tracefs"):
        check_eq(got.get(key, {}).get("action"), "applied", f"{key} is applied")
    check_eq(got.get("stats_interval", {}).get("where"), f"{pk.config_path}:3",
             "the reply names the file and line of the new value")
    stats = json.loads(run_cli("stats", "--json", "--control-socket", sock).stdout)
    check_eq(stats["interval_s"], 3, "stats_interval is 3 after the reload")
    check_eq(timer_interval(pid), 0.2, "the timer runs every 200 ms after the reload")
    body = scrape(port)
    check(body is not None and "probekit_events_total" in body,
          "metrics are served on the new address", str(body)[:200])
    raw_tp = pk.probe("raw_tp")

    # a taken port: the reload says so, exits 1, and the endpoint stays
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    write(pk.config_path, config(sock, stats_interval=3, flush_interval_ms=200,
                                 metrics=f"127.0.0.1:{taken.getsockname()[1]}",
                                 mount_tracefs="false"))
    out = reload(sock, "--json")
    check_eq(out.returncode, 1, "a metrics address that cannot be bound makes reload exit 1")
    got = settings_of(out)
    check_eq(got.get("metrics", {}).get("action"), "failed", "metrics is reported failed")
    check_eq(got.get("metrics", {}).get("running"), f"127.0.0.1:{port}",
             "the reply names the address that stays")
    check(scrape(port) is not None, "the old endpoint still answers")
    taken.close()

    # needs a restart: control_socket and sessions; log_level applied
    write(pk.config_path, config(other_sock, stats_interval=3, flush_interval_ms=200,
                                 metrics=f"127.0.0.1:{port}", mount_tracefs="false",
                                 sessions="true", log_level="warn"))
    out = reload(sock)
    check_eq(out.returncode, 0, "a reload with keys that need a restart still succeeds")
    check(re.search(r"\[probekit\] control_socket = \S*b\.sock: needs a restart \(\S*:2\); "
                    r"\S*a\.sock stays in force", out.stdout),
          "text reply: control_socket needs a restart, with file:line", out.stdout)
    check(re.search(r"\[probekit\] sessions = true: needs a restart \(\S*:7\); false stays",
                    out.stdout), "text reply: sessions needs a restart", out.stdout)
    check("log_level = warn: applied" in out.stdout, "text reply: log_level applied",
          out.stdout)
    check(not os.path.exists(other_sock), "no socket is created at the new path")
    check_eq(pk.probe("raw_tp")["since"], raw_tp["since"], "the probe was kept throughout")
    out = reload(sock, "--json")
    got = settings_of(out)
    check_eq(set(got), {"control_socket", "sessions"},
             "a second reload reports only what still waits for a restart")
    check_eq(got["sessions"]["where"], f"{pk.config_path}:7", "sessions' file:line")
    mark = len(pk.read_stderr())
    reload(sock)
    time.sleep(0.1)
    later = pk.read_stderr()[mark:]
    check("reading the configuration again" not in later,
          "log_level = warn: info lines are no longer written", later)
    check("needs a restart" in later, "warnings still are", later)
log = pk.stderr
check(re.search(r"reload: \S*:2: \[probekit\] control_socket = \S*b\.sock needs a restart; "
                r"\S*a\.sock stays in force", log), "the log names control_socket, file:line", log)
check("reload: [probekit] stats_interval = 3 applied" in log, "the log says what was applied",
      log)
done()
