// SPDX-License-Identifier: MIT
/* probekit replay: decode capture files to the sinks, without BPF or root. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_sink.h"
#include "commands.h"
#include "log.h"
#include "reader.h"
#include "replay.h"
#include "replay_stats.h"
#include "run.h"
#include "setup.h"
#include "sink_output.h"
#include "strbuf.h"

static const char replay_usage[] =
    "Usage: probekit replay [OPTIONS] FILE...\n"
    "\n"
    "Decode capture files (written by `probekit run --format capture`) to the\n"
    "sinks. Needs no BPF, no root and no plugins: the schema is in the file;\n"
    "an installed plugin of the same name and version decodes what its own\n"
    "decode() computes, otherwise such records say \"partial\".\n"
    "\n"
    "  -f, --format text|json|none  main sink format (overrides [probekit] format)\n"
    "  -o, --output FILE          main sink output, - for stdout\n"
    "  -c, --config FILE          INI configuration: its sink sections get the records too\n"
    "  -p, --probes NAME,...      only these probe instances or plugins\n"
    "  -e, --event NAME,...       only these event types\n"
    "      --pid N                only this process (tgid)\n"
    "      --comm NAME            only tasks with this command name\n"
    "      --auid N               only this audit login uid\n"
    "      --session N            only this audit session\n"
    "      --since TIME           only records at or after TIME\n"
    "      --until TIME           only records before TIME\n"
    "                             TIME: seconds since the epoch (1764571234.5) or\n"
    "                             UTC 2026-12-01T06:00:00[.frac][Z]\n"
    "  -F, --follow               keep reading a file that is still being written\n"
    "      --stats                per probe and event: records, time span, drops\n"
    "      --json                 with --stats: one JSON document for every file\n"
    "  -P, --plugin-dir DIR       load plugins from DIR too (repeatable)\n"
    "  -v, --verbose              debug messages\n"
    "  -q, --quiet                errors only\n"
    "  -h, --help\n"
    "\n"
    "Exit status: 0 when every file was read to its clean-stop trailer; 1 when a\n"
    "file was refused, damaged or cut short (what was valid is replayed, and the\n"
    "byte offset reported); 2 for bad arguments or configuration.\n";

enum long_only {
        OPT_PID = 1000,
        OPT_COMM,
        OPT_AUID,
        OPT_SESSION,
        OPT_SINCE,
        OPT_UNTIL,
        OPT_STATS,
        OPT_JSON,
};

struct replay_cli {
        struct setup_args setup;
        struct replay_filter filter;
        bool follow, stats, json;
        struct strbuf json_doc; /* --stats --json: {"files":[...]} */
        unsigned json_files;
        int verbosity;
        char **files;
        int n_files;
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
        (void)sig;
        stop_requested = 1;
}

static int parse_u32(const char *opt, const char *text, uint32_t *out)
{
        unsigned long long v;
        char *end;

        errno = 0;
        v = strtoull(text, &end, 10);
        if (end == text || *end || *text == '-' || errno || v > UINT32_MAX) {
                fprintf(stderr, "probekit replay: --%s: '%s' is not a number\n", opt, text);
                return -EINVAL;
        }
        *out = (uint32_t)v;
        return 0;
}

/* Seconds since the epoch with a fraction, or UTC YYYY-MM-DDTHH:MM:SS[.frac][Z]. */
static int parse_time(const char *opt, const char *text, uint64_t *out)
{
        struct tm tm = {0};
        const char *rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
        uint64_t secs, frac = 0, scale = 1000000000ULL;
        char *end;

        if (rest) {
                secs = (uint64_t)timegm(&tm);
        } else {
                errno = 0;
                secs = strtoull(text, &end, 10);
                if (end == text || *text == '-' || errno)
                        goto bad;
                rest = end;
        }
        if (*rest == '.') {
                for (rest++; *rest >= '0' && *rest <= '9'; rest++) {
                        if (scale > 1) {
                                scale /= 10;
                                frac += (uint64_t)(*rest - '0') * scale;
                        }
                }
        }
        if (*rest == 'Z')
                rest++;
        if (*rest)
                goto bad;
        *out = secs * 1000000000ULL + frac;
        return 0;
bad:
        fprintf(stderr,
                "probekit replay: --%s: '%s' is neither seconds since the epoch nor "
                "YYYY-MM-DDTHH:MM:SS[.frac][Z]\n",
                opt, text);
        return -EINVAL;
}

