// SPDX-License-Identifier: MIT
#include "sink_host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "probe.h"

static const struct pk_sink_ops *ops(const struct pk_instance *sink)
{
        return sink->plugin->desc.sink;
}

void sink_counters(const struct pk_instance *sink, struct pk_sink_stats *out)
{
        memset(out, 0, sizeof(*out));
        if (sink->plugin_state && ops(sink)->stats) {
                ops(sink)->stats(sink->plugin_state, out);
        } else {
                out->records = sink->sink_accepted;
                out->errors = sink->sink_refused;
        }
        out->dropped += sink->sink_refused + sink->sink_abandoned;
        out->queued -= out->queued < sink->sink_abandoned ? out->queued : sink->sink_abandoned;
        if (!out->condition && sink->state == INSTANCE_FAILED)
                out->condition = sink->reason;
}

const char *sink_condition(const struct pk_instance *sink)
{
        struct pk_sink_stats st;

        sink_counters(sink, &st);
        return st.condition ? st.condition : "";
}

uint64_t sink_lost(const struct pk_instance *sink)
{
        struct pk_sink_stats st;

        sink_counters(sink, &st);
        return st.dropped;
}

int sink_host_open(struct pk_instance *sink)
{
        int rc = ops(sink)->open(host_table(), sink, &sink->plugin_state);

        if (rc) {
                sink->plugin_state = NULL;
                sink->state = INSTANCE_FAILED;
                snprintf(sink->reason, sizeof(sink->reason), "open: %s", strerror(-rc));
                log_error(sink->name, "cannot start: %s", sink->reason);
                return rc;
        }
        sink->state = INSTANCE_ATTACHED;
        sink->since_ns = realtime_ns();
        return 0;
}

int sink_host_write(struct pk_instance *sink, const struct pk_record *rec)
{
        int rc = ops(sink)->write(sink->plugin_state, rec);

        if (!rc) {
                sink->sink_accepted++;
                return 0;
        }
        sink->sink_refused++;
        return rc == -EPIPE ? -EPIPE : 0;
}

int sink_host_flush(struct pk_instance *sink)
{
        int rc;

        if (!sink->plugin_state)
                return 0;
        rc = ops(sink)->flush(sink->plugin_state);
        /* any other error the sink counts and retries on its own */
        return rc == -EPIPE ? -EPIPE : 0;
}

#define SINK_DRAIN_PATIENCE_MS 2000
#define SINK_DRAIN_MAX_MS      60000

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void sink_host_drain(struct pk_instance *sink)
{
        struct timespec pause = {.tv_nsec = 10 * 1000000L};
        uint64_t start = now_ms(), progress_at = start, last;
        struct pk_sink_stats st;

        if (!sink->plugin_state || !ops(sink)->stats)
                return;
        sink_counters(sink, &st);
        if (st.queued)
                log_info(sink->name, "delivering the %llu records it still holds",
                         (unsigned long long)st.queued);
        for (last = st.queued; st.queued > 0; sink_counters(sink, &st)) {
                uint64_t now = now_ms();

                /* a sink paced by its reader (a pipe) moves what waits only when flushed */
                ops(sink)->flush(sink->plugin_state);

                if (st.queued < last) {
                        last = st.queued;
                        progress_at = now;
                }
                if (now - progress_at >= SINK_DRAIN_PATIENCE_MS ||
                    now - start >= SINK_DRAIN_MAX_MS) {
                        sink->sink_abandoned = st.queued;
                        break;
                }
                nanosleep(&pause, NULL);
        }
}

int sink_host_reopen(struct pk_instance *sink)
{
        if (!sink->plugin_state)
                return 0;
        if (!ops(sink)->reopen)
                return ops(sink)->flush(sink->plugin_state);
        return ops(sink)->reopen(sink->plugin_state);
}

void sink_host_close(struct pk_instance *sink)
{
        if (sink->plugin_state)
                ops(sink)->close(sink->plugin_state);
        sink->plugin_state = NULL;
        if (sink->state == INSTANCE_ATTACHED)
                sink->state = INSTANCE_DETACHED;
}

void sink_host_log_summary(const struct pk_instance *sink)
{
        struct pk_sink_stats st;

        if (sink->state == INSTANCE_DISABLED)
                return;
        sink_counters(sink, &st);
        if (st.dropped)
                log_warn(sink->name,
                         "%llu records written (%llu bytes), %llu dropped, %llu write errors%s%s",
                         (unsigned long long)st.records, (unsigned long long)st.bytes,
                         (unsigned long long)st.dropped, (unsigned long long)st.errors,
                         st.condition ? ": " : "", st.condition ? st.condition : "");
        else
                log_info(sink->name, "%llu records written (%llu bytes), 0 dropped",
                         (unsigned long long)st.records, (unsigned long long)st.bytes);
}

void sink_counters_json(const struct pk_instance *sink, struct strbuf *out)
{
        struct pk_sink_stats st;

        sink_counters(sink, &st);
        strbuf_printf(out,
                      ",\"records\":%llu,\"bytes\":%llu,\"errors\":%llu,\"dropped\":%llu,"
                      "\"queued\":%llu,\"condition\":",
                      (unsigned long long)st.records, (unsigned long long)st.bytes,
                      (unsigned long long)st.errors, (unsigned long long)st.dropped,
                      (unsigned long long)st.queued);
        if (st.condition)
                strbuf_json_string(out, st.condition);
        else
                strbuf_printf(out, "null");
}

void sink_counters_text(const struct pk_instance *sink, struct strbuf *out)
{
        struct pk_sink_stats st;

        sink_counters(sink, &st);
        strbuf_printf(out, " %10llu %8llu", (unsigned long long)st.records,
                      (unsigned long long)st.dropped);
}
