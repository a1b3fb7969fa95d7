// SPDX-License-Identifier: MIT
#include "sink_stats.h"

#include "sink_host.h"

void sink_stats_get(const struct pk_instance *sink, struct pk_sink_stats *out)
{
        /* the one source of a sink's counters: its stats() plus what the host counted */
        sink_counters(sink, out);
}
