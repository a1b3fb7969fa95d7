// SPDX-License-Identifier: MIT
#include "sink_stats.h"

#include <string.h>

void sink_stats_get(const struct pk_instance *sink, struct pk_sink_stats *out)
{
        const struct pk_sink_ops *ops = sink->plugin->desc.sink;

        memset(out, 0, sizeof(*out));
        if (sink->state != INSTANCE_ATTACHED || !ops->stats)
                return;
        if (sink->plugin_state)
                ops->stats(sink->plugin_state, out);
}
