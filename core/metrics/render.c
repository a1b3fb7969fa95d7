// SPDX-License-Identifier: MIT
/*
 * The families, in the order a reader scans them: probes, sinks, BPF cost,
 * then configuration, build and process. Names follow Prometheus's
 * conventions: probekit_ prefix, base units, _total on counters.
 */
#include "render.h"

#include <stddef.h>
#include <stdio.h>

#include "bpf_cost.h"
#include "config_identity.h"
#include "exposition.h"
#include "process_stats.h"
#include "sink_stats.h"

#ifndef PROBEKIT_VERSION
#define PROBEKIT_VERSION "0.0.0"
#endif

static const char *mode_of(const struct pk_instance *inst)
{
        return inst->mode ? inst->mode : "";
}

/* probekit_events_total: one sample per event type of every probe that ran. */
static void render_events(const struct run *run, struct strbuf *out)
{
        expo_family(out, "probekit_events_total", METRIC_COUNTER,
                    "Records a probe delivered to the sinks, by event type.");
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];
                const struct pk_plugin *d = &inst->plugin->desc;

                for (uint32_t t = 0; t < d->n_events; t++) {
                        const char *labels[] = {"probe", inst->name,        "plugin", d->name,
                                                "event", d->events[t].name, NULL};

                        expo_sample_u64(out, "probekit_events_total", labels,
                                        inst->events_by_type ? inst->events_by_type[t] : 0);
                }
        }
}

/* One counter of every probe, labelled by probe only. */
static void render_probe_counter(const struct run *run, struct strbuf *out, const char *name,
                                 const char *help, size_t offset)
{
        expo_family(out, name, METRIC_COUNTER, help);
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];
                const char *labels[] = {"probe", inst->name, NULL};

                expo_sample_u64(out, name, labels,
                                *(const uint64_t *)((const char *)inst + offset));
        }
}

static void render_probe_state(const struct run *run, struct strbuf *out)
{
        expo_family(out, "probekit_probe_up", METRIC_GAUGE,
                    "1 when the probe is attached, 0 when it failed or is disabled.");
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];
                const char *labels[] = {"probe", inst->name,    "plugin", inst->plugin->desc.name,
                                        "mode",  mode_of(inst), NULL};

                expo_sample_u64(out, "probekit_probe_up", labels, inst->state == INSTANCE_ATTACHED);
        }
        expo_family(out, "probekit_probe_info", METRIC_GAUGE,
                    "Always 1: the plugin version and attach mode of each probe.");
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];
                const char *labels[] = {"probe",   inst->name,
                                        "plugin",  inst->plugin->desc.name,
                                        "version", inst->plugin->desc.version,
                                        "mode",    mode_of(inst),
                                        NULL};

                expo_sample_u64(out, "probekit_probe_info", labels, 1);
        }
        expo_family(out, "probekit_ring_fill_ratio", METRIC_GAUGE,
                    "How full the probe's ring buffer was at its fullest in the last stats "
                    "interval (0 to 1); drops start at 1.");
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];
                const char *labels[] = {"probe", inst->name, NULL};

                expo_sample_double(out, "probekit_ring_fill_ratio", labels, inst->ring_fill_ratio);
        }
}

static void render_sinks(const struct run *run, struct strbuf *out)
{
        static const struct {
                const char *name;
                const char *help;
                size_t offset;
        } families[] = {
            {"probekit_sink_records_total", "Records the sink wrote out.",
             offsetof(struct pk_sink_stats, records)},
            {"probekit_sink_bytes_total", "Bytes the sink wrote out.",
             offsetof(struct pk_sink_stats, bytes)},
            {"probekit_sink_errors_total", "Failed writes, connects and flushes of the sink.",
             offsetof(struct pk_sink_stats, errors)},
            {"probekit_sink_dropped_total", "Records the sink accepted or was given, then lost.",
             offsetof(struct pk_sink_stats, dropped)},
        };

        for (size_t f = 0; f < PK_COUNT(families); f++) {
                expo_family(out, families[f].name, METRIC_COUNTER, families[f].help);
                for (size_t i = 0; i < run->n_sinks; i++) {
                        const char *labels[] = {"sink", run->sinks[i].name, NULL};
                        struct pk_sink_stats stats;

                        sink_stats_get(&run->sinks[i], &stats);
                        expo_sample_u64(
                            out, families[f].name, labels,
                            *(const uint64_t *)((const char *)&stats + families[f].offset));
                }
        }
}

struct cost_ctx {
        struct strbuf *out; /* NULL: only find out whether any program has counts */
        const char *probe;
        bool runs; /* which of the two families is being written */
        bool counted;
};

