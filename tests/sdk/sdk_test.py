#!/usr/bin/env python3
"""End-to-end test of the installable SDK.

Installs the probekit build tree into a temporary prefix, makes plugin
folders from the installed template with `probekit new-plugin`, builds them,
a probe plugin using every ABI 2 field type, a C sink and a C++20 sink out of
tree with only -DCMAKE_PREFIX_PATH=<prefix>, builds plugins claiming a newer
ABI minor and ABI 1 with pkg-config, then runs the installed probekit with the
new plugins and checks that:

  - the template's fork events arrive with their declared fields (JSON output),
    and a renamed copy of the template builds and loads under its new name,
  - typesprobe's events decode to the expected JSON: string array, IPv4, IPv6
    (v4-mapped as IPv4), network order, s8, enum and flag names, signal,
    syscall and errno names, a zero that means no value,
  - both sink plugins, selected as INI sections, wrote their lines,
  - `cmake --install build --prefix X` puts a plugin under X,
  - the plugin with the newer ABI minor is refused, naming both versions, and
    the ABI 1 plugin with one line saying to rebuild it against SDK 2,
  - the template README's generated block matches `probekit info myprobe`.

Sources are copied into the temporary directory first, so nothing in the
out-of-tree builds can reach back into the probekit source tree.

Set PROBEKIT_KEEP_TMP=1 to keep the temporary directory after a success.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

READY_RE = re.compile(r"probekit: ready: (\d+) attached, (\d+) failed")
FORKS = 3


class TestFailure(Exception):
    pass


def log(msg):
    print(f"sdk-test: {msg}", flush=True)


def run(cmd, what, env=None, cwd=None):
    """Run a command to completion; fail with its output when it fails."""
    log(f"{what}: {' '.join(cmd)}")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=env, cwd=cwd)
    if proc.returncode != 0:
        raise TestFailure(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}")
    return proc.stdout


def clean_env():
    """The environment without anything that could point a build elsewhere."""
    env = dict(os.environ)
    for key in ("CMAKE_PREFIX_PATH", "PKG_CONFIG_PATH", "Probekit_DIR", "CFLAGS",
                "CPATH", "C_INCLUDE_PATH"):
        env.pop(key, None)
    return env


def abi_version(prefix):
    header = os.path.join(prefix, "include", "probekit", "plugin.h")
    with open(header, encoding="utf-8") as f:
        text = f.read()
    major = re.search(r"#define PK_ABI_MAJOR (\d+)", text)
    minor = re.search(r"#define PK_ABI_MINOR (\d+)", text)
    if not major or not minor:
        raise TestFailure(f"no PK_ABI_MAJOR/PK_ABI_MINOR in {header}")
    return int(major.group(1)), int(minor.group(1))


def install_sdk(args, prefix):
    run(["cmake", "--install", args.build_dir, "--prefix", prefix], "install the build tree")
    expected = [
        os.path.join(args.includedir, "probekit", "plugin.h"),
        os.path.join(args.includedir, "probekit", "event.h"),
        os.path.join(args.includedir, "probekit", "bpf", "probekit.bpf.h"),
        # the BPF helper headers plugins include next to it
        os.path.join(args.includedir, "probekit", "bpf", "syscall_pair.bpf.h"),
        os.path.join(args.includedir, "probekit", "bpf", "sockaddr.bpf.h"),
        os.path.join(args.includedir, "probekit", "bpf", "fd.bpf.h"),
        os.path.join(args.includedir, "probekit", "bpf", "argv.bpf.h"),
        os.path.join(args.libdir, "cmake", "Probekit", "ProbekitConfig.cmake"),
        os.path.join(args.libdir, "cmake", "Probekit", "ProbekitConfigVersion.cmake"),
        os.path.join(args.libdir, "pkgconfig", "probekit.pc"),
    ]
    missing = [p for p in expected if not os.path.isfile(os.path.join(prefix, p))]
    if missing:
        raise TestFailure("cmake --install did not provide: " + ", ".join(missing))


def cmake_out_of_tree(src, build, prefix, what):
    env = clean_env()
    run(["cmake", "-S", src, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}"],
        f"configure {what}", env=env)
    run(["cmake", "--build", build], f"build {what}", env=env)


def build_with_pkg_config(args, src_dir, out_so, prefix):
    env = clean_env()
    env["PKG_CONFIG_PATH"] = os.path.join(prefix, args.libdir, "pkgconfig")
    cflags = run(["pkg-config", "--cflags", "probekit"], "pkg-config --cflags", env=env)
    plugindir = run(["pkg-config", "--variable=plugindir", "probekit"],
                    "pkg-config --variable=plugindir", env=env).strip()
    want = os.path.join(prefix, args.libdir, "probekit", "plugins")
    if os.path.realpath(plugindir) != os.path.realpath(want):
        raise TestFailure(f"probekit.pc plugindir is {plugindir}, expected {want}")
    sources = [os.path.join(src_dir, n) for n in sorted(os.listdir(src_dir)) if n.endswith(".c")]
    run([args.cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared",
         "-fvisibility=hidden", *cflags.split(), "-o", out_so, *sources],
        f"build {os.path.basename(out_so)} with pkg-config", env=env)


def check_plugin_install(build, prefix, libdir, name, other_prefix):
    """`cmake --install` of a plugin lands in the found probekit's plugin dir,
    and with --prefix X under X."""
    run(["cmake", "--install", build], f"install {name}", env=clean_env())
    dest = os.path.join(prefix, libdir, "probekit", "plugins", f"{name}.so")
    if not os.path.isfile(dest):
        raise TestFailure(f"cmake --install of {name} did not create {dest}")
    os.remove(dest)  # the run below loads it from --plugin-dir only
    run(["cmake", "--install", build, "--prefix", other_prefix], f"install {name} --prefix",
        env=clean_env())
    dest = os.path.join(other_prefix, libdir, "probekit", "plugins", f"{name}.so")
    if not os.path.isfile(dest):
        raise TestFailure(f"cmake --install --prefix {other_prefix} of {name} did not "
                          f"create {dest}")


def new_plugin(probekit, name, folder):
    """`probekit new-plugin NAME DIR` from the installed template."""
    out = run([probekit, "new-plugin", name, folder], f"new-plugin {name}")
    for suffix in (".c", ".h", ".bpf.c"):
        if not os.path.isfile(os.path.join(folder, name + suffix)):
            raise TestFailure(f"new-plugin {name} did not make {name}{suffix}:\n{out}")
    if os.path.exists(os.path.join(folder, "myprobe.c")) and name != "myprobe":
        raise TestFailure(f"new-plugin {name} left the template's file names")
    proc = subprocess.run([probekit, "new-plugin", name, folder], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode == 0 or "not empty" not in proc.stdout.lower():
        raise TestFailure(f"new-plugin into a folder that is not empty: exit {proc.returncode}"
                          f"\n{proc.stdout}")


def write_config(path, lines_file, cxx_file):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[myprobe]\nplugin = myprobe\nthreads = false\n\n")
        f.write(f"[typesprobe]\npid = {os.getpid()}\n\n")
        f.write(f"[mysink]\nplugin = linesink\npath = {lines_file}\n\n")
        f.write(f"[cxx]\nplugin = cxxsink\npath = {cxx_file}\n")


class StderrReader(threading.Thread):
    """Collects a process's stderr and signals when the ready line appears."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.ready = threading.Event()
        self.counts = None

    def run(self):
        for line in self.stream:
            self.lines.append(line)
            match = READY_RE.search(line)
            if match and not self.ready.is_set():
                self.counts = (int(match.group(1)), int(match.group(2)))
                self.ready.set()
        self.ready.set()  # end of stream: wake the waiter either way

    def text(self):
        return "".join(self.lines)


