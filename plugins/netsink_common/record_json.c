/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* strerrorname_np, sigabbrev_np */

#include "record_json.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
        size_t len;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, cp = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, cp = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return 0;
        return len;
}

static size_t cut_at_nul(const char *s, size_t len)
{
        const char *nul = s ? memchr(s, '\0', len) : NULL;

        return s ? (nul ? (size_t)(nul - s) : len) : 0;
}

void json_put_string(struct msgbuf *b, const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *)s;

        len = cut_at_nul(s, len);
        msgbuf_putc(b, '"');
        for (size_t i = 0; i < len;) {
                unsigned char c = u[i];
                size_t seq;

                if (c == '"' || c == '\\') {
                        msgbuf_putc(b, '\\');
                        msgbuf_putc(b, (char)c);
                        i++;
                } else if (c < 0x20 || c == 0x7f) {
                        msgbuf_printf(b, "\\u%04x", c);
                        i++;
                } else if ((seq = utf8_sequence(u + i, len - i)) != 0) {
                        msgbuf_append(b, u + i, seq);
                        i += seq;
                } else {
                        msgbuf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
                        i++;
                }
        }
        msgbuf_putc(b, '"');
}

static void put_plain_string(struct msgbuf *b, const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *)s;

        len = cut_at_nul(s, len);
        for (size_t i = 0; i < len;) {
                size_t seq;

                if (u[i] < 0x20 || u[i] == 0x7f) {
                        msgbuf_putc(b, '?');
                        i++;
                } else if ((seq = utf8_sequence(u + i, len - i)) != 0) {
                        msgbuf_append(b, u + i, seq);
                        i += seq;
                } else {
                        msgbuf_puts(b, "\xef\xbf\xbd");
                        i++;
                }
        }
}

/* The address as text, in quotes when `quoted` (JSON), or null. */
static void put_address(struct msgbuf *b, enum pk_field_type type, const union pk_value *value,
                        bool quoted)
{
        char text[INET6_ADDRSTRLEN];
        const unsigned char *bytes = (const unsigned char *)value->str.ptr;
        static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        const char *ok = NULL;

        if (bytes && type == PK_FIELD_IPV4 && value->str.len >= 4)
                ok = inet_ntop(AF_INET, bytes, text, sizeof(text));
        else if (bytes && type == PK_FIELD_IPV6 && value->str.len >= 16)
                ok = memcmp(bytes, v4_mapped, 12) == 0
                         ? inet_ntop(AF_INET, bytes + 12, text, sizeof(text))
                         : inet_ntop(AF_INET6, bytes, text, sizeof(text));
        if (!ok) {
                msgbuf_puts(b, "null");
                return;
        }
        if (quoted)
                msgbuf_putc(b, '"');
        msgbuf_puts(b, text);
        if (quoted)
                msgbuf_putc(b, '"');
}

static void put_string_array(struct msgbuf *b, const union pk_value *value)
{
        const char *s = value->str.ptr;
        size_t left = s ? value->str.len : 0;
        bool first = true;

        msgbuf_putc(b, '[');
        while (left > 0) {
                size_t len = cut_at_nul(s, left);

                if (!first)
                        msgbuf_putc(b, ',');
                first = false;
                json_put_string(b, s, len);
                len += len < left; /* the NUL */
                s += len;
                left -= len;
        }
        msgbuf_putc(b, ']');
}

static void put_json_value(struct msgbuf *b, enum pk_field_type type, const union pk_value *value)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_U16:
        case PK_FIELD_U32:
        case PK_FIELD_U64:
                msgbuf_printf(b, "%" PRIu64, value->u64);
                break;
        case PK_FIELD_S8:
        case PK_FIELD_S16:
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                msgbuf_printf(b, "%" PRId64, value->s64);
                break;
        case PK_FIELD_BOOL:
                msgbuf_puts(b, value->u64 ? "true" : "false");
                break;
        case PK_FIELD_STR:
                json_put_string(b, value->str.ptr, value->str.ptr ? value->str.len : 0);
                break;
        case PK_FIELD_U64_ARRAY:
                msgbuf_putc(b, '[');
                for (uint32_t i = 0; value->arr.ptr && i < value->arr.len; i++)
                        msgbuf_printf(b, "%s%" PRIu64, i ? "," : "", value->arr.ptr[i]);
                msgbuf_putc(b, ']');
                break;
        case PK_FIELD_STR_ARRAY:
                put_string_array(b, value);
                break;
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6:
                put_address(b, type, value, true);
                break;
        default:
                /* A type newer than this sink: say so rather than guess a layout. */
                msgbuf_puts(b, "null");
                break;
        }
}

void value_text(struct msgbuf *b, const struct pk_field *field, const union pk_value *value)
{
        if (field->type == PK_FIELD_STR)
                put_plain_string(b, value->str.ptr, value->str.ptr ? value->str.len : 0);
        else if (field->type == PK_FIELD_IPV4 || field->type == PK_FIELD_IPV6)
                put_address(b, field->type, value, false);
        else
                put_json_value(b, field->type, value);
}

