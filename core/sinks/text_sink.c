/* SPDX-License-Identifier: MIT */
/*
 * The `text` sink: aligned columns for people, in the spirit of the
 * libbpf-tools snoops:
 *
 *   TIME         PROBE          EVENT          PID  AUID   SES COMM             DETAILS
 *   12:00:01.123 tp_exec        exec          1234  1000     3 bash             ppid=1200 ...
 *
 * AUID and SES are the task's audit login uid and session; "-" outside a
 * login, as for every value the record does not have. A named value is
 * shown as its number and the name in parentheses: "ret=-2 (ENOENT)",
 * "sig=9 (SIGKILL)"; a string array as its strings, each escaped as a
 * value, separated by spaces.
 *
 * A value longer than its column pushes the rest of its line right by what
 * it overflows, less what the next columns leave free, so a single long name
 * does not shift every column after it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <string.h>

#include "builtin_sinks.h"
#include "format_duration.h"
#include "local_clock.h"
#include "outbuf_number.h"
#include "sink_output.h"
#include "text_escape.h"
#include "value_names.h"

enum text_column {
        COL_TIME,
        COL_PROBE,
        COL_EVENT,
        COL_PID,
        COL_AUID,
        COL_SES,
        COL_COMM,
        N_COLUMNS
};

static const struct {
        size_t start;
        size_t width;
        bool right_aligned;
} column_layout[N_COLUMNS] = {
    [COL_TIME] = {0, LOCAL_CLOCK_LEN, false},
    [COL_PROBE] = {13, 14, false},
    [COL_EVENT] = {28, 10, false},
    [COL_PID] = {39, 7, true},
    [COL_AUID] = {47, 5, true},
    [COL_SES] = {53, 5, true},
    [COL_COMM] = {59, 16, false},
};

#define DETAILS_START 76

struct cell {
        const char *text;
        size_t len;
};

struct text_sink {
        struct sink_output out; /* first: sink_output_*() see the state as this */
        struct local_clock clock;
};
_Static_assert(offsetof(struct text_sink, out) == 0, "sink_output needs the outbuf first");

/* Spaces from column `at` up to `target`, but at least one; returns the new column. */
static size_t pad_to(struct outbuf *ob, size_t at, size_t target)
{
        size_t n = at < target ? target - at : 1;
        char *p = outbuf_reserve(ob, n);

        memset(p, ' ', n);
        outbuf_commit(ob, p + n);
        return at + n;
}

/* Right-aligned cells are numbers or "-": they need no escaping to be measured. */
static void put_columns(struct outbuf *ob, const struct cell cells[N_COLUMNS], bool details)
{
        size_t at = 0;

        for (int i = 0; i < N_COLUMNS; i++) {
                size_t start = column_layout[i].start;

                if (column_layout[i].right_aligned) {
                        size_t width = column_layout[i].width;

                        if (cells[i].len < width)
                                start += width - cells[i].len;
                        at = pad_to(ob, at, start);
                        outbuf_write(ob, cells[i].text, cells[i].len);
                        at += cells[i].len;
                        continue;
                }
                if (i > 0)
                        at = pad_to(ob, at, start);
                at += text_put_escaped(ob, cells[i].text, cells[i].len);
        }
        if (details)
                pad_to(ob, at, DETAILS_START);
}

static void put_header(struct outbuf *ob)
{
        static const struct cell header[N_COLUMNS] = {
            [COL_TIME] = {"TIME", 4}, [COL_PROBE] = {"PROBE", 5}, [COL_EVENT] = {"EVENT", 5},
            [COL_PID] = {"PID", 3},   [COL_AUID] = {"AUID", 4},   [COL_SES] = {"SES", 3},
            [COL_COMM] = {"COMM", 4},
        };

        put_columns(ob, header, true);
        outbuf_literal(ob, "DETAILS\n");
}

static void put_unsigned(struct outbuf *ob, uint64_t value, uint32_t flags)
{
        if (flags & PK_FIELD_HEX)
                outbuf_hex(ob, value);
        else if (flags & PK_FIELD_DURATION)
                outbuf_commit(ob, format_duration(outbuf_reserve(ob, FORMAT_DURATION_MAX), value));
        else
                outbuf_u64(ob, value);
}

static void put_signed(struct outbuf *ob, int64_t value, uint32_t flags)
{
        if (value >= 0 || (flags & PK_FIELD_HEX))
                put_unsigned(ob, (uint64_t)value, flags);
        else
                outbuf_s64(ob, value);
}

static void put_array(struct outbuf *ob, const uint64_t *items, uint32_t n, uint32_t flags)
{
        outbuf_putc(ob, '[');
        for (uint32_t i = 0; i < n; i++) {
                if (i)
                        outbuf_putc(ob, ',');
                put_unsigned(ob, items[i], flags);
        }
        outbuf_putc(ob, ']');
}

static void put_string_array(struct outbuf *ob, const union pk_value *value)
{
        struct str_array_iter it = str_array_begin(value);
        const char *s;
        size_t len;
        bool first = true;

        while (str_array_next(&it, &s, &len)) {
                if (!first)
                        outbuf_putc(ob, ' ');
                first = false;
                text_put_value_string(ob, s, len);
        }
        if (first)
                text_put_value_string(ob, "", 0); /* no strings: "" rather than nothing */
}

/* " (ENOENT)" after a named value's number, when it has a name. */
static void put_value_name(struct outbuf *ob, const struct pk_field *field,
                           const union pk_value *value)
{
        char buf[VALUE_NAME_MAX];
        const char *name = value_name(field, value, buf);

        if (!name)
                return;
        outbuf_literal(ob, " (");
        text_put_escaped(ob, name, strlen(name));
        outbuf_putc(ob, ')');
}

