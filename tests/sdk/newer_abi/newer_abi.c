/* SPDX-License-Identifier: MIT */
/*
 * A sink plugin that claims an ABI minor one newer than the headers it is
 * built with: a host of those headers must refuse it, naming both versions.
 * Built with pkg-config by the SDK test, so that path is exercised too.
 */
#include <probekit/plugin.h>

static int newer_abi_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        (void)host;
        (void)inst;
        *state = NULL;
        return 0;
}

static int newer_abi_write(void *state, const struct pk_record *rec)
{
        (void)state;
        (void)rec;
        return 0;
}

static int newer_abi_flush(void *state)
{
        (void)state;
        return 0;
}

static void newer_abi_close(void *state)
{
        (void)state;
}

static const struct pk_sink_ops newer_abi_ops = {
    .open = newer_abi_open,
    .write = newer_abi_write,
    .flush = newer_abi_flush,
    .close = newer_abi_close,
};

static const struct pk_plugin newer_abi_plugin = {
    /* PK_PLUGIN_HEADER() spelled out, with the minor bumped on purpose */
    .abi_major = PK_ABI_MAJOR,
    .abi_minor = PK_ABI_MINOR + 1,
    .struct_size = sizeof(struct pk_plugin),
    .kind = PK_KIND_SINK,
    .name = "newer_abi",
    .version = "0.1.0",
    .description = "claims a newer ABI minor than the host; must be refused",
    .sink = &newer_abi_ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &newer_abi_plugin;
}
