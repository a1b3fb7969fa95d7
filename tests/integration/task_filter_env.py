"""What the login tests need to know about this machine's kernel."""


def cgroup2_mount():
    """The cgroup v2 mount point, from /proc/self/mountinfo (hybrid or unified)."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ")[0] == "cgroup2":
                return left.split(" ")[4].replace("\\040", " ")
    raise RuntimeError("no cgroup v2 hierarchy is mounted")
