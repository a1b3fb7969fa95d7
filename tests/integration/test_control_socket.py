#!/usr/bin/env python3
"""The control socket never stalls the loop, and never removes what is not ours.

During a raw_tp firehose (a child making getppid() calls as fast as Python
can, every one recorded), a client sends one byte every 150 ms without a
newline and 50 connections stay silent; `probekit list` is asked back to back
all along: every list answers quickly, the kernel drops nothing, and the
dribbling and silent connections are closed by their deadline.
Then: --control-socket naming a regular file is refused and the file kept;
a stale socket (nobody answers) is replaced; a socket another process answers
on is left alone; a peer that is not root is refused even on a 0666 socket.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

from pktest import PROBEKIT, Probekit, check, check_eq, done, run_cli

CALLS = 1000000
CHILD = ("import os, sys\n"
         "sys.stdin.readline()\n"
         f"for _ in range({CALLS}):\n"
         "    os.getppid()\n"
         "print('done', flush=True)\n"
         "sys.stdin.read()\n")


def dribble(path, stop, closed_after):
    """One byte every 150 ms, never a newline; note how long the server kept us."""
    while not stop.is_set():
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        start = time.monotonic()
        try:
            while not stop.is_set():
                s.send(b"l")
                time.sleep(0.15)
                s.setblocking(False)
                try:
                    if s.recv(100) == b"":
                        break
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
        except (BrokenPipeError, ConnectionResetError):
            pass
        closed_after.append(time.monotonic() - start)
        s.close()


def silent(path, stop, count):
    """`count` connections that never say anything, reopened as they are closed."""
    conns = []
    while not stop.is_set():
        while len(conns) < count:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.setblocking(False)
            conns.append(s)
        alive = []
        for s in conns:
            try:
                if s.recv(1) == b"":
                    s.close()
                    continue
            except BlockingIOError:
                pass
            alive.append(s)
        conns = alive
        time.sleep(0.05)
    for s in conns:
        s.close()


def list_loop(path, stop, latencies, failures):
    while not stop.is_set():
        start = time.monotonic()
        out = subprocess.run([PROBEKIT, "list", "--control-socket", path], capture_output=True,
                             text=True, timeout=30)
        if out.returncode != 0 or "raw_tp" not in out.stdout:
            failures.append(f"{out.returncode}: {out.stderr.strip()}")
        latencies.append(time.monotonic() - start)


def check_firehose_not_stalled():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    config = f"[raw_tp]\nmode = events\npid = {child.pid}\nring_size = 16777216\n"
    stop = threading.Event()
    latencies, failures, closed_after = [], [], []
    with Probekit(config, args=["--output", "/dev/null"]) as pk:
        threads = [threading.Thread(target=dribble, args=(pk.socket_path, stop, closed_after)),
                   threading.Thread(target=silent, args=(pk.socket_path, stop, 50)),
                   threading.Thread(target=list_loop,
                                    args=(pk.socket_path, stop, latencies, failures))]
        for t in threads:
            t.start()
        time.sleep(0.5)  # the slow clients are in place before the load starts
        started = time.monotonic()
        child.stdin.write("go\n")
        child.stdin.flush()
        check_eq(child.stdout.readline().strip(), "done", "the child made its calls")
        elapsed = time.monotonic() - started
        if elapsed < 3:  # keep the slow clients on for at least one deadline
            time.sleep(3 - elapsed)
        child.stdin.close()
        child.wait()
        time.sleep(1.2)  # one stats interval: the drop counter is read then
        stop.set()
        for t in threads:
            t.join()
        entry = pk.probe("raw_tp")
    check(not failures, "every `probekit list` during the firehose answered", str(failures[:3]))
    check(len(latencies) >= 5, "listed back to back", f"{len(latencies)} lists")
    slowest = max(latencies, default=99)
    # Before the rewrite one stalled the loop for 5 to 18 s; 1.5 s (under the 2 s
    # request deadline) leaves room for a loaded 2-core machine.
    check(slowest < 1.5, "no `probekit list` waited 1.5 s", f"slowest {slowest:.3f}s")
    check_eq(entry and entry["drops"], 0, "no event dropped in the kernel")
    check(entry and entry["events"] >= CALLS, "every getppid() call recorded",
          str(entry and entry["events"]))
    check(closed_after and max(closed_after) < 3.0,
          "the dribbling client was closed by the request deadline", str(closed_after))
    summary = re.search(r"raw_tp: (\d+) events, (\d+) dropped", pk.stderr)
    check(summary and int(summary.group(2)) == 0, "the exit summary says 0 dropped", pk.stderr)
    print(f"{len(latencies)} lists in {elapsed:.2f}s of firehose ({CALLS / elapsed:.0f} calls/s),"
          f" slowest {slowest * 1000:.1f} ms, dribbler closed after {closed_after}")


def check_regular_file_kept():
    with tempfile.TemporaryDirectory(prefix="pktest-engine-") as tmp:
        path = os.path.join(tmp, "precious.txt")
        with open(path, "w") as f:
            f.write("not a socket\n")
        out = run_cli("run", "--probes", "raw_tp", "--output", "/dev/null", "--duration", "1",
                      "--control-socket", path)
        check(out.returncode != 0, "a regular file as --control-socket is a start-up error",
              out.stderr)
        check("is not a socket" in out.stderr and "refusing to remove it" in out.stderr,
              "the message says the path is not a socket and is kept", out.stderr)
        check("attached" not in out.stderr, "refused before any probe attached", out.stderr)
        with open(path) as f:
            check_eq(f.read(), "not a socket\n", "the file is untouched")


def check_stale_socket_replaced():
    with tempfile.TemporaryDirectory(prefix="pktest-engine-") as tmp:
        path = os.path.join(tmp, "stale.sock")
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()  # bound, never listening: nobody answers
        pk = Probekit(None, args=["--probes", "raw_tp", "--output", "/dev/null"])
        pk.socket_path = path
        with pk:
            check(pk.probe("raw_tp") is not None, "the stale socket was replaced by ours")
        check("removing the stale socket" in pk.stderr, "the replacement is logged", pk.stderr)
        check(not os.path.exists(path), "our socket is removed at exit")


def check_socket_in_use_left_alone():
    with tempfile.TemporaryDirectory(prefix="pktest-engine-") as tmp:
        path = os.path.join(tmp, "busy.sock")
        other = socket.socket(socket.AF_UNIX)
        other.bind(path)
        other.listen(1)
        pk = Probekit(None, args=["--probes", "raw_tp", "--output", "/dev/null"])
        pk.socket_path = path
        with pk:
            pass
        check("another probekit instance is listening there" in pk.stderr,
              "a socket in use is reported", pk.stderr)
        check(os.path.exists(path), "the other process's socket is left in place")
        other.settimeout(1)
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        conn, _ = other.accept()
        check(conn is not None, "the other process still answers on its socket")
        conn.close()
        client.close()
        other.close()


def check_commands_and_peers():
    pk = Probekit(None, args=["--probes", "raw_tp", "--output", "/dev/null"])
    with pk:
        st = os.stat(pk.socket_path)
        check_eq(oct(st.st_mode & 0o777), "0o600", "the socket is mode 0600")
        reply = request(pk.socket_path, b"help\n")
        check(reply.startswith(b"ok\n") and b"list" in reply, "help lists the commands",
              repr(reply))
        reply = request(pk.socket_path, b"nosuchcommand json\n")
        check(reply.startswith(b"error\n") and b'"error"' in reply,
              "an unknown command is an error, in JSON when asked", repr(reply))
        reply = request(pk.socket_path, b"x" * 2000)
        check(reply.startswith(b"error\n") and b"longer than" in reply,
              "an over-long request is refused", repr(reply))
        os.chmod(pk.socket_path, 0o666)
        os.chmod(pk.dir, 0o711)  # let the other user reach the socket
        out = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              PROBEKIT, "list", "--control-socket", pk.socket_path],
                             capture_output=True, text=True, timeout=10)
        check(out.returncode != 0 and "only root" in out.stderr,
              "a peer that is not root is refused even when the mode lets it in",
              f"{out.returncode} {out.stdout} {out.stderr}")


def request(path, data):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(path)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    chunks = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    s.close()
    return b"".join(chunks)


check_firehose_not_stalled()
check_regular_file_kept()
check_stale_socket_replaced()
check_socket_in_use_left_alone()
check_commands_and_peers()
done()
