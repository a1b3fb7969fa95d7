// SPDX-License-Identifier: MIT
/* probekit list: ask the running instance for its probes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "options.h"
#include "plan.h"
#include "setup.h"
#include "strbuf.h"
#include "control.h"

static const char list_usage[] =
    "Usage: probekit list [--json] [--control-socket PATH | --config FILE]\n"
    "\n"
    "Show the probes of the running instance: name, plugin, version, state (and\n"
    "why it failed), attach mode, events delivered, events dropped.\n"
    "Exits 3 when no instance answers on the control socket.\n";

/* The socket path from --control-socket, else the config's, else the default. */
static int socket_path(const char *given, const char *config_path, char **path)
{
        struct option_set global;
        struct config cfg;
        char err[1024];
        int rc;

        if (given) {
                *path = strdup(given);
                return *path ? 0 : -ENOMEM;
        }
        if (config_path)
                rc = config_read_file(config_path, &cfg, err, sizeof(err));
        else
                rc = config_read_string("built-in default", "", &cfg, err, sizeof(err));
        if (!rc)
                rc = plan_read_globals(&cfg, &global, err, sizeof(err));
        if (rc) {
                fprintf(stderr, "probekit: %s\n", err);
                config_free(&cfg);
                return rc;
        }
        *path = strdup(option_set_get(&global, "control_socket")->s);
        option_set_free(&global);
        config_free(&cfg);
        return *path ? 0 : -ENOMEM;
}

int cmd_list(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"json", no_argument, NULL, 'j'},
            {"control-socket", required_argument, NULL, 's'},
            {"config", required_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        const char *given = NULL, *config_path = NULL;
        struct strbuf reply = {0};
        bool json = false;
        char *path = NULL;
        int opt, rc;

        while ((opt = getopt_long(argc, argv, "js:c:h", longopts, NULL)) != -1) {
                switch (opt) {
                case 'j':
                        json = true;
                        break;
                case 's':
                        given = optarg;
                        break;
                case 'c':
                        config_path = optarg;
                        break;
                case 'h':
                        fputs(list_usage, stdout);
                        return EXIT_OK;
                default:
                        fputs(list_usage, stderr);
                        return EXIT_USAGE;
                }
        }
        if (socket_path(given, config_path, &path))
                return EXIT_USAGE;
        rc = control_request(path, json ? "list json" : "list text", &reply);
        if (rc == -ENOENT || rc == -ECONNREFUSED) {
                fprintf(stderr,
                        "probekit: no running probekit instance answers on %s (start one with "
                        "`probekit run`, or name its socket with --control-socket)\n",
                        path);
                rc = EXIT_NO_INSTANCE;
        } else if (rc == -ENODATA) {
                fprintf(stderr, "probekit: the instance on %s closed without answering\n", path);
                rc = EXIT_RUNTIME;
        } else if (rc) {
                fprintf(stderr, "probekit: %s: %s\n", path, strerror(-rc));
                rc = EXIT_NO_INSTANCE;
        } else {
                fputs(reply.data ? reply.data : "", stdout);
                rc = EXIT_OK;
        }
        strbuf_free(&reply);
        free(path);
        return rc;
}
