/* SPDX-License-Identifier: MIT */
/* One raw_tp instance's state, shared by the descriptor and the counts reader. */
#ifndef PROBEKIT_RAW_TP_STATE_H
#define PROBEKIT_RAW_TP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "raw_tp.h"

struct raw_tp_state {
        const struct pk_host *host;
        struct pk_instance *inst;
        bool counts_mode;
        bool exit_only;     /* mode = events, durations = false */
        uint32_t max_pairs; /* entries of syscall_counts */
        uint32_t batch;     /* entries of keys and values: one drain batch */

        /* The `syscalls` option as the bitmap the BPF side reads. */
        bool syscall_set_enabled;
        uint64_t syscall_set[RAW_TP_MAX_SYSCALLS / 64];

        /* mode = counts: the maps and a buffer for one drain of syscall_counts */
        int counts_fd;
        int misses_fd;
        uint64_t misses_reported;
        struct raw_tp_count_key *keys;
        struct raw_tp_count_value *values;
};

/* Fields of the `syscall_counts` records (defined in raw_tp_counts.c). */
#define RAW_TP_COUNT_FIELDS 4
extern const struct pk_field raw_tp_count_fields[RAW_TP_COUNT_FIELDS];

/* Find the counts maps of the loaded object and allocate the drain buffer. */
int raw_tp_counts_open(struct raw_tp_state *state, struct bpf_object *obj);

/* Empty syscall_counts and emit one record per (process, syscall) counted. */
int raw_tp_counts_flush(struct raw_tp_state *state);

void raw_tp_counts_close(struct raw_tp_state *state);

#endif /* PROBEKIT_RAW_TP_STATE_H */
