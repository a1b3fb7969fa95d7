/* SPDX-License-Identifier: MIT */
/*
 * User side of myprobe: the descriptor probekit loads. Everything is
 * declared: the option is written into the BPF object by probekit
 * (`bpf_global`), the event is decoded from its field declarations, and the
 * programs attach by their SEC() names, so no callback is needed.
 */
#include <stddef.h>

#include <probekit/plugin.h>

#include "myprobe.h"
#include "myprobe.skel.h"

static const struct pk_option myprobe_options[] = {
    {
        .key = "threads",
        .type = PK_OPT_BOOL,
        .default_value = "false",
        .help = "also report new threads, not only new processes",
        .bpf_global = "report_threads",
    },
};

#define FORK_U32_FIELD(member, help_text)                                                          \
        {                                                                                          \
                .name = #member, .type = PK_FIELD_U32,                                             \
                .offset = offsetof(struct myprobe_fork_event, member),                             \
                .size = sizeof(((struct myprobe_fork_event *)0)->member), .help = (help_text),     \
        }

static const struct pk_field myprobe_fork_fields[] = {
    FORK_U32_FIELD(parent_pid, "pid of the process that forked"),
    FORK_U32_FIELD(child_pid, "pid of the new process"),
    FORK_U32_FIELD(child_tid, "thread id of the new task"),
};

static const struct pk_event_type myprobe_events[] = {
    [MYPROBE_EVENT_FORK] =
        {
            .name = "fork",
            .help = "a process forked",
            .fields = myprobe_fork_fields,
            .n_fields = PK_COUNT(myprobe_fork_fields),
            .min_size = sizeof(struct myprobe_fork_event),
        },
};

static const struct pk_probe_ops myprobe_ops = {
    .bpf_object = myprobe_bpf__elf_bytes, /* from the generated skeleton */
};

static const struct pk_plugin myprobe_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "myprobe",
    .version = "0.1.0",
    .description = "reports every fork with the parent and child pids",
    .options = myprobe_options,
    .n_options = PK_COUNT(myprobe_options),
    .events = myprobe_events,
    .n_events = PK_COUNT(myprobe_events),
    .probe = &myprobe_ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &myprobe_plugin;
}
