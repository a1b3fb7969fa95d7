#!/usr/bin/env python3
"""systemd's Type=notify protocol without systemd: a test datagram socket as
$NOTIFY_SOCKET, as systemd-notify(1) and the service manager use it.
probekit sends READY=1 (with a STATUS= line) only after it logged `ready:`,
STOPPING=1 when it stops, and never READY=1 when no probe could attach.
A reload (SIGHUP, what the unit's ExecReload sends) says RELOADING=1, then
READY=1 again, and /metrics shows the new configuration's SHA-256 and load
time."""
import hashlib
import os
import signal
import socket
import tempfile

from pkmetrics import free_port, http_get, parse_metrics, samples
from pktest import Probekit, check, check_eq, done, wait_for


class NotifySocket:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pktest-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.messages = []

    def poll(self):
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.messages

    def close(self):
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


def lines(messages):
    return [line for m in messages for line in m.splitlines()]


def config_metrics(port):
    m = parse_metrics(http_get(f"http://127.0.0.1:{port}/metrics")[2])
    sha = [d["sha256"] for d, _ in samples(m, "probekit_config_sha256_info")]
    loaded = [v for _, v in samples(m, "probekit_config_reload_timestamp_seconds")]
    return sha, loaded


notify = NotifySocket()
os.environ["NOTIFY_SOCKET"] = notify.path
port = free_port()
pk = Probekit(f"[probekit]\nmetrics = 127.0.0.1:{port}\n\n[tp_exec]\n", expect_ready=False)
pk.start()
got = wait_for(lambda: "READY=1" in lines(notify.poll()) and notify.messages, 20)
stderr_at_ready = pk.read_stderr()
check(got, "READY=1 arrives on $NOTIFY_SOCKET", str(notify.messages))
check("probekit: ready: 1 attached, 0 failed" in stderr_at_ready,
      "after the ready: line was logged", stderr_at_ready)
check("STATUS=1 probes attached, 0 failed" in lines(notify.messages),
      "with a STATUS= line for systemctl status", str(notify.messages))
check_eq(pk.probe("tp_exec")["state"], "attached", "the probe was attached when READY=1 came")

sha_before, loaded_before = config_metrics(port)
with open(pk.config_path, "rb") as f:
    check_eq(sha_before, [hashlib.sha256(f.read()).hexdigest()], "metrics show the config's hash")
with open(pk.config_path, "a") as f:
    f.write("[kprobe_unlink]\n")
notify.messages.clear()
pk.proc.send_signal(signal.SIGHUP)
got = wait_for(lambda: lines(notify.poll()).count("READY=1") >= 1 and notify.messages, 20)
reload_lines = lines(notify.messages)
check("RELOADING=1" in reload_lines and "READY=1" in reload_lines
      and reload_lines.index("RELOADING=1") < reload_lines.index("READY=1"),
      "a reload says RELOADING=1, then READY=1", str(notify.messages))
with open(pk.config_path, "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
sha_after, loaded_after = config_metrics(port)
check_eq(sha_after, [digest], "after the reload metrics show the new file's hash")
check(loaded_after and loaded_before and loaded_after[0] > loaded_before[0],
      "and a later load time", f"{loaded_before} -> {loaded_after}")
check_eq(pk.probe("kprobe_unlink")["state"], "attached", "the reload started the new probe")
pk.stop()
stopping = lines(notify.poll())
check("STOPPING=1" in stopping, "STOPPING=1 when it stops", str(stopping))
check_eq(stopping.count("READY=1"), 1, "READY=1 was sent once")
check_eq(pk.returncode, 0, "probekit exits 0")

# every probe fails: no READY=1, a non-zero exit for systemd to act on
notify.messages.clear()
pk = Probekit("[uprobe_bash]\nbinaries = /nonexistent/bash\n", expect_ready=False)
pk.start()
pk.proc.wait(30)
pk.stop()
check_eq(pk.returncode, 1, "a run where no probe attached exits 1")
check("no probe could attach" in pk.stderr, "and says why", pk.stderr)
check("READY=1" not in lines(notify.poll()), "without READY=1", str(notify.messages))

del os.environ["NOTIFY_SOCKET"]
notify.close()
done()
