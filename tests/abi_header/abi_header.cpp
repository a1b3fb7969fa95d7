// SPDX-License-Identifier: MIT
// plugin.h from C++17, where designated initializers do not exist yet: the
// descriptor is filled member by member.
#include "abi_layout.h"

static pk_plugin make_plugin()
{
        pk_plugin plugin{};

        plugin.abi_major = PK_ABI_MAJOR;
        plugin.abi_minor = PK_ABI_MINOR;
        plugin.struct_size = sizeof(pk_plugin);
        plugin.kind = PK_KIND_SINK;
        plugin.name = "abi_header";
        plugin.version = "0";
        plugin.description = "compiles";
        return plugin;
}

static const pk_plugin plugin = make_plugin();

extern "C" PK_PLUGIN_EXPORT const pk_plugin *probekit_plugin(void)
{
        pk_plugin_entry_fn entry = probekit_plugin;

        (void)entry;
        return &plugin;
}
