// SPDX-License-Identifier: MIT
#include "replay_stats.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Names come from the file: escaped before they reach a terminal (lengths in bytes). */
#define SAFE_LEN 256

static const char *safe(const char *in, char out[SAFE_LEN])
{
        log_escape(in ? in : "", out, SAFE_LEN);
        return out;
}

static void put_time(FILE *out, uint64_t ns)
{
        time_t secs = (time_t)(ns / 1000000000ULL);
        struct tm tm;
        char text[32];

        gmtime_r(&secs, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(out, "%s.%09" PRIu64 "Z", text, (uint64_t)(ns % 1000000000ULL));
}

static void print_span(FILE *out, uint64_t first, uint64_t last)
{
        if (!first) {
                fputs("-", out);
                return;
        }
        put_time(out, first);
        fputs(" .. ", out);
        put_time(out, last);
        fprintf(out, " (%.3f s)", (double)(last - first) / 1e9);
}

void replay_stats_print(FILE *out, const char *path, const struct capture_reader *r,
                        const struct replay *rp)
{
        uint64_t first = 0, last = 0;
        char writer[CAPTURE_WRITER_LEN + 1] = {0};
        char a[SAFE_LEN], b[SAFE_LEN], c[SAFE_LEN], d[SAFE_LEN];

        memcpy(writer, r->header.writer, CAPTURE_WRITER_LEN);
        fprintf(out, "%s: capture format %u.%u, written by %s, created ", safe(path, a),
                r->header.version_major, r->header.version_minor, safe(writer, b));
        put_time(out, r->header.created_ns);
        fprintf(out, ", %s\n", rp->trailer ? "stopped cleanly" : "no clean-stop trailer");
        fprintf(out, "%-20s %-24s %12s\n", "PROBE", "EVENT", "RECORDS");
        for (size_t i = 0; i < rp->n_probes; i++) {
                const struct replay_probe *p = &rp->probes[i];

                if (!p->known)
                        continue;
                for (uint32_t e = 0; e < p->schema.n_events; e++) {
                        if (!p->event_counts[e])
                                continue;
                        fprintf(out, "%-20s %-24s %12" PRIu64 "\n", safe(p->schema.name, a),
                                safe(p->schema.events[e].name, b), p->event_counts[e]);
                }
                if (p->first_ts && (!first || p->first_ts < first))
                        first = p->first_ts;
                if (p->last_ts > last)
                        last = p->last_ts;
        }
        fputs("time span: ", out);
        print_span(out, first, last);
        fputs("\n", out);
        for (size_t i = 0; i < rp->n_probes; i++) {
                const struct replay_probe *p = &rp->probes[i];

                if (!p->known)
                        continue;
                fprintf(out, "%s (%s %s%s%s): ", safe(p->schema.name, a), safe(p->schema.plugin, b),
                        safe(p->schema.version, c), p->schema.mode ? ", mode " : "",
                        safe(p->schema.mode, d));
                if (p->has_counters)
                        fprintf(out,
                                "%" PRIu64 " events, %" PRIu64 " dropped in the kernel, %" PRIu64
                                " malformed, %" PRIu64 " not captured",
                                p->c_events, p->c_drops, p->c_malformed, p->c_not_captured);
                else
                        fputs("no counters recorded", out);
                fprintf(out, "; %" PRIu64 " undecodable at replay\n", p->malformed);
        }
        if (rp->unknown_instance)
                fprintf(out, "%" PRIu64 " samples or records of instances without a schema\n",
                        rp->unknown_instance);
}
