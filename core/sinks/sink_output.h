/* SPDX-License-Identifier: MIT */
/*
 * What every built-in sink shares: the output options, and a state that
 * starts with a struct sink_output (the struct outbuf writing to the output
 * they name, and what the sink does when that output fails), so opening,
 * flushing, reopening, counting and closing are the same code for each.
 *
 * An output that fails (ENOSPC, EIO, ...) is not given up: its buffered
 * records are dropped and counted, new records are refused (the host counts
 * them) while it backs off (100 ms doubling to 5 s), then it is reopened and
 * tried again. It logs the first failure, then at most once per
 * SINK_OUTPUT_LOG_INTERVAL_S while the trouble lasts, and the recovery.
 * EPIPE (the reader of a pipe is gone) is final: the host ends the run.
 *
 * A pipe, FIFO, socket or terminal is never waited for (outbuf.h): while
 * its reader is more than OUTPUT_QUEUE_LIMIT bytes behind, new records are
 * refused (counted) until it has taken half of that; logged like a failure.
 */
#ifndef PROBEKIT_SINKS_SINK_OUTPUT_H
#define PROBEKIT_SINKS_SINK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "outbuf.h"

#define SINK_OUTPUT_LOG_INTERVAL_S 10

/* Entries for a sink descriptor's `options` array. */
#define SINK_OUTPUT_OPTIONS                                                                        \
        {                                                                                          \
            .key = "output",                                                                       \
            .type = PK_OPT_STRING,                                                                 \
            .default_value = "-",                                                                  \
            .help = "file to write to; \"-\" or empty: standard output",                           \
        },                                                                                         \
            {                                                                                      \
                .key = "truncate",                                                                 \
                .type = PK_OPT_BOOL,                                                               \
                .default_value = "false",                                                          \
                .help = "empty the output file at start instead of appending to it",               \
            },                                                                                     \
        {                                                                                          \
                .key = "append", .type = PK_OPT_BOOL, .default_value = "true",                     \
                .help = "kept for old configurations: append = false is truncate = true",          \
        }

struct sink_output {
        struct outbuf ob; /* first: the formatting code takes the state as a struct outbuf */
        const struct pk_host *host;
        struct pk_instance *inst;
        char *path;  /* NULL: standard output */
        int failing; /* -errno while records are refused, 0 when writing */
        bool fresh;  /* the output was empty (or standard output) at open: a header goes first */
        uint64_t retry_at_ns;      /* CLOCK_MONOTONIC of the next attempt */
        uint64_t backoff_ns;       /* wait before the next attempt */
        uint64_t trouble_since_ns; /* 0: no trouble; else when the first failure came */
        uint64_t last_log_ns;
        uint64_t refused;            /* records refused in this trouble, for the log */
        uint64_t dropped_at_trouble; /* ob.dropped when the trouble began */
        /* a paced output whose reader is behind (outbuf_reader_behind()) */
        bool refusing_for_reader;
        uint64_t behind_since_ns; /* 0: not behind; else when refusing began */
        uint64_t behind_logged_ns;
        uint64_t behind_refused; /* records refused for it in this spell */
        char behind[160];        /* its condition, for stats() */
        char condition[160];
};

/*
 * Allocates a zeroed state of state_size bytes, which must start with a
 * struct sink_output, and opens that on the instance's `output` (with
 * `truncate`). Logs the path and the reason on failure.
 */
int sink_output_open(const struct pk_host *host, struct pk_instance *inst, size_t state_size,
                     void **state);

/*
 * Around the formatting of one record in write(): begin says whether to
 * format it at all (0, or the -errno to return while the output backs off),
 * end finishes it: 0, or the -errno write() returns (the record is then not
 * in the output, and the host counts it dropped).
 */
int sink_output_begin_record(struct sink_output *so);
int sink_output_end_record(struct sink_output *so);

/* pk_sink_ops.flush, .close, .reopen and .stats for such a state. */
int sink_output_flush(void *state);
void sink_output_close(void *state);
int sink_output_reopen(void *state);
void sink_output_stats(void *state, struct pk_sink_stats *stats);

/*
 * For `probekit replay`, before any sink opens: a slow reader is waited for
 * (blocking writes) instead of paced. Replay has no loop to keep going and
 * reads its input at the reader's pace, so nothing need be refused.
 */
void sink_output_wait_for_readers(void);

/*
 * pk_plugin.validate for the built-in sinks: the `output` can be opened
 * (directory present and writable, the path absent or a regular file),
 * checked without creating anything.
 */
int sink_output_validate(const struct pk_host *host, struct pk_instance *inst);

#endif /* PROBEKIT_SINKS_SINK_OUTPUT_H */
