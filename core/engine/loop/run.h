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
struct setup;
struct setup_args;
struct plugin_set;
struct strbuf;

struct run_options {
        int64_t flush_interval_ms;
        int64_t stats_interval_s;
        int64_t duration_s;          /* 0: until a signal */
        const char *control_socket;  /* NULL or "": none */
        const char *metrics_address; /* NULL or "": no /metrics endpoint */
        bool mount_tracefs;
        bool sessions;           /* login sessions as events (core/sessions/) */
        bool log_level_from_cli; /* -v or -q given: [probekit] log_level is not applied */
        /* for reloads: the setup the run started from and how it was made (NULL: no reload) */
        struct setup *setup;
        const struct setup_args *setup_args;
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
        struct sessions *sessions;      /* NULL when sessions are off */
        bool stop;
        bool reader_gone;                   /* a sink's write or flush met EPIPE */
        bool sink_open_failed;              /* a start-up error: exit 2 */
        bool defer_rings;                   /* start-up: map the rings once all probes loaded */
        uint64_t lost_in_kernel;            /* set by run_teardown() */
        uint64_t lost_in_sinks;             /* set by run_teardown() */
        struct plugin_set *retired_plugins; /* plugin sets replaced by reloads */
        size_t n_retired_plugins;
};

/* Take ownership of the plan's specs, open the sinks and start the probes. */
int run_setup(struct run *run, struct plan *plan, const struct run_options *opts);
/* The loop; returns when a signal or the duration ends it. */
int run_loop(struct run *run);
/* Drain the rings, detach every probe, flush and close the sinks. */
void run_teardown(struct run *run);

/* Probes, and sinks, that can exist at once (each array is allocated once). */
#define RUN_MAX_INSTANCES 256

/* The probe or sink named `name` (a removed one too), or NULL. */
struct pk_instance *run_find_instance(struct run *run, const char *name);
/*
 * Take `spec` (name and options move into the instance) into a new slot, or
 * the slot of a removed instance of its name. Not started yet. 0 or -errno.
 */
int run_add_instance(struct run *run, struct instance_spec *spec, struct pk_instance **out);
/* Free the name and options of an instance that is stopped. */
void run_release_instance(struct pk_instance *inst);
/* Start one instance: a probe loads and attaches, a sink opens. 0 or -errno (state FAILED). */
int run_start_instance(struct run *run, struct pk_instance *inst);
/*
 * Stop one instance and leave it in state `after` (DISABLED, DETACHED,
 * REMOVED): a probe's rings are delivered first, then it is detached and
 * unloaded; a sink is flushed and closed. Its counters stay.
 */
void run_stop_instance(struct run *run, struct pk_instance *inst, enum instance_state after);

/* Read every attached probe's kernel drop counter. */
void run_read_drops(struct run *run);

/*
 * Read the configuration again and apply what changed (see reload.c). The
 * outcome, or every error with file:line, goes to `report` (NULL: the log
 * only). 0; -EINVAL when the configuration was refused (nothing changed);
 * -EAGAIN when it was applied but some instance failed to start.
 */
int run_reload(struct run *run, struct strbuf *report, bool json);

/* Deliver one record to every sink (also used by the host's emit()). */
int run_deliver(const struct pk_record *rec, void *run);

size_t run_count_attached(const struct run *run);

/* Reload: fire the loop's timer every `ms` from now on; 0 or -errno (the old period stays). */
int run_set_flush_interval(struct run *run, int64_t ms);
/*
 * Reload: serve /metrics on `address` (NULL or "": off) instead. The new
 * endpoint listens before the old one closes; when it cannot, the old one
 * stays and -errno is returned. `address` must outlive the run's use of it.
 */
int run_set_metrics(struct run *run, const char *address);

/* Reopen every sink's output (SIGUSR1, SIGHUP, `probekit reopen`); 0 or the first -errno. */
int run_reopen_sinks(struct run *run);
/* After run_teardown(): whether any event was lost in the kernel or a sink. */
bool run_lost_events(const struct run *run);

#endif
