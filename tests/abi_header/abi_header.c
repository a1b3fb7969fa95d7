/* SPDX-License-Identifier: MIT */
/* plugin.h as a C11 plugin uses it: designated initializers, PK_PLUGIN_HEADER(). */
#include "abi_layout.h"

static const char *const modes[] = {"a", "b", NULL};

static const struct pk_attach_mode attach_modes[] = {
    {.name = "first", .programs = modes},
};

static const struct pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "abi_header",
    .version = "0",
    .description = "compiles",
    .attach_modes = attach_modes,
    .n_attach_modes = PK_COUNT(attach_modes),
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void);

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        pk_plugin_entry_fn entry = probekit_plugin;

        (void)entry;
        return &plugin;
}
