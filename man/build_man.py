#!/usr/bin/env python3
"""Build probekit's man pages: Markdown sources (pandoc's dialect) with the
option and field tables generated from the built probekit and plugins,
turned into roff by pandoc.

  build_man.py --probekit BUILD/bin/probekit --src man --out BUILD/share/man --version V
"""
import argparse
import os
import re
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def builtin_plugins(probekit):
    """(probes, sinks): the names `probekit plugins` lists, each kind sorted."""
    probes, sinks = [], []
    for line in run(probekit, "plugins").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 3 and parts[2] in ("probe", "sink"):
            (probes if parts[2] == "probe" else sinks).append(parts[0])
    return sorted(probes), sorted(sinks)


def demote(markdown, levels):
    """Push every heading `levels` deeper, so a plugin's tables sit below its own heading."""
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) - 3 + levels) + " ", markdown,
                  flags=re.M)


def split_row(line):
    """The cells of a Markdown table row; `\\|` stays inside its cell."""
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [c.strip() for c in cells]


def tables_to_lists(markdown):
    """Option and field tables as definition lists, the usual shape of a man
    page: wide tables wrap into narrow columns on a terminal."""
    out, rows = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            rows.append(split_row(line))
            continue
        if rows:
            header, body = rows[0], rows[2:]
            for cells in body:
                item = dict(zip(header, cells))
                name = item.get("option") or item.get("field")
                kind = item.get("type", "")
                default = item.get("default", "")
                term = f"**{name.strip('`')}** ({kind}" + (f", default {default}" if default else "")
                out.append(term + ")")
                out.append(":   " + (item.get("description") or "") + "\n")
            rows = []
        out.append(line)
    return "\n".join(out)


def plugin_section(probekit, name):
    info = run(probekit, "info", name)
    description = info.splitlines()[0]  # "name version: description"
    body = run(probekit, "info", name, "--markdown")
    # every sub-heading says whose it is: man pages have only two heading levels
    body = re.sub(r"^### (Options|Events)$", lambda m: f"### {name}: {m.group(1).lower()}",
                  body, flags=re.M)
    body = re.sub(r"^#### `([^`]+)`$", lambda m: f"#### {name} event {m.group(1)}", body,
                  flags=re.M)
    body = tables_to_lists(demote(body, 3))
    return f"## {name}\n\n{description}\n\n{body}\n"


def render(src, out, version, section_page, replacements):
    with open(src) as f:
        text = f.read().replace("@VERSION@", version)
    for key, value in replacements.items():
        text = text.replace(key, value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        sys.exit(f"build_man: {src}: unreplaced {left}")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    md = out + ".md"
    with open(md, "w") as f:
        f.write(text)
    subprocess.run(["pandoc", "--standalone", "--from", "markdown", "--to", "man", md,
                    "--output", out], check=True)
    os.remove(md)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probekit", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", required=True)
    args = ap.parse_args()
    probes, sinks = builtin_plugins(args.probekit)
    if not probes:
        sys.exit("build_man: `probekit plugins` found no probe plugin")
    render(os.path.join(args.src, "probekit.1.md"),
           os.path.join(args.out, "man1", "probekit.1"), args.version, 1, {})
    render(os.path.join(args.src, "probekit.ini.5.md.in"),
           os.path.join(args.out, "man5", "probekit.ini.5"), args.version, 5, {
               "@CORE_OPTIONS@": tables_to_lists(demote(run(args.probekit, "info", "--core"), 2)),
               "@PROBE_PLUGINS@": "".join(plugin_section(args.probekit, p) for p in probes),
               "@SINK_PLUGINS@": "".join(plugin_section(args.probekit, s) for s in sinks),
           })


if __name__ == "__main__":
    main()
