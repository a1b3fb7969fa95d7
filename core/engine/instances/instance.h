/* SPDX-License-Identifier: MIT */
/*
 * A running probe or sink instance: its plugin, options, BPF object, links,
 * counters and state, as `probekit list` shows them.
 */
#ifndef PK_CORE_INSTANCE_H
#define PK_CORE_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "loader.h"
#include "options.h"

enum instance_state {
        INSTANCE_PENDING = 0,
        INSTANCE_ATTACHED,
        INSTANCE_FAILED,
        INSTANCE_DISABLED,
        INSTANCE_DETACHED,
        INSTANCE_REMOVED, /* gone from the configuration at a reload; its slot and counters stay */
};

struct pk_instance {
        char *name;
        const struct plugin_handle *plugin;
        struct option_set opts;
        enum instance_state state;
        char reason[512]; /* why it failed, or which modes were skipped */
        const char *mode; /* attach mode in use; NULL when the plugin has none */
        void *plugin_state;
        uint64_t since_ns; /* CLOCK_REALTIME of the last start (attach or open); 0: not running */

        /* probes */
        struct bpf_object *obj;
        struct bpf_link **links;
        size_t n_links;
        int drops_fd;           /* pk_drops map, -1 if the object has none */
        union pk_value *values; /* decode scratch: one per field of the widest event type */

        /* counters */
        uint64_t events;          /* records delivered to the sinks */
        uint64_t malformed;       /* samples skipped: wrong size or unknown type, decode failed */
        uint64_t drops;           /* failed ring buffer reserves counted in the kernel */
        uint64_t drops_logged;    /* drops already reported on stderr */
        uint64_t drops_before;    /* kernel drops of earlier runs (before a disable or restart) */
        uint64_t events_at_tick;  /* `events` at the last stats interval */
        double events_per_s;      /* over the last stats interval */
        uint64_t *events_by_type; /* per desc.events[] entry, for metrics; NULL for sinks */
        double ring_fill_ratio;   /* fullest ring fill of the last stats interval, 0 to 1 */

        /* sinks: what the host counts (sink_counters() adds the sink's own stats()) */
        uint64_t sink_accepted;  /* write() returned 0 */
        uint64_t sink_refused;   /* write() returned -errno: dropped */
        uint64_t sink_abandoned; /* still queued when the drain at exit gave up: dropped */
};

const char *instance_state_name(enum instance_state state);

/* Count one delivered record of event type `type` (an index into desc.events). */
void instance_count_event(struct pk_instance *inst, uint32_t type);

/* The host function table handed to plugins. */
const struct pk_host *host_table(void);

/* Set by the run loop: where records go (every enabled sink). */
typedef int (*record_sink_fn)(const struct pk_record *rec, void *ctx);
void host_set_record_sink(record_sink_fn fn, void *ctx);
/* Set by the run loop: registers a ring buffer map of an instance. */
typedef int (*ringbuf_add_fn)(struct pk_instance *inst, int map_fd, void *ctx);
void host_set_ringbuf_adder(ringbuf_add_fn fn, void *ctx);

/*
 * While set, host->option_error() adds "path:line: [instance] key: message"
 * to `err` (an errlist) and counts it; otherwise it logs an error.
 */
struct host_validation {
        const char *path; /* the configuration file, for messages */
        char *err;
        size_t err_len;
        unsigned errors;
};
void host_set_validation(struct host_validation *v);

/* CLOCK_MONOTONIC to CLOCK_REALTIME offset, refreshed on every timer tick. */
void clock_refresh_offset(void);
uint64_t clock_mono_to_realtime(uint64_t mono_ns);

/* Write a value into a `const volatile` global of an opened BPF object, via BTF. */
int bpf_global_set(struct bpf_object *obj, const char *name, const void *value, size_t size,
                   char *why, size_t why_len);
/* Write an option's value into the global it is bound to. */
int bpf_global_set_option(struct bpf_object *obj, const struct pk_option *decl,
                          const struct option_value *value, char *why, size_t why_len);

#endif
