#!/usr/bin/env python3
"""Which plugin file wins, and what `probekit plugins` says of the others.

A directory given with --plugin-dir comes before the installed plugins: a
copy of an installed plugin there is the one loaded, and the installed file
is named as shadowed on stdout (not only on stderr); a file that is refused
is named there with its reason too. `info` names `attach` among the common
options of a plugin that has attach modes.
"""
import os
import shutil
import tempfile

from pktest import PROBEKIT, check, check_eq, done, run_cli

BUILD = os.environ.get("PROBEKIT_BUILD_DIR", "build")


def installed(name):
    return os.path.realpath(os.path.join(os.path.dirname(os.path.realpath(PROBEKIT)), "..", "lib",
                                         "probekit", "plugins", f"{name}.so"))


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-plugindir-") as tmp:
        own = os.path.join(tmp, "raw_tp.so")
        shutil.copy(installed("raw_tp"), own)
        os.chmod(own, 0o755)
        with open(os.path.join(tmp, "broken.so"), "w") as f:
            f.write("not a shared object\n")

        out = run_cli("plugins", "--plugin-dir", tmp)
        check_eq(out.returncode, 0, "probekit plugins exits 0")
        rows = [line.split() for line in out.stdout.splitlines()]
        raw_tp = [r for r in rows if r and r[0] == "raw_tp"]
        check_eq(len(raw_tp), 1, "one raw_tp is loaded")
        if raw_tp:
            check_eq(raw_tp[0][-1], own, "the --plugin-dir copy wins over the installed file")
        not_loaded = out.stdout.split("Not loaded:")[-1] if "Not loaded:" in out.stdout else ""
        check(installed("raw_tp") in not_loaded and "shadowed" in not_loaded,
              "stdout names the installed raw_tp as shadowed", out.stdout)
        check(os.path.join(tmp, "broken.so") + ": refused: cannot be loaded" in not_loaded,
              "stdout names the refused file with its reason", out.stdout)

        info = run_cli("info", "raw_tp", "--plugin-dir", tmp)
        check(f"file: {own}" in info.stdout, "info shows the --plugin-dir file", info.stdout)

    # a plugin with attach modes has `attach` among its common options
    info = run_cli("info", "kprobe_unlink")
    common = [line for line in info.stdout.splitlines() if "common options" in line]
    check(common and "attach" in common[0], "info lists attach among the common options",
          info.stdout)
    info = run_cli("info", "tp_exec")
    common = [line for line in info.stdout.splitlines() if "common options" in line]
    check(common and "attach" not in common[0], "... and not for a plugin without attach modes",
          info.stdout)
    done()


if __name__ == "__main__":
    main()