static void put_value(struct outbuf *ob, const struct pk_field *field, const union pk_value *value)
{
        switch (field->type) {
        case PK_FIELD_U8:
        case PK_FIELD_U16:
        case PK_FIELD_U32:
        case PK_FIELD_U64:
                put_unsigned(ob, value->u64, field->flags);
                break;
        case PK_FIELD_S8:
        case PK_FIELD_S16:
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                put_signed(ob, value->s64, field->flags);
                break;
        case PK_FIELD_BOOL:
                if (value->u64)
                        outbuf_literal(ob, "true");
                else
                        outbuf_literal(ob, "false");
                return;
        case PK_FIELD_STR:
                if (value->str.ptr)
                        text_put_value_string(ob, value->str.ptr,
                                              strnlen(value->str.ptr, value->str.len));
                else
                        text_put_value_string(ob, "", 0);
                return;
        case PK_FIELD_U64_ARRAY:
                put_array(ob, value->arr.ptr, value->arr.ptr ? value->arr.len : 0, field->flags);
                return;
        case PK_FIELD_STR_ARRAY:
                put_string_array(ob, value);
                return;
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6: {
                char text[ADDRESS_TEXT_MAX];
                size_t len = format_address(text, field->type, value);

                if (len)
                        outbuf_write(ob, text, len);
                else
                        outbuf_putc(ob, '-');
                return;
        }
        default:
                outbuf_putc(ob, '?'); /* a type newer than this sink */
                return;
        }
        if (field_has_names(field))
                put_value_name(ob, field, value);
}

static void put_field(struct outbuf *ob, const struct pk_field *field, const union pk_value *value,
                      bool absent)
{
        text_put_escaped(ob, field->name, strlen(field->name));
        outbuf_putc(ob, '=');
        if (absent)
                outbuf_putc(ob, '-');
        else
                put_value(ob, field, value);
}

static struct cell c_string_cell(const char *s)
{
        return s ? (struct cell){s, strlen(s)} : (struct cell){"-", 1};
}

/* buf has room for FORMAT_NUMBER_MAX bytes. */
static struct cell number_cell(char *buf, uint64_t value)
{
        return (struct cell){buf, (size_t)(format_u64(buf, value) - buf)};
}

static void put_record(struct text_sink *sink, const struct pk_record *rec)
{
        struct outbuf *ob = &sink->out.ob;
        char time[LOCAL_CLOCK_LEN];
        char pid[FORMAT_NUMBER_MAX], auid[FORMAT_NUMBER_MAX], ses[FORMAT_NUMBER_MAX];
        const struct pk_event_header *hdr = rec->hdr;
        uint16_t present = hdr ? hdr->present : 0;
        struct cell cells[N_COLUMNS] = {
            [COL_TIME] = {time, LOCAL_CLOCK_LEN},
            [COL_PROBE] = c_string_cell(rec->probe),
            [COL_EVENT] = c_string_cell(rec->event),
            [COL_PID] = {"-", 1},
            [COL_AUID] = {"-", 1},
            [COL_SES] = {"-", 1},
            [COL_COMM] = {"-", 1},
        };

        local_clock_format(&sink->clock, rec->ts_ns, time);
        if (present & PK_HDR_TASK) {
                cells[COL_PID] = number_cell(pid, hdr->pid);
                cells[COL_COMM].text = hdr->comm;
                cells[COL_COMM].len = strnlen(hdr->comm, sizeof(hdr->comm));
        }
        if (present & PK_HDR_AUID)
                cells[COL_AUID] = number_cell(auid, hdr->auid);
        if (present & PK_HDR_SESSION)
                cells[COL_SES] = number_cell(ses, hdr->session);
        put_columns(ob, cells, rec->n_fields > 0);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                if (i)
                        outbuf_putc(ob, ' ');
                put_field(ob, &rec->fields[i], &rec->values[i], i < 64 && (rec->absent >> i) & 1);
        }
        if (rec->flags & PK_RECORD_PARTIAL) /* replayed without the plugin's decode() */
                outbuf_literal(ob, " (partial)");
        outbuf_putc(ob, '\n');
}

static int text_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        struct text_sink *sink;
        int err = sink_output_open(host, inst, sizeof(*sink), state);

        if (err)
                return err;
        sink = *state;
        local_clock_init(&sink->clock);
        /* appending to earlier output: its header is there already */
        if (sink->out.fresh &&
            (!host->opt_is_set(inst, "header") || host->opt_bool(inst, "header"))) {
                put_header(&sink->out.ob);
                outbuf_end_text(&sink->out.ob);
        }
        return 0;
}

static int text_write(void *state, const struct pk_record *rec)
{
        struct text_sink *sink = state;
        int err = sink_output_begin_record(&sink->out);

        if (err)
                return err;
        put_record(sink, rec);
        return sink_output_end_record(&sink->out);
}

static const struct pk_option text_options[] = {
    SINK_OUTPUT_OPTIONS,
    {
        .key = "header",
        .type = PK_OPT_BOOL,
        .default_value = "true",
        .help = "print the column names once, before the first event (not when appending to "
                "earlier output)",
    },
};

static const struct pk_sink_ops text_ops = {
    .open = text_open,
    .write = text_write,
    .flush = sink_output_flush,
    .close = sink_output_close,
    .reopen = sink_output_reopen,
    .stats = sink_output_stats,
};

const struct pk_plugin pk_text_sink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "text",
    .version = "1.0.0",
    .description = "aligned columns for reading in a terminal",
    .options = text_options,
    .n_options = PK_COUNT(text_options),
    .sink = &text_ops,
    .validate = sink_output_validate,
};
