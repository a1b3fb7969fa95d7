#!/usr/bin/env python3
"""tcp_connect end to end on this kernel (no kprobes, fexit locked): `auto`
ends on the sock:inet_sock_set_state tracepoint, and `attach = syscall` runs
the connect syscall tracepoints; each is checked field by field on connects
to a listener on 127.0.0.1, one on ::1 and a closed port, all made by this
test's own process (the `pid` filter keeps the machine's other connects
out). Then each option. fexit and kprobe run in the qemu kernel matrix.
"""
import errno
import os
import socket
import subprocess
import tempfile

from pktest import PROBEKIT, Probekit, check, check_eq, done

AF_INET, AF_INET6 = 2, 10


def ensure_tracefs():
    if not os.path.isdir("/sys/kernel/tracing/events"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=True)


class Listeners:
    """A listener on 127.0.0.1 and one on ::1, ports chosen by the kernel,
    and a port on 127.0.0.1 that nothing listens on."""

    def __enter__(self):
        self.v4 = socket.socket(socket.AF_INET)
        self.v4.bind(("127.0.0.1", 0))
        self.v4.listen(16)
        self.v6 = socket.socket(socket.AF_INET6)
        self.v6.bind(("::1", 0))
        self.v6.listen(16)
        probe = socket.socket(socket.AF_INET)
        probe.bind(("127.0.0.1", 0))
        self.closed_port = probe.getsockname()[1]
        probe.close()
        self.v4_port = self.v4.getsockname()[1]
        self.v6_port = self.v6.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.v4.close()
        self.v6.close()


def connect(family, addr, port):
    """connect() from a fresh socket: (result, local port or None)."""
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.connect((addr, port))
        return 0, s.getsockname()[1]
    except OSError as e:
        return -e.errno, None
    finally:
        s.close()


def connects(pk, **match):
    return pk.select(probe=match.pop("probe", "tcp_connect"), event="connect", **match)


def check_mode(mode, forced):
    config = f"[tcp_connect]\npid = {os.getpid()}\n" + (f"attach = {mode}\n" if forced else "")
    with Listeners() as ls, Probekit(config) as pk:
        v4 = connect(socket.AF_INET, "127.0.0.1", ls.v4_port)
        v6 = connect(socket.AF_INET6, "::1", ls.v6_port)
        refused = connect(socket.AF_INET, "127.0.0.1", ls.closed_port)
        entry = pk.probe("tcp_connect") or {}
    what = f"{mode} mode"
    check_eq(entry.get("mode"), mode, f"{what}: list shows it")
    check_eq((v4[0], v6[0], refused[0]), (0, 0, -errno.ECONNREFUSED), f"{what}: the connects")
    check_eq(len(pk.events), 3, f"{what}: three connects reported, nothing else")
    me = dict(pid=os.getpid(), tid=os.getpid(), mode=mode)

    for label, family, addr, port, local in (("IPv4", AF_INET, "127.0.0.1", ls.v4_port, v4[1]),
                                             ("IPv6", AF_INET6, "::1", ls.v6_port, v6[1])):
        found = connects(pk, dport=port)
        check_eq(len(found), 1, f"{what}: one {label} connect")
        ev = found[0] if found else {}
        for key, value in dict(family=family, family_name=f"AF_INET{'6' if family == AF_INET6 else ''}",
                               saddr=addr, sport=local, daddr=addr, ret=0, **me).items():
            check_eq(ev.get(key), value, f"{what}: {label} {key}")
        check(isinstance(ev.get("latency_ns"), int) and 0 < ev["latency_ns"] < 5_000_000_000,
              f"{what}: {label} latency_ns is a time", repr(ev.get("latency_ns")))

    found = connects(pk, dport=ls.closed_port)
    check_eq(len(found), 1, f"{what}: one refused connect")
    ev = found[0] if found else {}
    for key, value in dict(family=AF_INET, daddr="127.0.0.1", ret=-errno.ECONNREFUSED,
                           ret_name="ECONNREFUSED", latency_ns=None, **me).items():
        check_eq(ev.get(key), value, f"{what}: refused {key}")
    # connect() returns after the kernel has cleared the socket's source address
    check_eq(ev.get("saddr"), "0.0.0.0" if mode == "syscall" else "127.0.0.1",
             f"{what}: refused saddr")
    check(isinstance(ev.get("sport"), int) and ev["sport"] > 0,
          f"{what}: refused sport was chosen", repr(ev.get("sport")))
    check_eq(pk.returncode, 0, f"{what}: probekit exits 0")


