"""The CLI's behaviour around the probes: bad configs, broken plugins,
`list` with and without an instance, clean stops. Loads real BPF (tp_exec)."""
import os
import shutil
import signal
import subprocess
import tempfile

from pktest import Probekit, check, check_eq, done, run_cli, wait_for

tmp = tempfile.mkdtemp(prefix="pktest-cli-")


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# --- a bad config exits 2 with file:line, before anything is loaded -------------
cases = [
    ("unknown key", "[tp_exec]\nenabled = true\nbogus = 1\n", 3, "unknown option 'bogus'"),
    ("bad bool", "[probekit]\nformat = json\n\n[tp_exec]\nenabled = maybe\n", 5,
     "'maybe' is not a bool"),
    ("out of range", "[tp_exec]\npid = -5\n", 2, "out of range"),
    ("bad enum", "[probekit]\nformat = xml\n", 2, "'xml' is not one of text|json|capture|none"),
    ("missing plugin", "[probekit]\n\n[nosuch]\nenabled = true\n", 3,
     "no plugin named 'nosuch'"),
    ("plugin key", "[mine]\nplugin = nosuch\n", 2, "no plugin named 'nosuch'"),
    ("duplicate key", "[tp_exec]\ncomm = a\ncomm = b\n", 3, "already set at line 2"),
    ("outside section", "format = json\n", 1, "outside any [section]"),
    ("syntax", "[tp_exec]\nthis line has no equals\n", 2, "not a '[section]'"),
]
for what, text, line, message in cases:
    path = write(what.replace(" ", "_") + ".ini", text)
    for command in (["check", "--config", path], ["run", "--config", path, "--duration", "1"]):
        out = run_cli(*command)
        check_eq(out.returncode, 2, f"{what}: {command[0]} exits 2")
        check(f"{path}:{line}:" in out.stderr, f"{what}: {command[0]} names {path}:{line}",
              out.stderr)
        check(message in out.stderr, f"{what}: message says {message!r}", out.stderr)

out = run_cli("check", "--config", os.path.join(tmp, "missing.ini"))
check_eq(out.returncode, 2, "a missing config file exits 2")
check("missing.ini" in out.stderr, "the missing file is named", out.stderr)

good = write("good.ini", "[probekit]\nformat = json\n\n[tp_exec]\ncomm = sh\n\n"
                         "[exec2]\nplugin = tp_exec\nenabled = false\n")
out = run_cli("check", "--config", good)
check_eq(out.returncode, 0, "a valid config checks ok")
check("ok (1 probes, 1 sinks enabled)" in out.stdout, "check counts what is enabled", out.stdout)

# --- list without an instance -------------------------------------------------------
out = run_cli("list", "--control-socket", os.path.join(tmp, "nobody.sock"))
check_eq(out.returncode, 3, "list with no instance exits 3")
check("no running probekit instance" in out.stderr, "list says no instance runs", out.stderr)

# --- a broken plugin in the plugin directory is refused, tp_exec still runs ---------
plugin_dir = os.path.join(tmp, "plugins")
os.mkdir(plugin_dir)
with open(os.path.join(plugin_dir, "broken.so"), "w") as f:
    f.write("not an ELF file\n")
shutil.copy("/bin/true", os.path.join(plugin_dir, "notaplugin.so"))

with Probekit("[tp_exec]\n", args=["--plugin-dir", plugin_dir]) as pk:
    marker = os.path.join(tmp, "pk-cli-marker")
    shutil.copy("/bin/true", marker)
    subprocess.run([marker], check=True)
    listing = wait_for(lambda: (l := pk.list_json()) and any(
        p["events"] > 0 for p in l["probes"]) and l, timeout=5)
check_eq(pk.returncode, 0, "run with broken plugins exits 0 after SIGINT")
check("broken.so: refused: cannot be loaded" in pk.stderr, "broken.so is refused with dlopen's reason",
      pk.stderr)
check("notaplugin.so: refused: " in pk.stderr, "a file that is no plugin is refused", pk.stderr)
check(any(e.get("filename") == marker for e in pk.events), "tp_exec delivered the marker exec",
      str(pk.events[-3:]))
check_eq([p["state"] for p in listing["probes"]], ["attached"], "list shows tp_exec attached")
check_eq(listing["probes"][0]["name"], "tp_exec", "list names the instance")

out = run_cli("plugins", "--plugin-dir", plugin_dir)
check_eq(out.returncode, 0, "plugins lists despite refused files")
check("tp_exec" in out.stdout and "json" in out.stdout, "plugins names probes and sinks", out.stdout)
check("broken.so: refused" in out.stderr, "plugins reports the refusal", out.stderr)

# --- SIGTERM and --duration stop cleanly ----------------------------------------------
pk = Probekit("[tp_exec]\n")
pk.start()
check_eq(pk.stop(sig=signal.SIGTERM), 0, "SIGTERM stops with exit 0")
check("tp_exec: " in pk.stderr and " events, " in pk.stderr, "a summary line per probe",
      pk.stderr)

pk = Probekit("[tp_exec]\n", args=["--duration", "1"])
pk.start()
check_eq(pk.wait(timeout=10), 0, "--duration ends the run with exit 0")
check("duration of 1s reached" in pk.stderr, "the duration end is logged", pk.stderr)

# --- one plugin, two instances with different options -------------------------------
config = f"[exec_a]\nplugin = tp_exec\ncomm = pkcli_a\n\n[exec_b]\nplugin = tp_exec\ncomm = pkcli_b\n"
with Probekit(config) as pk:
    for name in ("pkcli_a", "pkcli_b"):
        path = os.path.join(tmp, name)
        shutil.copy("/bin/true", path)
        subprocess.run([path], check=True)
a = [e for e in pk.events if e["probe"] == "exec_a" and e["event"] == "exec"]
b = [e for e in pk.events if e["probe"] == "exec_b" and e["event"] == "exec"]
check_eq([e["comm"] for e in a], ["pkcli_a"], "instance exec_a sees only its comm")
check_eq([e["comm"] for e in b], ["pkcli_b"], "instance exec_b sees only its comm")

shutil.rmtree(tmp)
done()
