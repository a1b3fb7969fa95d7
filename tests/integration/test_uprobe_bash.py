#!/usr/bin/env python3
"""uprobe_bash end to end: an interactive bash under a pseudo-terminal, started
(and waiting at its prompt) before probekit, types lines; the events must be
exactly those lines, the first one included, cut at max_line where asked.

A second instance with `binaries = /nonexistent` must fail alone, saying why,
while the others run.
"""
import os
import pty
import threading
import time

from pktest import Probekit, check, check_eq, done, wait_for

TOKEN = f"pk{os.getpid()}x{int(time.time()) % 100000}"
PROMPT = f"{TOKEN}-prompt$ "
LONG_LINE = f"echo {TOKEN}-long-" + "x" * 300


BASH = ["/bin/bash", "--norc", "--noprofile", "-i"]


class Terminal:
    """An interactive program (bash by default) on a pseudo-terminal, its
    output collected; `prompt` is what it shows when waiting for a line."""

    def __init__(self, argv=BASH, prompt=PROMPT):
        env = dict(os.environ, PS1=prompt, TERM="dumb", HISTFILE="/dev/null")
        self.prompt = prompt
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env)
        self.output = b""
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.output += data

    def text(self):
        with self.lock:
            return self.output.decode(errors="replace")

    def prompts(self):
        return self.text().count(self.prompt)

    def type_line(self, line):
        """Type one line and wait until bash has run it and prompts again."""
        before = self.prompts()
        os.write(self.fd, line.encode() + b"\n")
        return wait_for(lambda: self.prompts() > before, timeout=10)

    def close(self):
        try:
            os.write(self.fd, b"exit\n" if self.prompt == PROMPT else b"\x04")
            wait_for(lambda: os.waitpid(self.pid, os.WNOHANG)[0] != 0, timeout=5)
        except (OSError, ChildProcessError):
            pass
        os.close(self.fd)


def config(bash_pid):
    return (
        "[uprobe_bash]\n"
        "\n"
        "[bash_short]\n"
        "plugin = uprobe_bash\n"
        "max_line = 8\n"
        f"pid = {bash_pid}\n"
        "\n"
        "[bash_missing]\n"
        "plugin = uprobe_bash\n"
        "binaries = /nonexistent\n"
    )


def lines_of(pk, probe, pid):
    return [(e.get("line"), e.get("line_truncated"))
            for e in pk.select(event="readline", probe=probe, pid=pid)]


def main():
    term = Terminal()
    try:
        check(wait_for(lambda: term.prompts() >= 1, timeout=10),
              "bash shows its prompt before probekit starts", term.text())
        with Probekit(config(term.pid)) as pk:
            typed = [f"echo hello-{TOKEN}", LONG_LINE, f"true {TOKEN}-third"]
            for line in typed:
                check(term.type_line(line), f"bash ran {line[:40]!r}", term.text()[-300:])
            time.sleep(0.5)  # the ring buffer is drained on a short timer
        check_eq(pk.returncode, 0, "probekit exits 0 on SIGINT")
        check("ready: 2 attached, 1 failed" in pk.stderr,
              "bash_missing fails alone", pk.stderr)
        missing = [line for line in pk.stderr.splitlines() if "bash_missing" in line]
        check(any("/nonexistent" in line and "No such file" in line for line in missing),
              "bash_missing says which binary and why", "\n".join(missing))

        check_eq(lines_of(pk, "uprobe_bash", term.pid),
                 [(typed[0], False), (LONG_LINE[:256], True), (typed[2], False)],
                 "every line, the first typed at a prompt shown before probekit started")
        check_eq(lines_of(pk, "bash_short", term.pid),
                 [(line[:8], len(line) > 8) for line in typed],
                 "max_line = 8 cuts each line at 8 bytes")
        first = (pk.select(event="readline", probe="uprobe_bash", pid=term.pid) or [{}])[0]
        check_eq((first.get("tid"), first.get("uid"), first.get("comm")),
                 (term.pid, os.getuid(), "bash"), "header: tid, uid and comm of the bash")
        check_eq(pk.select(probe="bash_missing"), [], "the failed instance sends nothing")
    finally:
        term.close()
    done()


if __name__ == "__main__":
    main()
