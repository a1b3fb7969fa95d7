/* SPDX-License-Identifier: MIT */
/*
 * The running instance: every probe and sink, and the one epoll loop that
 * multiplexes the probes' ring buffers, signals, the timer and the control
 * socket.
 */
#ifndef PK_CORE_RUN_H
#define PK_CORE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "instance.h"
#include "plan.h"

struct control_server;
struct metrics_server;
struct ring_source;

struct run_options {
        int64_t flush_interval_ms;
        int64_t stats_interval_s;
        int64_t duration_s;          /* 0: until a signal */
        const char *control_socket;  /* NULL or "": none */
        const char *metrics_address; /* NULL or "": no /metrics endpoint */
        bool mount_tracefs;
};

struct run {
        struct pk_instance *probes;
        size_t n_probes;
        struct pk_instance *sinks;
        size_t n_sinks;
        struct ring_source *rings; /* every probe's ring buffers */
        size_t n_rings;
        struct run_options opts;
        uint64_t started_ns; /* CLOCK_MONOTONIC */
        int epoll_fd;
        int signal_fd;
        int timer_fd;
        struct control_server *control; /* NULL without a control socket */
        struct metrics_server *metrics; /* NULL when metrics are off */
        uint64_t last_stats_ns;         /* CLOCK_MONOTONIC of the last drop check and tick */
        bool stop;
        bool reader_gone;        /* a sink's write or flush met EPIPE */
        bool sink_open_failed;   /* a start-up error: exit 2 */
        uint64_t lost_in_kernel; /* set by run_teardown() */
        uint64_t lost_in_sinks;  /* set by run_teardown() */
};

/* Take ownership of the plan's specs, open the sinks and start the probes. */
int run_setup(struct run *run, struct plan *plan, const struct run_options *opts);
/* The loop; returns when a signal or the duration ends it. */
int run_loop(struct run *run);
/* Drain the rings, detach every probe, flush and close the sinks. */
void run_teardown(struct run *run);

/* Deliver one record to every sink (also used by the host's emit()). */
int run_deliver(const struct pk_record *rec, void *run);

size_t run_count_attached(const struct run *run);

/* Reopen every sink's output (SIGUSR1, SIGHUP, `probekit reopen`); 0 or the first -errno. */
int run_reopen_sinks(struct run *run);
/* After run_teardown(): whether any event was lost in the kernel or a sink. */
bool run_lost_events(const struct run *run);

#endif
