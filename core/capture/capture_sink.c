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

/* Capture ids a reader accepts (docs/capture-format.md); past it, records are not captured. */
#define MAX_CAPTURE_IDS 65536
#define NO_ID           UINT32_MAX

/*
 * One capture id: one probe instance from its start to its stop, described
 * by one SCHEMA block. A reload that adds an instance, or restarts one with
 * new options (a new instance in the same slot), and an enable after a
 * disable, each start a new id: what the file already holds stays true.
 */
struct capture_id {
        uint32_t slot; /* index in run->probes */
        bool live;     /* running: its counters are the instance's, less the base */
        /* the instance's counters when the id began (an enable keeps the earlier ones) */
        uint64_t base_events, base_drops, base_malformed;
        /* its totals, kept when the instance stopped */
        uint64_t events, drops, malformed;
        uint64_t not_captured; /* emitted records that did not fit the schema */
};

struct capture_state {
        struct capture_writer w;
        const struct pk_host *host;
        struct pk_instance *self;
        struct run *run;
        /* per probe slot (slots never move, RUN_MAX_INSTANCES of them): its last id */
        uint32_t slot_id[RUN_MAX_INSTANCES];
        struct capture_id *ids;
        uint32_t n_ids, cap_ids;
        uint64_t not_described;  /* records of an instance past MAX_CAPTURE_IDS */
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

static void id_totals(const struct capture_state *cs, const struct capture_id *c, uint64_t *events,
                      uint64_t *drops, uint64_t *malformed)
{
        const struct pk_instance *inst = &cs->run->probes[c->slot];

        if (!c->live) {
                *events = c->events;
                *drops = c->drops;
                *malformed = c->malformed;
                return;
        }
        *events = inst->events - c->base_events;
        *drops = inst->drops - c->base_drops;
        *malformed = inst->malformed - c->base_malformed;
}

/* A new id for the instance in `slot`, and its SCHEMA block; NO_ID when none is left. */
static uint32_t describe(struct capture_state *cs, uint32_t slot)
{
        const struct pk_instance *inst = &cs->run->probes[slot];
        struct payload p = {0};
        struct capture_id *c;

        if (cs->n_ids == cs->cap_ids) {
                uint32_t cap = cs->cap_ids ? cs->cap_ids * 2 : 16;
                struct capture_id *grown;

                if (cs->n_ids >= MAX_CAPTURE_IDS)
                        return NO_ID;
                grown = realloc(cs->ids, cap * sizeof(*grown));
                if (!grown) {
                        cs->w.error = -ENOMEM;
                        return NO_ID;
                }
                cs->ids = grown;
                cs->cap_ids = cap;
        }
        schema_write(&p, cs->n_ids, inst);
        if (p.error) {
                cs->w.error = p.error;
                payload_free(&p);
                return NO_ID;
        }
        capture_writer_block(&cs->w, CAPTURE_BLOCK_SCHEMA, p.data, p.len);
        payload_free(&p);
        c = &cs->ids[cs->n_ids];
        *c = (struct capture_id){
            .slot = slot,
            .live = true,
            .base_events = inst->events,
            .base_drops = inst->drops,
            .base_malformed = inst->malformed,
        };
        cs->slot_id[slot] = cs->n_ids;
        return cs->n_ids++;
}

/* The id of the instance running in `slot`, described now if it has none yet. */
static inline uint32_t id_of(struct capture_state *cs, uint32_t slot)
{
        uint32_t id = cs->slot_id[slot];

        if (id != NO_ID && cs->ids[id].live)
                return id;
        return describe(cs, slot);
}

static void take_sample(struct capture_state *cs, struct pk_instance *inst, const void *data,
                        uint32_t size)
{
        uint32_t id = id_of(cs, (uint32_t)(inst - cs->run->probes));

        if (id == NO_ID) {
                cs->not_described++;
                return;
        }
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

void capture_probe_stopped(struct run *run, struct pk_instance *inst)
{
        uint32_t slot = (uint32_t)(inst - run->probes);

        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];
                struct capture_state *cs = sink->plugin_state;
                struct capture_id *c;

                if (sink->state != INSTANCE_ATTACHED || !is_capture(sink) ||
                    cs->slot_id[slot] == NO_ID)
                        continue;
                c = &cs->ids[cs->slot_id[slot]];
                if (!c->live)
                        continue;
                /* its last samples are taken and its drops read: keep its totals */
                id_totals(cs, c, &c->events, &c->drops, &c->malformed);
                c->live = false;
        }
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
        /* the probes array never moves; reloads add instances to its end */
        for (size_t i = 0; i < RUN_MAX_INSTANCES; i++)
                cs->slot_id[i] = NO_ID;
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
        free(cs);
        return rc;
}