int field_has_names(const struct pk_field *field)
{
        return field->names ||
               (field->flags & (PK_FIELD_ERRNO | PK_FIELD_SIGNAL | PK_FIELD_SYSCALL));
}

static const char *flags_name(const struct pk_names *names, uint64_t value, char *buf, size_t size)
{
        size_t used = 0;

        buf[0] = '\0';
        for (uint32_t i = 0; i < names->n_names; i++) {
                const struct pk_name *n = &names->names[i];

                if (n->value == 0) {
                        if (value == 0)
                                return n->name;
                        continue;
                }
                if ((value & n->value) == n->value) {
                        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
                                                 used ? "|" : "", n->name);
                        value &= ~n->value;
                }
        }
        if (value)
                used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s0x%" PRIx64,
                                         used ? "|" : "", value);
        return used && used < size ? buf : NULL;
}

const char *value_name(const struct pk_field *field, const union pk_value *value, char *buf,
                       size_t size)
{
        bool is_signed = field->type == PK_FIELD_S32 || field->type == PK_FIELD_S64 ||
                         field->type == PK_FIELD_S8 || field->type == PK_FIELD_S16;
        int64_t number = is_signed ? value->s64 : (int64_t)value->u64;

        if (field->names && field->names->kind == PK_NAMES_FLAGS)
                return flags_name(field->names, value->u64, buf, size);
        if (field->names) {
                for (uint32_t i = 0; i < field->names->n_names; i++)
                        if (field->names->names[i].value == (uint64_t)number)
                                return field->names->names[i].name;
                return NULL;
        }
        if (field->flags & PK_FIELD_ERRNO)
                return number < 0 && number > -4096 ? strerrorname_np((int)-number) : NULL;
        if ((field->flags & PK_FIELD_SIGNAL) && number > 0 && number < 65) {
                const char *abbrev = sigabbrev_np((int)number);

                if (!abbrev)
                        return NULL;
                snprintf(buf, size, "SIG%s", abbrev);
                return buf;
        }
        return NULL; /* syscall names are the core's table, not the SDK's */
}

static void put_c_string(struct msgbuf *b, const char *s)
{
        json_put_string(b, s ? s : "", s ? strlen(s) : 0);
}

static void put_key(struct msgbuf *b, const char *key)
{
        msgbuf_putc(b, ',');
        json_put_string(b, key, strlen(key));
        msgbuf_putc(b, ':');
}

static void put_optional(struct msgbuf *b, const char *key, uint64_t value, bool present)
{
        put_key(b, key);
        if (present)
                msgbuf_printf(b, "%" PRIu64, value);
        else
                msgbuf_puts(b, "null");
}

static void put_header(struct msgbuf *b, const struct pk_event_header *hdr)
{
        uint16_t present = hdr ? hdr->present : 0;
        bool task = present & PK_HDR_TASK;

        put_optional(b, "pid", task ? hdr->pid : 0, task);
        put_optional(b, "tid", task ? hdr->tid : 0, task);
        put_optional(b, "uid", task ? hdr->uid : 0, task);
        put_optional(b, "auid", hdr ? hdr->auid : 0, present & PK_HDR_AUID);
        put_optional(b, "session", hdr ? hdr->session : 0, present & PK_HDR_SESSION);
        put_key(b, "comm");
        if (task)
                json_put_string(b, hdr->comm, PK_COMM_LEN);
        else
                msgbuf_puts(b, "null");
        put_optional(b, "cgroup", hdr ? hdr->cgroup_id : 0, present & PK_HDR_CGROUP);
}

static void put_name_key(struct msgbuf *b, const struct pk_field *field,
                         const union pk_value *value, bool absent)
{
        char buf[256];
        const char *name = absent ? NULL : value_name(field, value, buf, sizeof(buf));

        msgbuf_putc(b, ',');
        msgbuf_putc(b, '"');
        msgbuf_puts(b, field->name);
        msgbuf_puts(b, "_name\":");
        if (name)
                json_put_string(b, name, strlen(name));
        else
                msgbuf_puts(b, "null");
}

void record_json(struct msgbuf *b, const struct pk_record *rec)
{
        msgbuf_printf(b, "{\"ts\":%" PRIu64, rec->ts_ns);
        put_key(b, "probe");
        put_c_string(b, rec->probe);
        put_key(b, "event");
        put_c_string(b, rec->event);
        if (rec->mode) {
                put_key(b, "mode");
                put_c_string(b, rec->mode);
        }
        put_header(b, rec->hdr);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                const struct pk_field *field = &rec->fields[i];
                bool absent = record_field_absent(rec, i);

                put_key(b, field->name);
                if (absent)
                        msgbuf_puts(b, "null");
                else
                        put_json_value(b, field->type, &rec->values[i]);
                if (field_has_names(field))
                        put_name_key(b, field, &rec->values[i], absent);
        }
        if (rec->flags & PK_RECORD_PARTIAL)
                msgbuf_puts(b, ",\"partial\":true");
        msgbuf_putc(b, '}');
}
