#!/usr/bin/env python3
"""docs/fleet.md's rsyslog relay snippets, run as written (ports and paths
replaced by the test's own) with probekit's syslog sink feeding them real
tp_exec events:

- relay-files: one file per host and event type, each line the event's JSON;
- relay-forward: a relay rsyslogd forwards to a central one, every RFC 5424
  field intact;
- relay-elasticsearch: omelasticsearch bulk-indexes each event into an HTTP
  endpoint the test runs in Elasticsearch's place (Debian has no
  Elasticsearch);
- relay-kafka: `rsyslogd -N1` accepts it (Debian has no Kafka broker).
"""
import json
import os
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from netservers import Rsyslog, free_port, parse_rsyslog_line, wait_until
from pktest import Probekit, check, check_eq, done
from sinktest import config, make_program, run_execs, wait_events

N = 10
HOSTNAME = socket.gethostname()


def send_events(program, relay):
    """N exec events through the syslog sink into `relay`; probekit's own json events."""
    with Probekit(config("syslog", f"transport = tcp\nport = {relay.tcp_port}\n")) as pk:
        run_execs(program, N)
        wait_events(pk, N)
    check_eq(pk.returncode, 0, "probekit exits 0")
    events = {e["ts"]: e for e in pk.select(probe="tp_exec", event="exec")}
    check_eq(len(events), N, f"the json sink saw {N} exec events")
    return events


def test_relay_files(program, folder):
    with Rsyslog(folder, name="relay-files", snippet="relay-files") as relay:
        events = send_events(program, relay)
        path = os.path.join(relay.dir, HOSTNAME, "tp_exec.exec.log")
        wait_until(lambda: os.path.exists(path) and
                   len(open(path).read().splitlines()) >= N, 10)
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    check_eq(len(lines), N, "relay-files: one line per event in <host>/tp_exec.exec.log")
    for line in lines:
        event = json.loads(line)
        check_eq(event, events.get(event.get("ts")), "relay-files: the line is the event")


def test_relay_forward(program, folder):
    with Rsyslog(folder, name="central") as central, \
            Rsyslog(folder, name="relay-forward", snippet="relay-forward",
                    forward_port=central.tcp_port) as relay:
        events = send_events(program, relay)
        wait_until(lambda: len(central.lines()) >= N, 10)
        lines = [parse_rsyslog_line(line) for line in central.lines()]
    check_eq(len(lines), N, "relay-forward: the central rsyslogd has every event")
    for fields in lines:
        event = json.loads(fields["msg"])
        expected = events.get(event.get("ts"))
        check_eq(event, expected, "relay-forward: MSG is the event's JSON")
        check_eq((fields["hostname"], fields["app"], fields["procid"], fields["msgid"]),
                 (HOSTNAME, "probekit", str((expected or {}).get("pid")), "tp_exec.exec"),
                 "relay-forward: HOSTNAME, APP-NAME, PROCID, MSGID kept")


class BulkEndpoint(BaseHTTPRequestHandler):
    """The `_bulk` API as far as omelasticsearch uses it: every document is
    kept and reported created."""
    docs = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        lines = [line for line in body.split("\n") if line]
        items = []
        for action, doc in zip(lines[::2], lines[1::2]):
            BulkEndpoint.docs.append((self.path, json.loads(action), json.loads(doc)))
            items.append({"create": {"status": 201, "_index": "probekit"}})
        self.reply({"took": 1, "errors": False, "items": items})

    def do_GET(self):
        self.reply({"version": {"number": "7.17.0"}})

    def do_HEAD(self):
        self.reply({})

    def reply(self, data):
        out = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    def log_message(self, *args):
        pass


def test_relay_elasticsearch(program, folder):
    port = free_port()
    endpoint = ThreadingHTTPServer(("127.0.0.1", port), BulkEndpoint)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    try:
        with Rsyslog(folder, name="relay-es", snippet="relay-elasticsearch",
                     forward_port=port) as relay:
            events = send_events(program, relay)
            wait_until(lambda: len(BulkEndpoint.docs) >= N, 10)
    finally:
        endpoint.shutdown()
        endpoint.server_close()
    check_eq(len(BulkEndpoint.docs), N, "relay-elasticsearch: one document per event")
    for path, action, doc in BulkEndpoint.docs:
        check(path.endswith("_bulk"), "relay-elasticsearch: posted to the bulk API", path)
        check_eq(next(iter(action.values()), {}).get("_index"), "probekit",
                 "relay-elasticsearch: into the probekit index")
        check_eq(doc, events.get(doc.get("ts")), "relay-elasticsearch: the document is the event")


def test_relay_kafka(folder):
    relay = Rsyslog(folder, name="relay-kafka", snippet="relay-kafka")
    result = relay.check_config()
    if not check_eq(result.returncode, 0, "relay-kafka: rsyslogd -N1 accepts the snippet"):
        print(result.stdout + result.stderr)


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-netsinks-fleet-") as folder:
        program = make_program(folder)
        test_relay_files(program, folder)
        test_relay_forward(program, folder)
        test_relay_elasticsearch(program, folder)
        test_relay_kafka(folder)
    done()


if __name__ == "__main__":
    main()
