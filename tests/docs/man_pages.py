#!/usr/bin/env python3
"""The man pages stay true to the executable they were built with:
probekit(1) has a section for every command `probekit --help` lists and
names every option each `probekit COMMAND --help` lists; probekit.ini(5)
has every key `probekit info --core` declares and a section for every
plugin `probekit plugins` finds.

  man_pages.py --probekit BUILD/bin/probekit --man BUILD/share/man
"""
import argparse
import os
import re
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")


def run(*cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout


def page_text(path):
    # wide enough that nothing is hyphenated or wrapped
    env = dict(os.environ, MANWIDTH="400", LANG="C.UTF-8", MAN_KEEP_FORMATTING="")
    return run("man", "-l", path, env=env)


def commands(probekit):
    usage = run(probekit, "--help")
    block = usage.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probekit", required=True)
    ap.add_argument("--man", required=True)
    args = ap.parse_args()

    page1 = page_text(os.path.join(args.man, "man1", "probekit.1"))
    headings = set(re.findall(r"^   (\S+)$", page1, re.M))
    names = commands(args.probekit)
    check(len(names) >= 5, f"`probekit --help` lists its commands (got {names})")
    for name in names:
        check(name in headings, f"probekit(1) has a section for `{name}` "
              f"(add `## {name}` to man/probekit.1.md)")
        helptext = subprocess.run([args.probekit, name, "--help"], capture_output=True,
                                  text=True).stdout
        for flag in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", helptext))):
            check(flag in page1, f"probekit(1) names `{name} {flag}` "
                  f"(add it to the `## {name}` section of man/probekit.1.md)")
    for flag in ("--help", "--version"):
        check(flag in page1, f"probekit(1) names `{flag}`")
    for part in ("EXIT STATUS", "SIGNALS", "FILES"):
        check(f"\n{part}\n" in page1, f"probekit(1) has {part}")

    page5 = page_text(os.path.join(args.man, "man5", "probekit.ini.5"))
    core = run(args.probekit, "info", "--core")
    keys = re.findall(r"^\| `([a-z_]+)` \|", core, re.M)
    check(len(keys) >= 10, "probekit info --core lists the keys")
    for key in keys:
        check(re.search(rf"^\s+{key} \(", page5, re.M), f"probekit.ini(5) describes `{key}`")
    for line in run(args.probekit, "plugins").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 3 and parts[2] in ("probe", "sink"):
            check(re.search(rf"^   {parts[0]}$", page5, re.M),
                  f"probekit.ini(5) has a section for plugin `{parts[0]}`")
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
