// SPDX-License-Identifier: MIT
/*
 * mode = counts: the BPF side adds up calls per (process, syscall); every
 * interval this drains the map with batch syscalls and emits what it held,
 * so each record is the count for that interval only.
 *
 * The drain goes COUNT_BATCH entries at a time, emitting each batch before
 * taking the next: buffers for all of max_pairs (3 MiB by default) had their
 * pages touched one by one as busier intervals came, which the soak showed
 * as a slowly growing heap.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "raw_tp_state.h"
#include "raw_tp_syscalls.h"

#define COUNT_BATCH 4096

enum count_field { COUNT_NR, COUNT_SYSCALL, COUNT_COUNT, COUNT_ERRORS };

const struct pk_field raw_tp_count_fields[RAW_TP_COUNT_FIELDS] = {
    [COUNT_NR] = {.name = "nr", .type = PK_FIELD_U32, .help = "syscall number (x86-64)"},
    [COUNT_SYSCALL] = {.name = "syscall", .type = PK_FIELD_STR, .help = "syscall name"},
    [COUNT_COUNT] = {.name = "count",
                     .type = PK_FIELD_U64,
                     .help = "calls completed in this interval"},
    [COUNT_ERRORS] = {.name = "errors",
                      .type = PK_FIELD_U64,
                      .help = "of those, calls that returned an error"},
};

static uint64_t clock_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int raw_tp_counts_open(struct raw_tp_state *state, struct bpf_object *obj)
{
        struct bpf_map *counts = bpf_object__find_map_by_name(obj, "syscall_counts");
        struct bpf_map *misses = bpf_object__find_map_by_name(obj, "count_misses");

        if (!counts || !misses)
                return -ENOENT;
        state->counts_fd = bpf_map__fd(counts);
        state->misses_fd = bpf_map__fd(misses);
        state->batch = state->max_pairs < COUNT_BATCH ? state->max_pairs : COUNT_BATCH;
        state->keys = calloc(state->batch, sizeof(*state->keys));
        state->values = calloc(state->batch, sizeof(*state->values));
        if (!state->keys || !state->values) {
                raw_tp_counts_close(state);
                return -ENOMEM;
        }
        return 0;
}

void raw_tp_counts_close(struct raw_tp_state *state)
{
        free(state->keys);
        free(state->values);
        state->keys = NULL;
        state->values = NULL;
}

static int emit_count(struct raw_tp_state *state, const struct raw_tp_count_key *key,
                      const struct raw_tp_count_value *value, uint64_t mono_ns, uint64_t real_ns)
{
        const char *name = raw_tp_syscall_name(key->nr);
        struct pk_event_header hdr = {
            .ts_ns = mono_ns,
            .pid = key->pid,
            .tid = key->pid, /* counts are per process */
            .uid = value->uid,
            .type = RAW_TP_EVENT_SYSCALL_COUNTS,
            .present = PK_HDR_TASK, /* no cgroup, no login: a process's calls may span several */
        };
        union pk_value values[RAW_TP_COUNT_FIELDS];
        struct pk_record rec = {
            .probe = state->host->instance_name(state->inst),
            .event = "syscall_counts",
            .ts_ns = real_ns,
            .hdr = &hdr,
            .fields = raw_tp_count_fields,
            .values = values,
            .n_fields = RAW_TP_COUNT_FIELDS,
        };

        memcpy(hdr.comm, value->comm, sizeof(hdr.comm));
        hdr.comm[sizeof(hdr.comm) - 1] = '\0';
        if (!name)
                name = "unknown";
        values[COUNT_NR].u64 = key->nr;
        values[COUNT_SYSCALL].str.ptr = name;
        values[COUNT_SYSCALL].str.len = (uint32_t)strlen(name);
        values[COUNT_COUNT].u64 = value->count;
        values[COUNT_ERRORS].u64 = value->errors;
        return state->host->emit(state->inst, &rec);
}

static void report_misses(struct raw_tp_state *state)
{
        uint32_t zero = 0;
        uint64_t misses = 0;

        if (bpf_map_lookup_elem(state->misses_fd, &zero, &misses) ||
            misses == state->misses_reported)
                return;
        state->host->log(state->inst, PK_LOG_WARN,
                         "%llu calls not counted: more than max_pairs = %u (process, syscall) "
                         "pairs in an interval",
                         (unsigned long long)(misses - state->misses_reported), state->max_pairs);
        state->misses_reported = misses;
}

/*
 * Take up to max_pairs entries out of syscall_counts, a batch at a time, and
 * emit each batch; entries added meanwhile wait for the next interval.
 */
int raw_tp_counts_flush(struct raw_tp_state *state)
{
        uint64_t mono_ns = clock_ns(CLOCK_MONOTONIC);
        uint64_t real_ns = clock_ns(CLOCK_REALTIME);
        uint32_t done = 0, token = 0;
        void *in_batch = NULL;
        int err = 0;

        if (!state->keys)
                return 0;
        while (done < state->max_pairs && !err) {
                uint32_t n = state->max_pairs - done;
                int rc;

                if (n > state->batch)
                        n = state->batch;
                rc = bpf_map_lookup_and_delete_batch(state->counts_fd, in_batch, &token,
                                                     state->keys, state->values, &n, NULL);
                if (rc && rc != -ENOENT && rc != -ENOSPC) {
                        state->host->log(state->inst, PK_LOG_ERROR, "reading syscall_counts: %s",
                                         strerror(-rc));
                        return rc;
                }
                for (uint32_t i = 0; i < n && !err; i++)
                        err =
                            emit_count(state, &state->keys[i], &state->values[i], mono_ns, real_ns);
                done += n;
                /* ENOENT: the whole map was read; ENOSPC: entries added meanwhile */
                if (rc)
                        break;
                in_batch = &token;
        }
        report_misses(state);
        return err;
}
