/* SPDX-License-Identifier: MIT */
/*
 * From capture blocks back to records: the instances' schemas, the clock,
 * raw samples decoded by their declarations (or by the plugin's own
 * decode() when the same plugin and version is installed), records made in
 * user space, counters, filters, and the numbers `replay --stats` prints.
 */
#ifndef PK_CORE_CAPTURE_REPLAY_H
#define PK_CORE_CAPTURE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "loader.h"
#include "reader.h"
#include "schema_read.h"

struct replay_filter {
        char **probes; /* instance or plugin names; NULL: all */
        size_t n_probes;
        char **events; /* event type names; NULL: all */
        size_t n_events;
        bool has_pid, has_auid, has_session;
        uint32_t pid, auid, session;
        const char *comm;  /* NULL: any */
        uint64_t since_ns; /* CLOCK_REALTIME; 0: from the start */
        uint64_t until_ns; /* 0: to the end */
};

struct replay_probe {
        bool known; /* its SCHEMA block was read */
        struct capture_schema schema;
        union pk_value *values;  /* decode scratch, one per field */
        uint64_t *array_scratch; /* aligned copies of a RECORD's u64 arrays */
        size_t array_cap;
        bool selected;        /* by --probes */
        bool *event_selected; /* by --event */
        /* the installed plugin of the same name and version, for its decode() */
        const struct plugin_handle *plugin;
        struct pk_instance *plugin_inst;
        void *plugin_state;
        bool *use_decode; /* per event */
        /* what was replayed */
        uint64_t *event_counts; /* per event: records delivered */
        uint64_t *event_first;  /* per event: realtime of its earliest record; 0: none */
        uint64_t *event_last;   /* per event: of its latest */
        uint64_t malformed;     /* samples the replay could not decode */
        uint64_t first_ts, last_ts;
        /* the last COUNTERS block's values for it */
        bool has_counters;
        uint64_t c_events, c_drops, c_malformed, c_not_captured;
};

typedef int (*replay_deliver_fn)(const struct pk_record *rec, void *ctx);

struct replay {
        const struct replay_filter *filter;
        const struct plugin_set *plugins; /* NULL: decode from the declarations only */
        replay_deliver_fn deliver;        /* NULL: count only (--stats) */
        void *ctx;
        struct replay_probe *probes; /* by instance id */
        size_t n_probes;
        int64_t clock_offset;
        unsigned char *scratch; /* a sample rebuilt from a repeated header (8-aligned) */
        uint32_t scratch_size;
        uint64_t records;
        uint64_t unknown_instance; /* samples and records of an instance without schema */
        bool trailer;
        uint64_t trailer_samples, trailer_records;
};

/*
 * Take one block. Returns 0; -EINVAL for a block whose content does not
 * parse (`why` says what; the replay goes on with the next block); or what
 * the deliver callback returned (-EPIPE: stop).
 */
int replay_block(struct replay *rp, const struct capture_block *b, char *why, size_t why_len);

void replay_free(struct replay *rp);

#endif
