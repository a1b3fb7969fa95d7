// SPDX-License-Identifier: MIT
/*
 * raw_tp: syscalls through the raw tracepoints sys_enter/sys_exit, either one
 * event per completed call (mode = events) or counts per process and syscall
 * every interval (mode = counts, the default).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <probekit/plugin.h>

#include "raw_tp.h"
#include "raw_tp.skel.h"
#include "raw_tp_state.h"
#include "raw_tp_syscalls.h"

static const char *const mode_choices[] = {"events", "counts", NULL};

static const struct pk_option options[] = {
    {.key = "mode",
     .type = PK_OPT_ENUM,
     .default_value = "counts",
     .choices = mode_choices,
     .help = "events: one event per completed syscall; counts: calls per process and "
             "syscall every interval"},
    {.key = "max_pairs",
     .type = PK_OPT_INT,
     .default_value = "65536",
     .min = 1024,
     .max = 1 << 22,
     .help = "mode = counts: most (process, syscall) pairs counted in one interval; the "
             "kernel keeps about 100 bytes for each"},
    {.key = "durations",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "mode = events: also hook each call's entry, for duration_ns and the arguments "
             "as passed; a second program per syscall, about twice the cost per call. "
             "false: one program at the return, duration_ns null"},
    {.key = "syscalls",
     .type = PK_OPT_LIST,
     .max = 32,
     .help = "trace only these syscalls (x86-64 names, e.g. openat,read); unset: all"},
};

enum syscall_field { SC_NR, SC_NAME, SC_ARGS, SC_RET, SC_DURATION, SC_FIELDS };

static const struct pk_field syscall_fields[SC_FIELDS] = {
    [SC_NR] = {.name = "nr",
               .type = PK_FIELD_U32,
               .offset = offsetof(struct raw_tp_syscall_event, nr),
               .size = 4,
               .help = "syscall number (x86-64)"},
    [SC_NAME] = {.name = "syscall",
                 .type = PK_FIELD_STR,
                 .help = "syscall name, from the kernel headers at build time"},
    [SC_ARGS] = {.name = "args",
                 .type = PK_FIELD_U64_ARRAY,
                 .offset = offsetof(struct raw_tp_syscall_event, args),
                 .size = sizeof(((struct raw_tp_syscall_event *)0)->args),
                 .flags = PK_FIELD_HEX,
                 .help = "the six raw argument registers"},
    [SC_RET] = {.name = "ret",
                .type = PK_FIELD_S64,
                .offset = offsetof(struct raw_tp_syscall_event, ret),
                .size = 8,
                .help = "return value (negative errno on failure)"},
    [SC_DURATION] = {.name = "duration_ns",
                     .type = PK_FIELD_U64,
                     .offset = offsetof(struct raw_tp_syscall_event, duration_ns),
                     .size = 8,
                     .flags = PK_FIELD_DURATION,
                     .help = "time from entry to return; null unless durations = true"},
};

static int decode_syscall(void *plugin_state, const void *sample, size_t size,
                          union pk_value *values, uint64_t *absent)
{
        const struct raw_tp_state *state = plugin_state;
        const struct raw_tp_syscall_event *event = sample;
        const char *name = raw_tp_syscall_name(event->nr);

        (void)size; /* the host checked it against min_size == max_size */
        if (!name)
                name = "unknown";
        values[SC_NR].u64 = event->nr;
        values[SC_NAME].str.ptr = name;
        values[SC_NAME].str.len = (uint32_t)strlen(name);
        values[SC_ARGS].arr.ptr = (const uint64_t *)event->args; /* __u64: same type, other name */
        values[SC_ARGS].arr.len = RAW_TP_SYSCALL_ARGS;
        values[SC_RET].s64 = event->ret;
        values[SC_DURATION].u64 = event->duration_ns;
        if (state->exit_only) /* no entry hook: no duration to tell */
                *absent |= 1ull << SC_DURATION;
        return 0;
}

static const struct pk_event_type events[] = {
    [RAW_TP_EVENT_SYSCALL] = {.name = "syscall",
                              .help = "one completed syscall (mode = events)",
                              .fields = syscall_fields,
                              .n_fields = SC_FIELDS,
                              .min_size = sizeof(struct raw_tp_syscall_event),
                              .max_size = sizeof(struct raw_tp_syscall_event),
                              .decode = decode_syscall},
    [RAW_TP_EVENT_SYSCALL_COUNTS] = {.name = "syscall_counts",
                                     .help = "calls of one syscall by one process in the last "
                                             "interval (mode = counts)",
                                     .fields = raw_tp_count_fields,
                                     .n_fields = RAW_TP_COUNT_FIELDS,
                                     .min_size = sizeof(struct pk_event_header),
                                     .max_size = sizeof(struct pk_event_header),
                                     .flags = PK_EVENT_EMITTED},
};

