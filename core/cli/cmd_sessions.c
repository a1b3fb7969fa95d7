// SPDX-License-Identifier: MIT
/* probekit sessions: ask the running instance for the login sessions it follows. */
#include "commands.h"
#include "control_client.h"

static const char sessions_usage[] =
    "Usage: probekit sessions [--json] [--control-socket PATH | --config FILE]\n"
    "\n"
    "Show the login sessions the running instance has seen and that still have\n"
    "a process: session id, user, login uid, terminal, when the first event of it\n"
    "was seen, the client's address, the process that opened it, and the commands,\n"
    "opens and connects seen so far. The instance must run with sessions = true\n"
    "(docs/session-audit.md).\n"
    "Exits 3 when no instance answers on the control socket.\n";

int cmd_sessions(int argc, char **argv)
{
        static const struct control_client_command sessions = {
            .name = "sessions", .usage = sessions_usage, .n_args = 0, .timeout_ms = 10000};

        return control_client_main(&sessions, argc, argv);
}
