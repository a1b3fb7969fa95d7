#!/usr/bin/env python3
"""The example plugin of docs/writing-a-plugin.md, loaded and attached.

It reads classic tracepoints through trace_event_raw_sys_enter, takes INT
options into an unsigned and a signed BPF global and a STRING one into a
char array (compared with pk_task_comm() into an aligned buffer), and its
configure() leaves the tgkill program out unless `tgkill = true`: such a
program is then neither loaded nor attached.
"""
import os
import signal
import subprocess
import threading

from pktest import Probekit, check, check_eq, done

BUILD = os.environ.get("PROBEKIT_BUILD_DIR", "build")
PLUGINS = os.path.join(BUILD, "tests", "docs", "guide_plugin", "plugins")


def own_comm():
    with open("/proc/self/comm") as f:
        return f.read().strip()


def main():
    target = subprocess.Popen(["sleep", "30"])
    try:
        config = (f"[guide]\nmin_signal = 10\ntarget_pid = {target.pid}\n"
                  f"sender = {own_comm()}\n")
        with Probekit(config, args=["--plugin-dir", PLUGINS]) as pk:
            os.kill(target.pid, signal.SIGHUP)    # 1: below min_signal
            os.kill(target.pid, signal.SIGCHLD)   # 17: reported
            signal.pthread_kill(threading.get_ident(), 0)  # tgkill: its program is off
            os.kill(os.getpid(), 0)               # another pid: not the target
        sigs = [(e.get("sig"), e.get("sig_name"), e.get("via_tgkill"))
                for e in pk.select(probe="guide", event="signal")]
        check_eq(sigs, [(17, "SIGCHLD", False)],
                 "only kill(target, SIGCHLD): min_signal, target_pid, no tgkill program")

        config = f"[guide]\ntgkill = true\nsender = {own_comm()}\n"
        with Probekit(config, args=["--plugin-dir", PLUGINS]) as pk:
            signal.pthread_kill(threading.get_ident(), signal.SIGCHLD)  # ignored by default
        tg = [(e.get("sig"), e.get("sig_name"), e.get("target_pid"))
              for e in pk.select(probe="guide", via_tgkill=True)]
        check_eq(tg, [(17, "SIGCHLD", os.getpid())],
                 "with tgkill = true the tgkill program is attached")

        config = "[guide]\nsender = nobody_here\n"
        with Probekit(config, args=["--plugin-dir", PLUGINS]) as pk:
            os.kill(target.pid, signal.SIGCHLD)
        check_eq(pk.select(probe="guide"), [], "a sender of another comm: nothing")
    finally:
        target.kill()
        target.wait()
    done()


if __name__ == "__main__":
    main()
