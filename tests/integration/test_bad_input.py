#!/usr/bin/env python3
"""Bad input is refused, named and never misread or waited on (issue #16):
every configuration error at once with file:line, `check` refusing what `run`
would, only regular files read, plugin files others can write refused,
durations that would overflow refused, and what configs and plugins say
escaped before it reaches the log.
"""
import os
import shutil
import stat
import subprocess
import tempfile

from pktest import PROBEKIT, check, check_eq, done, run_cli

BUILD_DIR = os.environ.get("PROBEKIT_BUILD_DIR", "build")
PLUGIN_DIR = os.path.join(BUILD_DIR, "lib", "probekit", "plugins")


def write(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)
    return path


def both_refuse(path, wanted, what):
    """`check` and `run` exit 2, each naming every wanted message."""
    for cmd in (["check", "--config", path], ["run", "--config", path, "--duration", "1"]):
        res = run_cli(*cmd, timeout=20)
        check_eq(res.returncode, 2, f"{what}: {cmd[0]} exits 2")
        for w in wanted:
            check(w in res.stderr, f"{what}: {cmd[0]} says {w!r}", res.stderr)
        check("attached" not in res.stderr, f"{what}: {cmd[0]} attached nothing", res.stderr)


def test_every_error_at_once(tmp):
    path = write(os.path.join(tmp, "many.ini"),
                 "[probekit]\n"            # 1
                 "bogus = 1\n"             # 2
                 "[raw_tp]\n"              # 3
                 "ring_size = 5000\n"      # 4
                 "syscalls = nosuchcall\n"  # 5
                 "this is not a line\n"    # 6
                 "[tp_exec]\n"             # 7
                 "pid = -5\n"              # 8
                 "[nosuchplugin]\n")       # 9
    both_refuse(path, [
        f"{path}:2: unknown option 'bogus' in [probekit]",
        f"{path}:4: [raw_tp] ring_size: must be a power of two",
        f"{path}:5: [raw_tp] syscalls: unknown x86-64 syscall 'nosuchcall'",
        f"{path}:6: not a '[section]' or 'key = value' line",
        f"{path}:8: pid: -5 is out of range",
        f"{path}:9: [nosuchplugin]: no plugin named 'nosuchplugin' was found",
    ], "five errors in one file")


def test_long_line_and_nul(tmp):
    # inih reads 200-byte lines: the tail of this comment once became a line
    long_comment = "; " + "x" * 300 + " enabled = false\n"
    path = write(os.path.join(tmp, "long.ini"), "[raw_tp]\n" + long_comment + "[tp_exec]\n")
    both_refuse(path, [f"{path}:2: line is 318 bytes long; the INI reader takes at most"],
                "a long line")
    path = write(os.path.join(tmp, "nul.ini"), b"[tp_exec]\ncomm = ab\0cd\n", "wb")
    both_refuse(path, [f"{path}:2: a NUL byte at column 10"], "a NUL byte")


def test_not_regular_files(tmp):
    fifo = os.path.join(tmp, "fifo.ini")
    os.mkfifo(fifo)
    for path, kind in ((tmp, "directory"), (fifo, "FIFO"), ("/dev/zero", "device")):
        both_refuse(path, [f"{path}: not a regular file (a {kind})"], f"a {kind} as config")


def test_plugin_files(tmp):
    """A copy of a built-in plugin in a directory of the test's own."""
    plugins = os.path.join(tmp, "plugins")
    os.mkdir(plugins, 0o755)
    copy = os.path.join(plugins, "copied.so")
    shutil.copy(os.path.join(PLUGIN_DIR, "tp_exec.so"), copy)
    os.mkfifo(os.path.join(plugins, "fifo.so"))

    def plugins_output():
        res = run_cli("plugins", "--plugin-dir", plugins, timeout=20)
        return res.returncode, res.stdout + res.stderr

    os.chmod(copy, 0o666)
    rc, out = plugins_output()
    check(f"{copy}: refused: the file {copy} can be written by everyone; fix: chmod go-w"
          in out, "a world-writable plugin is refused with the fix", out)
    check(os.path.join(plugins, "fifo.so") in out and "not a regular file" in out,
          "a FIFO named *.so is refused without hanging", out)
    os.chmod(copy, 0o644)
    os.chmod(plugins, 0o777)
    rc, out = plugins_output()
    check(f"refused: its directory {os.path.realpath(plugins)} can be written by everyone"
          in out, "a plugin in a world-writable directory is refused", out)
    os.chmod(plugins, 0o755)
    os.chown(copy, 65534, 65534)
    rc, out = plugins_output()
    check("belongs to uid 65534, not to root" in out, "a plugin owned by another user is refused",
          out)


def test_durations():
    for text, why in (("18446744074", "too long"), ("99999999999999999999", "too long"),
                      ("-1", "not a number"), ("1x", "not a number")):
        res = run_cli("run", "--duration", text, "--format", "none", timeout=20)
        check_eq(res.returncode, 2, f"--duration {text} is refused")
        check(why in res.stderr, f"--duration {text}: {why}", res.stderr)


def test_log_escaping(tmp):
    """An instance name from the config with a terminal escape and a CR."""
    name = "raw\x1b[31mred\rfake"
    path = write(os.path.join(tmp, "esc.ini"), f"[{name}]\nplugin = raw_tp\nmode = counts\n")
    res = subprocess.run([PROBEKIT, "run", "--config", path, "--duration", "1", "--format",
                          "none"], capture_output=True, timeout=30)
    err = res.stderr
    check(b"\x1b" not in err and b"\r" not in err, "no escape or CR byte reaches the log",
          repr(err[:300]))
    check(b"raw\\x1b[31mred\\x0dfake: attached" in err, "the name is shown escaped",
          repr(err[:300]))


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-badinput-") as tmp:
        os.chmod(tmp, 0o755)
        test_every_error_at_once(tmp)
        test_long_line_and_nul(tmp)
        test_not_regular_files(tmp)
        test_plugin_files(tmp)
        test_durations()
        test_log_escaping(tmp)
    done()


if __name__ == "__main__":
    main()