def fork_children():
    """Fork short-lived children; returns their pids."""
    pids = []
    for _ in range(FORKS):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        pids.append(pid)
    return pids


def run_probekit(probekit, config, out_json, plugin_dir, sock, duration):
    cmd = [probekit, "run", "--config", config, "--format", "json", "--output", out_json,
           "--duration", str(duration), "--plugin-dir", plugin_dir, "--control-socket", sock]
    log("run: " + " ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = StderrReader(proc.stderr)
    reader.start()
    try:
        if not reader.ready.wait(duration + 10) or reader.counts is None:
            raise TestFailure("probekit never logged `probekit: ready: N attached, M failed`;"
                              f" stderr:\n{reader.text()}")
        attached, failed = reader.counts
        if failed or attached < 1:
            raise TestFailure(f"probekit: {attached} attached, {failed} failed; "
                              f"stderr:\n{reader.text()}")
        pids = fork_children()
        log(f"forked children {pids} from pid {os.getpid()}")
        stdout, _ = proc.communicate(timeout=duration + 20)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"probekit run did not stop after --duration {duration}; "
                          f"stderr:\n{reader.text()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(5)
    if proc.returncode != 0:
        raise TestFailure(f"probekit run exited {proc.returncode}; stdout:\n{stdout}\n"
                          f"stderr:\n{reader.text()}")
    return pids, reader.text()


def check_json_events(out_json, pids, stderr):
    me = os.getpid()
    found = {}
    with open(out_json, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise TestFailure(f"{out_json}:{n}: not JSON ({e}): {line!r}")
            if rec.get("probe") == "myprobe" and rec.get("event") == "fork" \
                    and rec.get("child_pid") in pids:
                found[rec["child_pid"]] = rec
    missing = [p for p in pids if p not in found]
    if missing:
        raise TestFailure(f"no fork event for children {missing} in {out_json}; "
                          f"probekit stderr:\n{stderr}")
    for pid, rec in found.items():
        want = {"parent_pid": me, "child_pid": pid, "child_tid": pid, "pid": me}
        wrong = {k: rec.get(k) for k, v in want.items() if rec.get(k) != v}
        if wrong:
            raise TestFailure(f"fork event of child {pid} has wrong fields {wrong}: {rec}")
        if "ts" not in rec or "comm" not in rec:
            raise TestFailure(f"fork event lacks the header fields ts/comm: {rec}")
    log(f"JSON: {len(found)} fork events with their declared fields")


TYPES_EXPECTED = {
    "v4": "10.1.2.3", "v6": "2001:db8::7", "v6_mapped": "192.0.2.1", "port": 8080,
    "small": -5, "state": 2, "state_name": "LISTEN", "open_flags": 0o1101,
    "open_flags_name": "O_WRONLY|O_CREAT|O_TRUNC", "sig": 9, "sig_name": "SIGKILL",
    "nr": 0, "nr_name": "read", "err": -2, "err_name": "ENOENT", "none": None,
    "argv": ["probekit", "-v", "a b"],
}


def check_types_events(out_json, pids):
    found = {}
    with open(out_json, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line) if line.strip() else {}
            if rec.get("probe") == "typesprobe" and rec.get("child_pid") in pids:
                found[rec["child_pid"]] = rec
    if sorted(found) != sorted(pids):
        raise TestFailure(f"typesprobe events for {sorted(found)}, expected {sorted(pids)}")
    for rec in found.values():
        wrong = {k: rec.get(k, "(missing)") for k, v in TYPES_EXPECTED.items()
                 if rec.get(k, "(missing)") != v}
        if wrong:
            raise TestFailure(f"typesprobe event decoded wrong: {wrong}\nevent: {rec}")
        for key in ("auid", "session"):
            if key not in rec:
                raise TestFailure(f"typesprobe event lacks the header's {key}: {rec}")
    log(f"JSON: {len(found)} typesprobe events with every ABI 2 type as expected")


def check_cxx_lines(cxx_file, pids):
    with open(cxx_file, encoding="utf-8") as f:
        text = f.read()
    me = os.getpid()
    for pid in pids:
        line = f"myprobe fork parent_pid={me} child_pid={pid} child_tid={pid}"
        if line not in text:
            raise TestFailure(f"the C++ sink's file {cxx_file} lacks `{line}`:\n{text}")
    log("C++ sink plugin: its lines are there")


def check_abi1_refusal(probekit, plugin_dir):
    proc = subprocess.run([probekit, "plugins", "--plugin-dir", plugin_dir],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = [l for l in proc.stdout.splitlines() if "abi1.so" in l]
    if len(lines) != 1 or "rebuild it against SDK 2" not in lines[0]:
        raise TestFailure(f"`probekit plugins` does not refuse the ABI 1 plugin in one line "
                          f"saying to rebuild it against SDK 2:\n{proc.stdout}")
    log(f"ABI 1 plugin refused: {lines[0].strip()}")


def check_sink_lines(lines_file, pids):
    if not os.path.isfile(lines_file):
        raise TestFailure(f"the sink plugin did not create {lines_file}")
    with open(lines_file, encoding="utf-8") as f:
        text = f.read()
    me = os.getpid()
    for pid in pids:
        line = f"myprobe fork parent_pid={me} child_pid={pid} child_tid={pid}"
        if line not in text:
            raise TestFailure(f"sink file {lines_file} lacks `{line}`; it holds:\n{text}")
    log(f"sink plugin: {len(text.splitlines())} lines, the {len(pids)} forks among them")


def check_refusal(probekit, plugin_dir, host_abi):
    major, minor = host_abi
    plugin_version = f"{major}.{minor + 1}"
    host_version = f"{major}.{minor}"
    cmd = [probekit, "plugins", "--plugin-dir", plugin_dir]
    log("refusal: " + " ".join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    # the plugin's own line(s), so other plugins' messages cannot satisfy it
    lines = "\n".join(l for l in proc.stdout.splitlines() if "newer_abi" in l)

    def mentions(version):
        # a version on its own, not a part of "0.1.0"
        return re.search(r"(?<![\d.])" + re.escape(version) + r"(?![\d.])", lines)

    if not mentions(plugin_version) or not mentions(host_version):
        raise TestFailure(f"`{' '.join(cmd)}` (exit {proc.returncode}) did not refuse "
                          f"newer_abi naming ABI {plugin_version} and {host_version}:\n"
                          f"{proc.stdout}")
    log(f"newer ABI plugin refused: {lines.strip()}")


def check_info(probekit, plugin_dir):
    out = run([probekit, "info", "myprobe", "--plugin-dir", plugin_dir], "info myprobe")
    for word in ("threads", "fork", "parent_pid", "child_pid", "child_tid"):
        if word not in out:
            raise TestFailure(f"`probekit info myprobe` does not mention {word}:\n{out}")


def check_template_docs(args, probekit, plugin_dir):
    readme = os.path.join(args.template, "README.md")
    cmd = [sys.executable, args.plugin_docs, "--check", "--probekit", probekit,
           "--plugin-dir", plugin_dir, "--readme", f"myprobe={readme}"]
    log("template docs: " + " ".join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise TestFailure(f"the template README drifted from the template:\n{proc.stdout}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True, help="the probekit build tree")
    parser.add_argument("--template", required=True, help="sdk/template")
    parser.add_argument("--sink", required=True, help="tests/sdk/sink_plugin")
    parser.add_argument("--newer-abi", required=True, help="tests/sdk/newer_abi")
    parser.add_argument("--abi1", required=True, help="tests/sdk/abi1")
    parser.add_argument("--types", required=True, help="tests/sdk/types_plugin")
    parser.add_argument("--cxx-sink", required=True, help="tests/sdk/cxx_sink")
    parser.add_argument("--plugin-docs", required=True, help="tests/docs/plugin_docs.py")
    parser.add_argument("--bindir", default="bin")
    parser.add_argument("--libdir", default="lib")
    parser.add_argument("--includedir", default="include")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()

    if os.geteuid() != 0:
        print("sdk-test: FAILED: loading BPF needs root", file=sys.stderr)
        return 1

    tmp = tempfile.mkdtemp(prefix="probekit-sdk-")
    ok = False
    try:
        prefix = os.path.join(tmp, "prefix")
        install_sdk(args, prefix)
        probekit = os.path.join(prefix, args.bindir, "probekit")

        if not os.access(probekit, os.X_OK):
            raise TestFailure(f"{probekit} was not installed: is the probekit target built?")
        if not os.path.isfile(os.path.join(prefix, "share", "probekit", "template",
                                           "myprobe.c")):
            raise TestFailure("cmake --install did not install the template in "
                              "share/probekit/template")

        src = os.path.join(tmp, "src")
        for name, path in (("sink", args.sink), ("newer_abi", args.newer_abi),
                           ("abi1", args.abi1), ("types", args.types), ("cxx", args.cxx_sink)):
            shutil.copytree(path, os.path.join(src, name))
        # the installed template, through new-plugin: as itself, and renamed
        new_plugin(probekit, "myprobe", os.path.join(src, "template"))
        new_plugin(probekit, "freshprobe", os.path.join(src, "fresh"))
        builds = (("template", "the template"), ("fresh", "the renamed template"),
                  ("sink", "the sink plugin"), ("types", "the types plugin"),
                  ("cxx", "the C++ sink plugin"))
        for name, what in builds:
            cmake_out_of_tree(os.path.join(src, name), os.path.join(tmp, f"build-{name}"),
                              prefix, what)
        check_plugin_install(os.path.join(tmp, "build-template"), prefix, args.libdir, "myprobe",
                             os.path.join(tmp, "other-prefix"))

        plugin_dir = os.path.join(tmp, "plugins")
        os.makedirs(plugin_dir)
        for build, so in (("template", "myprobe"), ("sink", "linesink"),
                          ("types", "typesprobe"), ("cxx", "cxxsink")):
            shutil.copy(os.path.join(tmp, f"build-{build}", f"{so}.so"), plugin_dir)
        fresh = run([probekit, "info", "freshprobe", "--plugin-dir",
                     os.path.join(tmp, "build-fresh")], "info freshprobe")
        if "child_pid" not in fresh:
            raise TestFailure(f"the renamed template does not load as freshprobe:\n{fresh}")

        newer_dir = os.path.join(tmp, "plugins-newer-abi")
        os.makedirs(newer_dir)
        build_with_pkg_config(args, os.path.join(src, "newer_abi"),
                              os.path.join(newer_dir, "newer_abi.so"), prefix)
        abi1_dir = os.path.join(tmp, "plugins-abi1")
        os.makedirs(abi1_dir)
        build_with_pkg_config(args, os.path.join(src, "abi1"), os.path.join(abi1_dir, "abi1.so"),
                              prefix)

        check_info(probekit, plugin_dir)
        check_template_docs(args, probekit, plugin_dir)
        config = os.path.join(tmp, "sdk.ini")
        lines_file = os.path.join(tmp, "lines.txt")
        cxx_file = os.path.join(tmp, "cxx.txt")
        out_json = os.path.join(tmp, "events.json")
        write_config(config, lines_file, cxx_file)
        pids, stderr = run_probekit(probekit, config, out_json, plugin_dir,
                                    os.path.join(tmp, "s.sock"), args.duration)
        check_json_events(out_json, pids, stderr)
        check_types_events(out_json, pids)
        check_sink_lines(lines_file, pids)
        check_cxx_lines(cxx_file, pids)
        check_refusal(probekit, newer_dir, abi_version(prefix))
        check_abi1_refusal(probekit, abi1_dir)
        ok = True
    except TestFailure as e:
        print(f"sdk-test: FAILED: {e}", file=sys.stderr)
        print(f"sdk-test: files kept in {tmp}", file=sys.stderr)
        return 1
    finally:
        if ok and not os.environ.get("PROBEKIT_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
    log("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
