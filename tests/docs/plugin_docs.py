#!/usr/bin/env python3
"""Keep each plugin README's options and fields tables equal to what the
plugin itself declares.

Every plugins/<name>/README.md holds the output of
`probekit info <name> --markdown` between the lines

    <!-- probekit-info:begin -->
    <!-- probekit-info:end -->

`--check` fails, naming each README that differs; `--update` rewrites the
blocks (and appends one to a README that has none). `--readme NAME=PATH`
adds a README kept elsewhere (the SDK template's, checked by tests/sdk).
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys

BEGIN = "<!-- probekit-info:begin -->"
END = "<!-- probekit-info:end -->"


class DocsError(Exception):
    pass


def plugin_info(probekit, plugin_dir, name):
    cmd = [probekit, "info", name, "--markdown"]
    if plugin_dir:
        cmd += ["--plugin-dir", plugin_dir]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise DocsError(f"`{' '.join(cmd)}` exited {proc.returncode}:\n{proc.stderr}")
    if not proc.stdout.strip():
        raise DocsError(f"`{' '.join(cmd)}` printed nothing")
    return proc.stdout.strip() + "\n"


def split_block(text):
    """(before, block, after) around the markers, or None without them."""
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < 0 or end < start:
        return None
    body_start = start + len(BEGIN)
    return text[:body_start], text[body_start:end], text[end:]


def with_block(text, info):
    parts = split_block(text)
    if parts is None:
        return text.rstrip("\n") + f"\n\n## Options and fields\n\n{BEGIN}\n{info}{END}\n"
    before, _, after = parts
    return f"{before}\n{info}{after}"


def readmes(plugins_src):
    for name in sorted(os.listdir(plugins_src)):
        folder = os.path.join(plugins_src, name)
        if os.path.isfile(os.path.join(folder, "CMakeLists.txt")):
            yield name, os.path.join(folder, "README.md")


def readme_arg(text):
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    return name, path


def check_one(name, readme, info):
    if not os.path.isfile(readme):
        return f"{readme}: missing (each plugin documents itself in README.md)"
    with open(readme, encoding="utf-8") as f:
        parts = split_block(f.read())
    if parts is None:
        return f"{readme}: no `{BEGIN}` ... `{END}` block"
    block = parts[1].strip() + "\n"
    if block == info:
        return None
    diff = difflib.unified_diff(block.splitlines(), info.splitlines(),
                                f"{name}/README.md", f"probekit info {name} --markdown",
                                lineterm="")
    return f"{readme}: differs from the plugin:\n" + "\n".join(diff)


def update_one(readme, info):
    text = ""
    if os.path.isfile(readme):
        with open(readme, encoding="utf-8") as f:
            text = f.read()
    new = with_block(text, info)
    if new != text:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(new)
        print(f"updated {readme}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    parser.add_argument("--probekit", required=True, help="the built probekit executable")
    parser.add_argument("--plugin-dir",
                        help="more plugins to load (a built or installed probekit finds its own)")
    parser.add_argument("--plugins-src", help="the source folder plugins/")
    parser.add_argument("--readme", action="append", type=readme_arg, default=[],
                        metavar="NAME=PATH", help="one more plugin README")
    args = parser.parse_args()
    targets = list(readmes(args.plugins_src)) if args.plugins_src else []
    targets += args.readme

    problems = []
    stale = False  # a README differs: the update mode fixes that
    count = 0
    for name, readme in targets:
        count += 1
        try:
            info = plugin_info(args.probekit, args.plugin_dir, name)
        except DocsError as e:
            problems.append(str(e))
            continue
        if args.update:
            update_one(readme, info)
            continue
        problem = check_one(name, readme, info)
        if problem:
            problems.append(problem)
            stale = True

    if problems:
        print("plugin docs: FAILED\n" + "\n\n".join(problems), file=sys.stderr)
        if stale:
            update = [a if a != "--check" else "--update" for a in sys.argv]
            print("\nTo fix: docs/update-plugin-docs.sh [BUILD_DIR] for plugins/, or\n  "
                  + shlex.join([sys.executable] + update), file=sys.stderr)
        return 1
    print(f"plugin docs: {count} README(s) {'updated' if args.update else 'match'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
