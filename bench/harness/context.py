# SPDX-License-Identifier: MIT
"""What every scenario needs: where the programs are, sizes, repetitions."""
import os
import re
import shutil
import sys
from dataclasses import dataclass, field


@dataclass
class Context:
    tools_dir: str  # the bench's own programs (bench/CMakeLists.txt)
    work_dir: str  # output files and logs of the runs
    probekit: str = None  # build-bench/bin/probekit, None when unavailable
    plugins: list = field(default_factory=list)  # built-in plugin names
    runs: int = 5
    quick: bool = False
    calls: int = 20_000_000  # firehose getppid() calls
    bpftrace_divisor: int = 20  # bpftrace gets calls / divisor (it is ~50x slower)
    execs: int = 5000  # exec storm size
    latency_events: int = 100  # one every 100 ms
    opens: int = 400_000  # open storm size
    connects: int = 20_000  # connect storm size
    soak_seconds: int = 600
    verbose: bool = False

    def tool(self, name):
        return os.path.join(self.tools_dir, name)

    def have(self, command):
        return shutil.which(command) is not None

    def run_dir(self, label):
        path = os.path.join(self.work_dir, label)
        os.makedirs(path, exist_ok=True)
        return path

    def log(self, message):
        print(message, file=sys.stderr, flush=True)

    def repeat(self, scenario, variants, one_run, runs=None):
        """Run every variant `runs` times, interleaved so that a noisy moment
        of the machine hits all tools alike; returns {label: [rows]}.

        A variant is a tuple whose first item is its label; one_run(variant,
        run_dir) measures it once.
        """
        runs = runs or self.runs
        results = {}
        for rep in range(runs):
            for variant in variants:
                label = variant[0]
                self.log(f"{scenario} run {rep + 1}/{runs}: {label}")
                run_dir = self.run_dir(slug(f"{scenario} {label}"))
                results.setdefault(label, []).append(one_run(variant, run_dir))
        return results


def slug(label):
    """A directory name for a run label."""
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")
