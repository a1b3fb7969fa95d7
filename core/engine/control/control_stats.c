// SPDX-License-Identifier: MIT
/* `stats`: each probe's counters and rate, each sink's records, bytes, errors and drops. */
#include "control_commands.h"
#include "probe.h"
#include "run.h"
#include "sink_host.h"
#include "strbuf.h"

static void probe_json(const struct pk_instance *p, struct strbuf *out)
{
        strbuf_printf(out, "{\"name\":");
        strbuf_json_string(out, p->name);
        strbuf_printf(out,
                      ",\"state\":\"%s\",\"events\":%llu,\"drops\":%llu,\"malformed\":%llu,"
                      "\"events_per_second\":%.1f}",
                      instance_state_name(p->state), (unsigned long long)p->events,
                      (unsigned long long)p->drops, (unsigned long long)p->malformed,
                      p->events_per_s);
}

static void sink_json(const struct pk_instance *s, const struct pk_sink_stats *st,
                      struct strbuf *out)
{
        strbuf_printf(out, "{\"name\":");
        strbuf_json_string(out, s->name);
        strbuf_printf(out,
                      ",\"state\":\"%s\",\"records\":%llu,\"bytes\":%llu,"
                      "\"errors\":%llu,\"dropped\":%llu,\"queued\":%llu,\"condition\":",
                      instance_state_name(s->state), (unsigned long long)st->records,
                      (unsigned long long)st->bytes, (unsigned long long)st->errors,
                      (unsigned long long)st->dropped, (unsigned long long)st->queued);
        if (st->condition)
                strbuf_json_string(out, st->condition);
        else
                strbuf_printf(out, "null");
        strbuf_printf(out, "}");
}

static void stats_json(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "{\"interval_s\":%lld,\"probes\":[",
                      (long long)run->opts.stats_interval_s);
        for (size_t i = 0; i < run->n_probes; i++) {
                strbuf_printf(out, "%s", i ? "," : "");
                probe_json(&run->probes[i], out);
        }
        strbuf_printf(out, "],\"sinks\":[");
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_sink_stats st;

                sink_counters(&run->sinks[i], &st);
                strbuf_printf(out, "%s", i ? "," : "");
                sink_json(&run->sinks[i], &st, out);
        }
        strbuf_printf(out, "]}\n");
}

static void stats_text(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "%-16s %-9s %12s %10s %10s %12s\n", "PROBE", "STATE", "EVENTS", "DROPS",
                      "MALFORMED", "EVENTS/S");
        for (size_t i = 0; i < run->n_probes; i++) {
                const struct pk_instance *p = &run->probes[i];

                strbuf_printf(out, "%-16s %-9s %12llu %10llu %10llu %12.1f\n", p->name,
                              instance_state_name(p->state), (unsigned long long)p->events,
                              (unsigned long long)p->drops, (unsigned long long)p->malformed,
                              p->events_per_s);
        }
        strbuf_printf(out, "\n%-16s %-9s %12s %14s %10s %10s  %s\n", "SINK", "STATE", "RECORDS",
                      "BYTES", "ERRORS", "DROPPED", "CONDITION");
        for (size_t i = 0; i < run->n_sinks; i++) {
                const struct pk_instance *s = &run->sinks[i];
                struct pk_sink_stats st;

                sink_counters(s, &st);
                strbuf_printf(out, "%-16s %-9s %12llu %14llu %10llu %10llu  %s\n", s->name,
                              instance_state_name(s->state), (unsigned long long)st.records,
                              (unsigned long long)st.bytes, (unsigned long long)st.errors,
                              (unsigned long long)st.dropped, st.condition ? st.condition : "");
        }
}

int control_cmd_stats(const struct control_call *call, struct strbuf *out)
{
        struct run *run = call->run;

        run_read_drops(run); /* the reply is current */
        if (call->json)
                stats_json(run, out);
        else
                stats_text(run, out);
        return 0;
}
