// SPDX-License-Identifier: MIT
/* probekit plugins, probekit info, probekit check */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "describe.h"
#include "log.h"
#include "setup.h"

struct disk_cli {
        struct setup_args setup;
        bool markdown;
        bool core; /* info --core */
        const char *plugin;
};

static int parse_disk_args(int argc, char **argv, const char *usage, struct disk_cli *cli)
{
        static const struct option longopts[] = {
            {"plugin-dir", required_argument, NULL, 'P'},
            {"config", required_argument, NULL, 'c'},
            {"markdown", no_argument, NULL, 'm'},
            {"core", no_argument, NULL, 'C'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "P:c:mh", longopts, NULL)) != -1) {
                switch (opt) {
                case 'P':
                        if (setup_args_add_plugin_dir(&cli->setup, optarg))
                                return EXIT_RUNTIME;
                        break;
                case 'c':
                        cli->setup.config_path = optarg;
                        break;
                case 'm':
                        cli->markdown = true;
                        break;
                case 'C':
                        cli->core = true;
                        break;
                case 'h':
                        fputs(usage, stdout);
                        exit(EXIT_OK);
                default:
                        fputs(usage, stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind < argc)
                cli->plugin = argv[optind++];
        if (optind < argc) {
                fprintf(stderr, "probekit: unexpected argument '%s'\n", argv[optind]);
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

/* The files not loaded, escaped: paths and reasons can hold what a plugin said. */
static void print_not_loaded(const struct plugin_set *set)
{
        if (!set->n_refusals)
                return;
        printf("\nNot loaded:\n");
        for (size_t i = 0; i < set->n_refusals; i++) {
                const struct plugin_refusal *r = &set->refusals[i];
                char path[4096], reason[1024];

                log_escape(r->path, path, sizeof(path));
                log_escape(r->reason, reason, sizeof(reason));
                printf("  %s: %s%s\n", path, r->shadowed ? "" : "refused: ", reason);
        }
}

int cmd_plugins(int argc, char **argv)
{
        static const char usage[] =
            "Usage: probekit plugins [--plugin-dir DIR]... [--config FILE]\n"
            "\nList the plugins found: name, version, kind, description, file. Then every\n"
            "file that was not loaded, with the reason: refused, or shadowed by a plugin\n"
            "of the same name found first (--plugin-dir, then the configuration's\n"
            "plugin_dir, then the installed plugins).\n";
        struct disk_cli cli = {0};
        struct setup s;
        int rc = parse_disk_args(argc, argv, usage, &cli);

        if (rc)
                return rc;
        if (setup_load_plugins(&s, &cli.setup)) {
                rc = EXIT_USAGE;
                goto cleanup;
        }
        printf("%-16s %-8s %-6s %-50s %s\n", "NAME", "VERSION", "KIND", "DESCRIPTION", "FILE");
        for (size_t i = 0; i < s.plugins.n; i++) {
                const struct plugin_handle *p = &s.plugins.items[i];

                printf("%-16s %-8s %-6s %-50s %s\n", p->desc.name, p->desc.version,
                       p->desc.kind == PK_KIND_PROBE ? "probe" : "sink", p->desc.description,
                       p->path);
        }
        print_not_loaded(&s.plugins);
cleanup:
        setup_free(&s);
        setup_args_free(&cli.setup);
        return rc;
}

int cmd_info(int argc, char **argv)
{
        static const char usage[] =
            "Usage: probekit info PLUGIN [--markdown] [--plugin-dir DIR]...\n"
            "       probekit info --core\n"
            "\nShow a plugin's options (type, default, help) and event fields, from the\n"
            "plugin's own declarations. --markdown prints the tables of its README.\n"
            "--core prints the [probekit] keys and the options of every probe and sink\n"
            "(Markdown, as in probekit.ini(5)).\n";
        struct disk_cli cli = {0};
        const struct plugin_handle *plugin;
        struct setup s;
        int rc = parse_disk_args(argc, argv, usage, &cli);

        if (rc)
                return rc;
        if (cli.core && !cli.plugin) {
                describe_core_options(stdout);
                setup_args_free(&cli.setup);
                return EXIT_OK;
        }
        if (!cli.plugin) {
                fputs(usage, stderr);
                setup_args_free(&cli.setup);
                return EXIT_USAGE;
        }
        if (setup_load_plugins(&s, &cli.setup)) {
                rc = EXIT_USAGE;
                goto cleanup;
        }
        plugin = plugin_set_find(&s.plugins, cli.plugin);
        if (!plugin) {
                fprintf(stderr, "probekit: no plugin named '%s' (`probekit plugins` lists them)\n",
                        cli.plugin);
                rc = EXIT_USAGE;
                goto cleanup;
        }
        describe_plugin(plugin, cli.markdown, stdout);
cleanup:
        setup_free(&s);
        setup_args_free(&cli.setup);
        return rc;
}

int cmd_check(int argc, char **argv)
{
        static const char usage[] =
            "Usage: probekit check [--config FILE] [--plugin-dir DIR]...\n"
            "\nValidate a configuration against the plugins' declared options without\n"
            "loading any BPF. Exits 0 when it is valid, 2 with file:line otherwise.\n";
        struct disk_cli cli = {0};
        size_t probes = 0, sinks = 0;
        struct setup s;
        int rc = parse_disk_args(argc, argv, usage, &cli);

        if (rc)
                return rc;
        if (cli.plugin) {
                cli.setup.config_path = cli.plugin; /* `probekit check FILE` works too */
        }
        if (setup_load(&s, &cli.setup)) {
                rc = EXIT_USAGE;
                goto cleanup;
        }
        for (size_t i = 0; i < s.plan.n_specs; i++) {
                if (!spec_enabled(&s.plan.specs[i]))
                        continue;
                if (s.plan.specs[i].plugin->desc.kind == PK_KIND_PROBE)
                        probes++;
                else
                        sinks++;
        }
        printf("%s: ok (%zu probes, %zu sinks enabled)\n",
               cli.setup.config_path ? cli.setup.config_path : "built-in default", probes, sinks);
cleanup:
        setup_free(&s);
        setup_args_free(&cli.setup);
        return rc;
}
