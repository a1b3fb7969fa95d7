# SPDX-License-Identifier: MIT
"""Counting the events a tool delivered, straight from its output file."""
import os

CHUNK = 16 << 20
NOT_FILES = ("/dev/null", "/dev/stdout")


def count_bytes(path, needle):
    """Occurrences of `needle` in a (possibly multi-GB) file, read in chunks."""
    if not path or path in NOT_FILES or not os.path.exists(path):
        return None
    count, tail = 0, b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            count += data.count(needle)
            # keep a partial match that may straddle the chunk boundary
            tail = data[-(len(needle) - 1):] if len(needle) > 1 else b""
    return count


def count_lines(path, predicate):
    """Lines of a small text file for which predicate(line) is true."""
    if not path or not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        return sum(1 for line in f if predicate(line))


def remove(path):
    if path and path not in NOT_FILES and os.path.exists(path):
        os.remove(path)
