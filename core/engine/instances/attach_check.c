// SPDX-License-Identifier: MIT
#include "attach_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "log.h"

#define TRACEFS        "/sys/kernel/tracing"
#define KPROBE_PMU_DIR "/sys/bus/event_source/devices/kprobe"

static bool starts_with(const char *s, const char *prefix)
{
        return !strncmp(s, prefix, strlen(prefix));
}

int tracefs_ensure(bool may_mount, char *why, size_t why_len)
{
        static bool mounted_here;

        if (!access(TRACEFS "/events", F_OK))
                return 0;
        if (errno == EACCES) {
                /* mounted, but the directory is root's (mode 0700): not a mount problem */
                snprintf(why, why_len,
                         "tracefs (" TRACEFS ") cannot be read by this user (uid %u): tracepoint "
                         "probes need root",
                         (unsigned)geteuid());
                return -EACCES;
        }
        if (!may_mount) {
                snprintf(why, why_len,
                         "tracefs is not mounted (mount_tracefs = false): run 'mount -t tracefs "
                         "nodev " TRACEFS "'");
                return -ENOENT;
        }
        if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
                int err = -errno;

                snprintf(why, why_len,
                         "tracefs is not mounted and mounting it failed (%s): as root, run "
                         "'mount -t tracefs nodev " TRACEFS "'",
                         strerror(-err));
                return err;
        }
        if (!mounted_here)
                log_info(NULL, "mounted tracefs on " TRACEFS " (tracepoint probes need it)");
        mounted_here = true;
        return 0;
}

/* "tp/cat/name" or "tracepoint/cat/name": does the event exist in tracefs? */
static int check_tracepoint(const char *section, bool may_mount, char *why, size_t why_len)
{
        const char *event = strchr(section, '/') + 1;
        char path[512];
        int rc = tracefs_ensure(may_mount, why, why_len);

        if (rc)
                return rc;
        snprintf(path, sizeof(path), TRACEFS "/events/%s", event);
        if (access(path, F_OK) && errno == EACCES) {
                snprintf(why, why_len,
                         "tracepoint %s cannot be looked up: " TRACEFS
                         " is not readable by this user (uid %u); run as root",
                         event, (unsigned)geteuid());
                return -EACCES;
        }
        if (access(path, F_OK)) {
                snprintf(why, why_len, "tracepoint %s does not exist on this kernel", event);
                return -ENOENT;
        }
        return 0;
}

/* The attach type of a section that traces a kernel function through BTF, or -1. */
static int tracing_attach_type(const char *section, const char **kind)
{
        static const struct {
                const char *prefix;
                enum bpf_attach_type type;
        } kinds[] = {
            {"fentry", BPF_TRACE_FENTRY},
            {"fexit", BPF_TRACE_FEXIT},
            {"fmod_ret", BPF_MODIFY_RETURN},
        };

        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                size_t len = strlen(kinds[i].prefix);

                /* "fexit/func" and the sleepable "fexit.s/func" */
                if (!strncmp(section, kinds[i].prefix, len) &&
                    (section[len] == '/' || !strncmp(section + len, ".s/", 3))) {
                        *kind = kinds[i].prefix;
                        return kinds[i].type;
                }
        }
        return -1;
}

/*
 * Whether the kernel refuses every program of this attach type, asked once
 * per process with a two-instruction program and no target. A kernel that
 * can trace functions rejects it for its missing target (EINVAL); one that
 * cannot says EPERM before it looks at the target (function tracing locked
 * down, seen on the development VM). Only that EPERM is taken as an answer:
 * without it the real load decides. The point is the cost of the real
 * load: libbpf parses the kernel's BTF and relocates the whole object before
 * the kernel refuses it, tens of milliseconds per plugin at start-up.
 */
static int tracing_refused(enum bpf_attach_type type)
{
        static int verdict[__MAX_BPF_ATTACH_TYPE]; /* 0 unknown, 1 allowed, -errno refused */
        const struct bpf_insn ret0[] = {
            {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
            {.code = BPF_JMP | BPF_EXIT},
        };
        LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
        int fd;

        if ((unsigned)type >= __MAX_BPF_ATTACH_TYPE)
                return 0;
        if (verdict[type])
                return verdict[type] < 0 ? verdict[type] : 0;
        fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pk_probe", "GPL", ret0, 2, &opts);
        if (fd >= 0)
                close(fd);
        verdict[type] = fd < 0 && errno == EPERM ? -EPERM : 1;
        return verdict[type] < 0 ? verdict[type] : 0;
}

int attach_precheck(const char *prog, const char *section, bool may_mount_tracefs, char *why,
                    size_t why_len)
{
        const char *kind;
        int type = tracing_attach_type(section, &kind);

        if (type >= 0 && tracing_refused((enum bpf_attach_type)type)) {
                snprintf(why, why_len,
                         "this kernel refuses %s programs such as '%s' (loading an empty one "
                         "without a target: %s)",
                         kind, prog, strerror(EPERM));
                return -EPERM;
        }
        if (starts_with(section, "kprobe/") || starts_with(section, "kretprobe/") ||
            starts_with(section, "ksyscall/") || starts_with(section, "kretsyscall/")) {
                if (access(KPROBE_PMU_DIR, F_OK)) {
                        snprintf(why, why_len,
                                 "this kernel has no kprobe support (" KPROBE_PMU_DIR
                                 " is missing: built without CONFIG_KPROBES)");
                        return -ENOTSUP;
                }
                return 0;
        }
        if (starts_with(section, "tp/") || starts_with(section, "tracepoint/"))
                return check_tracepoint(section, may_mount_tracefs, why, why_len);
        return 0;
}

static bool kallsyms_has(const char *symbol)
{
        char line[512], name[256];
        bool found = false;
        FILE *f = fopen("/proc/kallsyms", "re");

        if (!f)
                return true; /* cannot tell: do not claim it is missing */
        while (!found && fgets(line, sizeof(line), f)) {
                if (sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, symbol))
                        found = true;
        }
        fclose(f);
        return found;
}

void attach_explain_failure(const char *section, int err, char *why, size_t why_len)
{
        char symbol[256];
        const char *slash = strchr(section, '/');
        size_t used = strlen(why);

        if (!slash || !(starts_with(section, "kprobe/") || starts_with(section, "kretprobe/")))
                return;
        snprintf(symbol, sizeof(symbol), "%s", slash + 1);
        symbol[strcspn(symbol, "+")] = '\0';
        if (err == -ENOENT && used < why_len && !kallsyms_has(symbol))
                snprintf(why + used, why_len - used,
                         " (%s is not in /proc/kallsyms: inlined or renamed on this kernel)",
                         symbol);
}