static int parse_list(const char *opt, const char *text, char ***items, size_t *n)
{
        if (split_commas(text, items, n)) {
                fprintf(stderr, "probekit replay: --%s: bad list '%s'\n", opt, text);
                return -EINVAL;
        }
        return 0;
}

static int parse_option(int opt, struct replay_cli *cli)
{
        struct replay_filter *f = &cli->filter;

        switch (opt) {
        case 'f':
                cli->setup.format = optarg;
                return 0;
        case 'o':
                cli->setup.output = optarg;
                return 0;
        case 'c':
                cli->setup.config_path = optarg;
                return 0;
        case 'p':
                return parse_list("probes", optarg, &f->probes, &f->n_probes);
        case 'e':
                return parse_list("event", optarg, &f->events, &f->n_events);
        case OPT_PID:
                f->has_pid = true;
                return parse_u32("pid", optarg, &f->pid);
        case OPT_COMM:
                f->comm = optarg;
                return 0;
        case OPT_AUID:
                f->has_auid = true;
                return parse_u32("auid", optarg, &f->auid);
        case OPT_SESSION:
                f->has_session = true;
                return parse_u32("session", optarg, &f->session);
        case OPT_SINCE:
                return parse_time("since", optarg, &f->since_ns);
        case OPT_UNTIL:
                return parse_time("until", optarg, &f->until_ns);
        case 'F':
                cli->follow = true;
                return 0;
        case OPT_STATS:
                cli->stats = true;
                return 0;
        case OPT_JSON:
                cli->json = true;
                return 0;
        case 'P':
                return setup_args_add_plugin_dir(&cli->setup, optarg) ? -ENOMEM : 0;
        case 'v':
                cli->verbosity = 1;
                return 0;
        case 'q':
                cli->verbosity = -1;
                return 0;
        case 'h':
                fputs(replay_usage, stdout);
                exit(EXIT_OK);
        default:
                fputs(replay_usage, stderr);
                return -EINVAL;
        }
}

static int parse_args(int argc, char **argv, struct replay_cli *cli)
{
        static const struct option longopts[] = {
            {"format", required_argument, NULL, 'f'},
            {"output", required_argument, NULL, 'o'},
            {"config", required_argument, NULL, 'c'},
            {"probes", required_argument, NULL, 'p'},
            {"event", required_argument, NULL, 'e'},
            {"pid", required_argument, NULL, OPT_PID},
            {"comm", required_argument, NULL, OPT_COMM},
            {"auid", required_argument, NULL, OPT_AUID},
            {"session", required_argument, NULL, OPT_SESSION},
            {"since", required_argument, NULL, OPT_SINCE},
            {"until", required_argument, NULL, OPT_UNTIL},
            {"follow", no_argument, NULL, 'F'},
            {"stats", no_argument, NULL, OPT_STATS},
            {"json", no_argument, NULL, OPT_JSON},
            {"plugin-dir", required_argument, NULL, 'P'},
            {"verbose", no_argument, NULL, 'v'},
            {"quiet", no_argument, NULL, 'q'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "f:o:c:p:e:FP:vqh", longopts, NULL)) != -1) {
                if (parse_option(opt, cli))
                        return -EINVAL;
        }
        if (cli->setup.format && !strcmp(cli->setup.format, "capture")) {
                fprintf(stderr, "probekit replay: --format capture: replay writes text, json "
                                "or sink plugins\n");
                return -EINVAL;
        }
        if (cli->json && !cli->stats) {
                fprintf(stderr, "probekit replay: --json goes with --stats (records as JSON: "
                                "--format json)\n");
                return -EINVAL;
        }
        if (cli->json && cli->follow) {
                fprintf(stderr, "probekit replay: --stats --json reports whole files: not with "
                                "--follow\n");
                return -EINVAL;
        }
        if (optind >= argc) {
                fprintf(stderr, "probekit replay: no capture file given\n\n%s", replay_usage);
                return -EINVAL;
        }
        cli->files = argv + optind;
        cli->n_files = argc - optind;
        return 0;
}

