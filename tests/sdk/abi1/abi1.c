/* SPDX-License-Identifier: MIT */
/*
 * A sink plugin whose descriptor says ABI 1.0, as one built against SDK 1
 * does: the host must refuse it with one line that says to rebuild it
 * against SDK 2. (Only the version members are read before the refusal.)
 */
#include <probekit/plugin.h>

static const struct pk_plugin abi1_plugin = {
    .abi_major = 1,
    .abi_minor = 0,
    .struct_size = sizeof(struct pk_plugin),
    .kind = PK_KIND_SINK,
    .name = "abi1",
    .version = "0.1.0",
    .description = "built against SDK 1; must be refused",
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &abi1_plugin;
}
