/* SPDX-License-Identifier: MIT */
/*
 * The `json` sink: one JSON object per record and line, keys in a fixed order
 * (ts, probe, event, mode, pid, tid, uid, auid, session, comm, cgroup, then
 * the event's own fields as declared). A value the record does not have (a
 * header field without its PK_HDR_* bit, every header field of a record made
 * in user space, an event field marked absent) is null: every record of an
 * event type has the same keys. A named value (errno, signal, syscall, a
 * plugin's enum or flags) stays a number, and the key `<field>_name` that
 * follows it holds the name, or null when the value has none.
 * This is the benchmarked path: no printf, no allocation.
 *
 * A record is written through a pointer into the output buffer, committed
 * once at its end; before each piece a compare makes sure the buffer has the
 * most that piece can take (outbuf_room()).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "builtin_sinks.h"
#include "format_number.h"
#include "json_string.h"
#include "sink_output.h"
#include "value_names.h"

/* Copies a string literal to p and moves p past it. */
#define PUT_LITERAL(p, lit) ((p) = (char *)memcpy((p), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)

/* `,"cgroup":` and the like: the longest key with its comma, colon and quotes. */
#define KEY_MAX 12

/* ,"pid":N,"tid":N,"uid":N,"auid":N,"session":N,"comm":"...","cgroup":N at its longest. */
#define HEADER_TEXT_MAX (7 * KEY_MAX + 5 * 10 + FORMAT_NUMBER_MAX + JSON_STRING_MAX(PK_COMM_LEN))

/* The header of a record made in user space: it has none of these values. */
#define NULL_HEADER                                                                                \
        ",\"pid\":null,\"tid\":null,\"uid\":null,\"auid\":null,\"session\":null,\"comm\":null,"    \
        "\"cgroup\":null"

/*
 * The formatted header of recent threads: a firehose repeats the same pid,
 * tid, uid, login, comm and cgroup on every event. An entry is found by the
 * tid and used only when every one of those fields and the presence mask
 * are the same, to the byte (ts and type are not part of the text).
 */
#define HEADER_CACHE_SIZE 8

struct header_entry {
        uint64_t cgroup_id;
        uint32_t pid, tid, uid, auid, session;
        uint16_t present;
        uint32_t len; /* of text; 0: the entry is empty */
        char comm[PK_COMM_LEN];
        char text[HEADER_TEXT_MAX];
};

/* ts / 10^8, at most 184467440737: its text copied 16 bytes at once. */
#define TS_HIGH_TEXT 16

struct json_state {
        struct sink_output out; /* first: sink_output.c takes the state as its own */
        /* ts / 10^8 of the last ts of 10^8 ns or more, and its text (see put_ts()). */
        uint64_t ts_high; /* 0: none yet */
        uint32_t ts_high_len;
        char ts_high_text[TS_HIGH_TEXT];
        struct header_entry headers[HEADER_CACHE_SIZE];
};

/* format_u64() without the call for the one-digit values records are full of. */
static inline char *put_u64(char *p, uint64_t value)
{
        if (value < 10) {
                *p = (char)('0' + value);
                return p + 1;
        }
        return format_u64(p, value);
}

/*
 * A ts of 10^8 ns or more is ts / 10^8, the same text for 100 ms worth of
 * records, then its last 8 digits. p has room for TS_HIGH_TEXT + 8 bytes.
 */
static char *put_ts(struct json_state *js, char *p, uint64_t ts)
{
        uint64_t high = ts / 100000000u;

        if (high == 0)
                return put_u64(p, ts);
        if (high != js->ts_high) {
                js->ts_high = high;
                js->ts_high_len = (uint32_t)(format_u64(js->ts_high_text, high) - js->ts_high_text);
        }
        memcpy(p, js->ts_high_text, TS_HIGH_TEXT);
        return format_fixed(p + js->ts_high_len, ts - high * 100000000u, 8);
}

static bool header_matches(const struct header_entry *e, const struct pk_event_header *hdr)
{
        return e->len && e->tid == hdr->tid && e->pid == hdr->pid && e->uid == hdr->uid &&
               e->auid == hdr->auid && e->session == hdr->session && e->present == hdr->present &&
               e->cgroup_id == hdr->cgroup_id && memcmp(e->comm, hdr->comm, PK_COMM_LEN) == 0;
}