/* The sinks of the plan (the main one and the config's sink sections), opened. */
static int open_sinks(struct run *run, struct plan *plan)
{
        sink_output_wait_for_readers();
        run->sinks = calloc(plan->n_specs + 1, sizeof(*run->sinks));
        if (!run->sinks)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_specs; i++) {
                struct instance_spec *spec = &plan->specs[i];
                struct pk_instance *sink = &run->sinks[run->n_sinks];
                int rc;

                if (spec->plugin->desc.kind != PK_KIND_SINK || !spec_enabled(spec))
                        continue;
                if (spec->plugin->desc.sink == pk_capture_sink_plugin.sink) {
                        fprintf(stderr,
                                "probekit replay: [%s]: a capture sink is written by "
                                "`probekit run` only\n",
                                spec->name);
                        return -EINVAL;
                }
                sink->name = spec->name;
                sink->plugin = spec->plugin;
                sink->opts = spec->opts;
                sink->drops_fd = -1;
                spec->name = NULL;
                memset(&spec->opts, 0, sizeof(spec->opts));
                run->n_sinks++;
                rc = sink->plugin->desc.sink->open(host_table(), sink, &sink->plugin_state);
                if (rc) {
                        log_error(sink->name, "open: %s", strerror(-rc));
                        sink->state = INSTANCE_FAILED;
                        return rc;
                }
                sink->state = INSTANCE_ATTACHED;
        }
        return 0;
}

static void flush_sinks(struct run *run)
{
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                if (sink->state == INSTANCE_ATTACHED &&
                    sink->plugin->desc.sink->flush(sink->plugin_state))
                        log_error(sink->name, "flush failed");
        }
}

static void close_sinks(struct run *run)
{
        flush_sinks(run);
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                if (sink->state == INSTANCE_ATTACHED)
                        sink->plugin->desc.sink->close(sink->plugin_state);
                option_set_free(&sink->opts);
                free(sink->name);
        }
        free(run->sinks);
        run->sinks = NULL;
        run->n_sinks = 0;
}

static int deliver(const struct pk_record *rec, void *ctx)
{
        struct run *run = ctx;

        run_deliver(rec, run);
        /* a sink whose reader is gone (a closed pipe) ends the replay, as it ends a run */
        return run->reader_gone ? -EPIPE : 0;
}

/* Wait for a growing file; false when a signal asks to stop. */
static bool wait_for_more(struct run *run)
{
        struct timespec pause = {.tv_nsec = 100 * 1000000L};

        flush_sinks(run);
        nanosleep(&pause, NULL);
        return !stop_requested;
}

static bool file_is_short(int fd)
{
        struct stat st;

        if (fstat(fd, &st) || st.st_size >= CAPTURE_FILE_HEADER_SIZE)
                return false;
        return lseek(fd, 0, SEEK_SET) == 0;
}

/* Say once what ended the file, in the outcome and on stderr. */
static void end_file(struct replay_outcome *o, const char *path, enum replay_end end,
                     uint64_t offset, const char *why)
{
        o->end = end;
        o->end_offset = offset;
        snprintf(o->end_why, sizeof(o->end_why), "%s", why);
        if (end != REPLAY_END_TRAILER && end != REPLAY_END_INTERRUPTED &&
            end != REPLAY_END_OUTPUT_CLOSED)
                fprintf(stderr, "probekit replay: %s: %s\n", path, why);
}

static void note_problem(struct replay_outcome *o, const char *path, uint64_t offset,
                         const char *why)
{
        if (replay_outcome_problem(o, offset, why))
                fprintf(stderr, "probekit replay: %s: %s\n", path, why);
}

