/* SPDX-License-Identifier: MIT */
/*
 * User side of myprobe: the descriptor probekit loads. Everything is
 * declared: the option is written into the BPF object by probekit
 * (`bpf_global`), the event is decoded from its struct's BTF, and the
 * programs attach by their SEC() names, so no callback is needed.
 */
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

/*
 * The fields of a fork event are the members of struct myprobe_fork_event
 * (btf_struct below): probekit reads them from the BTF of the BPF object.
 * This table only adds what BTF cannot say, keyed by member name.
 */
static const struct pk_field myprobe_fork_fields[] = {
    {.name = "parent_pid", .help = "pid of the process that forked"},
    {.name = "child_pid", .help = "pid of the new process"},
    {.name = "child_tid", .help = "thread id of the new task"},
};

static const struct pk_event_type myprobe_events[] = {
    [MYPROBE_EVENT_FORK] =
        {
            .name = "fork",
            .help = "a process forked",
            .fields = myprobe_fork_fields,
            .n_fields = PK_COUNT(myprobe_fork_fields),
            .btf_struct = "myprobe_fork_event", /* min_size 0: the struct's size */
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
