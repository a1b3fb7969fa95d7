// SPDX-License-Identifier: MIT
/* tp_exec, user side: the descriptor. Samples are decoded from the BPF side's structs (BTF). */
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
    {
        .key = "argv_max_bytes",
        .type = PK_OPT_INT,
        .default_value = "4096",
        .min = 0,
        .max = 4096,
        .help = "keep at most this many bytes of an exec's argv (NULs included); 0: no argv",
        .bpf_global = "argv_max_bytes",
    },
    {
        .key = "argv_max_args",
        .type = PK_OPT_INT,
        .default_value = "4096",
        .min = 0,
        .max = 4096,
        .help = "keep at most this many strings of an exec's argv (4096: no count cap, bytes "
                "only); 0: no argv",
        .bpf_global = "argv_max_args",
    },
};

/*
 * Names, offsets, sizes and types come from the structs in tp_exec.h, read
 * from the BTF of the BPF object (btf_struct below); these tables add what
 * BTF cannot say, and their order is the order of the fields in the output.
 */
static const struct pk_field exec_fields[] = {
    {.name = "ppid", .help = "parent process id"},
    {.name = "filename", .help = "path given to execve(), as the kernel opened it"},
    {.name = "filename_truncated",
     .type = PK_FIELD_BOOL, /* a __u8 in the struct */
     .help = "filename was longer than 255 bytes and is cut"},
    {.name = "argc", .help = "number of arguments the program got"},
    {.name = "argv",
     .type = PK_FIELD_STR_ARRAY, /* NUL-separated strings, the sample's tail */
     .help = "the arguments, argv[0] first, as the program got them"},
    {.name = "argv_truncated",
     .type = PK_FIELD_BOOL,
     .help = "argv went on past argv_max_bytes or argv_max_args and is cut"},
};

static const struct pk_field exit_fields[] = {
    {.name = "ppid", .help = "parent process id"},
    {.name = "exit_code", .help = "status given to exit(), 0-255; 0 when killed by a signal"},
    {.name = "signal",
     .flags = PK_FIELD_SIGNAL,
     .help = "signal that killed the process, 0 for none"},
    {.name = "core_dumped", .type = PK_FIELD_BOOL, .help = "the signal dumped core"},
    {.name = "duration_ns",
     .flags = PK_FIELD_DURATION,
     .help = "process lifetime, from fork to exit"},
};

/* Order follows enum tp_exec_event_type. */
static const struct pk_event_type tp_exec_events[] = {
    {
        .name = "exec",
        .help = "a process image replaced by a successful execve()",
        .fields = exec_fields,
        .n_fields = PK_COUNT(exec_fields),
        .min_size = offsetof(struct exec_event, argv),
        .max_size = sizeof(struct exec_event),
        .btf_struct = "exec_event",
    },
    {
        .name = "exit",
        .help = "a process ended (its last thread exited)",
        .fields = exit_fields,
        .n_fields = PK_COUNT(exit_fields),
        .btf_struct = "exit_event",
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