/* Read the blocks of an opened file into `rp` until its end, the damage or a stop. */
static void read_blocks(struct capture_reader *r, struct replay *rp, const char *path,
                        struct replay_cli *cli, struct run *run, struct replay_outcome *o)
{
        struct capture_block b;
        char why[512], text[600];
        int rc;

        for (;;) {
                enum capture_read_status st;

                if (stop_requested) {
                        end_file(o, path, REPLAY_END_INTERRUPTED, capture_reader_offset(r),
                                 "interrupted");
                        return;
                }
                st = capture_reader_next(r, &b, why, sizeof(why));
                if (st == CAPTURE_BLOCK) {
                        rc = replay_block(rp, &b, why, sizeof(why));
                        if (rc == -EPIPE) {
                                end_file(o, path, REPLAY_END_OUTPUT_CLOSED, b.offset,
                                         "the output was closed");
                                return;
                        }
                        if (rc == -EINVAL) {
                                snprintf(text, sizeof(text), "block at byte %llu: %s",
                                         (unsigned long long)b.offset, why);
                                note_problem(o, path, b.offset, text);
                        } else if (rc) {
                                end_file(o, path, REPLAY_END_FAILED, b.offset, strerror(-rc));
                                return;
                        }
                        if (rp->trailer) {
                                end_file(o, path, REPLAY_END_TRAILER, capture_reader_offset(r), "");
                                return;
                        }
                        continue;
                }
                if (st == CAPTURE_DAMAGED) {
                        note_problem(o, path, r->damage_offset, why);
                        continue;
                }
                if ((st == CAPTURE_END || st == CAPTURE_PARTIAL) && cli->follow) {
                        if (wait_for_more(run))
                                continue;
                        end_file(o, path, REPLAY_END_INTERRUPTED, capture_reader_offset(r),
                                 "interrupted");
                        return;
                }
                if (st == CAPTURE_PARTIAL) {
                        end_file(o, path, REPLAY_END_TRUNCATED, capture_reader_offset(r), why);
                } else if (st == CAPTURE_READ_ERROR) {
                        end_file(o, path, REPLAY_END_READ_ERROR, capture_reader_offset(r), why);
                } else {
                        snprintf(text, sizeof(text),
                                 "ends at byte %llu without the clean-stop trailer (the capture "
                                 "did not stop cleanly, or is still being written: --follow)",
                                 (unsigned long long)capture_reader_offset(r));
                        end_file(o, path, REPLAY_END_NO_TRAILER, capture_reader_offset(r), text);
                }
                return;
        }
}

/* After a file: the stats, losses the capture recorded, what could not be decoded. */
static void report_file(const char *path, struct replay_cli *cli, const struct capture_reader *r,
                        const struct replay *rp, const struct replay_outcome *o)
{
        if (cli->json)
                replay_stats_json(&cli->json_doc, path, r, rp, o);
        else if (cli->stats)
                replay_stats_print(stdout, path, r, rp);
        else
                log_info(NULL, "%s: %llu records replayed", path, (unsigned long long)rp->records);
        for (size_t i = 0; i < rp->n_probes; i++) {
                const struct replay_probe *p = &rp->probes[i];

                if (p->known && p->has_counters && (p->c_drops || p->c_malformed))
                        log_warn(p->schema.name,
                                 "the capture lost %llu events in the kernel and %llu malformed",
                                 (unsigned long long)p->c_drops,
                                 (unsigned long long)p->c_malformed);
        }
        if (o->n_problems > REPLAY_PROBLEMS_KEPT)
                fprintf(stderr, "probekit replay: %s: %llu more damaged blocks not shown\n", path,
                        (unsigned long long)(o->n_problems - REPLAY_PROBLEMS_KEPT));
        if (rp->unknown_instance)
                fprintf(stderr,
                        "probekit replay: %s: %llu samples or records skipped: their instance's "
                        "schema block is missing (damaged)\n",
                        path, (unsigned long long)rp->unknown_instance);
}

