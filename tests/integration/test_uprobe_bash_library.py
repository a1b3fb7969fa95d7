#!/usr/bin/env python3
"""uprobe_bash on a program that links libreadline.so instead of carrying
readline itself: the probe must find readline through the program's
DT_NEEDED entry and report its lines, the first one typed at a prompt shown
before probekit started included.

The program is a few lines of C built here; scripts/install-deps.sh
installs libreadline-dev for it, and a machine that cannot build it fails
the test rather than skipping what it checks.
"""
import os
import shutil
import subprocess
import tempfile
import time

from pktest import Probekit, check, check_eq, done, wait_for
from test_uprobe_bash import Terminal

PROMPT = f"rl{os.getpid()}> "

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>

int main(int argc, char **argv)
{
	char *line;

	while ((line = readline(argc > 1 ? argv[1] : "> "))) {
		printf("got %s\n", line);
		free(line);
	}
	return 0;
}
"""


def build_program(folder):
    """Path of the built program, or None (with the reason printed)."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc or not os.path.exists("/usr/include/readline/readline.h"):
        print("no C compiler or readline headers: install libreadline-dev")
        return None
    source = os.path.join(folder, "rl.c")
    program = os.path.join(folder, "pkreadline")
    with open(source, "w") as f:
        f.write(PROGRAM)
    built = subprocess.run([cc, source, "-o", program, "-lreadline"], capture_output=True,
                           text=True)
    if built.returncode != 0:
        print(built.stderr)
        return None
    return program


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-rl-") as folder:
        program = build_program(folder)
        if not check(program is not None, "the libreadline test program builds"):
            done()
        term = Terminal([program, PROMPT], PROMPT)
        try:
            check(wait_for(lambda: term.prompts() >= 1, timeout=10),
                  "the program waits at its prompt before probekit starts", term.text())
            config = f"[rl]\nplugin = uprobe_bash\nbinaries = {program}\npid = {term.pid}\n"
            with Probekit(config) as pk:
                typed = ["first line, typed at a waiting prompt", "second"]
                for line in typed:
                    check(term.type_line(line), f"the program read {line!r}", term.text())
                time.sleep(0.5)
        finally:
            term.close()
        check_eq(pk.returncode, 0, "probekit exits 0 on SIGINT")
        check("in /" in pk.stderr and "libreadline.so" in pk.stderr,
              "the probe went into the libreadline.so the program links", pk.stderr)
        check_eq([e.get("line") for e in pk.select(event="readline", pid=term.pid)], typed,
                 "every line read through libreadline")
    done()


if __name__ == "__main__":
    main()
