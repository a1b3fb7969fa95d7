// SPDX-License-Identifier: MIT
/* `probekit replay --stats --json`: what replay_stats_print() says, for programs. */
#include <inttypes.h>
#include <string.h>

#include "replay_stats.h"

static const char *const end_names[] = {
    [REPLAY_END_TRAILER] = "trailer",         [REPLAY_END_NO_TRAILER] = "no_trailer",
    [REPLAY_END_TRUNCATED] = "truncated",     [REPLAY_END_READ_ERROR] = "read_error",
    [REPLAY_END_REFUSED] = "refused",         [REPLAY_END_OPEN_ERROR] = "open_error",
    [REPLAY_END_INTERRUPTED] = "interrupted", [REPLAY_END_OUTPUT_CLOSED] = "output_closed",
    [REPLAY_END_FAILED] = "failed",
};

bool replay_outcome_problem(struct replay_outcome *o, uint64_t offset, const char *why)
{
        if (o->n_problems >= REPLAY_PROBLEMS_KEPT) {
                o->n_problems++;
                return false;
        }
        o->problems[o->n_problems].offset = offset;
        snprintf(o->problems[o->n_problems].why, sizeof(o->problems[0].why), "%s", why);
        o->n_problems++;
        return true;
}

/* A realtime in ns, or null for "no record". */
static void put_ns(struct strbuf *sb, const char *key, uint64_t ns)
{
        if (ns)
                strbuf_printf(sb, ",\"%s\":%" PRIu64, key, ns);
        else
                strbuf_printf(sb, ",\"%s\":null", key);
}

static void put_key_string(struct strbuf *sb, const char *key, const char *value)
{
        strbuf_printf(sb, ",\"%s\":", key);
        if (value)
                strbuf_json_string(sb, value);
        else
                strbuf_printf(sb, "null");
}

static void put_events(struct strbuf *sb, const struct replay_probe *p)
{
        strbuf_printf(sb, ",\"events\":[");
        for (uint32_t e = 0; e < p->schema.n_events; e++) {
                strbuf_printf(sb, "%s{\"name\":", e ? "," : "");
                strbuf_json_string(sb, p->schema.events[e].name);
                strbuf_printf(sb, ",\"records\":%" PRIu64, p->event_counts[e]);
                put_ns(sb, "first_ns", p->event_first[e]);
                put_ns(sb, "last_ns", p->event_last[e]);
                strbuf_printf(sb, "}");
        }
        strbuf_printf(sb, "]");
}

static void put_instance(struct strbuf *sb, uint32_t id, const struct replay_probe *p)
{
        uint64_t records = 0;

        for (uint32_t e = 0; e < p->schema.n_events; e++)
                records += p->event_counts[e];
        strbuf_printf(sb, "{\"id\":%" PRIu32, id);
        put_key_string(sb, "name", p->schema.name);
        put_key_string(sb, "plugin", p->schema.plugin);
        put_key_string(sb, "plugin_version", p->schema.version);
        put_key_string(sb, "mode", p->schema.mode);
        strbuf_printf(sb, ",\"options\":{");
        for (uint32_t i = 0; i < p->schema.n_options; i++) {
                strbuf_printf(sb, "%s", i ? "," : "");
                strbuf_json_string(sb, p->schema.options[i].key);
                strbuf_printf(sb, ":");
                strbuf_json_string(sb, p->schema.options[i].value);
        }
        strbuf_printf(sb, "},\"records\":%" PRIu64, records);
        put_ns(sb, "first_ns", p->first_ts);
        put_ns(sb, "last_ns", p->last_ts);
        strbuf_printf(sb, ",\"undecodable\":%" PRIu64 ",\"counters\":", p->malformed);
        if (p->has_counters)
                strbuf_printf(sb,
                              "{\"events\":%" PRIu64 ",\"kernel_drops\":%" PRIu64
                              ",\"malformed\":%" PRIu64 ",\"not_captured\":%" PRIu64 "}",
                              p->c_events, p->c_drops, p->c_malformed, p->c_not_captured);
        else
                strbuf_printf(sb, "null");
        put_events(sb, p);
        strbuf_printf(sb, "}");
}

static void put_header(struct strbuf *sb, const struct capture_reader *r)
{
        char writer[CAPTURE_WRITER_LEN + 1] = {0};

        memcpy(writer, r->header.writer, CAPTURE_WRITER_LEN);
        strbuf_printf(sb, ",\"version\":\"%u.%u\"", r->header.version_major,
                      r->header.version_minor);
        put_key_string(sb, "writer", writer);
        strbuf_printf(sb, ",\"created_ns\":%" PRIu64, r->header.created_ns);
}

static void put_outcome(struct strbuf *sb, const struct replay_outcome *o)
{
        uint64_t kept = o->n_problems < REPLAY_PROBLEMS_KEPT ? o->n_problems : REPLAY_PROBLEMS_KEPT;

        strbuf_printf(sb, ",\"clean_stop\":%s,\"end\":{\"status\":\"%s\",\"offset\":%" PRIu64,
                      o->end == REPLAY_END_TRAILER ? "true" : "false", end_names[o->end],
                      o->end_offset);
        put_key_string(sb, "reason", o->end_why[0] ? o->end_why : NULL);
        strbuf_printf(sb, "},\"damaged\":[");
        for (uint64_t i = 0; i < kept; i++) {
                strbuf_printf(sb, "%s{\"offset\":%" PRIu64, i ? "," : "", o->problems[i].offset);
                put_key_string(sb, "reason", o->problems[i].why);
                strbuf_printf(sb, "}");
        }
        strbuf_printf(sb, "],\"damaged_total\":%" PRIu64, o->n_problems);
}

void replay_stats_json(struct strbuf *sb, const char *path, const struct capture_reader *r,
                       const struct replay *rp, const struct replay_outcome *o)
{
        uint64_t first = 0, last = 0;
        bool any = false;

        strbuf_printf(sb, "{\"path\":");
        strbuf_json_string(sb, path);
        if (r)
                put_header(sb, r);
        put_outcome(sb, o);
        if (!rp) {
                strbuf_printf(sb, "}");
                return;
        }
        strbuf_printf(sb, ",\"records\":%" PRIu64, rp->records);
        strbuf_printf(sb, ",\"without_schema\":%" PRIu64 ",\"trailer\":", rp->unknown_instance);
        if (rp->trailer)
                strbuf_printf(sb, "{\"samples\":%" PRIu64 ",\"records\":%" PRIu64 "}",
                              rp->trailer_samples, rp->trailer_records);
        else
                strbuf_printf(sb, "null");
        strbuf_printf(sb, ",\"instances\":[");
        for (size_t i = 0; i < rp->n_probes; i++) {
                const struct replay_probe *p = &rp->probes[i];

                if (!p->known)
                        continue;
                strbuf_printf(sb, "%s", any ? "," : "");
                put_instance(sb, (uint32_t)i, p);
                any = true;
                if (p->first_ts && (!first || p->first_ts < first))
                        first = p->first_ts;
                if (p->last_ts > last)
                        last = p->last_ts;
        }
        strbuf_printf(sb, "]");
        put_ns(sb, "first_ns", first);
        put_ns(sb, "last_ns", last);
        strbuf_printf(sb, "}");
}
