#!/usr/bin/env python3
"""The code in docs/writing-a-plugin.md is compiled code.

A fenced code block right after a line `<!-- compiled: PATH -->` must still
be in that file (PATH relative to the source tree, a file the build
compiles): its lines, with indentation ignored, appear there in the same
order; a line `/* ... */` or `...` in the block stands for lines left out.

  guide_snippets.py SOURCE_DIR
"""
import os
import re
import sys

MARK = re.compile(r"^<!-- compiled: (\S+) -->$")


def blocks(text):
    """(path, [lines]) of each marked code block."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = MARK.match(line.strip())
        if not m or i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            continue
        body = []
        for line2 in lines[i + 2:]:
            if line2.startswith("```"):
                break
            body.append(line2)
        yield m.group(1), i + 1, body


def in_order(needles, haystack):
    at = 0
    for needle in needles:
        while at < len(haystack) and haystack[at] != needle:
            at += 1
        if at == len(haystack):
            return needle
        at += 1
    return None


def main():
    src = sys.argv[1]
    guide = os.path.join(src, "docs", "writing-a-plugin.md")
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    failures = checked = 0
    for path, line_no, body in blocks(text):
        with open(os.path.join(src, path), encoding="utf-8") as f:
            code = [line.strip() for line in f.read().splitlines()]
        wanted = [line.strip() for line in body
                  if line.strip() and line.strip() not in ("/* ... */", "...")]
        missing = in_order(wanted, code)
        checked += 1
        if missing is not None:
            failures += 1
            print(f"FAIL {guide}:{line_no}: the block is no longer in {path}: "
                  f"no `{missing}` (in this order)")
    if checked == 0:
        print(f"FAIL {guide}: no block marked `<!-- compiled: PATH -->`")
        failures += 1
    print(f"{checked} compiled blocks checked, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
