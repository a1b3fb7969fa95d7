// SPDX-License-Identifier: MIT
#include "decode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static uint64_t read_unsigned(const unsigned char *p, uint32_t size)
{
        switch (size) {
        case 1:
                return *p;
        case 2: {
                uint16_t v;

                memcpy(&v, p, sizeof(v));
                return v;
        }
        case 4: {
                uint32_t v;

                memcpy(&v, p, sizeof(v));
                return v;
        }
        default: {
                uint64_t v;

                memcpy(&v, p, sizeof(v));
                return v;
        }
        }
}

/* The low `size` bytes of `value` as a signed integer of that size. */
static int64_t sign_extend(uint64_t value, uint32_t size)
{
        switch (size) {
        case 1:
                return (int8_t)value;
        case 2:
                return (int16_t)value;
        case 4:
                return (int32_t)value;
        default:
                return (int64_t)value;
        }
}

/* An integer in network byte order, as the kernel keeps ports and addresses. */
static uint64_t from_net_order(uint64_t value, uint32_t size)
{
        switch (size) {
        case 2:
                return ntohs((uint16_t)value);
        case 4:
                return ntohl((uint32_t)value);
        case 8:
                return ((uint64_t)ntohl((uint32_t)value) << 32) | ntohl((uint32_t)(value >> 32));
        default:
                return value;
        }
}

uint32_t decode_field_width(enum pk_field_type type)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_S8:
        case PK_FIELD_BOOL:
                return 1;
        case PK_FIELD_U16:
        case PK_FIELD_S16:
                return 2;
        case PK_FIELD_U32:
        case PK_FIELD_S32:
        case PK_FIELD_IPV4:
                return 4;
        case PK_FIELD_U64:
        case PK_FIELD_S64:
                return 8;
        case PK_FIELD_IPV6:
                return 16;
        default:
                return 0;
        }
}

bool decode_type_is_signed(enum pk_field_type type)
{
        return type == PK_FIELD_S8 || type == PK_FIELD_S16 || type == PK_FIELD_S32 ||
               type == PK_FIELD_S64;
}

/*
 * A fixed-size string array (char args[256]) is filled from its start and
 * zeroed after: its value ends after the last string that is not empty.
 */
static uint32_t str_array_len(const unsigned char *p, size_t max, bool fixed)
{
        size_t len = max;

        if (!fixed)
                return (uint32_t)len;
        while (len > 0 && p[len - 1] == '\0')
                len--;
        if (len == 0)
                return 0;
        return (uint32_t)(len < max ? len + 1 : len);
}

static bool all_zero(const char *p, uint32_t len)
{
        for (uint32_t i = 0; i < len; i++) {
                if (p[i])
                        return false;
        }
        return true;
}

bool decode_value_is_zero(enum pk_field_type type, const union pk_value *value)
{
        switch (type) {
        case PK_FIELD_STR:
        case PK_FIELD_STR_ARRAY:
                return !value->str.ptr || value->str.len == 0 || value->str.ptr[0] == '\0';
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6:
                return !value->str.ptr || all_zero(value->str.ptr, value->str.len);
        case PK_FIELD_U64_ARRAY:
                return !value->arr.ptr || value->arr.len == 0;
        default:
                return value->u64 == 0; /* s64 0 is the same bits */
        }
}

static int decode_one(const struct pk_field *f, const unsigned char *base, size_t size,
                      union pk_value *value)
{
        uint32_t width = decode_field_width(f->type);
        const unsigned char *p = base + f->offset;
        size_t avail;

        if (f->offset > size)
                return -EINVAL;
        avail = size - f->offset;
        switch (f->type) {
        case PK_FIELD_STR:
        case PK_FIELD_STR_ARRAY: {
                size_t max = f->size ? f->size : avail;

                if (max > avail)
                        return -EINVAL;
                value->str.ptr = (const char *)p;
                if (f->type == PK_FIELD_STR)
                        value->str.len = (uint32_t)strnlen((const char *)p, max);
                else
                        value->str.len = str_array_len(p, max, f->size != 0);
                return 0;
        }
        case PK_FIELD_U64_ARRAY:
                if (f->size > avail)
                        return -EINVAL;
                value->arr.ptr = (const uint64_t *)(const void *)p;
                value->arr.len = f->size / 8;
                return 0;
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6:
                if (width > avail)
                        return -EINVAL;
                value->str.ptr = (const char *)p;
                value->str.len = width;
                return 0;
        case PK_FIELD_BOOL:
                if (width > avail)
                        return -EINVAL;
                value->u64 = *p != 0;
                return 0;
        default:
                if (width > avail)
                        return -EINVAL;
                value->u64 = read_unsigned(p, width);
                if (f->flags & PK_FIELD_NET_ORDER)
                        value->u64 = from_net_order(value->u64, width);
                if (decode_type_is_signed(f->type))
                        value->s64 = sign_extend(value->u64, width);
                return 0;
        }
}

int decode_declared_fields(const struct pk_event_type *type, const void *sample, size_t size,
                           union pk_value *values, uint64_t *absent)
{
        for (uint32_t i = 0; i < type->n_fields; i++) {
                int rc = decode_one(&type->fields[i], sample, size, &values[i]);

                if (rc)
                        return rc;
        }
        decode_mark_zero_absent(type, values, absent);
        return 0;
}

void decode_mark_zero_absent(const struct pk_event_type *type, const union pk_value *values,
                             uint64_t *absent)
{
        uint32_t n = type->n_fields < 64 ? type->n_fields : 64;

        for (uint32_t i = 0; i < n; i++) {
                const struct pk_field *f = &type->fields[i];

                if ((f->flags & PK_FIELD_ZERO_ABSENT) && decode_value_is_zero(f->type, &values[i]))
                        *absent |= 1ull << i;
        }
}

int decode_sample(struct pk_instance *inst, const void *sample, size_t size, struct pk_record *rec)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        const struct pk_event_header *hdr = sample;
        const struct pk_event_type *type;
        uint32_t max;
        int rc;

        if (size < sizeof(*hdr) || hdr->type >= d->n_events)
                return -EINVAL;
        type = &d->events[hdr->type];
        max = type->max_size ? type->max_size : type->min_size;
        if (size < type->min_size || size > max || (type->flags & PK_EVENT_EMITTED))
                return -EINVAL;
        rec->absent = 0;
        rec->flags = 0;
        if (type->decode) {
                rc = type->decode(inst->plugin_state, sample, size, inst->values, &rec->absent);
                if (!rc)
                        decode_mark_zero_absent(type, inst->values, &rec->absent);
        } else {
                rc = decode_declared_fields(type, sample, size, inst->values, &rec->absent);
        }
        if (rc)
                return -EINVAL;
        rec->probe = inst->name;
        rec->event = type->name;
        rec->mode = inst->mode;
        rec->ts_ns = clock_mono_to_realtime(hdr->ts_ns);
        rec->hdr = hdr;
        rec->fields = type->fields;
        rec->values = inst->values;
        rec->n_fields = type->n_fields;
        return 0;
}