/* The number when `present`, else null; p has room for FORMAT_NUMBER_MAX bytes. */
static char *put_optional_u64(char *p, uint64_t value, bool present)
{
        if (present)
                return format_u64(p, value);
        return PUT_LITERAL(p, "null");
}

/* At p, which has room for HEADER_TEXT_MAX bytes. */
static char *format_header(char *p, const struct pk_event_header *hdr)
{
        bool task = hdr->present & PK_HDR_TASK;

        PUT_LITERAL(p, ",\"pid\":");
        p = put_optional_u64(p, hdr->pid, task);
        PUT_LITERAL(p, ",\"tid\":");
        p = put_optional_u64(p, hdr->tid, task);
        PUT_LITERAL(p, ",\"uid\":");
        p = put_optional_u64(p, hdr->uid, task);
        PUT_LITERAL(p, ",\"auid\":");
        p = put_optional_u64(p, hdr->auid, hdr->present & PK_HDR_AUID);
        PUT_LITERAL(p, ",\"session\":");
        p = put_optional_u64(p, hdr->session, hdr->present & PK_HDR_SESSION);
        PUT_LITERAL(p, ",\"comm\":");
        if (task)
                p = json_format_string(p, hdr->comm, PK_COMM_LEN);
        else
                PUT_LITERAL(p, "null");
        PUT_LITERAL(p, ",\"cgroup\":");
        return put_optional_u64(p, hdr->cgroup_id, hdr->present & PK_HDR_CGROUP);
}

static void fill_header(struct header_entry *e, const struct pk_event_header *hdr)
{
        e->len = (uint32_t)(format_header(e->text, hdr) - e->text);
        e->cgroup_id = hdr->cgroup_id;
        e->pid = hdr->pid;
        e->tid = hdr->tid;
        e->uid = hdr->uid;
        e->auid = hdr->auid;
        e->session = hdr->session;
        e->present = hdr->present;
        memcpy(e->comm, hdr->comm, PK_COMM_LEN);
}

static char *put_header(struct json_state *js, char *p, const struct pk_event_header *hdr)
{
        struct header_entry *e;

        if (!hdr) {
                p = outbuf_room(&js->out.ob, p, sizeof(NULL_HEADER));
                return PUT_LITERAL(p, NULL_HEADER);
        }
        e = &js->headers[hdr->tid % HEADER_CACHE_SIZE];
        if (!header_matches(e, hdr))
                fill_header(e, hdr);
        p = outbuf_room(&js->out.ob, p, HEADER_TEXT_MAX);
        memcpy(p, e->text, e->len);
        return p + e->len;
}

static char *put_c_string(struct outbuf *ob, char *p, const char *s)
{
        return json_put_short_string(ob, p, s ? s : "", SIZE_MAX);
}

static char *put_array(struct outbuf *ob, char *p, const uint64_t *items, uint32_t n)
{
        *p++ = '[';
        for (uint32_t i = 0; i < n; i++) {
                p = outbuf_room(ob, p, 1 + FORMAT_NUMBER_MAX); /* a comma and a number */
                if (i)
                        *p++ = ',';
                p = put_u64(p, items[i]);
        }
        p = outbuf_room(ob, p, 1);
        *p++ = ']';
        return p;
}

static char *put_string_array(struct outbuf *ob, char *p, const union pk_value *value)
{
        struct str_array_iter it = str_array_begin(value);
        const char *s;
        size_t len;
        bool first = true;

        *p++ = '[';
        while (str_array_next(&it, &s, &len)) {
                p = outbuf_room(ob, p, 1);
                if (!first)
                        *p++ = ',';
                first = false;
                /* json_put_string() stops at a NUL: the strings have none inside */
                p = json_put_string(ob, p, len ? s : "", len);
        }
        p = outbuf_room(ob, p, 1);
        *p++ = ']';
        return p;
}

