// SPDX-License-Identifier: MIT
#include "control_client.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "options.h"
#include "plan.h"
#include "setup.h"
#include "strbuf.h"

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

/* "COMMAND json|text ARG..." */
static int build_request(const struct control_client_command *cmd, bool json, char **args,
                         struct strbuf *request)
{
        strbuf_printf(request, "%s %s", cmd->name, json ? "json" : "text");
        for (int i = 0; i < cmd->n_args; i++) {
                if (!*args[i] || strpbrk(args[i], " \t\r\n")) {
                        fprintf(stderr, "probekit %s: '%s' is not an instance name\n", cmd->name,
                                args[i]);
                        return -EINVAL;
                }
                strbuf_printf(request, " %s", args[i]);
        }
        return request->error;
}

static int report(const char *path, int rc, bool failed, const struct strbuf *reply)
{
        const char *body = reply->data ? reply->data : "";

        if (rc == -ENOENT || rc == -ECONNREFUSED) {
                fprintf(stderr,
                        "probekit: no running probekit instance answers on %s (start one with "
                        "`probekit run`, or name its socket with --control-socket)\n",
                        path);
                return EXIT_NO_INSTANCE;
        }
        if (rc == -ENODATA) {
                fprintf(stderr, "probekit: the instance on %s closed without answering\n", path);
                return EXIT_RUNTIME;
        }
        if (rc == -ETIMEDOUT) {
                fprintf(stderr, "probekit: the instance on %s did not answer in time\n", path);
                return EXIT_RUNTIME;
        }
        if (rc) {
                fprintf(stderr, "probekit: %s: %s\n", path, strerror(-rc));
                return EXIT_NO_INSTANCE;
        }
        fputs(body, failed ? stderr : stdout);
        return failed ? EXIT_RUNTIME : EXIT_OK;
}

int control_client_main(const struct control_client_command *cmd, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"json", no_argument, NULL, 'j'},
            {"control-socket", required_argument, NULL, 's'},
            {"config", required_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        const char *given = NULL, *config_path = NULL;
        struct strbuf request = {0}, reply = {0};
        bool json = false, failed = false;
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
                        fputs(cmd->usage, stdout);
                        return EXIT_OK;
                default:
                        fputs(cmd->usage, stderr);
                        return EXIT_USAGE;
                }
        }
        if (argc - optind != cmd->n_args) {
                fputs(cmd->usage, stderr);
                return EXIT_USAGE;
        }
        if (build_request(cmd, json, argv + optind, &request) ||
            socket_path(given, config_path, &path)) {
                rc = EXIT_USAGE;
                goto cleanup;
        }
        rc = control_request(path, request.data, cmd->timeout_ms, &reply, &failed);
        rc = report(path, rc, failed, &reply);
cleanup:
        strbuf_free(&request);
        strbuf_free(&reply);
        free(path);
        return rc;
}
