#!/usr/bin/env python3
"""kprobe_unlink end to end on this kernel, which has no kprobes and locks
fentry: `auto` falls back to the syscall tracepoints, the events are exact,
and a forced mode that cannot attach fails alone, with its reason, while the
other probes of the run deliver.

Every instance traces only this test's process (`pid`), so other unlinks on
the machine do not interfere.
"""
import os
import shutil
import subprocess
import tempfile

from pktest import Probekit, check, check_eq, done, wait_for

AT_FDCWD = -100
ENOENT = 2
ENAMETOOLONG = 36
PATH_MAX = 4096
EXEC_NAME = f"pkunl{os.getpid() % 100000}"  # a tp_exec comm of our own


def ensure_tracefs():
    """libbpf resolves tp/ tracepoints through tracefs, unmounted on a fresh machine."""
    if not os.path.isdir("/sys/kernel/tracing/events"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=True)


# How a failure to attach may be worded: errno names, strerror() or the
# kernel feature that is missing.
KPROBES_MISSING = ("ENOENT", "No such file", "CONFIG_KPROBES")
FENTRY_LOCKED = ("EPERM", "not permitted")


def says_why(text, subject, causes):
    return subject in text and any(cause in text for cause in causes)


def probe_entry(listing, name):
    probes = listing.get("probes", []) if isinstance(listing, dict) else listing
    return next((p for p in probes if p.get("name") == name), None)


def touch(path):
    with open(path, "w"):
        pass


def long_path(root):
    """A file path of about 600 bytes, made of directories of 100-byte names."""
    folder = root
    for i in range(5):
        folder = os.path.join(folder, f"{i}" * 100)
    os.makedirs(folder)
    return os.path.join(folder, "file")


def unlink_events(pk, path):
    return pk.select(probe="kprobe_unlink", event="unlink", path=path)


def check_one_unlink(pk, path, ret, dfd=AT_FDCWD):
    events = unlink_events(pk, path)
    check_eq(len(events), 1, f"one unlink event for {path[:60]}...")
    if not events:
        return
    event = events[0]
    check_eq(event.get("ret"), ret, f"ret of {path[:60]}")
    check_eq(event.get("dfd"), dfd, f"dfd of {path[:60]}")
    check_eq(event.get("path_truncated"), False, f"{path[:60]} not truncated")
    check_eq(event.get("mode"), "tracepoint", "auto picked the tracepoint mode")
    check_eq((event.get("pid"), event.get("tid")), (os.getpid(), os.getpid()),
             "pid and tid are the test's")
    check(event.get("duration_ns", 0) > 0, "duration_ns is positive", repr(event))


def test_auto_picks_tracepoint(root):
    removed = os.path.join(root, "removed")
    missing = os.path.join(root, "missing")
    deep = long_path(root)
    too_long = os.path.join(root, "x" * (PATH_MAX + 100))
    os.mkdir(os.path.join(root, "subdir"))
    os.mkdir(os.path.join(root, "plain_rmdir"))
    for path in (removed, deep, os.path.join(root, "relative")):
        touch(path)
    dir_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)

    with Probekit(f"[kprobe_unlink]\npid = {os.getpid()}\n") as pk:
        os.unlink(removed)
        for path in (missing, too_long):
            try:
                os.unlink(path)
            except OSError:
                pass
        os.unlink(deep)
        os.unlink("relative", dir_fd=dir_fd)  # unlinkat(dir_fd, "relative", 0)
        os.rmdir("subdir", dir_fd=dir_fd)  # unlinkat(dir_fd, "subdir", AT_REMOVEDIR)
        os.rmdir(os.path.join(root, "plain_rmdir"))  # rmdir(): not an unlink either
        entry = wait_for(lambda: probe_entry(pk.list_json(), "kprobe_unlink"))
    os.close(dir_fd)

    check(entry is not None, "`probekit list --json` shows kprobe_unlink", repr(entry))
    check_eq((entry or {}).get("state"), "attached", "kprobe_unlink is attached")
    check_eq((entry or {}).get("mode"), "tracepoint", "list shows the tracepoint mode")

    check_one_unlink(pk, removed, 0)
    check_one_unlink(pk, missing, -ENOENT)
    check(len(deep) > 255, "the long path is longer than one name may be")
    check_one_unlink(pk, deep, 0)
    check_one_unlink(pk, "relative", 0, dfd=dir_fd)
    check_eq(pk.select(path="subdir") + pk.select(path=os.path.join(root, "plain_rmdir")), [],
             "rmdir and unlinkat(AT_REMOVEDIR) are not reported")

    cut = [e for e in pk.events if e.get("path_truncated")]
    check_eq(len(cut), 1, "one truncated path: the one longer than PATH_MAX")
    if cut:
        check_eq(cut[0].get("path"), too_long[:PATH_MAX - 1], "it keeps the first 4095 bytes")
        check_eq(cut[0].get("ret"), -ENAMETOOLONG, "and the call failed with ENAMETOOLONG")
    check(len(pk.events) == 5, "nothing else reported",
          repr([e.get("path", "")[:40] for e in pk.events]))


def test_forced_kprobe_fails_alone(root):
    program = os.path.join(root, EXEC_NAME)
    shutil.copy("/bin/true", program)
    config = (f"[kprobe_unlink]\npid = {os.getpid()}\nattach = kprobe\n"
              f"[unlink_fentry]\nplugin = kprobe_unlink\npid = {os.getpid()}\nattach = fentry\n"
              f"[tp_exec]\ncomm = {EXEC_NAME}\n")
    with Probekit(config) as pk:
        ready = pk.read_stderr()
        listing = pk.list_json()
        child = subprocess.run([program])
        wait_for(lambda: (probe_entry(pk.list_json(), "tp_exec") or {}).get("events", 0) >= 2)

    check("ready: 1 attached, 2 failed" in ready, "ready line counts 1 attached, 2 failed",
          ready)
    forced = probe_entry(listing, "kprobe_unlink") or {}
    check_eq(forced.get("state"), "failed", "attach = kprobe: the instance failed")
    check(says_why(forced.get("reason", ""), "kprobe", KPROBES_MISSING),
          "list gives the kprobe's reason (no kprobes here)", repr(forced))
    check(any(says_why(line, "kprobe_unlink", KPROBES_MISSING) for line in ready.splitlines()),
          "stderr names the instance and the reason", ready)
    fentry = probe_entry(listing, "unlink_fentry") or {}
    check_eq(fentry.get("state"), "failed", "attach = fentry: the instance failed")
    check(says_why(fentry.get("reason", ""), "fentry", FENTRY_LOCKED),
          "list gives the fentry's reason (locked here: EPERM)", repr(fentry))
    check("'unlink_fentry_enter'" in fentry.get("reason", ""),
          "the reason names the program it failed on", repr(fentry))

    check_eq(child.returncode, 0, "the exec child ran")
    check_eq([e.get("filename") for e in pk.select(probe="tp_exec", event="exec")], [program],
             "tp_exec still delivers in the same run")
    check_eq(pk.returncode, 0, "probekit exits 0 with failed probes")


def main():
    ensure_tracefs()
    with tempfile.TemporaryDirectory(prefix="pktest-unlink-") as root:
        test_auto_picks_tracepoint(root)
        test_forced_kprobe_fails_alone(root)
    done()


if __name__ == "__main__":
    main()
