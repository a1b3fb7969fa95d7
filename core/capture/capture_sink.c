// SPDX-License-Identifier: MIT
#include "capture_sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "payload.h"
#include "run.h"
#include "sample_check.h"
#include "sink_output.h"
#include "schema_write.h"
#include "writer.h"

#ifndef PROBEKIT_VERSION
#define PROBEKIT_VERSION "0.0.0"
#endif

_Static_assert(sizeof(struct pk_event_header) == CAPTURE_SAMPLE_HEADER, "sample header size");

/* Counters go out at least this often while they change, and whenever drops do. */
#define COUNTERS_EVERY_NS 1000000000ULL

struct capture_state {
        struct capture_writer w;
        const struct pk_host *host;
        struct pk_instance *self;
        struct run *run;
        size_t n_probes;
        bool *described;         /* per probe of the run: its SCHEMA block is written */
        uint64_t *not_captured;  /* per probe: emitted records that did not fit the schema */
        const void *last_sample; /* the raw sample taken last (see capture_write()) */
        uint64_t counters_ns;    /* CLOCK_MONOTONIC of the last COUNTERS block */
        uint64_t counters_sum;   /* of the counters in that block */
        uint64_t counters_drops; /* of its drop, malformed and not captured counters */
        uint64_t orphans;        /* records of no probe of the run (not captured) */
};

static struct run *bound_run;

void capture_bind_run(struct run *run)
{
        bound_run = run;
}

static uint64_t clock_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void describe(struct capture_state *cs, uint32_t id)
{
        struct payload p = {0};

        schema_write(&p, id, &cs->run->probes[id]);
        if (p.error) {
                cs->w.error = p.error;
                payload_free(&p);
                return;
        }
        capture_writer_block(&cs->w, CAPTURE_BLOCK_SCHEMA, p.data, p.len);
        payload_free(&p);
        cs->described[id] = true;
}

static void take_sample(struct capture_state *cs, struct pk_instance *inst, const void *data,
                        uint32_t size)
{
        uint32_t id = (uint32_t)(inst - cs->run->probes);

        if (!cs->described[id])
                describe(cs, id);
        /* decode_sample() turns ts with the offset of now: so does the reader, from this */
        capture_writer_clock(&cs->w, (int64_t)clock_mono_to_realtime(0));
        capture_writer_sample(&cs->w, id, data, size);
        cs->last_sample = data;
}

static bool is_capture(const struct pk_instance *sink)
{
        return sink->plugin->desc.sink == pk_capture_sink_plugin.sink;
}

bool capture_sample(struct run *run, struct pk_instance *inst, const void *data, uint32_t size)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        bool captured = false, others = false, fits;

        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                if (sink->state != INSTANCE_ATTACHED)
                        continue;
                if (is_capture(sink))
                        captured = true;
                else
                        others = true;
        }
        if (!captured)
                return false;
        fits = sample_event_type(d->events, d->n_events, data, size) != NULL;
        if (!fits) /* not written: decode_sample() counts it, or we do below */
                goto count;
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                if (sink->state == INSTANCE_ATTACHED && is_capture(sink))
                        take_sample(sink->plugin_state, inst, data, size);
        }
count:
        if (others)
                return false;
        if (fits) /* per event type too, for probekit_events_total */
                instance_count_event(inst, ((const struct pk_event_header *)data)->type);
        else
                inst->malformed++;
        return true;
}

