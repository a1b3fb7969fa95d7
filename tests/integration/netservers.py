"""Real servers for the network sink tests (and bench/): rsyslog and
nats-server, each started on loopback with its own config and data dir,
stopped (only the process we started) at the end.

The rsyslog config text written here is the one docs/fleet.md shows.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from pktest import wait_for as wait_until

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"

FLEET_MD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                        "fleet.md")


def fleet_snippet(name):
    """The rsyslog config between `<!-- fleet-snippet: NAME -->` and
    `<!-- fleet-snippet: end -->` in docs/fleet.md (the fence stripped)."""
    with open(FLEET_MD) as f:
        text = f.read()
    start = text.index(f"<!-- fleet-snippet: {name} -->")
    end = text.index("<!-- fleet-snippet: end -->", start)
    lines = text[start:end].splitlines()[1:]
    return "\n".join(line for line in lines if not line.startswith("```")) + "\n"


def free_port(kind=socket.SOCK_STREAM):
    """A port nothing listens on now (TCP and UDP both free)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as s:
                s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def make_tls_files(folder, name="localhost"):
    """A CA, a server certificate for `name` (and 127.0.0.1), and a client
    certificate, made with GnuTLS's certtool. Returns a dict of paths."""
    paths = {k: os.path.join(folder, k + ".pem") for k in
             ("ca-key", "ca", "server-key", "server", "client-key", "client")}
    templates = {
        "ca": "cn = probekit test CA\nca\ncert_signing_key\nexpiration_days = 2\n",
        "server": (f"cn = {name}\ndns_name = {name}\nip_address = 127.0.0.1\n"
                   "tls_www_server\nencryption_key\nsigning_key\nexpiration_days = 2\n"),
        "client": ("cn = probekit test client\ntls_www_client\nencryption_key\nsigning_key\n"
                   "expiration_days = 2\n"),
    }

    def certtool(*args):
        subprocess.run(["certtool", *args], check=True, capture_output=True)

    for what in ("ca", "server", "client"):
        tmpl = os.path.join(folder, what + ".tmpl")
        with open(tmpl, "w") as f:
            f.write(templates[what])
        certtool("--generate-privkey", "--key-type", "ecdsa", "--outfile", paths[what + "-key"])
        if what == "ca":
            certtool("--generate-self-signed", "--load-privkey", paths["ca-key"],
                     "--template", tmpl, "--outfile", paths["ca"])
        else:
            certtool("--generate-certificate", "--load-privkey", paths[what + "-key"],
                     "--load-ca-certificate", paths["ca"], "--load-ca-privkey", paths["ca-key"],
                     "--template", tmpl, "--outfile", paths[what])
    return paths


class ServerProcess:
    """One server process started by a test: start it with command(), wait
    until `ready()`, and stop only that process."""

    log = None
    proc = None

    def command(self):
        raise NotImplementedError

    def ready(self):
        raise NotImplementedError

    def start(self, wait=True):
        self._log = open(self.log, "a")
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        if wait:
            ok = wait_until(lambda: self.proc.poll() is not None or self.ready(), 10)
            if not ok or self.proc.poll() is not None:
                raise RuntimeError(f"{self.command()[0]} did not start:\n" + self.read_log())
        return self

    def read_log(self):
        with open(self.log) as f:
            return f.read()

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def stop(self):
        self.kill(signal.SIGTERM)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


class Rsyslog(ServerProcess):
    """rsyslogd -n with imtcp, imudp, imuxsock (a socket of its own) and,
    with tls files, a second imtcp listener speaking TLS through gtls; every
    message is written to `out` by the snippet of docs/fleet.md it runs."""

    def __init__(self, folder, tls=None, name="rsyslog", snippet=None, forward_port=None):
        self.dir = os.path.join(folder, name)
        os.makedirs(self.dir, exist_ok=True)
        self.out = os.path.join(self.dir, "messages.log")
        self.sock = os.path.join(self.dir, "log.sock")
        self.pidfile = os.path.join(self.dir, "rsyslogd.pid")
        self.conf = os.path.join(self.dir, "rsyslog.conf")
        self.tcp_port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.tls = tls
        self.tls_port = free_port() if tls else None
        self.snippet = snippet or ("receive-tls" if tls else "receive")
        self.forward_port = forward_port
        self.proc = None
        self.log = os.path.join(self.dir, "rsyslogd.stderr")
        self.write_config()

    def config_text(self):
        """docs/fleet.md's snippet on the test's ports and paths, plus a
        unix socket of its own (the system's /dev/log is never touched)."""
        snippet = fleet_snippet(self.snippet)
        for name, path in (self.tls or {}).items():
            snippet = snippet.replace(f"/etc/rsyslog/tls/{name}.pem", path)
        snippet = (snippet.replace("/var/log/probekit/events.log", self.out)
                   .replace("/var/log/probekit/", self.dir + "/")
                   .replace('target="central.example.net" port="514"',
                            f'target="127.0.0.1" port="{self.forward_port}"')
                   .replace('server="es.example.net" serverport="9200"',
                            f'server="127.0.0.1" serverport="{self.forward_port}"')
                   .replace('input(type="imtcp" port="514"',
                            f'input(type="imtcp" address="127.0.0.1" port="{self.tcp_port}"')
                   .replace('input(type="imtcp" port="6514"',
                            f'input(type="imtcp" address="127.0.0.1" port="{self.tls_port}"')
                   .replace('input(type="imudp" port="514"',
                            f'input(type="imudp" address="127.0.0.1" port="{self.udp_port}"'))
        return (f'global(workDirectory="{self.dir}" maxMessageSize="64k")\n'
                'module(load="imuxsock" sysSock.use="off")\n'
                f'input(type="imuxsock" socket="{self.sock}" useSpecialParser="off" '
                'parseHostname="on" ignoreTimestamp="off" rateLimit.interval="0" '
                'ruleset="probekit")\n' + snippet)

    def write_config(self):
        with open(self.conf, "w") as f:
            f.write(self.config_text())

    def command(self):
        if os.path.exists(self.pidfile):
            os.unlink(self.pidfile)
        return [RSYSLOGD, "-n", "-f", self.conf, "-i", self.pidfile]

    def ready(self):
        return port_open(self.tls_port if self.tls else self.tcp_port) and os.path.exists(self.sock)

    def check_config(self):
        """`rsyslogd -N1`: the config is valid (modules load, parameters known)."""
        return subprocess.run([RSYSLOGD, "-N1", "-f", self.conf], capture_output=True, text=True)

    def kill(self, sig=signal.SIGKILL):
        super().kill(sig)
        if os.path.exists(self.sock):
            os.unlink(self.sock)  # rsyslogd killed by SIGKILL leaves it

    def lines(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out, errors="replace") as f:
            return [line for line in f.read().split("\n") if line]


