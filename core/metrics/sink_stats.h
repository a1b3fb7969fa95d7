/* SPDX-License-Identifier: MIT */
/* A sink's counters for /metrics. */
#ifndef PK_METRICS_SINK_STATS_H
#define PK_METRICS_SINK_STATS_H

#include "instance.h"

/* What an open sink reports through stats(); zeros for a sink without it or not open. */
void sink_stats_get(const struct pk_instance *sink, struct pk_sink_stats *out);

#endif
