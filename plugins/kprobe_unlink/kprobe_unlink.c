// SPDX-License-Identifier: MIT
/*
 * kprobe_unlink, user side: the descriptor. Samples are decoded from the
 * BPF side's own struct (BTF); the core tries the attach modes in the order
 * below.
 */
#include <stddef.h>

#include <probekit/plugin.h>

#include "kprobe_unlink.h"
#include "kprobe_unlink.skel.h"

/*
 * Names, offsets, sizes and types come from struct unlink_event in the BTF
 * of the BPF object (btf_struct below); this table adds what BTF cannot say,
 * and its order is the order of the fields in the output.
 */
static const struct pk_field unlink_fields[] = {
    {.name = "dfd", .help = "directory fd the path is relative to (-100: the working directory)"},
    {.name = "path_truncated",
     .type = PK_FIELD_BOOL, /* a __u8 in the struct */
     .help = "path was longer than 4095 bytes and is cut"},
    {.name = "path", .help = "path as passed to the call"}, /* the tail: sent up to its NUL */
    {.name = "ret", .flags = PK_FIELD_ERRNO, .help = "0, or -errno when the call failed"},
    {.name = "duration_ns", .flags = PK_FIELD_DURATION, .help = "time spent in the call"},
};

static const struct pk_event_type unlink_events[] = {
    {
        .name = "unlink",
        .help = "a file removed with unlink() or unlinkat() (not rmdir), at return",
        .fields = unlink_fields,
        .n_fields = PK_COUNT(unlink_fields),
        .min_size = offsetof(struct unlink_event, path) + 1,
        .max_size = sizeof(struct unlink_event),
        .btf_struct = "unlink_event",
    },
};

static const char *const kprobe_programs[] = {"unlink_kprobe_enter", "unlink_kprobe_exit", NULL};
static const char *const fentry_programs[] = {"unlink_fentry_enter", "unlink_fexit_exit", NULL};
static const char *const tracepoint_programs[] = {
    "unlink_tp_enter_unlink",
    "unlink_tp_exit_unlink",
    "unlink_tp_enter_unlinkat",
    "unlink_tp_exit_unlinkat",
    NULL,
};

/* In order of preference: the kernel function sees io_uring's unlinks too. */
static const struct pk_attach_mode unlink_attach_modes[] = {
    {.name = "kprobe", .programs = kprobe_programs},
    {.name = "fentry", .programs = fentry_programs},
    {.name = "tracepoint", .programs = tracepoint_programs},
};

static const struct pk_probe_ops kprobe_unlink_probe = {
    .bpf_object = kprobe_unlink_bpf__elf_bytes,
};

static const struct pk_plugin kprobe_unlink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "kprobe_unlink",
    .version = "0.1.0",
    .description = "file unlinks with path, result and latency",
    .events = unlink_events,
    .n_events = PK_COUNT(unlink_events),
    .attach_modes = unlink_attach_modes,
    .n_attach_modes = PK_COUNT(unlink_attach_modes),
    .probe = &kprobe_unlink_probe,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &kprobe_unlink_plugin;
}
