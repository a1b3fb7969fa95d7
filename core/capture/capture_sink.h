/* SPDX-License-Identifier: MIT */
/*
 * The `capture` sink (--format capture): raw ring buffer samples to a
 * capture file, before any decoding, and the two hooks the run loop calls.
 */
#ifndef PK_CORE_CAPTURE_SINK_H
#define PK_CORE_CAPTURE_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "instance.h"

struct run;

extern const struct pk_plugin pk_capture_sink_plugin;

/* From run_setup(), before the sinks open: the run whose probes a capture describes. */
void capture_bind_run(struct run *run);

/*
 * From the ring reader's sample callback, before decoding: every capture
 * sink of `run` takes the raw sample. Returns true when no other sink is
 * attached, so the sample needs no decoding (it is counted here, as an
 * event or as malformed); false to decode and deliver it as usual.
 */
bool capture_sample(struct run *run, struct pk_instance *inst, const void *data, uint32_t size);

/*
 * From run_stop_instance(), once a probe's rings are delivered and its drops
 * read: the capture keeps its totals, and whatever starts in its slot next
 * (a reload's new instance, an enable) gets a new id and SCHEMA block.
 */
void capture_probe_stopped(struct run *run, struct pk_instance *inst);

#endif
