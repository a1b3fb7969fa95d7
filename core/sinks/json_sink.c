/* SPDX-License-Identifier: MIT */
/*
 * The `json` sink: one JSON object per record and line, keys in a fixed order
 * (ts, probe, event, mode, pid, tid, uid, comm, cgroup, then the event's own
 * fields as declared). This is the benchmarked path: no printf, no allocation.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include "builtin_sinks.h"
#include "json_string.h"
#include "outbuf_number.h"
#include "sink_output.h"

static void put_c_string(struct outbuf *ob, const char *s)
{
        json_put_string(ob, s ? s : "", s ? strlen(s) : 0);
}

static void put_header(struct outbuf *ob, const struct pk_event_header *hdr)
{
        outbuf_literal(ob, ",\"pid\":");
        outbuf_u64(ob, hdr->pid);
        outbuf_literal(ob, ",\"tid\":");
        outbuf_u64(ob, hdr->tid);
        outbuf_literal(ob, ",\"uid\":");
        outbuf_u64(ob, hdr->uid);
        outbuf_literal(ob, ",\"comm\":");
        json_put_string(ob, hdr->comm, strnlen(hdr->comm, sizeof(hdr->comm)));
        outbuf_literal(ob, ",\"cgroup\":");
        outbuf_u64(ob, hdr->cgroup_id);
}

static void put_array(struct outbuf *ob, const uint64_t *items, uint32_t n)
{
        outbuf_putc(ob, '[');
        for (uint32_t i = 0; i < n; i++) {
                if (i)
                        outbuf_putc(ob, ',');
                outbuf_u64(ob, items[i]);
        }
        outbuf_putc(ob, ']');
}

static void put_value(struct outbuf *ob, enum pk_field_type type, const union pk_value *value)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_U16:
        case PK_FIELD_U32:
        case PK_FIELD_U64:
                outbuf_u64(ob, value->u64);
                break;
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                outbuf_s64(ob, value->s64);
                break;
        case PK_FIELD_BOOL:
                if (value->u64)
                        outbuf_literal(ob, "true");
                else
                        outbuf_literal(ob, "false");
                break;
        case PK_FIELD_STR:
                if (value->str.ptr)
                        json_put_string(ob, value->str.ptr,
                                        strnlen(value->str.ptr, value->str.len));
                else
                        outbuf_literal(ob, "\"\"");
                break;
        case PK_FIELD_U64_ARRAY:
                put_array(ob, value->arr.ptr, value->arr.ptr ? value->arr.len : 0);
                break;
        default:
                /* A type newer than this sink: say so rather than guess a layout. */
                outbuf_literal(ob, "null");
                break;
        }
}

static void put_record(struct outbuf *ob, const struct pk_record *rec)
{
        outbuf_literal(ob, "{\"ts\":");
        outbuf_u64(ob, rec->ts_ns);
        outbuf_literal(ob, ",\"probe\":");
        put_c_string(ob, rec->probe);
        outbuf_literal(ob, ",\"event\":");
        put_c_string(ob, rec->event);
        if (rec->mode) {
                outbuf_literal(ob, ",\"mode\":");
                put_c_string(ob, rec->mode);
        }
        if (rec->hdr)
                put_header(ob, rec->hdr);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                outbuf_putc(ob, ',');
                put_c_string(ob, rec->fields[i].name);
                outbuf_putc(ob, ':');
                put_value(ob, rec->fields[i].type, &rec->values[i]);
        }
        outbuf_literal(ob, "}\n");
}

static int json_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        return sink_output_open(host, inst, sizeof(struct outbuf), state);
}

static int json_write(void *state, const struct pk_record *rec)
{
        struct outbuf *ob = state;

        put_record(ob, rec);
        return outbuf_take_error(ob);
}

static const struct pk_option json_options[] = {
    SINK_OUTPUT_OPTIONS,
};

static const struct pk_sink_ops json_ops = {
    .open = json_open,
    .write = json_write,
    .flush = sink_output_flush,
    .close = sink_output_close,
};

const struct pk_plugin pk_json_sink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "json",
    .version = "1.0.0",
    .description = "one JSON object per event and line",
    .options = json_options,
    .n_options = PK_COUNT(json_options),
    .sink = &json_ops,
};
