# SPDX-License-Identifier: MIT
"""After a firehose run into a capture file: count the events it holds by
replaying it to JSON (the same needle as the JSON rows), and time a replay
to JSON into /dev/null, which is `probekit replay`'s own speed."""
import re
import subprocess
import time

from counting import CHUNK
from procs import HarnessError

REPLAYED = re.compile(rb"(\d+) records replayed")


def count_replayed(binary, path, needle):
    """Occurrences of `needle` in the JSON a replay of `path` writes to a pipe."""
    proc = subprocess.Popen([binary, "replay", "-q", "-f", "json", "-o", "-", path],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    count, tail = 0, b""
    while True:
        chunk = proc.stdout.read(CHUNK)
        if not chunk:
            break
        data = tail + chunk
        count += data.count(needle)
        tail = data[-(len(needle) - 1):]
    if proc.wait() != 0:
        raise HarnessError(f"probekit replay {path} failed ({proc.returncode})")
    return count


def time_replay(binary, path):
    """(records, seconds) of a replay to JSON into /dev/null."""
    start = time.perf_counter_ns()
    out = subprocess.run([binary, "replay", "-f", "json", "-o", "/dev/null", path],
                         capture_output=True, timeout=600)
    seconds = (time.perf_counter_ns() - start) / 1e9
    found = REPLAYED.search(out.stderr)
    if out.returncode != 0 or not found:
        raise HarnessError(f"probekit replay {path} failed: {out.stderr[-500:]!r}")
    return int(found.group(1)), seconds


def measure(binary, path, needle):
    """Row entries of a capture run: delivered events, replay rate."""
    delivered = count_replayed(binary, path, needle)
    records, seconds = time_replay(binary, path)
    return delivered, {"replay_records": records, "replay_s": seconds,
                       "replay_rate": records / seconds if seconds > 0 else None}