def test_options():
    pid = os.getpid()
    config = (f"[failed]\nplugin = tcp_connect\npid = {pid}\nfailed_only = true\n"
              f"[v6only]\nplugin = tcp_connect\npid = {pid}\naddr = ::1\n"
              f"[net4]\nplugin = tcp_connect\npid = {pid}\naddr = 127.0.0.0/8\nattach = syscall\n")
    with Listeners() as ls:
        config += f"[port]\nplugin = tcp_connect\npid = {pid}\nport = {ls.v4_port},9\n"
        with Probekit(config) as pk:
            connect(socket.AF_INET, "127.0.0.1", ls.v4_port)
            connect(socket.AF_INET6, "::1", ls.v6_port)
            connect(socket.AF_INET, "127.0.0.1", ls.closed_port)

    def ports(probe):
        return sorted(e.get("dport") for e in connects(pk, probe=probe))

    check_eq(ports("failed"), [ls.closed_port], "failed_only: the refused connect alone")
    check_eq(ports("v6only"), [ls.v6_port], "addr = ::1: the IPv6 connect alone")
    check_eq(ports("net4"), sorted([ls.v4_port, ls.closed_port]),
             "addr = 127.0.0.0/8 (syscall mode): both IPv4 connects")
    check_eq(ports("port"), [ls.v4_port], "port: the listed port alone")


def test_bad_options():
    with tempfile.NamedTemporaryFile("w", suffix=".ini", prefix="pktest-tc-") as f:
        f.write("[tcp_connect]\nport = 80,http\naddr = 10.0.0.0/33,::1\n")
        f.flush()
        out = subprocess.run([PROBEKIT, "check", "--config", f.name], capture_output=True,
                             text=True, timeout=30)
    check(out.returncode != 0, "check refuses a bad port and a bad network", out.stderr)
    check("'http'" in out.stderr and "10.0.0.0/33" in out.stderr,
          "both errors are reported at once", out.stderr)


def test_forced_modes_fail_alone():
    pid = os.getpid()
    with Probekit(f"[tcp_connect]\npid = {pid}\nattach = fexit\n"
                  f"[tc_kprobe]\nplugin = tcp_connect\npid = {pid}\nattach = kprobe\n"
                  f"[tc_tp]\nplugin = tcp_connect\npid = {pid}\n") as pk:
        fexit = pk.probe("tcp_connect") or {}
        kprobe = pk.probe("tc_kprobe") or {}
        with Listeners() as ls:
            connect(socket.AF_INET, "127.0.0.1", ls.v4_port)
    check_eq((fexit.get("state"), kprobe.get("state")), ("failed", "failed"),
             "attach = fexit and attach = kprobe fail here")
    check("fexit" in fexit.get("reason", "") and "kprobe" in kprobe.get("reason", ""),
          "each with its mode in the reason", repr((fexit, kprobe)))
    check_eq(len(connects(pk, probe="tc_tp", dport=ls.v4_port)), 1,
             "the tracepoint instance of the same run delivers")


def main():
    ensure_tracefs()
    check_mode("tracepoint", forced=False)  # what auto picks here
    check_mode("syscall", forced=True)
    test_options()
    test_bad_options()
    test_forced_modes_fail_alone()
    done()


if __name__ == "__main__":
    main()
