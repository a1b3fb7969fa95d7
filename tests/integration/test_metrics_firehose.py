#!/usr/bin/env python3
"""Scrapes do not stall the loop: a child makes getppid() calls as fast as
Python can while raw_tp records every syscall it makes (the firehose
benchmark's configuration: events mode, a 16 MiB ring, JSON to /dev/null),
and /metrics is scraped back to back all along. No event is dropped, every
scrape answers, and the count /metrics gives matches the exit summary."""
import re
import subprocess
import sys
import threading
import time

from pkmetrics import free_port, http_get, parse_metrics, samples
from pktest import Probekit, check, check_eq, done

CALLS = 1000000
CHILD = ("import os, sys\n"
         "sys.stdin.readline()\n"
         f"for _ in range({CALLS}):\n"
         "    os.getppid()\n"
         "print('done', flush=True)\n"
         "sys.stdin.read()\n")


def scrape_loop(url, stop, latencies, failures):
    while not stop.is_set():
        start = time.monotonic()
        try:
            status, _, text = http_get(url, timeout=5)
            if status != 200 or "probekit_events_total" not in text:
                failures.append(f"status {status}")
        except OSError as e:
            failures.append(str(e))
        latencies.append((start, time.monotonic() - start))


port = free_port()
url = f"http://127.0.0.1:{port}/metrics"
child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
config = (f"[probekit]\nmetrics = 127.0.0.1:{port}\n\n"
          f"[raw_tp]\nmode = events\npid = {child.pid}\nring_size = 16777216\n")
stop = threading.Event()
latencies, failures = [], []
scraper = threading.Thread(target=scrape_loop, args=(url, stop, latencies, failures))

with Probekit(config, args=["--output", "/dev/null"]) as pk:
    scraper.start()
    started = time.monotonic()
    child.stdin.write("go\n")
    child.stdin.flush()
    check_eq(child.stdout.readline().strip(), "done", "the child made its calls")
    ended = time.monotonic()
    elapsed = ended - started
    child.stdin.close()
    child.wait()
    time.sleep(1.2)  # one stats interval: the drop counter is read then
    stop.set()
    scraper.join()
    final = parse_metrics(http_get(url)[2])

check(not failures, "every scrape during the firehose answered", str(failures[:3]))
during = [d for t, d in latencies if started <= t <= ended]
slowest = max((d for _, d in latencies), default=0)
check(len(during) >= 10, "scraped back to back during the firehose",
      f"{len(during)} scrapes in {elapsed:.2f}s")
# A stalled loop keeps a scrape for seconds; 1.5 s leaves room for a loaded 2-core machine.
check(slowest < 1.5, "no scrape waited 1.5 s", f"slowest {slowest:.3f}s")
events = [v for _, v in samples(final, "probekit_events_total", probe="raw_tp", event="syscall")]
check(events and events[0] >= CALLS, "raw_tp recorded at least every getppid() call", str(events))
check_eq([v for _, v in samples(final, "probekit_kernel_drops_total", probe="raw_tp")], [0.0],
         "no event dropped in the kernel while scraped")
summary = re.search(r"raw_tp: (\d+) events, (\d+) dropped", pk.stderr)
check(summary and int(summary.group(2)) == 0, "the exit summary says 0 dropped", pk.stderr)
check(summary and events and int(summary.group(1)) >= events[0],
      "the exit summary counts at least what /metrics said", pk.stderr)
check_eq(pk.returncode, 0, "probekit exits 0")
print(f"{len(during)} scrapes in {elapsed:.2f}s of firehose ({CALLS / elapsed:.0f} calls/s), "
      f"slowest {slowest * 1000:.1f} ms")
done()
