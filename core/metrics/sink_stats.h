/* SPDX-License-Identifier: MIT */
/* A sink's counters for /metrics. */
#ifndef PK_METRICS_SINK_STATS_H
#define PK_METRICS_SINK_STATS_H

#include <stdbool.h>

#include "instance.h"

/*
 * What an open sink reports through stats(): true. False for a sink without
 * stats() or not open: it has no sample then, rather than made-up zeros.
 */
bool sink_stats_get(const struct pk_instance *sink, struct pk_sink_stats *out);

#endif