/* Turn the `syscalls` option into the bitmap; an unknown name is an error. */
static int read_syscall_set(struct raw_tp_state *state)
{
        const char *const *names;
        size_t n = state->host->opt_list(state->inst, "syscalls", &names);

        for (size_t i = 0; i < n; i++) {
                int nr = raw_tp_syscall_number(names[i]);

                if (nr < 0 || nr >= RAW_TP_MAX_SYSCALLS) {
                        state->host->log(state->inst, PK_LOG_ERROR,
                                         "syscalls: unknown x86-64 syscall '%s'", names[i]);
                        return -EINVAL;
                }
                state->syscall_set[nr / 64] |= 1ull << (nr % 64);
        }
        state->syscall_set_enabled = n > 0;
        return 0;
}

/* For `check` and before any start: every name in `syscalls` must exist here. */
static int raw_tp_validate(const struct pk_host *host, struct pk_instance *inst)
{
        const char *const *names;
        size_t n = host->opt_list(inst, "syscalls", &names);
        int rc = 0;

        for (size_t i = 0; i < n; i++) {
                int nr = raw_tp_syscall_number(names[i]);

                if (nr < 0 || nr >= RAW_TP_MAX_SYSCALLS) {
                        host->option_error(inst, "syscalls", "unknown x86-64 syscall '%s'",
                                           names[i]);
                        rc = -EINVAL;
                }
        }
        return rc;
}

static int raw_tp_create(const struct pk_host *host, struct pk_instance *inst, void **out)
{
        struct raw_tp_state *state = calloc(1, sizeof(*state));
        int err;

        if (!state)
                return -ENOMEM;
        state->host = host;
        state->inst = inst;
        state->counts_fd = -1;
        state->misses_fd = -1;
        state->counts_mode = strcmp(host->opt_string(inst, "mode"), "counts") == 0;
        state->max_pairs = (uint32_t)host->opt_int(inst, "max_pairs");
        state->exit_only = !state->counts_mode && !host->opt_bool(inst, "durations");
        err = read_syscall_set(state);
        if (err) {
                free(state);
                return err;
        }
        *out = state;
        return 0;
}

static int set_autoload(struct bpf_object *obj, const char *name, bool autoload)
{
        struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

        if (!prog)
                return -ENOENT;
        return bpf_program__set_autoload(prog, autoload);
}

static int set_max_entries(struct bpf_object *obj, const char *name, uint32_t entries)
{
        struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

        if (!map)
                return -ENOENT;
        return bpf_map__set_max_entries(map, entries);
}

static int raw_tp_configure(void *opaque, struct bpf_object *obj, const char *mode)
{
        struct raw_tp_state *state = opaque;
        int err;

        (void)mode; /* no attach modes: the `mode` option picks the programs */
        /* events mode leaves the map unused: keep it at one entry */
        err = set_max_entries(obj, "syscall_counts", state->counts_mode ? state->max_pairs : 1);
        /* counts mode sends no sample: a one-page ring costs the least memory */
        if (!err && state->counts_mode)
                err = set_max_entries(obj, "pk_events", 4096);
        if (!err)
                err = set_autoload(obj, "syscall_enter", !state->counts_mode && !state->exit_only);
        if (!err)
                err = set_autoload(obj, "syscall_exit", !state->counts_mode && !state->exit_only);
        if (!err)
                err = set_autoload(obj, "syscall_exit_only", state->exit_only);
        if (!err)
                err = set_autoload(obj, "syscall_count", state->counts_mode);
        if (err || !state->syscall_set_enabled)
                return err;
        err = state->host->set_bpf_global(state->inst, obj, "syscall_set_enabled",
                                          &state->syscall_set_enabled,
                                          sizeof(state->syscall_set_enabled));
        if (err)
                return err;
        return state->host->set_bpf_global(state->inst, obj, "syscall_set", state->syscall_set,
                                           sizeof(state->syscall_set));
}

static int raw_tp_loaded(void *opaque, struct bpf_object *obj)
{
        struct raw_tp_state *state = opaque;
        int err;

        if (!state->counts_mode)
                return 0;
        err = raw_tp_counts_open(state, obj);
        if (err)
                state->host->log(state->inst, PK_LOG_ERROR, "counts maps: %s", strerror(-err));
        return err;
}

static int raw_tp_tick(void *opaque)
{
        return raw_tp_counts_flush(opaque);
}

static void raw_tp_destroy(void *opaque)
{
        struct raw_tp_state *state = opaque;

        raw_tp_counts_close(state);
        free(state);
}

static const struct pk_probe_ops probe_ops = {
    .bpf_object = raw_tp_bpf__elf_bytes,
    .create = raw_tp_create,
    .configure = raw_tp_configure,
    .loaded = raw_tp_loaded,
    .tick = raw_tp_tick, /* also called once more before detaching: the last interval */
    .destroy = raw_tp_destroy,
};

static const struct pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "raw_tp",
    .version = "0.1.0",
    .description = "syscalls through the sys_enter/sys_exit raw tracepoints: events or counts",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = events,
    .n_events = PK_COUNT(events),
    .probe = &probe_ops,
    .validate = raw_tp_validate,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
