"""A real OpenSSH server for the session tests: Debian's sshd started on
127.0.0.1 with its own host key, config and port, UsePAM yes (Debian's
/etc/pam.d/sshd runs pam_loginuid, which gives each login its audit session
id), and a test user made with useradd -m who logs in with a key.

with SshServer(tag) as sshd:
    out = sshd.ssh("cat /etc/hostname", tty=True)

Everything is undone at exit, also after a failure: the user's processes
are killed (found by uid in /proc, never by name), sshd is stopped, and the
user is removed with userdel -r.
"""
import os
import pwd
import signal
import socket
import subprocess
import tempfile
import time

SSHD = "/usr/sbin/sshd"


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SshServer:
    def __init__(self, tag):
        self.user = f"pks{tag}"[:31]
        self.tmp = tempfile.mkdtemp(prefix=f"pk-session-sshd-{tag}-")
        self.port = free_port()
        self.proc = None
        self.uid = None
        self.key = os.path.join(self.tmp, "id_ed25519")

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _run(self, *argv):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _start(self):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation dir
        host_key = os.path.join(self.tmp, "host_ed25519")
        self._run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key)
        self._run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key)
        self._run("useradd", "-m", "-s", "/bin/bash", self.user)
        entry = pwd.getpwnam(self.user)
        self.uid = entry.pw_uid
        ssh_dir = os.path.join(entry.pw_dir, ".ssh")
        os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
        with open(self.key + ".pub") as f, open(os.path.join(ssh_dir, "authorized_keys"), "w") as a:
            a.write(f.read())
        for path in (ssh_dir, os.path.join(ssh_dir, "authorized_keys")):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
        config = os.path.join(self.tmp, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {self.tmp}/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers {self.user}
PrintMotd no
LogLevel VERBOSE
""")
        self.log = os.path.join(self.tmp, "sshd.log")
        self.proc = subprocess.Popen([SSHD, "-D", "-f", config, "-E", self.log])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd exited: " + self.read_log())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not listen: " + self.read_log())

    def read_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def ssh_argv(self, command, tty=False):
        return ["ssh", "-i", self.key, "-p", str(self.port), "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                *(["-tt"] if tty else ["-T"]), f"{self.user}@127.0.0.1", command]

    def ssh(self, command, tty=False, timeout=30):
        return subprocess.run(self.ssh_argv(command, tty), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def _user_pids(self):
        pids = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    if os.stat(f"/proc/{name}").st_uid == self.uid:
                        pids.append(int(name))
                except OSError:
                    pass
        return pids

    def close(self):
        if self.uid is not None:
            for pid in self._user_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.uid is not None or _user_exists(self.user):
            subprocess.run(["userdel", "-r", "-f", self.user], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", self.tmp])


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
