/* SPDX-License-Identifier: MIT */
/*
 * The guide's example plugin, user side (docs/writing-a-plugin.md quotes
 * it): options bound to BPF globals, a configure() that switches a program
 * off, fields from BTF with a signal name.
 */
#include <errno.h>
#include <stdlib.h>

/* configure() gets libbpf's own object: the plugin links the same shared libbpf as the host */
#include <bpf/libbpf.h>
#include <probekit/plugin.h>

#include "guide.h"
#include "guide.skel.h"

static const struct pk_option options[] = {
    {.key = "min_signal",
     .type = PK_OPT_INT,
     .default_value = "1",
     .min = 1,
     .max = 64, /* fits the __u32 global */
     .help = "report only signals numbered this or higher",
     .bpf_global = "min_signal"},
    {.key = "target_pid",
     .type = PK_OPT_INT,
     .default_value = "-1",
     .min = -1, /* a signed global (int) takes negative values */
     .max = 4194304,
     .help = "report only signals sent to this pid; -1: any",
     .bpf_global = "target_pid"},
    {.key = "sender",
     .type = PK_OPT_STRING,
     .default_value = "",
     .max = 15,
     .help = "report only signals sent by tasks of this comm; empty: any",
     .bpf_global = "sender"},
    {.key = "tgkill",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "also report tgkill() (thread-directed signals)"},
};

static const struct pk_field signal_fields[] = {
    {.name = "target_pid", .help = "the pid the signal was sent to"},
    {.name = "sig", .flags = PK_FIELD_SIGNAL, .help = "the signal (sig_name: its name)"},
    {.name = "via_tgkill", .type = PK_FIELD_BOOL, .help = "sent with tgkill()"},
};

static const struct pk_event_type events[] = {
    {.name = "signal",
     .help = "a signal sent with kill() or tgkill()",
     .fields = signal_fields,
     .n_fields = PK_COUNT(signal_fields),
     .btf_struct = "guide_signal_event"},
};

struct guide_state {
        bool tgkill;
};

static int guide_create(const struct pk_host *host, struct pk_instance *inst, void **out)
{
        struct guide_state *state = calloc(1, sizeof(*state));

        if (!state)
                return -ENOMEM;
        state->tgkill = host->opt_bool(inst, "tgkill");
        *out = state;
        return 0;
}

/*
 * Runs with the object opened, not loaded. A program whose autoload is
 * turned off here is neither loaded nor attached: the host's automatic
 * attach only attaches the programs that were loaded.
 */
static int guide_configure(void *opaque, struct bpf_object *obj, const char *mode)
{
        const struct guide_state *state = opaque;
        struct bpf_program *prog = bpf_object__find_program_by_name(obj, "guide_tgkill");

        (void)mode;
        if (!prog)
                return -ENOENT;
        return bpf_program__set_autoload(prog, state->tgkill);
}

static void guide_destroy(void *state)
{
        free(state);
}

static const struct pk_probe_ops ops = {
    .bpf_object = guide_bpf__elf_bytes,
    .create = guide_create,
    .configure = guide_configure,
    .destroy = guide_destroy,
};

static const struct pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "guide",
    .version = "0.1.0",
    .description = "signals sent with kill() and tgkill() (the plugin guide's example)",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = events,
    .n_events = PK_COUNT(events),
    .probe = &ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
