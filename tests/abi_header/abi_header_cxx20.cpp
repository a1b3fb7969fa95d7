// SPDX-License-Identifier: MIT
// plugin.h from C++20 as a C plugin uses it: PK_PLUGIN_HEADER() and
// designated initializers that leave members out, clean under
// -Wall -Wextra -pedantic (g++ flags left-out members of structs whose
// members have no default initializer: the SDK's have one in C++).
#include "abi_layout.h"

static const char *const modes[] = {"a", "b", nullptr};

static const pk_attach_mode attach_modes[] = {
    {.name = "first", .programs = modes},
};

static const pk_name state_names[] = {{.value = 1, .name = "ONE"}};
static const pk_names states = {.kind = PK_NAMES_ENUM, .n_names = 1, .names = state_names};

static const pk_field fields[] = {
    {.name = "state", .flags = PK_FIELD_HEX, .names = &states},
};

static const pk_event_type events[] = {
    {.name = "ev", .fields = fields, .n_fields = 1, .btf_struct = "ev_event"},
};

static const pk_option options[] = {
    {.key = "x", .type = PK_OPT_INT, .default_value = "1", .help = "an option"},
};

static int create(const pk_host *, pk_instance *, void **state)
{
        *state = nullptr;
        return 0;
}

static const pk_probe_ops ops = {.create = create};

static const pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "abi_header",
    .version = "0",
    .description = "compiles",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = events,
    .n_events = PK_COUNT(events),
    .attach_modes = attach_modes,
    .n_attach_modes = PK_COUNT(attach_modes),
    .probe = &ops,
};

extern "C" PK_PLUGIN_EXPORT const pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
