#!/usr/bin/env python3
"""End-to-end test of the installable SDK.

Installs the probekit build tree into a temporary prefix, builds the plugin
template and a sink plugin out of tree with only -DCMAKE_PREFIX_PATH=<prefix>,
builds a plugin claiming a newer ABI minor with pkg-config, then runs the
installed probekit with the new plugins and checks that:

  - the template's fork events arrive with their declared fields (JSON output),
  - the sink plugin, selected as an INI section, wrote its lines,
  - the plugin with the newer ABI minor is refused, naming both versions,
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


def check_plugin_install(build, prefix, libdir, name):
    """`cmake --install` of a plugin lands in the found probekit's plugin dir."""
    run(["cmake", "--install", build], f"install {name}", env=clean_env())
    dest = os.path.join(prefix, libdir, "probekit", "plugins", f"{name}.so")
    if not os.path.isfile(dest):
        raise TestFailure(f"cmake --install of {name} did not create {dest}")
    os.remove(dest)  # the run below loads it from --plugin-dir only


def write_config(path, lines_file):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[myprobe]\nplugin = myprobe\nthreads = false\n\n")
        f.write(f"[mysink]\nplugin = linesink\npath = {lines_file}\n")


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

        src = os.path.join(tmp, "src")
        for name, path in (("template", args.template), ("sink", args.sink),
                           ("newer_abi", args.newer_abi)):
            shutil.copytree(path, os.path.join(src, name))
        cmake_out_of_tree(os.path.join(src, "template"), os.path.join(tmp, "build-template"),
                          prefix, "the template")
        cmake_out_of_tree(os.path.join(src, "sink"), os.path.join(tmp, "build-sink"),
                          prefix, "the sink plugin")
        check_plugin_install(os.path.join(tmp, "build-template"), prefix, args.libdir, "myprobe")

        plugin_dir = os.path.join(tmp, "plugins")
        os.makedirs(plugin_dir)
        shutil.copy(os.path.join(tmp, "build-template", "myprobe.so"), plugin_dir)
        shutil.copy(os.path.join(tmp, "build-sink", "linesink.so"), plugin_dir)

        newer_dir = os.path.join(tmp, "plugins-newer-abi")
        os.makedirs(newer_dir)
        build_with_pkg_config(args, os.path.join(src, "newer_abi"),
                              os.path.join(newer_dir, "newer_abi.so"), prefix)

        if not os.access(probekit, os.X_OK):
            raise TestFailure(f"{probekit} was not installed: is the probekit target built?")
        check_info(probekit, plugin_dir)
        check_template_docs(args, probekit, plugin_dir)
        config = os.path.join(tmp, "sdk.ini")
        lines_file = os.path.join(tmp, "lines.txt")
        out_json = os.path.join(tmp, "events.json")
        write_config(config, lines_file)
        pids, stderr = run_probekit(probekit, config, out_json, plugin_dir,
                                    os.path.join(tmp, "s.sock"), args.duration)
        check_json_events(out_json, pids, stderr)
        check_sink_lines(lines_file, pids)
        check_refusal(probekit, newer_dir, abi_version(prefix))
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
