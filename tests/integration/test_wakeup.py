#!/usr/bin/env python3
"""The two wakeup policies, seen from the loop (`probekit list` counts an
event when the loop has read its sample from the ring).

With `flush_interval_ms` at 10 s (3 s for the batched check) the periodic
drain cannot be what delivers an event within the test's one-second bound:

- `wakeup = every`: each exec, caused one at a time 50 ms apart, is read by
  the loop within a second of happening; so is every call of a burst of
  getppid() (the kernel wakes only a consumer that has caught up, so the
  loop must read until it has, or the samples that arrived while it read
  would wait for the periodic drain).
- `wakeup = batched` (the default): a lone exec is not read before the
  periodic drain; it is once the drain comes, and at exit every event is in
  the output.
"""
import os
import shutil
import sys
import subprocess
import tempfile
import time

from pktest import Probekit, check, check_eq, done, wait_for

EXECS = 20
COMM = "pkwakeup"


def config(policy, flush_ms=10000):
    return ("[probekit]\n"
            f"flush_interval_ms = {flush_ms}\n"
            "\n"
            "[tp_exec]\n"
            f"comm = {COMM}\n"
            f"wakeup = {policy}\n")


def counted(pk):
    return (pk.probe("tp_exec") or {}).get("events", 0)


def check_every(binary):
    with Probekit(config("every")) as pk:
        slow = []
        for i in range(EXECS):
            subprocess.run([binary], check=True)
            start = time.monotonic()
            if not wait_for(lambda: counted(pk) >= i + 1, timeout=1.0):
                slow.append(i)
            elif time.monotonic() - start > 1.0:
                slow.append(i)
            time.sleep(0.05)
        check_eq(slow, [], "wakeup = every: each exec read by the loop within 1 s")
    check_eq(pk.returncode, 0, "wakeup = every: clean exit")
    check_eq(len(pk.select(event="exec", comm=COMM)), EXECS, "wakeup = every: every exec written")


BURST = 2000
BURSTS = 5
# One burst of getppid() calls per line read, "done" after each.
BURST_CHILD = ("import os, sys\n"
               "for _ in sys.stdin:\n"
               f"    for _ in range({BURST}): os.getppid()\n"
               "    print('done', flush=True)\n")


def check_every_burst():
    child = subprocess.Popen([sys.executable, "-c", BURST_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    conf = ("[probekit]\nflush_interval_ms = 10000\n\n"
            f"[raw_tp]\nmode = events\npid = {child.pid}\nsyscalls = getppid\n"
            "ring_size = 4194304\nwakeup = every\n")
    try:
        with Probekit(conf) as pk:
            read = lambda: (pk.probe("raw_tp") or {}).get("events", 0)
            for n in range(1, BURSTS + 1):
                child.stdin.write("go\n")
                child.stdin.flush()
                check_eq(child.stdout.readline().strip(), "done", "burst child ran")
                check(wait_for(lambda: read() >= n * BURST, timeout=1.0),
                      f"wakeup = every: every call of burst {n} read within 1 s",
                      f"{read()} of {n * BURST} read")
    finally:
        child.stdin.close()
        child.wait(10)
    check_eq(len(pk.select(syscall="getppid")), BURSTS * BURST,
             "wakeup = every: every call of the bursts written")


def check_batched(binary):
    with Probekit(config("batched", flush_ms=3000)) as pk:
        subprocess.run([binary], check=True)
        time.sleep(1.0)
        # the periodic drain is 3 s away: a lone sample waits for it
        check_eq(counted(pk), 0, "wakeup = batched: a lone exec waits for the periodic drain")
        check(wait_for(lambda: counted(pk) >= 1, timeout=15.0),
              "wakeup = batched: the periodic drain reads it")
    check_eq(pk.returncode, 0, "wakeup = batched: clean exit")
    check_eq(len(pk.select(event="exec", comm=COMM)), 1, "wakeup = batched: the exec written")


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-wakeup-") as tmp:
        binary = os.path.join(tmp, COMM)
        shutil.copy("/bin/true", binary)
        check_every(binary)
        check_every_burst()
        check_batched(binary)
    done()


if __name__ == "__main__":
    main()
