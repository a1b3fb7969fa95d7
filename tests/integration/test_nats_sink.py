#!/usr/bin/env python3
"""The `nats` sink against real nats-server -js processes started here on
loopback: N exec events from tp_exec land in the stream (counted by the
server's monitoring endpoint, each message read back through the JetStream
API and compared with the event probekit's json sink wrote); the server
killed and restarted mid-stream, and absent at start: every record is
acknowledged or counted, and the stream holds exactly what was
acknowledged; a 3-node cluster with an R3 stream whose leader is killed
mid-stream: publishing goes on and nothing is lost.
"""
import json
import socket
import tempfile
import threading

from netservers import NatsServer, nats_cluster, stream_get, wait_until
from pktest import Probekit, check, check_eq, done
from sinktest import (Totals, check_accounting, config, host_summary, make_program, run_execs,
                      wait_events)

N = 20
HOST = socket.gethostname().replace(".", "_")
SUBJECT = f"probekit.{HOST}.tp_exec.exec"


def nats_config(servers, extra=""):
    return config("nats", f"servers = {', '.join(s.url for s in servers)}\n"
                          "stream = PROBEKIT\ncreate_stream = true\n"
                          "reconnect_min_ms = 50\nreconnect_max_ms = 200\n" + extra)


def check_totals(pk, emitted, what, dropped=0):
    totals = Totals(pk.stderr)
    check(totals.found, f"{what}: the sink logs its totals", pk.stderr)
    check_eq(totals.accepted, emitted, f"{what}: the sink accepted every event")
    check_eq(totals.delivered + totals.dropped, totals.accepted,
             f"{what}: acknowledged + dropped == accepted")
    check_eq(totals.dropped, dropped, f"{what}: dropped")
    check_eq(host_summary(pk.stderr), (totals.delivered, totals.dropped),
             f"{what}: the exit summary shows the sink's own counts")
    check_eq(pk.returncode, 4 if dropped else 0, f"{what}: exit status")
    return totals


def test_single(program, folder):
    with NatsServer(folder) as server:
        with Probekit(nats_config([server])) as pk:
            run_execs(program, N)
            wait_events(pk, N)
            wait_until(lambda: server.stream_messages("PROBEKIT") == N, 10)
            sink = check_accounting(pk, "single server")
            check_eq((sink.get("records"), sink.get("queued")), (N, 0),
                     "probekit list: every record acknowledged")
        events = {e["ts"]: e for e in pk.select(probe="tp_exec", event="exec")}
        check_eq(len(events), N, f"the json sink saw {N} exec events")
        check_eq(server.stream_messages("PROBEKIT"), N, f"the stream holds {N} messages")
        for seq in range(1, N + 1):
            subject, headers, data = stream_get(server.port, "PROBEKIT", seq)
            check_eq(subject, SUBJECT, "subject probekit.<host>.<probe>.<event>")
            check("Nats-Msg-Id:" in headers, "a message id for de-duplication", headers)
            message = json.loads(data)
            check_eq(message, events.get(message.get("ts")), "the message is the event's JSON")
        check_totals(pk, N, "single server")
        check("created stream PROBEKIT" in pk.stderr, "create_stream made the stream", pk.stderr)


def test_restart(program, folder):
    server = NatsServer(folder, name="nats-restart").start()
    try:
        with Probekit(nats_config([server], "ack_timeout_ms = 1000\n")) as pk:
            run_execs(program, 30, pause=0.005)
            wait_until(lambda: server.stream_messages("PROBEKIT") == 30, 10)
            server.kill()
            run_execs(program, 30, pause=0.005)
            down = wait_until(lambda: "disconnected from the NATS server" in pk.read_stderr(),
                              5)
            check(down, "restart: the lost connection is logged", pk.read_stderr())
            sink = check_accounting(pk, "restart, server down")
            check(str(sink.get("condition")).startswith("reconnecting:"),
                  "restart: probekit list shows the sink reconnecting", repr(sink))
            server.start()
            run_execs(program, 40, pause=0.005)
            wait_events(pk, 100)
            wait_until(lambda: server.stream_messages("PROBEKIT") == 100, 15)
            check_accounting(pk, "restart, at the end")
        stored = server.stream_messages("PROBEKIT")
    finally:
        server.stop()
    emitted = len(pk.select(event="exec"))
    check_eq(emitted, 100, "restart: the json sink saw 100 exec events")
    totals = check_totals(pk, emitted, "restart")
    check_eq(stored, totals.delivered, "restart: the stream holds what was acknowledged, "
             "each once")
    print(f"restart: {totals}, stream {stored}")


