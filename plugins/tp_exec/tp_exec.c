// SPDX-License-Identifier: MIT
/* tp_exec, user side: the descriptor. Samples are decoded from the field tables. */
#include <stddef.h>

#include <probekit/plugin.h>

#include "tp_exec.h"
#include "tp_exec.skel.h"

static const struct pk_option tp_exec_options[] = {
    {
        .key = "exits",
        .type = PK_OPT_BOOL,
        .default_value = "true",
        .help = "report `exit` events (processes ending)",
        .bpf_global = "report_exits",
    },
    {
        .key = "failed_only",
        .type = PK_OPT_BOOL,
        .default_value = "false",
        .help = "report only exits with a non-zero code or a signal",
        .bpf_global = "failed_only",
    },
};

static const struct pk_field exec_fields[] = {
    {
        .name = "ppid",
        .type = PK_FIELD_U32,
        .offset = offsetof(struct exec_event, ppid),
        .size = sizeof(__u32),
        .help = "parent process id",
    },
    {
        .name = "filename_truncated",
        .type = PK_FIELD_BOOL,
        .offset = offsetof(struct exec_event, filename_truncated),
        .size = sizeof(__u8),
        .help = "filename was longer than 4095 bytes and is cut",
    },
    {
        .name = "filename",
        .type = PK_FIELD_STR,
        .offset = offsetof(struct exec_event, filename),
        .size = 0, /* to the end of the sample */
        .help = "path given to execve(), as the kernel opened it",
    },
};

static const struct pk_field exit_fields[] = {
    {
        .name = "ppid",
        .type = PK_FIELD_U32,
        .offset = offsetof(struct exit_event, ppid),
        .size = sizeof(__u32),
        .help = "parent process id",
    },
    {
        .name = "exit_code",
        .type = PK_FIELD_S32,
        .offset = offsetof(struct exit_event, exit_code),
        .size = sizeof(__s32),
        .help = "status given to exit(), 0-255; 0 when killed by a signal",
    },
    {
        .name = "signal",
        .type = PK_FIELD_U32,
        .offset = offsetof(struct exit_event, signal),
        .size = sizeof(__u32),
        .help = "signal that killed the process, 0 for none",
    },
    {
        .name = "core_dumped",
        .type = PK_FIELD_BOOL,
        .offset = offsetof(struct exit_event, core_dumped),
        .size = sizeof(__u8),
        .help = "the signal dumped core",
    },
    {
        .name = "duration_ns",
        .type = PK_FIELD_U64,
        .offset = offsetof(struct exit_event, duration_ns),
        .size = sizeof(__u64),
        .flags = PK_FIELD_DURATION,
        .help = "process lifetime, from fork to exit",
    },
};

/* Order follows enum tp_exec_event_type. */
static const struct pk_event_type tp_exec_events[] = {
    {
        .name = "exec",
        .help = "a process image replaced by a successful execve()",
        .fields = exec_fields,
        .n_fields = PK_COUNT(exec_fields),
        .min_size = offsetof(struct exec_event, filename) + 1,
        .max_size = sizeof(struct exec_event),
    },
    {
        .name = "exit",
        .help = "a process ended (its last thread exited)",
        .fields = exit_fields,
        .n_fields = PK_COUNT(exit_fields),
        .min_size = sizeof(struct exit_event),
        .max_size = sizeof(struct exit_event),
    },
};

static const struct pk_probe_ops tp_exec_probe = {
    .bpf_object = tp_exec_bpf__elf_bytes,
};

static const struct pk_plugin tp_exec_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "tp_exec",
    .version = "0.1.0",
    .description = "process exec and exit events",
    .options = tp_exec_options,
    .n_options = PK_COUNT(tp_exec_options),
    .events = tp_exec_events,
    .n_events = PK_COUNT(tp_exec_events),
    .probe = &tp_exec_probe,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &tp_exec_plugin;
}
