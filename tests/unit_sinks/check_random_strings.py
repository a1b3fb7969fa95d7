#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the sinks' string escaping against Python's own decoders.

Runs random_strings_driver, then for json: every line parses, and each
string equals the raw bytes (cut at the first NUL) decoded as UTF-8 with each
invalid byte replaced by U+FFFD; for text: one line per record, valid UTF-8,
no control bytes.

usage: check_random_strings.py DRIVER json|text COUNT SEED
"""
import codecs
import json
import os
import struct
import subprocess
import sys
import tempfile


def per_byte_replace(error):
    # Restart right after the first bad byte: one U+FFFD for each byte.
    return "\ufffd", error.start + 1


codecs.register_error("probekit_per_byte", per_byte_replace)


def read_raw(path):
    data = open(path, "rb").read()
    strings, at = [], 0
    while at < len(data):
        (length,) = struct.unpack_from("<I", data, at)
        strings.append(data[at + 4 : at + 4 + length])
        at += 4 + length
    return strings


def check_json(lines, strings):
    failures = 0
    for i, (line, raw) in enumerate(zip(lines, strings)):
        expected = raw.split(b"\0", 1)[0].decode("utf-8", "probekit_per_byte")
        try:
            got = json.loads(line)["s"]
        except ValueError as err:
            print(f"record {i}: not JSON ({err}): {line!r}")
            failures += 1
            continue
        if got != expected:
            print(f"record {i}: raw {raw!r}: got {got!r}, expected {expected!r}")
            failures += 1
    return failures


def check_text(lines, strings):
    failures = 0
    for i, line in enumerate(lines[1:]):  # after the header
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            print(f"record {i}: not UTF-8 ({err}): {line!r}")
            failures += 1
        if any(b < 0x20 or b == 0x7F for b in line):
            print(f"record {i}: raw {strings[i]!r}: control byte in {line!r}")
            failures += 1
    return failures


def main():
    driver, kind, count, seed = sys.argv[1:5]
    with tempfile.TemporaryDirectory(prefix="probekit-random-") as tmp:
        raw_path = os.path.join(tmp, "raw")
        out_path = os.path.join(tmp, "out")
        subprocess.run([driver, kind, raw_path, out_path, count, seed], check=True)
        strings = read_raw(raw_path)
        lines = open(out_path, "rb").read().split(b"\n")
    if lines[-1] != b"":
        print("output does not end with a newline")
        return 1
    lines = lines[:-1]
    expected_lines = len(strings) + (1 if kind == "text" else 0)
    if len(lines) != expected_lines:
        print(f"{len(lines)} lines for {len(strings)} records")
        return 1
    check = check_json if kind == "json" else check_text
    failures = check(lines, strings)
    print(f"{kind}: {len(strings)} random strings, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
