// SPDX-License-Identifier: MIT
/* Options that the core declares for every instance, whatever its plugin. */
#include "loader.h"

static const char *const wakeup_choices[] = {"batched", "every", NULL};

static const struct pk_option probe_options[] = {
    {.key = "enabled",
     .type = PK_OPT_BOOL,
     .default_value = "true",
     .help = "Run this probe instance."},
    {.key = "plugin",
     .type = PK_OPT_STRING,
     .help = "The plugin this instance runs (default: the section's name)."},
    {.key = "pid",
     .type = PK_OPT_INT,
     .default_value = "0",
     .min = 0,
     .max = 4194304,
     .help = "Trace only this process (thread group id); 0 traces every process."},
    {.key = "uid",
     .type = PK_OPT_INT,
     .default_value = "-1",
     .min = -1,
     .max = 4294967294LL,
     .help = "Trace only this user id; -1 traces every user."},
    {.key = "comm",
     .type = PK_OPT_STRING,
     .default_value = "",
     .max = 15,
     .help = "Trace only tasks with this command name (exact, at most 15 bytes)."},
    {.key = "login_only",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "Trace only tasks inside a login session (audit login uid set); needs a kernel "
             "with audit session ids."},
    {.key = "auid",
     .type = PK_OPT_INT,
     .default_value = "-1",
     .min = -1,
     .max = 4294967294LL,
     .help = "Trace only tasks of logins by this user id (audit login uid); -1: any."},
    {.key = "session",
     .type = PK_OPT_INT,
     .default_value = "-1",
     .min = -1,
     .max = 4294967294LL,
     .help = "Trace only tasks of this audit session id (/proc/PID/sessionid); -1: any."},
    {.key = "cgroup",
     .type = PK_OPT_STRING,
     .default_value = "",
     .max = 4095,
     .help = "Trace only tasks in this cgroup v2 or below it: a path under the v2 mount, or "
             "relative to its root (/system.slice/ssh.service)."},
    {.key = "ring_size",
     .type = PK_OPT_INT,
     .default_value = "256K",
     .min = 4096,
     .max = 1LL << 30,
     .help = "Ring buffer size in bytes, a power of two (K/M/G suffixes allowed)."},
    {.key = "wakeup",
     .type = PK_OPT_ENUM,
     .default_value = "batched",
     .choices = wakeup_choices,
     .help = "batched: wake the reader once a quarter of the ring (at most 256 KiB) is "
             "full, and drain it every flush interval; every: wake it for each event."},
};

static const struct pk_option sink_options[] = {
    {.key = "enabled",
     .type = PK_OPT_BOOL,
     .default_value = "true",
     .help = "Run this sink instance."},
    {.key = "plugin",
     .type = PK_OPT_STRING,
     .help = "The sink plugin this instance runs (default: the section's name)."},
};

const struct pk_option *core_probe_options(size_t *count)
{
        *count = PK_COUNT(probe_options);
        return probe_options;
}

const struct pk_option *core_sink_options(size_t *count)
{
        *count = PK_COUNT(sink_options);
        return sink_options;
}