static int find_probe(const struct capture_state *cs, const char *name)
{
        for (size_t i = 0; i < cs->run->n_probes; i++) {
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
        int slot, event;
        uint32_t id;

        /*
         * A record decoded from the sample taken last was captured raw
         * already; only records made in user space (host->emit()) remain.
         */
        if (rec->hdr && (const void *)rec->hdr == cs->last_sample)
                return 0;
        slot = rec->probe ? find_probe(cs, rec->probe) : -1;
        if (slot < 0) {
                /* not a probe of this run: nothing to file it under, but counted */
                cs->orphans++;
                return 0;
        }
        id = id_of(cs, (uint32_t)slot);
        if (id == NO_ID) {
                cs->not_described++;
                return 0;
        }
        d = &cs->run->probes[slot].plugin->desc;
        event = rec->event ? find_event(d, rec->event) : -1;
        if (event < 0 || rec->n_fields != d->events[event].n_fields) {
                /* the schema could not describe it: counted, and the run goes on */
                cs->ids[id].not_captured++;
                return 0;
        }
        return write_record(cs, id, (uint32_t)event, rec);
}

/*
 * Every running probe gets its SCHEMA block, samples or not (flush time, not
 * the hot path), those a reload started too. Only attached ones: once
 * stopped, an instance's name and options are freed before the sinks' last
 * flush.
 */
static void describe_running(struct capture_state *cs)
{
        for (size_t i = 0; i < cs->run->n_probes; i++) {
                if (cs->run->probes[i].state == INSTANCE_ATTACHED)
                        id_of(cs, (uint32_t)i);
        }
}

static void write_counters(struct capture_state *cs, bool force)
{
        uint64_t now = clock_ns(CLOCK_MONOTONIC), sum = 0, drops = 0;
        struct payload p = {0};

        for (uint32_t i = 0; i < cs->n_ids; i++) {
                uint64_t events, kernel, malformed;

                id_totals(cs, &cs->ids[i], &events, &kernel, &malformed);
                sum += events + kernel + malformed + cs->ids[i].not_captured;
                drops += kernel + malformed + cs->ids[i].not_captured;
        }
        if (!cs->n_ids || (!force && sum == cs->counters_sum))
                return;
        /* losses go out at once; growing event counts once a second */
        if (!force && drops == cs->counters_drops && now - cs->counters_ns < COUNTERS_EVERY_NS)
                return;
        /* every id described so far: those stopped keep their last values */
        payload_u64(&p, clock_ns(CLOCK_REALTIME));
        payload_u32(&p, cs->n_ids);
        payload_u32(&p, 0);
        for (uint32_t i = 0; i < cs->n_ids; i++) {
                uint64_t events, kernel, malformed;

                id_totals(cs, &cs->ids[i], &events, &kernel, &malformed);
                payload_u32(&p, i);
                payload_u32(&p, 0);
                payload_u64(&p, events);
                payload_u64(&p, kernel);
                payload_u64(&p, malformed);
                payload_u64(&p, cs->ids[i].not_captured);
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
        if (cs->not_described)
                cs->host->log(cs->self, PK_LOG_WARN,
                              "%llu records not captured: more than %d probe instances to "
                              "describe",
                              (unsigned long long)cs->not_described, MAX_CAPTURE_IDS);
        free(cs->ids);
        free(cs);
}

static void capture_stats(void *state, struct pk_sink_stats *stats)
{
        struct capture_state *cs = state;

        stats->records = cs->w.samples + cs->w.records;
        stats->bytes = cs->w.bytes;
        stats->dropped = cs->orphans + cs->not_described;
        for (uint32_t i = 0; i < cs->n_ids; i++)
                stats->dropped += cs->ids[i].not_captured;
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