def parse_rsyslog_line(line):
    """The fields of one line of the fleet snippets' probekit_fields template."""
    parts = line.split("\t", 7)
    keys = ("pri", "timestamp", "hostname", "app", "procid", "msgid", "sd", "msg")
    return dict(zip(keys, parts)) if len(parts) == 8 else None


class NatsServer(ServerProcess):
    """nats-server with JetStream: alone (`nats-server -js -a 127.0.0.1 -p PORT
    -m MPORT -sd DIR`) or, with `cluster` ports of the other nodes, a member
    of a JetStream cluster made from a config file."""

    def __init__(self, folder, name="nats", cluster_ports=None, cluster_port=None):
        self.name = name
        self.dir = os.path.join(folder, name)
        os.makedirs(self.dir, exist_ok=True)
        self.store = os.path.join(self.dir, "jetstream")
        self.port = free_port()
        self.mport = free_port()
        self.cluster_port = cluster_port
        self.cluster_ports = cluster_ports
        self.log = os.path.join(self.dir, "nats-server.log")
        self.conf = os.path.join(self.dir, "nats-server.conf")
        self.proc = None

    @property
    def url(self):
        return f"nats://127.0.0.1:{self.port}"

    def config_text(self):
        routes = ",\n    ".join(f"nats-route://127.0.0.1:{p}" for p in self.cluster_ports)
        return (f'server_name: "{self.name}"\n'
                f'listen: "127.0.0.1:{self.port}"\n'
                f'http: "127.0.0.1:{self.mport}"\n'
                f'jetstream {{\n  store_dir: "{self.store}"\n}}\n'
                f'cluster {{\n  name: "probekit"\n  listen: "127.0.0.1:{self.cluster_port}"\n'
                f'  routes: [\n    {routes}\n  ]\n}}\n')

    def command(self):
        if self.cluster_ports is None:
            return [NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(self.port),
                    "-m", str(self.mport), "-sd", self.store]
        with open(self.conf, "w") as f:
            f.write(self.config_text())
        return [NATS_SERVER, "-c", self.conf]

    def ready(self):
        return port_open(self.port)

    def jsz(self):
        """The monitoring endpoint's /jsz?streams=true, as a dict."""
        import json
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{self.mport}/jsz?streams=true",
                                    timeout=2) as r:
            return json.load(r)

    def stream(self, name):
        """The stream's detail from /jsz (state, cluster), or None."""
        try:
            data = self.jsz()
        except OSError:
            return None
        for account in data.get("account_details") or []:
            for stream in account.get("stream_detail") or []:
                if stream.get("name") == name:
                    return stream
        return None

    def stream_messages(self, name):
        stream = self.stream(name)
        return stream["state"]["messages"] if stream else None


def nats_cluster(folder, size=3):
    """`size` NatsServer members of one JetStream cluster, not started."""
    ports = [free_port() for _ in range(size)]
    return [NatsServer(folder, name=f"nats-{i}", cluster_port=ports[i], cluster_ports=ports)
            for i in range(size)]


def stream_get(port, stream, seq, timeout=5.0):
    """Message `seq` of a stream through the JetStream API
    ($JS.API.STREAM.MSG.GET), spoken over the NATS text protocol: (subject,
    headers text, data bytes)."""
    import base64
    import json
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        f = s.makefile("rb")
        f.readline()  # INFO
        payload = json.dumps({"seq": seq}).encode()
        s.sendall(b'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\n'
                  b"SUB _INBOX.get 1\r\n" +
                  f"PUB $JS.API.STREAM.MSG.GET.{stream} _INBOX.get {len(payload)}\r\n".encode() +
                  payload + b"\r\n")
        while True:
            line = f.readline()
            if not line:
                raise RuntimeError("connection closed")
            if line.startswith(b"PING"):
                s.sendall(b"PONG\r\n")
                continue
            if line.startswith(b"HMSG"):
                parts = line.split()
                body = f.read(int(parts[-1]) + 2)[int(parts[-2]):-2]
                break
            if line.startswith(b"MSG"):
                body = f.read(int(line.split()[-1]) + 2)[:-2]
                break
    reply = json.loads(body)
    if "message" not in reply:
        raise RuntimeError(f"stream get {seq}: {reply}")
    m = reply["message"]
    hdrs = base64.b64decode(m.get("hdrs", "")).decode() if m.get("hdrs") else ""
    return m["subject"], hdrs, base64.b64decode(m.get("data", ""))
