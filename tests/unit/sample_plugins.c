// SPDX-License-Identifier: MIT
#include "sample_plugins.h"

#include <stdint.h>

static const void *no_bpf_object(size_t *size)
{
        static const char bytes[] = "not an ELF object";

        *size = sizeof(bytes);
        return bytes;
}

static const struct pk_probe_ops probe_ops = {.bpf_object = no_bpf_object};

static const struct pk_field value_fields[] = {
    {.name = "value",
     .type = PK_FIELD_U64,
     .offset = sizeof(struct pk_event_header),
     .size = 8,
     .help = "a number"},
};

static const struct pk_event_type value_events[] = {
    {.name = "value",
     .help = "one number",
     .fields = value_fields,
     .n_fields = PK_COUNT(value_fields),
     .min_size = sizeof(struct pk_event_header) + 8},
};

static const char *const style_choices[] = {"short", "long", NULL};

static const struct pk_option alpha_options[] = {
    {.key = "depth", .type = PK_OPT_INT, .default_value = "8", .min = 1, .max = 100, .help = "i"},
    {.key = "verbose", .type = PK_OPT_BOOL, .default_value = "false", .help = "b"},
    {.key = "prefix", .type = PK_OPT_STRING, .max = 8, .help = "s"},
    {.key = "style",
     .type = PK_OPT_ENUM,
     .default_value = "short",
     .choices = style_choices,
     .help = "e"},
    {.key = "paths", .type = PK_OPT_LIST, .default_value = "/tmp, /var", .help = "l"},
};

static const char *const kprobe_programs[] = {"on_kprobe", NULL};
static const char *const fentry_programs[] = {"on_fentry", NULL};

static const struct pk_attach_mode alpha_modes[] = {
    {.name = "kprobe", .programs = kprobe_programs},
    {.name = "fentry", .programs = fentry_programs},
};

const struct pk_plugin sample_alpha_probe = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "alpha",
    .version = "1.0",
    .description = "a probe with an option of every type",
    .options = alpha_options,
    .n_options = PK_COUNT(alpha_options),
    .events = value_events,
    .n_events = PK_COUNT(value_events),
    .attach_modes = alpha_modes,
    .n_attach_modes = PK_COUNT(alpha_modes),
    .probe = &probe_ops,
};

const struct pk_plugin sample_beta_probe = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "beta",
    .version = "0.1",
    .description = "a probe with nothing to configure",
    .events = value_events,
    .n_events = PK_COUNT(value_events),
    .probe = &probe_ops,
};

static int sink_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        (void)host;
        (void)inst;
        *state = NULL;
        return 0;
}

static int sink_write(void *state, const struct pk_record *rec)
{
        (void)state;
        (void)rec;
        return 0;
}

static int sink_flush(void *state)
{
        (void)state;
        return 0;
}

static void sink_close(void *state)
{
        (void)state;
}

static const struct pk_sink_ops sink_ops = {
    .open = sink_open, .write = sink_write, .flush = sink_flush, .close = sink_close};

static const struct pk_option gamma_options[] = {
    {.key = "output", .type = PK_OPT_STRING, .default_value = "-", .help = "where to write"},
};

const struct pk_plugin sample_gamma_sink = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "gamma",
    .version = "2",
    .description = "a sink that writes nothing",
    .options = gamma_options,
    .n_options = PK_COUNT(gamma_options),
    .sink = &sink_ops,
};