static int capture_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        const char *path = host->opt_string(inst, "output");
        struct capture_state *cs;
        int rc;

        if (!bound_run) {
                host->log(inst, PK_LOG_ERROR, "a capture is written by `probekit run` only");
                return -ENOTSUP;
        }
        if ((!path || !*path || !strcmp(path, "-")) && isatty(STDOUT_FILENO)) {
                host->log(inst, PK_LOG_ERROR,
                          "a capture is binary: not written to a terminal; give --output FILE");
                return -EINVAL;
        }
        cs = calloc(1, sizeof(*cs));
        if (!cs)
                return -ENOMEM;
        cs->host = host;
        cs->self = inst;
        cs->run = bound_run;
        /* the probes array is allocated before the sinks open and never moves */
        cs->n_probes = cs->run->n_probes;
        cs->described = calloc(cs->n_probes + 1, sizeof(*cs->described));
        cs->not_captured = calloc(cs->n_probes + 1, sizeof(*cs->not_captured));
        if (!cs->described || !cs->not_captured) {
                rc = -ENOMEM;
                goto cleanup;
        }
        rc = capture_writer_open(&cs->w, path, "probekit " PROBEKIT_VERSION);
        if (rc) {
                host->log(inst, PK_LOG_ERROR, "cannot open output %s: %s", path ? path : "-",
                          strerror(-rc));
                goto cleanup;
        }
        cs->counters_ns = clock_ns(CLOCK_MONOTONIC);
        *state = cs;
        return 0;
cleanup:
        free(cs->described);
        free(cs->not_captured);
        free(cs);
        return rc;
}

static int find_probe(const struct capture_state *cs, const char *name)
{
        for (size_t i = 0; i < cs->n_probes; i++) {
                if (cs->run->probes[i].name && !strcmp(cs->run->probes[i].name, name))
                        return (int)i;
        }
        return -1;
}

static int find_event(const struct pk_plugin *d, const char *name)
{
        for (uint32_t i = 0; i < d->n_events; i++) {
                if (!strcmp(d->events[i].name, name))
                        return (int)i;
        }
        return -1;
}

/* A record made in user space: one RECORD block with its values. */
static int write_record(struct capture_state *cs, uint32_t id, uint32_t event,
                        const struct pk_record *rec)
{
        struct pk_event_header none = {0};
        struct payload p = {0};
        int rc = 0;

        payload_u32(&p, id);
        payload_u32(&p, event);
        payload_u64(&p, rec->ts_ns);
        payload_u64(&p, rec->absent);
        payload_u32(&p, rec->flags);
        payload_u32(&p, rec->hdr != NULL);
        payload_put(&p, rec->hdr ? rec->hdr : &none, sizeof(none));
        payload_u32(&p, rec->n_fields);
        for (uint32_t i = 0; i < rec->n_fields; i++)
                record_value_write(&p, rec->fields[i].type, &rec->values[i]);
        if (p.error)
                rc = p.error;
        else
                capture_writer_block(&cs->w, CAPTURE_BLOCK_RECORD, p.data, p.len);
        payload_free(&p);
        cs->w.records += !rc;
        return rc;
}

static int capture_write(void *state, const struct pk_record *rec)
{
        struct capture_state *cs = state;
        const struct pk_plugin *d;
        int id, event;

        /*
         * A record decoded from the sample taken last was captured raw
         * already; only records made in user space (host->emit()) remain.
         */
        if (rec->hdr && (const void *)rec->hdr == cs->last_sample)
                return 0;
        id = rec->probe ? find_probe(cs, rec->probe) : -1;
        if (id < 0) {
                /* not a probe of this run: nothing to file it under, but counted */
                cs->orphans++;
                return 0;
        }
        d = &cs->run->probes[id].plugin->desc;
        event = rec->event ? find_event(d, rec->event) : -1;
        if (event < 0 || rec->n_fields != d->events[event].n_fields) {
                /* the schema could not describe it: counted, and the run goes on */
                cs->not_captured[id]++;
                return 0;
        }
        if (!cs->described[id])
                describe(cs, (uint32_t)id);
        return write_record(cs, (uint32_t)id, (uint32_t)event, rec);
}

/*
 * Every running probe gets its SCHEMA block, samples or not (flush time, not
 * the hot path). Only attached ones: once stopped, an instance's name and
 * options are freed before the sinks' last flush.
 */