def test_down_at_start(program, folder):
    server = NatsServer(folder, name="nats-late")
    try:
        with Probekit(nats_config([server])) as pk:
            run_execs(program, 5)
            logged = wait_until(lambda: "cannot reach" in pk.read_stderr(), 5)
            check(logged, "down at start: the unreachable server is logged", pk.read_stderr())
            wait_events(pk, 5)
            sink = check_accounting(pk, "down at start")
            check(str(sink.get("condition")).startswith("reconnecting:") and
                  sink.get("queued") == 5, "down at start: list shows 5 queued, reconnecting",
                  repr(sink))
            server.start()
            run_execs(program, 5)
            wait_until(lambda: server.stream_messages("PROBEKIT") == 10, 10)
    finally:
        stored = server.stream_messages("PROBEKIT")
        server.stop()
    check_eq(pk.returncode, 0, "down at start: probekit ran and exits 0")
    check_eq(pk.stderr.count("cannot reach"), 1, "down at start: logged once")
    check_eq(stored, 10, "down at start: all 10 land once the server is up")
    check_totals(pk, 10, "down at start")


def stream_leader(nodes):
    for node in nodes:
        stream = node.stream("PROBEKIT") if node.proc else None
        leader = ((stream or {}).get("cluster") or {}).get("leader")
        if leader:
            return next((n for n in nodes if n.name == leader), None)
    return None


def test_cluster(program, folder):
    nodes = nats_cluster(folder)
    for node in nodes:
        node.start(wait=False)
    try:
        for node in nodes:
            ok = wait_until(lambda: node.proc.poll() is None and node.port and
                            _jetstream_ready(node), 20)
            check(ok, f"cluster: {node.name} is up with JetStream", node.read_log()[-2000:])
        with Probekit(nats_config(nodes, "stream_replicas = 3\nack_timeout_ms = 1000\n")) as pk:
            wait_until(lambda: stream_leader(nodes), 10)
            stop = threading.Event()
            count = [0]

            def produce():
                while not stop.is_set() and count[0] < 300:
                    run_execs(program, 1)
                    count[0] += 1

            producer = threading.Thread(target=produce)
            producer.start()
            wait_until(lambda: count[0] >= 80, 20)
            leader = stream_leader(nodes)
            check(leader is not None, "cluster: the R3 stream has a leader")
            if leader:
                leader.kill()
            check_accounting(pk, "cluster, leader killed")
            producer.join(60)
            stop.set()
            wait_events(pk, count[0])
            alive = [n for n in nodes if n.proc]
            wait_until(lambda: alive[0].stream_messages("PROBEKIT") == count[0], 20)
        stored = alive[0].stream_messages("PROBEKIT")
    finally:
        for node in nodes:
            node.stop()
    emitted = len(pk.select(event="exec"))
    check_eq(emitted, count[0], "cluster: the json sink saw every exec")
    totals = check_totals(pk, emitted, "cluster, leader killed")
    check_eq(stored, emitted, "cluster: the stream holds every event, each once")
    print(f"cluster: {totals}, stream {stored}")



def _jetstream_ready(node):
    try:
        data = node.jsz()
    except OSError:
        return False
    return bool((data.get("meta_cluster") or {}).get("leader"))


def main():
    with tempfile.TemporaryDirectory(prefix="pktest-netsinks-nats-") as folder:
        program = make_program(folder)
        test_single(program, folder)
        test_restart(program, folder)
        test_down_at_start(program, folder)
        test_cluster(program, folder)
    done()


if __name__ == "__main__":
    main()
