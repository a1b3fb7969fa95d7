#!/usr/bin/env python3
"""The Debian packages: `cpack -G DEB` from this build tree writes
probekit_<version>_amd64.deb and probekit-dev_<version>_all.deb with the
files, conffile and Depends: they should have. They are installed into a
scratch root with `dpkg --root` (a copy of this machine's dpkg status
stands in for the installed libraries, whose files the host already has;
maintainer scripts run without chroot and, seeing $DPKG_ROOT, leave the
host's systemd alone), run from there (`probekit --version`, `probekit
plugins` finds the built-in plugins, `man -w` finds both pages), then
purged: nothing of theirs is left. The host is not changed."""
import os
import re
import shutil
import subprocess
import tempfile

from pktest import check, check_eq, done

build = os.environ["PROBEKIT_BUILD_DIR"]
work = tempfile.mkdtemp(prefix="pktest-deb-")
root = os.path.join(work, "root")


def sh(*cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def dpkg(*args):
    return sh("dpkg", f"--root={root}", "--force-script-chrootless", "--force-not-root", *args)


version = re.search(r'CPACK_PACKAGE_VERSION "([^"]+)"',
                    open(os.path.join(build, "CPackConfig.cmake")).read()).group(1)
out = sh("cpack", "-G", "DEB", "-B", os.path.join(work, "out"),
         "--config", os.path.join(build, "CPackConfig.cmake"))
check_eq(out.returncode, 0, "cpack -G DEB succeeds")
deb = os.path.join(work, "out", f"probekit_{version}_amd64.deb")
dev = os.path.join(work, "out", f"probekit-dev_{version}_all.deb")
check(os.path.exists(deb) and os.path.exists(dev), "both packages are written",
      out.stdout + out.stderr)

control = sh("dpkg-deb", "--field", deb).stdout
depends = re.search(r"^Depends: (.*)$", control, re.M)
depends = depends.group(1) if depends else ""
for lib in ("libbpf1", "libelf1", "libinih1", "libmicrohttpd12", "libgnutls30", "libsystemd0",
            "libc6"):
    check(re.search(rf"\b{lib}\b", depends), f"Depends: has {lib} (from dpkg-shlibdeps)",
          depends)
files = sh("dpkg-deb", "--contents", deb).stdout
for path in ("./usr/bin/probekit", "./usr/lib/probekit/plugins/tp_exec.so",
             "./usr/lib/probekit/plugins/raw_tp.so", "./usr/lib/systemd/system/probekit.service",
             "./usr/share/man/man1/probekit.1", "./usr/share/man/man5/probekit.ini.5",
             "./etc/probekit/probekit.ini", "./etc/logrotate.d/probekit"):
    check(f" {path}\n" in files, f"the package has {path}")
check(work not in files, "no path of the build machine leaked into the package")
check_eq(sh("dpkg-deb", "--info", deb, "conffiles").stdout.split(),
         ["/etc/probekit/probekit.ini", "/etc/logrotate.d/probekit"],
         "the configuration and the logrotate configuration are conffiles")
check("probekit (= " + version + ")" in sh("dpkg-deb", "--field", dev, "Depends").stdout,
      "probekit-dev depends on the same probekit")

# A scratch root whose dpkg database says what this machine has installed.
os.makedirs(os.path.join(root, "var/lib/dpkg/info"))
os.makedirs(os.path.join(root, "var/lib/dpkg/updates"))
shutil.copy("/var/lib/dpkg/status", os.path.join(root, "var/lib/dpkg/status"))
open(os.path.join(root, "var/lib/dpkg/available"), "w").close()
out = dpkg("--install", deb, dev)
check_eq(out.returncode, 0, "dpkg --root --install takes both packages")
check(out.returncode == 0, "dpkg said", out.stdout + out.stderr)

exe = os.path.join(root, "usr/bin/probekit")
out = sh(exe, "--version")
check(out.returncode == 0 and out.stdout.startswith(f"probekit {version} "),
      "the installed probekit --version", out.stdout + out.stderr)
out = sh(exe, "plugins")
for plugin in ("tp_exec", "kprobe_unlink", "uprobe_bash", "raw_tp"):
    check(re.search(rf"^{plugin} .*{root}/usr/lib/probekit/plugins/{plugin}\.so$", out.stdout,
                    re.M), f"probekit plugins finds the installed {plugin}",
          out.stdout + out.stderr)
check("refused" not in out.stdout + out.stderr, "and refuses none", out.stderr)
# check verifies the output's directory: the package made it (postinst), in
# the scratch root, so the installed configuration is checked with its
# outputs moved there.
check(os.path.isdir(os.path.join(root, "var/log/probekit")), "the package made /var/log/probekit")
installed_ini = open(os.path.join(root, "etc/probekit/probekit.ini")).read()
moved_ini = os.path.join(work, "installed-moved.ini")
with open(moved_ini, "w") as f:
    f.write(installed_ini.replace("= /var/log/probekit/", f"= {root}/var/log/probekit/"))
check(installed_ini.count("/var/log/probekit/") > 0, "the installed configuration writes there")
out = sh(exe, "check", "--config", moved_ini)
check_eq(out.returncode, 0, "the installed configuration passes check")
manpath = os.path.join(root, "usr/share/man")
for page, path in (("probekit", "man1/probekit.1"), ("probekit.ini", "man5/probekit.ini.5")):
    out = sh("man", "-M", manpath, "-w", page)
    check_eq(out.stdout.strip(), os.path.join(manpath, path), f"man -w {page}")
out = sh("man", "-M", manpath, "5", "probekit.ini", env=dict(os.environ, MANWIDTH="80",
                                                              MANPAGER="cat", PAGER="cat"))
check("tp_exec" in out.stdout and "metrics" in out.stdout,
      "probekit.ini(5) shows the plugins and the [probekit] keys", out.stderr)
sdk = os.path.join(root, "usr/include/probekit/plugin.h")
check(os.path.exists(sdk), "probekit-dev installed the SDK headers")

out = dpkg("--purge", "probekit-dev", "probekit")
check_eq(out.returncode, 0, "dpkg --purge removes both")
left = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
        if not os.path.join(d, f).startswith(os.path.join(root, "var/lib/dpkg"))]
check_eq(left, [], "nothing of theirs is left, the conffile included")
status = sh("dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "probekit")
check(status.returncode != 0 or "\t" not in status.stdout.strip() or
      status.stdout.strip().endswith("\t"), "dpkg no longer knows probekit", status.stdout)

shutil.rmtree(work)
done()
