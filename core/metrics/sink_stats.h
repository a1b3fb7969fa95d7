/* SPDX-License-Identifier: MIT */
/* A sink's counters for /metrics. */
#ifndef PK_METRICS_SINK_STATS_H
#define PK_METRICS_SINK_STATS_H

#include "instance.h"

/* sink_counters(): what the sink reports through stats() plus what the host counted. */
void sink_stats_get(const struct pk_instance *sink, struct pk_sink_stats *out);

#endif
