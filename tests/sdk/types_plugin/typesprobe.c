/* SPDX-License-Identifier: MIT */
/* typesprobe: the ABI 2 field types, declared from BTF with annotations. */
#include <probekit/plugin.h>

#include "typesprobe.h"
#include "typesprobe.skel.h"

static const struct pk_name state_names[] = {{1, "ESTABLISHED"}, {2, "LISTEN"}};
static const struct pk_names states = {PK_NAMES_ENUM, PK_COUNT(state_names), state_names};
static const struct pk_name flag_names[] = {
    {0, "O_RDONLY"}, {01, "O_WRONLY"}, {02, "O_RDWR"}, {0100, "O_CREAT"}, {01000, "O_TRUNC"},
};
static const struct pk_names open_flags = {PK_NAMES_FLAGS, PK_COUNT(flag_names), flag_names};

/* Only what BTF cannot say; child_pid and small come from BTF alone. */
static const struct pk_field fields[] = {
    {.name = "v4", .type = PK_FIELD_IPV4, .help = "an IPv4 address"},
    {.name = "v6", .type = PK_FIELD_IPV6, .help = "an IPv6 address"},
    {.name = "v6_mapped", .type = PK_FIELD_IPV6, .help = "a v4-mapped address"},
    {.name = "port", .flags = PK_FIELD_NET_ORDER, .help = "a port"},
    {.name = "state", .names = &states, .help = "an enum"},
    {.name = "open_flags", .flags = PK_FIELD_HEX, .names = &open_flags, .help = "flags"},
    {.name = "sig", .flags = PK_FIELD_SIGNAL, .help = "a signal"},
    {.name = "nr", .flags = PK_FIELD_SYSCALL, .help = "a syscall"},
    {.name = "err", .flags = PK_FIELD_ERRNO, .help = "an errno"},
    {.name = "none", .flags = PK_FIELD_ZERO_ABSENT, .help = "0 is no value"},
    {.name = "argv", .type = PK_FIELD_STR_ARRAY, .help = "strings"},
};

static const struct pk_event_type events[] = {
    {
        .name = "types",
        .help = "one value of each type, on every fork",
        .fields = fields,
        .n_fields = PK_COUNT(fields),
        .btf_struct = "typesprobe_event",
    },
};

static const struct pk_probe_ops ops = {.bpf_object = typesprobe_bpf__elf_bytes};

static const struct pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "typesprobe",
    .version = "0.1.0",
    .description = "one value of each ABI 2 field type on every fork",
    .events = events,
    .n_events = PK_COUNT(events),
    .probe = &ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
