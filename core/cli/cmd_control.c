// SPDX-License-Identifier: MIT
/* probekit stats | enable | disable | reopen | reload: runtime control of a running instance. */
#include <string.h>

#include "commands.h"
#include "setup.h"
#include "control_client.h"

#define CONTROL_OPTIONS                                                                            \
        "\n"                                                                                       \
        "  --json                 the reply as JSON\n"                                             \
        "  --control-socket PATH  the instance's socket (default: the config's control_socket)\n"  \
        "  --config FILE          read control_socket from FILE\n"                                 \
        "\n"                                                                                       \
        "Exits 0 when done, 1 when the instance refused (the reason is on stderr),\n"              \
        "2 on bad arguments, 3 when no instance answers.\n"

static const struct control_client_command control_commands[] = {
    {"stats",
     "Usage: probekit stats [--json] [--control-socket PATH | --config FILE]\n\n"
     "Per probe: events delivered, kernel drops, malformed samples, events per second\n"
     "over the last stats_interval. Per sink: records written, bytes, errors, records\n"
     "dropped (for sinks that keep counters).\n" CONTROL_OPTIONS,
     0, 10000},
    {"enable",
     "Usage: probekit enable NAME [--json] [--control-socket PATH | --config FILE]\n\n"
     "Start (load and attach) one configured probe or sink; the others are "
     "untouched.\n" CONTROL_OPTIONS,
     1, 60000},
    {"disable",
     "Usage: probekit disable NAME [--json] [--control-socket PATH | --config FILE]\n\n"
     "Stop one probe (its ring is delivered first, then it is detached) or sink; the\n"
     "others are untouched. Its counters stay; `enable NAME` starts it again.\n" CONTROL_OPTIONS,
     1, 60000},
    {"reopen",
     "Usage: probekit reopen [--json] [--control-socket PATH | --config FILE]\n\n"
     "Reopen every sink's output file (after log rotation), as SIGUSR1 does.\n" CONTROL_OPTIONS,
     0, 10000},
    {"reload",
     "Usage: probekit reload [--json] [--control-socket PATH | --config FILE]\n\n"
     "Re-read and validate the whole configuration, as SIGHUP does. On any error the\n"
     "running configuration stays as it is and the errors (file:line) are printed.\n"
     "Otherwise only what changed is applied: unchanged instances keep running\n"
     "untouched, changed ones restart, new ones start, removed ones are drained and\n"
     "stopped.\n" CONTROL_OPTIONS,
     0, 120000},
};

static int run_named(const char *name, int argc, char **argv)
{
        for (size_t i = 0; i < sizeof(control_commands) / sizeof(control_commands[0]); i++) {
                if (!strcmp(control_commands[i].name, name))
                        return control_client_main(&control_commands[i], argc, argv);
        }
        return EXIT_USAGE;
}

int cmd_stats(int argc, char **argv)
{
        return run_named("stats", argc, argv);
}

int cmd_enable(int argc, char **argv)
{
        return run_named("enable", argc, argv);
}

int cmd_disable(int argc, char **argv)
{
        return run_named("disable", argc, argv);
}

int cmd_reopen(int argc, char **argv)
{
        return run_named("reopen", argc, argv);
}

int cmd_reload(int argc, char **argv)
{
        return run_named("reload", argc, argv);
}
