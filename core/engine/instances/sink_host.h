/* SPDX-License-Identifier: MIT */
/*
 * The host's side of a sink instance: open, write, flush, reopen, close it,
 * and count what it could not take, as pk_sink_ops defines:
 *
 *   write() 0          the record is written or queued;
 *   write() -EPIPE     the reader is gone: the caller ends the run;
 *   write() -errno     this record is refused: counted dropped here (the
 *                      sink stays, and retries on its own).
 *
 * sink_counters() is the one place every reader of a sink's counters (list,
 * stats, metrics, the exit summary) gets them from.
 */
#ifndef PK_CORE_SINK_HOST_H
#define PK_CORE_SINK_HOST_H

#include <probekit/plugin.h>

#include "instance.h"
#include "strbuf.h"

/*
 * The sink's full counters: its own stats() (when it has one) plus what
 * the host counted (records write() refused are dropped; without stats(),
 * records are the writes that returned 0). condition: the sink's own, or
 * the reason it failed to open; NULL when all is well.
 */
void sink_counters(const struct pk_instance *sink, struct pk_sink_stats *out);

/* Opens a PENDING sink; on failure it is FAILED with the reason, logged. */
int sink_host_open(struct pk_instance *sink);
/* One record to one ATTACHED sink; -EPIPE when the reader is gone, else 0. */
int sink_host_write(struct pk_instance *sink, const struct pk_record *rec);
/* Flushes an open sink; -EPIPE when the reader is gone, else 0. */
int sink_host_flush(struct pk_instance *sink);
/*
 * At exit, after the last flush: gives a sink that still holds records (a
 * network sink's queue, acknowledgements still due: stats().queued) time to
 * deliver them, as long as it makes progress; what it holds when it stops
 * making progress for SINK_DRAIN_PATIENCE_MS (or after SINK_DRAIN_MAX_MS)
 * is counted as dropped, so the summary that follows adds up.
 */
void sink_host_drain(struct pk_instance *sink);
/* Reopens an open sink's output (log rotation); 0 or -errno. */
int sink_host_reopen(struct pk_instance *sink);
/* Closes the sink if it is open, whatever its state, and frees its options and name. */
void sink_host_close(struct pk_instance *sink);
/* What is wrong with the sink now (its stats().condition, or why it failed); "" when all is well.
 */
const char *sink_condition(const struct pk_instance *sink);
/* Records lost in this sink so far (refused, or taken and then lost). */
uint64_t sink_lost(const struct pk_instance *sink);
/* "records, bytes, dropped" line of the exit summary. */
void sink_host_log_summary(const struct pk_instance *sink);

/* For `probekit list`: the counters as JSON members (",\"records\":..."), and as table cells. */
void sink_counters_json(const struct pk_instance *sink, struct strbuf *out);
void sink_counters_text(const struct pk_instance *sink, struct strbuf *out);

#endif