/* Replay one file; returns 0 when it was read whole, 1 when not. */
static int replay_file(const char *path, struct replay_cli *cli, struct setup *s, struct run *run)
{
        struct replay rp = {.filter = &cli->filter, .plugins = &s->plugins};
        struct replay_outcome o = {0};
        struct capture_reader r;
        char why[512];
        int fd, rc, status;

        if (!cli->stats && run->n_sinks) {
                rp.deliver = deliver;
                rp.ctx = run;
        }
        if (cli->json && cli->json_files++)
                strbuf_printf(&cli->json_doc, ",");
        fd = !strcmp(path, "-") ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                end_file(&o, path, REPLAY_END_OPEN_ERROR, 0, strerror(errno));
                if (cli->json)
                        replay_stats_json(&cli->json_doc, path, NULL, NULL, &o);
                return 1;
        }
        rc = capture_reader_open(&r, fd, why, sizeof(why));
        /* a file just created: its header comes with the writer's first write */
        while (rc == -EINVAL && cli->follow && !stop_requested && file_is_short(fd) &&
               wait_for_more(run)) {
                capture_reader_close(&r);
                rc = capture_reader_open(&r, fd, why, sizeof(why));
        }
        if (rc) {
                char text[600];

                snprintf(text, sizeof(text), "refused: %s", why);
                end_file(&o, path, REPLAY_END_REFUSED, 0, text);
                if (cli->json)
                        replay_stats_json(&cli->json_doc, path, NULL, NULL, &o);
                capture_reader_close(&r);
                goto cleanup;
        }
        read_blocks(&r, &rp, path, cli, run, &o);
        report_file(path, cli, &r, &rp, &o);
        capture_reader_close(&r);
cleanup:
        /* a closed pipe or Ctrl-C (--follow) ends the replay; they are not damage */
        status = (o.end != REPLAY_END_TRAILER && o.end != REPLAY_END_OUTPUT_CLOSED &&
                  o.end != REPLAY_END_INTERRUPTED) ||
                 o.n_problems || rp.unknown_instance;
        replay_free(&rp);
        if (fd != STDIN_FILENO)
                close(fd);
        return status;
}

static void free_list(char **items, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(items[i]);
        free(items);
}

static void free_cli(struct replay_cli *cli)
{
        free_list(cli->filter.probes, cli->filter.n_probes);
        free_list(cli->filter.events, cli->filter.n_events);
        setup_args_free(&cli->setup);
        strbuf_free(&cli->json_doc);
}

int cmd_replay(int argc, char **argv)
{
        struct replay_cli cli = {0};
        struct run run = {0};
        struct setup s;
        int status = EXIT_OK;

        if (parse_args(argc, argv, &cli)) {
                free_cli(&cli);
                return EXIT_USAGE;
        }
        if (cli.verbosity)
                log_set_level(cli.verbosity > 0 ? PK_LOG_DEBUG : PK_LOG_ERROR);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGINT, on_stop_signal);
        signal(SIGTERM, on_stop_signal);
        if (setup_load(&s, &cli.setup) || (!cli.stats && open_sinks(&run, &s.plan))) {
                close_sinks(&run);
                setup_free(&s);
                free_cli(&cli);
                return EXIT_USAGE;
        }
        if (cli.json)
                strbuf_printf(&cli.json_doc, "{\"files\":[");
        for (int i = 0; i < cli.n_files && !stop_requested; i++) {
                if (replay_file(cli.files[i], &cli, &s, &run))
                        status = EXIT_RUNTIME;
        }
        if (cli.json) {
                strbuf_printf(&cli.json_doc, "]}\n");
                if (cli.json_doc.error || fputs(cli.json_doc.data, stdout) == EOF ||
                    fflush(stdout)) {
                        fprintf(stderr, "probekit replay: cannot write the statistics\n");
                        status = EXIT_RUNTIME;
                }
        }
        close_sinks(&run);
        setup_free(&s);
        free_cli(&cli);
        return status;
}
