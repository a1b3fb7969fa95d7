#!/usr/bin/env python3
"""The systemd unit: `systemd-analyze verify` accepts it (with this build's
executable in ExecStart= and its man pages for Documentation=), and it
keeps the settings docs/deploy.md promises: Type=notify, a reload, restarts
on failure but not on a bad configuration, and the hardening."""
import os
import subprocess

from pktest import check, check_eq, done

build = os.environ["PROBEKIT_BUILD_DIR"]
unit = os.path.join(build, "packaging", "probekit.service")
env = dict(os.environ, MANPATH=os.path.join(build, "share", "man"))
out = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True,
                     env=env, timeout=60)
check_eq(out.returncode, 0, "systemd-analyze verify accepts the unit")
check(not out.stderr.strip(), "without a warning", out.stderr)

settings = {}
with open(unit) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
expected = {
    "Type": "notify",
    "Restart": "on-failure",
    "RestartPreventExitStatus": "2",
    "CapabilityBoundingSet": "CAP_BPF CAP_PERFMON CAP_SYS_ADMIN",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "full",
    "ProtectHome": "read-only",
    "PrivateTmp": "yes",
}
for key, value in expected.items():
    check_eq(settings.get(key), [value], f"{key}={value}")
check(settings.get("ExecReload", [""])[0].endswith("probekit reload --config "
                                                   + os.path.join(os.environ["PROBEKIT_SOURCE_DIR"],
                                                                  "packaging", "probekit.ini")),
      "ExecReload asks the service to reload, and waits", str(settings.get("ExecReload")))
check(settings.get("ExecStart", [""])[0].endswith("probekit run --config "
                                                  + os.path.join(os.environ["PROBEKIT_SOURCE_DIR"],
                                                                 "packaging", "probekit.ini")),
      "ExecStart runs probekit with the configuration", str(settings.get("ExecStart")))
done()