/* p has room for FORMAT_NUMBER_MAX bytes. */
static char *put_value(struct outbuf *ob, char *p, enum pk_field_type type,
                       const union pk_value *value)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_U16:
        case PK_FIELD_U32:
        case PK_FIELD_U64:
                return put_u64(p, value->u64);
        case PK_FIELD_S8:
        case PK_FIELD_S16:
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                return format_s64(p, value->s64);
        case PK_FIELD_BOOL:
                if (value->u64)
                        return PUT_LITERAL(p, "true");
                return PUT_LITERAL(p, "false");
        case PK_FIELD_STR:
                if (value->str.ptr)
                        return json_put_short_string(ob, p, value->str.ptr, value->str.len);
                return PUT_LITERAL(p, "\"\"");
        case PK_FIELD_U64_ARRAY:
                return put_array(ob, p, value->arr.ptr, value->arr.ptr ? value->arr.len : 0);
        case PK_FIELD_STR_ARRAY:
                return put_string_array(ob, p, value);
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6: {
                char text[ADDRESS_TEXT_MAX];
                size_t len = format_address(text, type, value);

                if (!len)
                        return PUT_LITERAL(p, "null");
                p = outbuf_room(ob, p, len + 2);
                *p++ = '"';
                memcpy(p, text, len);
                p += len;
                *p++ = '"';
                return p;
        }
        default:
                /* A type newer than this sink: say so rather than guess a layout. */
                return PUT_LITERAL(p, "null");
        }
}

/* `,"<field>_name":"NAME"` (or null) after a named field's number. */
static char *put_value_name(struct outbuf *ob, char *p, const struct pk_field *field,
                            const union pk_value *value, bool absent)
{
        char buf[VALUE_NAME_MAX];
        const char *name = absent ? NULL : value_name(field, value, buf);

        p = outbuf_room(ob, p, 1);
        *p++ = ',';
        p = put_c_string(ob, p, field->name);
        p = outbuf_room(ob, p, sizeof("_name\":null"));
        p--; /* reopen the key's closing quote */
        PUT_LITERAL(p, "_name\":");
        if (!name)
                return PUT_LITERAL(p, "null");
        return json_put_string(ob, p, name, SIZE_MAX);
}

static char *put_field(struct outbuf *ob, char *p, const struct pk_field *field,
                       const union pk_value *value, bool absent)
{
        p = outbuf_room(ob, p, 1);
        *p++ = ',';
        p = put_c_string(ob, p, field->name);
        p = outbuf_room(ob, p, 1 + FORMAT_NUMBER_MAX);
        *p++ = ':';
        if (absent)
                PUT_LITERAL(p, "null");
        else
                p = put_value(ob, p, field->type, value);
        if (field_has_names(field))
                p = put_value_name(ob, p, field, value, absent);
        return p;
}

static void put_record(struct json_state *js, const struct pk_record *rec)
{
        struct outbuf *ob = &js->out.ob;
        char *p = outbuf_reserve(ob, KEY_MAX + TS_HIGH_TEXT + 8 + KEY_MAX);

        PUT_LITERAL(p, "{\"ts\":");
        p = put_ts(js, p, rec->ts_ns);
        PUT_LITERAL(p, ",\"probe\":");
        p = put_c_string(ob, p, rec->probe);
        p = outbuf_room(ob, p, KEY_MAX);
        PUT_LITERAL(p, ",\"event\":");
        p = put_c_string(ob, p, rec->event);
        if (rec->mode) {
                p = outbuf_room(ob, p, KEY_MAX);
                PUT_LITERAL(p, ",\"mode\":");
                p = put_c_string(ob, p, rec->mode);
        }
        p = put_header(js, p, rec->hdr);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                bool absent = i < 64 && (rec->absent >> i) & 1;

                p = put_field(ob, p, &rec->fields[i], &rec->values[i], absent);
        }
        if (rec->flags & PK_RECORD_PARTIAL) { /* replayed without the plugin's decode() */
                p = outbuf_room(ob, p, 16);
                PUT_LITERAL(p, ",\"partial\":true");
        }
        p = outbuf_room(ob, p, 2);
        PUT_LITERAL(p, "}\n");
        outbuf_commit(ob, p);
}

static int json_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        return sink_output_open(host, inst, sizeof(struct json_state), state);
}

static int json_write(void *state, const struct pk_record *rec)
{
        struct json_state *js = state;
        int err = sink_output_begin_record(&js->out);

        if (err)
                return err;
        put_record(js, rec);
        return sink_output_end_record(&js->out);
}

static const struct pk_option json_options[] = {
    SINK_OUTPUT_OPTIONS,
};

static const struct pk_sink_ops json_ops = {
    .open = json_open,
    .write = json_write,
    .flush = sink_output_flush,
    .close = sink_output_close,
    .reopen = sink_output_reopen,
    .stats = sink_output_stats,
};

const struct pk_plugin pk_json_sink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "json",
    .version = "1.0.0",
    .description = "one JSON object per event and line",
    .options = json_options,
    .n_options = PK_COUNT(json_options),
    .sink = &json_ops,
    .validate = sink_output_validate,
};