static void on_program_cost(void *ctx, const char *program, uint64_t run_time_ns,
                            uint64_t run_count)
{
        struct cost_ctx *c = ctx;
        const char *labels[] = {"probe", c->probe, "program", program, NULL};

        c->counted |= run_count > 0;
        if (!c->out)
                return;
        if (c->runs)
                expo_sample_u64(c->out, "probekit_bpf_runs_total", labels, run_count);
        else
                expo_sample_double(c->out, "probekit_bpf_run_seconds_total", labels,
                                   (double)run_time_ns / 1e9);
}

static void for_each_cost(const struct run *run, struct cost_ctx *ctx)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *inst = &run->probes[i];

                ctx->probe = inst->name;
                if (inst->state == INSTANCE_ATTACHED && inst->obj)
                        bpf_cost_for_each(inst->obj, on_program_cost, ctx);
        }
}

/*
 * The kernel counts only while BPF stats are on: the sysctl
 * kernel.bpf_stats_enabled, or a BPF_ENABLE_STATS descriptor someone holds
 * (the sysctl does not show those). The families are there while either
 * is, or once the kernel has counted anything, never as made-up zeros.
 */
static void render_bpf_cost(const struct run *run, struct strbuf *out)
{
        bool enabled = bpf_stats_enabled();
        struct cost_ctx probe_ctx = {0};

        expo_family(out, "probekit_bpf_stats_enabled", METRIC_GAUGE,
                    "1 when the sysctl kernel.bpf_stats_enabled is on, so the kernel counts "
                    "what BPF programs cost.");
        expo_sample_u64(out, "probekit_bpf_stats_enabled", NULL, enabled);
        if (!enabled)
                for_each_cost(run, &probe_ctx);
        if (!enabled && !probe_ctx.counted)
                return;
        for (int runs = 0; runs <= 1; runs++) {
                struct cost_ctx ctx = {.out = out, .runs = runs};

                if (runs)
                        expo_family(out, "probekit_bpf_runs_total", METRIC_COUNTER,
                                    "Runs of each BPF program counted by the kernel.");
                else
                        expo_family(out, "probekit_bpf_run_seconds_total", METRIC_COUNTER,
                                    "Time each BPF program ran, as the kernel counts it.");
                for_each_cost(run, &ctx);
        }
}

static void render_identity(struct strbuf *out)
{
        const char *sha[] = {"sha256", config_identity_sha256(), NULL};
        const char *build[] = {"version", PROBEKIT_VERSION, "abi", NULL, NULL};
        char abi[32];

        expo_single(out, "probekit_config_reload_timestamp_seconds", METRIC_GAUGE,
                    "When the configuration was last loaded, in seconds since the epoch.", NULL,
                    config_identity_loaded_at());
        expo_single(out, "probekit_config_sha256_info", METRIC_GAUGE,
                    "Always 1: the SHA-256 of the configuration file's bytes.", sha, 1);
        snprintf(abi, sizeof(abi), "%d.%d", PK_ABI_MAJOR, PK_ABI_MINOR);
        build[3] = abi;
        expo_single(out, "probekit_build_info", METRIC_GAUGE,
                    "Always 1: the probekit version and its plugin ABI.", build, 1);
}

static void render_process(struct strbuf *out)
{
        struct process_stats ps;

        if (process_stats_read(&ps))
                return;
        /* the names and help texts of Prometheus's client libraries */
        const struct {
                const char *name;
                enum metric_type type;
                const char *help;
                double value;
        } rows[] = {
            {"process_cpu_seconds_total", METRIC_COUNTER,
             "Total user and system CPU time spent in seconds.", ps.cpu_seconds},
            {"process_resident_memory_bytes", METRIC_GAUGE, "Resident memory size in bytes.",
             (double)ps.resident_bytes},
            {"process_virtual_memory_bytes", METRIC_GAUGE, "Virtual memory size in bytes.",
             (double)ps.virtual_bytes},
            {"process_start_time_seconds", METRIC_GAUGE,
             "Start time of the process since unix epoch in seconds.", ps.start_time},
            {"process_open_fds", METRIC_GAUGE, "Number of open file descriptors.",
             (double)ps.open_fds},
            {"process_max_fds", METRIC_GAUGE, "Maximum number of open file descriptors.",
             (double)ps.max_fds},
        };

        for (size_t i = 0; i < PK_COUNT(rows); i++)
                expo_single(out, rows[i].name, rows[i].type, rows[i].help, NULL, rows[i].value);
}

void metrics_render(const struct run *run, struct strbuf *out)
{
        render_events(run, out);
        render_probe_counter(run, out, "probekit_kernel_drops_total",
                             "Events the kernel could not queue: the probe's ring buffer was full.",
                             offsetof(struct pk_instance, drops));
        render_probe_counter(run, out, "probekit_malformed_total",
                             "Samples skipped: wrong size, unknown type, or decode() failed.",
                             offsetof(struct pk_instance, malformed));
        render_probe_state(run, out);
        render_sinks(run, out);
        render_bpf_cost(run, out);
        render_identity(out);
        render_process(out);
}
