// SPDX-License-Identifier: MIT
#include "attach_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

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

int attach_precheck(const char *section, bool may_mount_tracefs, char *why, size_t why_len)
{
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
