#!/usr/bin/env python3
"""file_open end to end on this kernel (no kprobes, fexit locked): `auto`
ends on the syscall tracepoints. Opens of every kind are made by this test's
own process (the `pid` filter keeps the rest of the machine out) through the
four syscalls themselves, and every decoded field is checked; then each
option. The fexit and kprobe modes run in the qemu kernel matrix (tests/vm).
"""
import ctypes
import errno
import os
import subprocess
import tempfile

from pktest import Probekit, check, check_eq, done

AT_FDCWD = -100
# x86-64 syscall numbers: the test calls each open syscall by itself, so
# that the C library's choice (open() is openat() in glibc) cannot hide one.
SYS_OPEN, SYS_CREAT, SYS_OPENAT2 = 2, 85, 437
DIR_NONE, DIR_CWD, DIR_DIRFD = 0, 1, 2

libc = ctypes.CDLL(None, use_errno=True)


class OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64),
                ("resolve", ctypes.c_uint64)]


def raw_syscall(*args):
    """A syscall's own result: the fd or -errno."""
    ret = libc.syscall(*args)
    return -ctypes.get_errno() if ret == -1 else ret


def sys_open(path, flags, mode=0):
    return raw_syscall(SYS_OPEN, path.encode(), flags, mode)


def sys_creat(path, mode):
    return raw_syscall(SYS_CREAT, path.encode(), mode)


def sys_openat2(dfd, path, flags, mode=0):
    how = OpenHow(flags, mode, 0)
    return raw_syscall(SYS_OPENAT2, dfd, path.encode(), ctypes.byref(how), ctypes.sizeof(how))


def sys_openat(dfd, path, flags, mode=0):
    return os.open(path, flags, mode, dir_fd=dfd)  # openat(); adds O_CLOEXEC


def close(fd):
    if fd >= 0:
        os.close(fd)


def ensure_tracefs():
    if not os.path.isdir("/sys/kernel/tracing/events"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=True)


def one_event(pk, path, what):
    events = pk.select(probe="file_open", event="open", path=path)
    check_eq(len(events), 1, f"{what}: one open event for {path}")
    return events[0] if events else {}


def check_fields(event, what, **expected):
    for key, value in expected.items():
        check_eq(event.get(key), value, f"{what}: {key}")


def test_every_kind(root):
    """Absolute, relative to the cwd, relative to a dirfd, failing, creating."""
    sub = os.path.join(root, "sub")
    os.mkdir(sub)
    for name in ("abs", "sub/rel_dirfd", "rel_cwd"):
        with open(os.path.join(root, name), "w"):
            pass
    dir_fd = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    old_cwd = os.getcwd()
    os.chdir(root)
    results = {}
    try:
        with Probekit(f"[file_open]\npid = {os.getpid()}\n") as pk:
            results["abs"] = sys_open(os.path.join(root, "abs"), os.O_RDONLY)
            results["rel_cwd"] = sys_open("rel_cwd", os.O_RDONLY)
            results["rel_dirfd"] = sys_openat2(dir_fd, "rel_dirfd", os.O_RDONLY)
            results["missing"] = sys_open(os.path.join(root, "missing"), os.O_RDONLY)
            results["created"] = sys_openat(AT_FDCWD, os.path.join(root, "created"),
                                            os.O_CREAT | os.O_WRONLY, 0o640)
            results["creat"] = sys_creat(os.path.join(root, "creat"), 0o600)
            results["dotdot"] = sys_openat(dir_fd, "../abs", os.O_RDONLY)
            entry = pk.probe("file_open")
    finally:
        os.chdir(old_cwd)
    for fd in results.values():
        close(fd)
    os.close(dir_fd)

    check_eq((entry or {}).get("mode"), "tracepoint", "list shows the tracepoint mode")
    for what, ret in results.items():
        check(ret >= 0 or what == "missing", f"{what}: the open itself worked", repr(ret))
    me = dict(pid=os.getpid(), tid=os.getpid(), mode="tracepoint")

    ev = one_event(pk, os.path.join(root, "abs"), "absolute open()")
    check_fields(ev, "absolute open()", ret=results["abs"], dfd=AT_FDCWD, flags=os.O_RDONLY,
                 file_mode=0, dir_from=DIR_NONE, path_truncated=False, **me)
    check(ev.get("dir") in (None, ""), "absolute open(): no dir", repr(ev.get("dir")))

    ev = one_event(pk, "rel_cwd", "relative open()")
    check_fields(ev, "relative open()", ret=results["rel_cwd"], dfd=AT_FDCWD, dir=root,
                 dir_from=DIR_CWD, dir_truncated=False, flags=os.O_RDONLY, **me)

    ev = one_event(pk, "rel_dirfd", "openat2() relative to a dirfd")
    check_fields(ev, "openat2() relative to a dirfd", ret=results["rel_dirfd"], dfd=dir_fd,
                 dir=sub, dir_from=DIR_DIRFD, flags=os.O_RDONLY, **me)

    ev = one_event(pk, "../abs", "openat() of ../ from a dirfd")
    check_fields(ev, "openat() of ../", dir=sub, dir_from=DIR_DIRFD, ret=results["dotdot"],
                 flags=os.O_RDONLY | os.O_CLOEXEC)

    ev = one_event(pk, os.path.join(root, "missing"), "failing open()")
    check_fields(ev, "failing open()", ret=-errno.ENOENT, flags=os.O_RDONLY, **me)

    ev = one_event(pk, os.path.join(root, "created"), "openat(O_CREAT|O_WRONLY)")
    check_fields(ev, "openat(O_CREAT|O_WRONLY)", ret=results["created"], dfd=AT_FDCWD,
                 flags=os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, file_mode=0o640, **me)

    ev = one_event(pk, os.path.join(root, "creat"), "creat()")
    check_fields(ev, "creat()", ret=results["creat"], dfd=AT_FDCWD,
                 flags=os.O_CREAT | os.O_WRONLY | os.O_TRUNC, file_mode=0o600, **me)

    check_eq(pk.returncode, 0, "probekit exits 0")


