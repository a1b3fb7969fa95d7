"""Helpers for the metrics tests: free ports in this suite's range, scraping
probekit's /metrics, parsing the text exposition format, and a real
Prometheus server started with its own config and data directory."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
import urllib.request

from pktest import wait_for

# Ports this suite may use (each helper of the project has its own range).
PORT_RANGE = range(int(os.environ.get("PKTEST_PORT_MIN", "22000")),
                   int(os.environ.get("PKTEST_PORT_MAX", "22999")) + 1)
_next_port = [PORT_RANGE.start + (os.getpid() * 7) % len(PORT_RANGE)]


def free_port():
    """A loopback port of the range nobody listens on right now."""
    for _ in range(len(PORT_RANGE)):
        port = _next_port[0]
        _next_port[0] = PORT_RANGE.start + (port + 1 - PORT_RANGE.start) % len(PORT_RANGE)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in the range")


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status, resp.headers.get("Content-Type"), resp.read().decode()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(value):
    """A label value as written, with the format's \\, \" and \n undone."""
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def parse_metrics(text):
    """{(name, frozenset(labels.items())): value} of every sample."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError(f"not a sample line: {line!r}")
        labels = {k: unescape(v) for k, v in LABEL.findall(m.group(2) or "")}
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(3))
    return out


def samples(parsed, name, **labels):
    """[(labels dict, value)] of metric `name` whose labels include `labels`."""
    found = []
    for (n, lbl), value in parsed.items():
        d = dict(lbl)
        if n == name and all(d.get(k) == v for k, v in labels.items()):
            found.append((d, value))
    return found


def promtool_check(text):
    """`promtool check metrics` on an exposition: (returncode, output)."""
    out = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                         text=True, timeout=30)
    return out.returncode, out.stdout + out.stderr


class Prometheus:
    """Debian's prometheus, scraping `targets` every second, on a loopback
    port of its own with its own data directory; stopped on exit."""

    def __init__(self, targets, interval="1s"):
        self.dir = tempfile.mkdtemp(prefix="pktest-prometheus-")
        self.port = free_port()
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write("global:\n"
                    f"  scrape_interval: {interval}\n"
                    f"  scrape_timeout: {interval}\n"
                    "scrape_configs:\n"
                    "  - job_name: probekit\n"
                    "    static_configs:\n"
                    f"      - targets: [{', '.join(repr(t) for t in targets)}]\n")
        self.log_path = os.path.join(self.dir, "prometheus.log")
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.config}",
             f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        ok = wait_for(lambda: self._ready() or self.proc.poll() is not None, 30, 0.1)
        if not ok or self.proc.poll() is not None:
            self.__exit__(None, None, None)
            raise RuntimeError("prometheus did not start:\n" + self.read_log())
        return self

    def _ready(self):
        try:
            return http_get(f"http://127.0.0.1:{self.port}/-/ready", 1)[0] == 200
        except OSError:
            return False

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def query(self, expr):
        """An instant query: [(labels, float value)]."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": expr}))
        body = json.loads(http_get(url)[2])
        if body.get("status") != "success":
            raise RuntimeError(f"query {expr!r}: {body}")
        return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]

    def targets_health(self):
        body = json.loads(http_get(f"http://127.0.0.1:{self.port}/api/v1/targets")[2])
        return [(t["scrapeUrl"], t["health"], t.get("lastError", ""))
                for t in body["data"]["activeTargets"]]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False
