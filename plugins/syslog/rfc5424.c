/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "rfc5424.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "record_json.h"

#define MSGID_MAX   32 /* RFC 5424 section 6 */
#define SD_NAME_MAX 32

void rfc5424_printusascii(char *out, size_t size, const char *s, size_t max)
{
        size_t n = 0;

        if (max > size - 1)
                max = size - 1;
        for (; s && s[n] && n < max; n++)
                out[n] = s[n] > ' ' && s[n] < 0x7f ? s[n] : '_';
        if (n == 0)
                out[n++] = '-';
        out[n] = '\0';
}

static void put_timestamp(struct msgbuf *b, uint64_t ts_ns)
{
        time_t secs = (time_t)(ts_ns / 1000000000ULL);
        struct tm tm;
        char text[40];

        gmtime_r(&secs, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
        msgbuf_printf(b, "%s.%06" PRIu64 "Z", text, (uint64_t)((ts_ns % 1000000000u) / 1000));
}

/* An SD-NAME: printable ASCII but for '=', ' ', ']' and '"', at most 32. */
static void put_sd_name(struct msgbuf *b, const char *name)
{
        size_t n = 0;

        for (; name[n] && n < SD_NAME_MAX; n++) {
                char c = name[n];

                msgbuf_putc(b, c > ' ' && c < 0x7f && c != '=' && c != ']' && c != '"' ? c : '_');
        }
}

/* A PARAM-VALUE: UTF-8 with '"', '\' and ']' escaped by a backslash. */
static void put_sd_value(struct msgbuf *b, const char *text, size_t len)
{
        msgbuf_putc(b, '"');
        for (size_t i = 0; i < len; i++) {
                if (text[i] == '"' || text[i] == '\\' || text[i] == ']')
                        msgbuf_putc(b, '\\');
                msgbuf_putc(b, text[i]);
        }
        msgbuf_putc(b, '"');
}

static void put_sd_param(struct msgbuf *b, struct msgbuf *tmp, const char *name,
                         const struct pk_field *field, const union pk_value *value)
{
        msgbuf_putc(b, ' ');
        put_sd_name(b, name);
        msgbuf_putc(b, '=');
        msgbuf_reset(tmp);
        value_text(tmp, field, value);
        if (tmp->failed)
                b->failed = true;
        else
                put_sd_value(b, tmp->data ? tmp->data : "", tmp->len);
}

static void put_sd_number(struct msgbuf *b, const char *name, uint64_t value)
{
        msgbuf_printf(b, " %s=\"%" PRIu64 "\"", name, value);
}

static void put_structured(struct msgbuf *b, const struct rfc5424_style *style,
                           const struct pk_record *rec)
{
        const struct pk_event_header *hdr = rec->hdr;
        uint16_t present = hdr ? hdr->present : 0;
        struct msgbuf tmp = {0};

        msgbuf_putc(b, '[');
        put_sd_name(b, style->sd_id);
        if (present & PK_HDR_TASK) {
                static const struct pk_field comm = {.name = "comm", .type = PK_FIELD_STR};
                union pk_value v = {.str = {hdr->comm, PK_COMM_LEN}};

                put_sd_number(b, "tid", hdr->tid);
                put_sd_number(b, "uid", hdr->uid);
                put_sd_param(b, &tmp, "comm", &comm, &v);
        }
        if (present & PK_HDR_AUID)
                put_sd_number(b, "auid", hdr->auid);
        if (present & PK_HDR_SESSION)
                put_sd_number(b, "session", hdr->session);
        if (present & PK_HDR_CGROUP)
                put_sd_number(b, "cgroup", hdr->cgroup_id);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                const struct pk_field *field = &rec->fields[i];
                char buf[256];
                const char *name;

                if (record_field_absent(rec, i))
                        continue; /* no value: no parameter */
                put_sd_param(b, &tmp, field->name, field, &rec->values[i]);
                if (field_has_names(field) &&
                    (name = value_name(field, &rec->values[i], buf, sizeof(buf)))) {
                        msgbuf_putc(b, ' ');
                        msgbuf_printf(b, "%.*s_name=", SD_NAME_MAX - 5, field->name);
                        put_sd_value(b, name, strlen(name));
                }
        }
        msgbuf_putc(b, ']');
        msgbuf_free(&tmp);
}

void rfc5424_format(struct msgbuf *b, const struct rfc5424_style *style, int pri,
                    const struct pk_record *rec)
{
        char msgid[MSGID_MAX + 1], both[2 * 256];

        snprintf(both, sizeof(both), "%s.%s", rec->probe ? rec->probe : "-",
                 rec->event ? rec->event : "-");
        rfc5424_printusascii(msgid, sizeof(msgid), both, MSGID_MAX);
        msgbuf_printf(b, "<%d>1 ", pri);
        put_timestamp(b, rec->ts_ns);
        msgbuf_printf(b, " %s probekit ", style->hostname);
        if (rec->hdr && (rec->hdr->present & PK_HDR_TASK))
                msgbuf_printf(b, "%" PRIu32, rec->hdr->pid);
        else
                msgbuf_putc(b, '-');
        msgbuf_printf(b, " %s ", msgid);
        if (style->structured) {
                put_structured(b, style, rec);
                return;
        }
        msgbuf_puts(b, "- ");
        record_json(b, rec);
}
