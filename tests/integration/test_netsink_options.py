#!/usr/bin/env python3
"""The option checks the syslog and nats sinks share (netsink_common's
netsink_options.c), through `probekit check`: options that go together
(tls_cert/tls_key, user/password) are refused against the one that is set,
syslog's TLS options with another transport are each refused, every error
at once with its file and line, and a complete config passes.
"""
import os
import subprocess
import tempfile

from pktest import PROBEKIT, check, done


def probekit_check(text):
    with tempfile.NamedTemporaryFile("w", suffix=".ini", prefix="pktest-netsink-opts-") as f:
        f.write(text)
        f.flush()
        out = subprocess.run([PROBEKIT, "check", "--config", f.name], capture_output=True,
                             text=True, timeout=30)
        name = os.path.basename(f.name)
    return out, name


def test_nats_pairs():
    out, ini = probekit_check("[sink]\nplugin = nats\ntls_cert = /c.pem\npassword = p\n")
    check(out.returncode != 0, "check refuses tls_cert alone and password alone", out.stderr)
    check(f"{ini}:3: [sink] tls_cert: tls_cert and tls_key go together" in out.stderr,
          "nats: tls_cert without tls_key, reported at its line", out.stderr)
    check(f"{ini}:4: [sink] password: user and password go together" in out.stderr,
          "nats: password without user, reported against password (the one set)", out.stderr)


def test_syslog_tls_options():
    out, ini = probekit_check("[sink]\nplugin = syslog\ntransport = udp\n"
                              "tls_key = /k.pem\ntls_name = example\n")
    check(out.returncode != 0, "check refuses TLS options with transport = udp", out.stderr)
    for line in (f"{ini}:4: [sink] tls_key: tls_cert and tls_key go together",
                 f"{ini}:4: [sink] tls_key: tls_key is for transport = tls only",
                 f"{ini}:5: [sink] tls_name: tls_name is for transport = tls only"):
        check(line in out.stderr, f"syslog: {line.split(': ', 1)[1]}", out.stderr)


def test_complete_configs_pass():
    out, _ = probekit_check("[sink]\nplugin = syslog\ntransport = tls\ntls_ca = /ca.pem\n"
                            "tls_cert = /c.pem\ntls_key = /k.pem\ntls_name = example\n"
                            "[sink2]\nplugin = nats\nuser = u\npassword = p\n"
                            "tls_cert = /c.pem\ntls_key = /k.pem\n")
    check(out.returncode == 0, "check accepts complete TLS and user options", out.stderr)


test_nats_pairs()
test_syslog_tls_options()
test_complete_configs_pass()
done()