def test_options(root):
    """failed_only, path_prefix (absolute and relative names) and flags."""
    inside = os.path.join(root, "inside")
    os.mkdir(inside)
    for name in ("inside/a", "outside"):
        with open(os.path.join(root, name), "w"):
            pass
    pid = os.getpid()
    config = (f"[failed]\nplugin = file_open\npid = {pid}\nfailed_only = true\n"
              f"[prefix]\nplugin = file_open\npid = {pid}\npath_prefix = {inside}/\n"
              f"[writes]\nplugin = file_open\npid = {pid}\nflags = O_WRONLY,O_RDWR,O_CREAT\n")
    old_cwd = os.getcwd()
    fds = []
    with Probekit(config) as pk:
        fds.append(sys_open(os.path.join(inside, "a"), os.O_RDONLY))
        fds.append(sys_open(os.path.join(root, "outside"), os.O_RDONLY))
        fds.append(sys_open(os.path.join(inside, "nope"), os.O_RDONLY))
        os.chdir(inside)
        try:
            fds.append(sys_open("a", os.O_RDONLY))  # relative, under the prefix
        finally:
            os.chdir(old_cwd)
        fds.append(sys_open(os.path.join(root, "outside"), os.O_RDWR))
        fds.append(sys_open(os.path.join(root, "new"), os.O_CREAT | os.O_RDONLY, 0o600))
    for fd in fds:
        close(fd)

    def paths(probe):
        return sorted(e.get("path") for e in pk.select(probe=probe))

    check_eq(paths("failed"), [os.path.join(inside, "nope")], "failed_only: only the ENOENT")
    check_eq(paths("prefix"), sorted([os.path.join(inside, "a"), os.path.join(inside, "nope"),
                                      "a"]),
             "path_prefix: absolute and relative names under it, nothing else")
    check_eq(paths("writes"), sorted([os.path.join(root, "outside"), os.path.join(root, "new")]),
             "flags: O_RDWR and O_CREAT opens, no read-only one")


def test_bad_options():
    config = ("[file_open]\npath_prefix = etc/\nflags = O_WRONLY,O_BOGUS\n")
    with tempfile.NamedTemporaryFile("w", suffix=".ini", prefix="pktest-fo-") as f:
        f.write(config)
        f.flush()
        out = subprocess.run([os.environ.get("PROBEKIT", "probekit"), "check", "--config", f.name],
                             capture_output=True, text=True, timeout=30)
    check(out.returncode != 0, "check refuses a relative prefix and an unknown flag", out.stderr)
    check("O_BOGUS" in out.stderr and "path_prefix" in out.stderr,
          "both errors are reported at once", out.stderr)


def test_forced_fexit_fails_alone():
    with Probekit(f"[file_open]\npid = {os.getpid()}\nattach = fexit\n"
                  f"[fo_tp]\nplugin = file_open\npid = {os.getpid()}\nattach = tracepoint\n") as pk:
        forced = pk.probe("file_open") or {}
        fd = sys_open("/dev/null", os.O_RDONLY)
    close(fd)
    check_eq(forced.get("state"), "failed", "attach = fexit fails here")
    check("fexit" in forced.get("reason", ""), "with the mode in its reason", repr(forced))
    check_eq(len(pk.select(probe="fo_tp", path="/dev/null")), 1,
             "the tracepoint instance of the same run delivers")


def main():
    ensure_tracefs()
    with tempfile.TemporaryDirectory(prefix="pktest-file-open-") as root:
        root = os.path.realpath(root)
        for name, test in (("kinds", test_every_kind), ("opts", test_options)):
            os.mkdir(os.path.join(root, name))
            test(os.path.join(root, name))
    test_bad_options()
    test_forced_fexit_fails_alone()
    done()


if __name__ == "__main__":
    main()