static void describe_running(struct capture_state *cs)
{
        for (size_t i = 0; i < cs->n_probes; i++) {
                if (!cs->described[i] && cs->run->probes[i].state == INSTANCE_ATTACHED)
                        describe(cs, (uint32_t)i);
        }
}

static void write_counters(struct capture_state *cs, bool force)
{
        uint64_t now = clock_ns(CLOCK_MONOTONIC), sum = 0, drops = 0;
        struct payload p = {0};
        uint32_t n = 0;

        for (size_t i = 0; i < cs->n_probes; i++) {
                const struct pk_instance *inst = &cs->run->probes[i];

                if (!cs->described[i])
                        continue;
                n++;
                sum += inst->events + inst->drops + inst->malformed + cs->not_captured[i];
                drops += inst->drops + inst->malformed + cs->not_captured[i];
        }
        if (!n || (!force && sum == cs->counters_sum))
                return;
        /* losses go out at once; growing event counts once a second */
        if (!force && drops == cs->counters_drops && now - cs->counters_ns < COUNTERS_EVERY_NS)
                return;
        payload_u64(&p, clock_ns(CLOCK_REALTIME));
        payload_u32(&p, n);
        payload_u32(&p, 0);
        for (size_t i = 0; i < cs->n_probes; i++) {
                const struct pk_instance *inst = &cs->run->probes[i];

                if (!cs->described[i])
                        continue;
                payload_u32(&p, (uint32_t)i);
                payload_u32(&p, 0);
                payload_u64(&p, inst->events);
                payload_u64(&p, inst->drops);
                payload_u64(&p, inst->malformed);
                payload_u64(&p, cs->not_captured[i]);
        }
        if (!p.error)
                capture_writer_block(&cs->w, CAPTURE_BLOCK_COUNTERS, p.data, p.len);
        payload_free(&p);
        cs->counters_ns = now;
        cs->counters_sum = sum;
        cs->counters_drops = drops;
}

static int capture_flush(void *state)
{
        struct capture_state *cs = state;

        describe_running(cs);
        write_counters(cs, false);
        return capture_writer_flush(&cs->w);
}

static void capture_close(void *state)
{
        struct capture_state *cs = state;

        if (!cs)
                return;
        /* the probes are stopped: their last drop counts are read */
        write_counters(cs, true);
        if (capture_writer_close(&cs->w, clock_ns(CLOCK_REALTIME)))
                cs->host->log(cs->self, PK_LOG_ERROR, "closing the capture failed");
        if (cs->orphans)
                cs->host->log(cs->self, PK_LOG_WARN,
                              "%llu records of no probe of this run were not captured",
                              (unsigned long long)cs->orphans);
        free(cs->described);
        free(cs->not_captured);
        free(cs);
}

static void capture_stats(void *state, struct pk_sink_stats *stats)
{
        struct capture_state *cs = state;

        stats->records = cs->w.samples + cs->w.records;
        stats->bytes = cs->w.bytes;
        stats->dropped = cs->orphans;
        for (size_t i = 0; i < cs->n_probes; i++)
                stats->dropped += cs->not_captured[i];
}

static const struct pk_option capture_options[] = {
    {
        .key = "output",
        .type = PK_OPT_STRING,
        .default_value = "-",
        .help = "capture file to create (truncated); \"-\": standard output",
    },
};

static const struct pk_sink_ops capture_ops = {
    .open = capture_open,
    .write = capture_write,
    .flush = capture_flush,
    .close = capture_close,
    .stats = capture_stats,
};

const struct pk_plugin pk_capture_sink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "capture",
    .version = "1.0.0",
    .description = "raw samples to a capture file, decoded later by `probekit replay`",
    .options = capture_options,
    .n_options = PK_COUNT(capture_options),
    .sink = &capture_ops,
    /* `check` verifies the output's directory as for the text and json sinks */
    .validate = sink_output_validate,
};
