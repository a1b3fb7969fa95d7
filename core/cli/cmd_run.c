// SPDX-License-Identifier: MIT
/* probekit run */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config_identity.h"
#include "log.h"
#include "run.h"
#include "setup.h"

static const char run_usage[] =
    "Usage: probekit run [OPTIONS]\n"
    "\n"
    "Load and attach the enabled probes and write their events until Ctrl-C.\n"
    "Without --config, every probe plugin found runs with its defaults.\n"
    "\n"
    "  -c, --config FILE          INI configuration (docs/configuration.md)\n"
    "  -p, --probes NAME,...      run only these probe instances or plugins\n"
    "  -f, --format text|json|none  main sink format (overrides [probekit] format)\n"
    "  -o, --output FILE          main sink output, - for stdout\n"
    "  -d, --duration SECONDS     stop cleanly after this long\n"
    "  -P, --plugin-dir DIR       load plugins from DIR too (repeatable)\n"
    "  -s, --control-socket PATH  where `probekit list` reaches this instance\n"
    "  -m, --metrics ADDR:PORT    serve Prometheus metrics on http://ADDR:PORT/metrics\n"
    "  -v, --verbose              debug messages, libbpf's included\n"
    "  -q, --quiet                errors only\n"
    "  -h, --help\n";

struct run_cli {
        struct setup_args setup;
        long duration;
        int verbosity;
};

/*
 * The loop compares durations in nanoseconds in 64 bits: anything longer
 * than this (about 292 years) would wrap around and stop the run at once.
 */
#define MAX_DURATION_S (INT64_MAX / 1000000000LL)

static int parse_duration(const char *text, long *out)
{
        unsigned long long value;
        char *end;

        errno = 0;
        value = strtoull(text, &end, 10);
        if (end == text || *end || *text == '-' || *text == '+') {
                fprintf(stderr, "probekit: --duration: '%s' is not a number of seconds\n", text);
                return -EINVAL;
        }
        if (errno == ERANGE || value > (unsigned long long)MAX_DURATION_S) {
                fprintf(stderr, "probekit: --duration: '%s' is too long (at most %lld seconds)\n",
                        text, (long long)MAX_DURATION_S);
                return -ERANGE;
        }
        *out = (long)value;
        return 0;
}

static int parse_args(int argc, char **argv, struct run_cli *cli)
{
        static const struct option longopts[] = {
            {"config", required_argument, NULL, 'c'},
            {"probes", required_argument, NULL, 'p'},
            {"format", required_argument, NULL, 'f'},
            {"output", required_argument, NULL, 'o'},
            {"duration", required_argument, NULL, 'd'},
            {"plugin-dir", required_argument, NULL, 'P'},
            {"control-socket", required_argument, NULL, 's'},
            {"metrics", required_argument, NULL, 'm'},
            {"verbose", no_argument, NULL, 'v'},
            {"quiet", no_argument, NULL, 'q'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "c:p:f:o:d:P:s:m:vqh", longopts, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        cli->setup.config_path = optarg;
                        break;
                case 'p':
                        if (split_commas(optarg, &cli->setup.probes, &cli->setup.n_probes)) {
                                fprintf(stderr, "probekit: --probes: bad list '%s'\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case 'f':
                        cli->setup.format = optarg;
                        break;
                case 'o':
                        cli->setup.output = optarg;
                        break;
                case 'd':
                        if (parse_duration(optarg, &cli->duration))
                                return -EINVAL;
                        break;
                case 'P':
                        if (setup_args_add_plugin_dir(&cli->setup, optarg))
                                return -ENOMEM;
                        break;
                case 's':
                        cli->setup.control_socket = optarg;
                        break;
                case 'm':
                        cli->setup.metrics = optarg;
                        break;
                case 'v':
                        cli->verbosity = 1;
                        break;
                case 'q':
                        cli->verbosity = -1;
                        break;
                case 'h':
                        fputs(run_usage, stdout);
                        exit(EXIT_OK);
                default:
                        fputs(run_usage, stderr);
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "probekit run: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 0;
}

static void apply_log_level(const struct setup *s, int verbosity)
{
        static const enum pk_log_level levels[] = {PK_LOG_ERROR, PK_LOG_WARN, PK_LOG_INFO,
                                                   PK_LOG_DEBUG};

        if (verbosity > 0)
                log_set_level(PK_LOG_DEBUG);
        else if (verbosity < 0)
                log_set_level(PK_LOG_ERROR);
        else
                log_set_level(levels[option_set_get(&s->global, "log_level")->choice]);
}

int cmd_run(int argc, char **argv)
{
        struct run_cli cli = {0};
        struct run_options opts = {0};
        struct setup s;
        struct run run;
        int rc, exit_code = EXIT_OK;

        if (parse_args(argc, argv, &cli)) {
                setup_args_free(&cli.setup);
                return EXIT_USAGE;
        }
        log_install_libbpf_printer();
        signal(SIGPIPE, SIG_IGN);
        if (setup_load(&s, &cli.setup)) {
                setup_free(&s);
                setup_args_free(&cli.setup);
                return EXIT_USAGE;
        }
        apply_log_level(&s, cli.verbosity);
        opts.flush_interval_ms = option_set_get(&s.global, "flush_interval_ms")->i;
        opts.stats_interval_s = option_set_get(&s.global, "stats_interval")->i;
        opts.control_socket = option_set_get(&s.global, "control_socket")->s;
        opts.metrics_address = option_set_get(&s.global, "metrics")->s;
        opts.mount_tracefs = option_set_get(&s.global, "mount_tracefs")->b;
        opts.sessions = option_set_get(&s.global, "sessions")->b;
        opts.log_level_from_cli = cli.verbosity != 0;
        opts.duration_s = cli.duration;
        opts.setup = &s; /* SIGHUP and `probekit reload` build the next one the same way */
        opts.setup_args = &cli.setup;
        if (config_identity_loaded(cli.setup.config_path))
                log_warn(NULL, "cannot hash the configuration for probekit_config_sha256_info");
        rc = run_setup(&run, &s.plan, &opts);
        if (!rc)
                rc = run_loop(&run);
        if (rc)
                exit_code = run.sink_open_failed ? EXIT_USAGE : EXIT_RUNTIME;
        run_teardown(&run);
        if (exit_code == EXIT_OK && run_lost_events(&run))
                exit_code = EXIT_LOST;
        setup_free(&s);
        setup_args_free(&cli.setup);
        return exit_code;
}
