// SPDX-License-Identifier: MIT
/*
 * A minimal probe plugin, built once as it is and once per way of being
 * broken (see CMakeLists.txt). Its BPF object is never loaded by the tests.
 */
#include <probekit/plugin.h>

#ifndef UNIT_PLUGIN_MAJOR
#define UNIT_PLUGIN_MAJOR PK_ABI_MAJOR
#endif
#ifndef UNIT_PLUGIN_DESCRIPTION
#define UNIT_PLUGIN_DESCRIPTION "loaded by the unit tests"
#endif

static const void *bpf_object(size_t *size)
{
        static const char bytes[] = "never loaded";

        *size = sizeof(bytes);
        return bytes;
}

static const struct pk_probe_ops ops = {.bpf_object = bpf_object};

static const struct pk_event_type events[] = {
    {.name = "tick", .help = "nothing", .min_size = sizeof(struct pk_event_header)},
};

static const struct pk_plugin plugin = {
    .abi_major = UNIT_PLUGIN_MAJOR,
    .abi_minor = PK_ABI_MINOR,
    .struct_size = sizeof(struct pk_plugin),
    .kind = PK_KIND_PROBE,
    .name = "unit_plugin",
    .version = "1",
    .description = UNIT_PLUGIN_DESCRIPTION,
    .events = events,
    .n_events = PK_COUNT(events),
    .probe = &ops,
};

#ifdef UNIT_PLUGIN_NO_SYMBOL
PK_PLUGIN_EXPORT const struct pk_plugin *not_the_entry_point(void);
PK_PLUGIN_EXPORT const struct pk_plugin *not_the_entry_point(void)
#else
PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void);
PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
#endif
{
        return &plugin;
}
