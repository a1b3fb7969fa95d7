// SPDX-License-Identifier: MIT
/* The function table plugins call into: they never link against the core. */
#include "instance.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errlist.h"
#include "log.h"

static record_sink_fn record_sink;
static void *record_sink_ctx;
static ringbuf_add_fn ringbuf_adder;
static void *ringbuf_adder_ctx;
static int64_t mono_to_real_offset;

void host_set_record_sink(record_sink_fn fn, void *ctx)
{
        record_sink = fn;
        record_sink_ctx = ctx;
}

void host_set_ringbuf_adder(ringbuf_add_fn fn, void *ctx)
{
        ringbuf_adder = fn;
        ringbuf_adder_ctx = ctx;
}

static int64_t clock_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void clock_refresh_offset(void)
{
        int64_t mono = clock_ns(CLOCK_MONOTONIC);
        int64_t real = clock_ns(CLOCK_REALTIME);
        int64_t mono_after = clock_ns(CLOCK_MONOTONIC);

        mono_to_real_offset = real - (mono + (mono_after - mono) / 2);
}

uint64_t clock_mono_to_realtime(uint64_t mono_ns)
{
        return (uint64_t)((int64_t)mono_ns + mono_to_real_offset);
}

const char *instance_state_name(enum instance_state state)
{
        switch (state) {
        case INSTANCE_PENDING:
                return "pending";
        case INSTANCE_ATTACHED:
                return "attached";
        case INSTANCE_FAILED:
                return "failed";
        case INSTANCE_DISABLED:
                return "disabled";
        case INSTANCE_DETACHED:
                return "detached";
        case INSTANCE_REMOVED:
                return "removed";
        }
        return "?";
}

void instance_count_event(struct pk_instance *inst, uint32_t type)
{
        inst->events++;
        if (inst->events_by_type && type < inst->plugin->desc.n_events)
                inst->events_by_type[type]++;
}

/* The index of a record's event type (emitted records name theirs), or UINT32_MAX. */
static uint32_t event_type_index(const struct pk_instance *inst, const char *event)
{
        const struct pk_plugin *d = &inst->plugin->desc;

        for (uint32_t i = 0; event && i < d->n_events; i++) {
                if (d->events[i].name == event || !strcmp(d->events[i].name, event))
                        return i;
        }
        return UINT32_MAX;
}

static void host_log(struct pk_instance *inst, enum pk_log_level level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, inst ? inst->name : NULL, fmt, ap);
        va_end(ap);
}

static const char *host_instance_name(struct pk_instance *inst)
{
        return inst->name;
}

static const struct option_value *value_of(struct pk_instance *inst, const char *key)
{
        const struct option_value *v = option_set_get(&inst->opts, key);

        if (!v)
                log_debug(inst->name, "plugin asked for undeclared option '%s'", key);
        return v;
}

static bool host_opt_is_set(struct pk_instance *inst, const char *key)
{
        const struct option_value *v = value_of(inst, key);

        return v && v->set;
}

static bool host_opt_bool(struct pk_instance *inst, const char *key)
{
        const struct option_value *v = value_of(inst, key);

        return v && v->b;
}

static int64_t host_opt_int(struct pk_instance *inst, const char *key)
{
        const struct option_value *v = value_of(inst, key);

        return v ? v->i : 0;
}

static const char *host_opt_string(struct pk_instance *inst, const char *key)
{
        const struct option_value *v = value_of(inst, key);

        return v && v->set ? v->s : NULL;
}

static size_t host_opt_list(struct pk_instance *inst, const char *key, const char *const **items)
{
        const struct option_value *v = value_of(inst, key);

        *items = v ? (const char *const *)v->items : NULL;
        return v ? v->n_items : 0;
}

static int host_set_bpf_global(struct pk_instance *inst, struct bpf_object *obj, const char *name,
                               const void *value, size_t size)
{
        char why[256];
        int rc = bpf_global_set(obj, name, value, size, why, sizeof(why));

        if (rc)
                log_warn(inst->name, "%s", why);
        return rc;
}

static int host_add_link(struct pk_instance *inst, struct bpf_link *link)
{
        struct bpf_link **grown;

        if (!link)
                return -EINVAL;
        grown = realloc(inst->links, (inst->n_links + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        inst->links = grown;
        inst->links[inst->n_links++] = link;
        return 0;
}

static int host_add_ringbuf(struct pk_instance *inst, int map_fd)
{
        if (!ringbuf_adder)
                return -ENOTSUP;
        return ringbuf_adder(inst, map_fd, ringbuf_adder_ctx);
}

static int host_emit(struct pk_instance *inst, const struct pk_record *rec)
{
        int rc;

        if (!record_sink)
                return -ENOTSUP;
        rc = record_sink(rec, record_sink_ctx);
        if (!rc)
                instance_count_event(inst, event_type_index(inst, rec->event));
        return rc;
}

/* Where option_error() reports while a configuration is validated. */
static struct host_validation *validation;

void host_set_validation(struct host_validation *v)
{
        validation = v;
}

static void host_option_error(struct pk_instance *inst, const char *key, const char *fmt, ...)
{
        const struct option_value *v = key ? option_set_get(&inst->opts, key) : NULL;
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (!validation) {
                log_error(inst->name, "%s%s%s", key ? key : "", key ? ": " : "", msg);
                return;
        }
        validation->errors++;
        if (v && v->line)
                errlist_add(validation->err, validation->err_len, "%s:%u: [%s] %s: %s",
                            validation->path, v->line, inst->name, key, msg);
        else
                errlist_add(validation->err, validation->err_len, "%s: [%s]%s%s%s: %s",
                            validation->path, inst->name, key ? " " : "", key ? key : "",
                            key && v && !v->line ? " (default or command line)" : "", msg);
}

static const struct pk_host host = {
    .struct_size = sizeof(struct pk_host),
    .abi_major = PK_ABI_MAJOR,
    .abi_minor = PK_ABI_MINOR,
    .log = host_log,
    .instance_name = host_instance_name,
    .opt_is_set = host_opt_is_set,
    .opt_bool = host_opt_bool,
    .opt_int = host_opt_int,
    .opt_string = host_opt_string,
    .opt_list = host_opt_list,
    .set_bpf_global = host_set_bpf_global,
    .add_link = host_add_link,
    .add_ringbuf = host_add_ringbuf,
    .emit = host_emit,
    .mono_to_realtime = clock_mono_to_realtime,
    .option_error = host_option_error,
};

const struct pk_host *host_table(void)
{
        return &host;
}
