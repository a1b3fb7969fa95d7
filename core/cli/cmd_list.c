// SPDX-License-Identifier: MIT
/* probekit list: ask the running instance for its probes. */
#include "commands.h"
#include "control_client.h"

static const char list_usage[] =
    "Usage: probekit list [--json] [--control-socket PATH | --config FILE]\n"
    "\n"
    "Show the probes and sinks of the running instance: name, plugin, version,\n"
    "state (and why it failed), attach mode, events delivered, events dropped,\n"
    "and since when it runs.\n"
    "Exits 3 when no instance answers on the control socket.\n";

int cmd_list(int argc, char **argv)
{
        static const struct control_client_command list = {
            .name = "list", .usage = list_usage, .n_args = 0, .timeout_ms = 10000};

        return control_client_main(&list, argc, argv);
}
