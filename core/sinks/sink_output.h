/* SPDX-License-Identifier: MIT */
/*
 * What every built-in sink shares: the output options, and a state that
 * starts with the struct outbuf writing to the output they name, so opening,
 * flushing and closing are the same code for each.
 */
#ifndef PROBEKIT_SINKS_SINK_OUTPUT_H
#define PROBEKIT_SINKS_SINK_OUTPUT_H

#include <stddef.h>

#include <probekit/plugin.h>

#include "outbuf.h"

/* Entries for a sink descriptor's `options` array. */
#define SINK_OUTPUT_OPTIONS                                                                        \
        {                                                                                          \
            .key = "output",                                                                       \
            .type = PK_OPT_STRING,                                                                 \
            .default_value = "-",                                                                  \
            .help = "file to write to; \"-\" or empty: standard output",                           \
        },                                                                                         \
        {                                                                                          \
                .key = "append", .type = PK_OPT_BOOL, .default_value = "false",                    \
                .help = "append to the output file instead of truncating it",                      \
        }

/*
 * Allocates a zeroed state of state_size bytes, which must start with a
 * struct outbuf, and opens that on the instance's `output` (with `append`).
 * Logs the reason on failure.
 */
int sink_output_open(const struct pk_host *host, struct pk_instance *inst, size_t state_size,
                     void **state);
/* pk_sink_ops.flush and .close for such a state. */
int sink_output_flush(void *state);
void sink_output_close(void *state);

#endif /* PROBEKIT_SINKS_SINK_OUTPUT_H */
