// SPDX-License-Identifier: MIT
#include "decode.h"

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

static int64_t read_signed(const unsigned char *p, uint32_t size)
{
        if (size == 4) {
                int32_t v;

                memcpy(&v, p, sizeof(v));
                return v;
        }
        return (int64_t)read_unsigned(p, 8);
}

uint32_t decode_field_width(enum pk_field_type type)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_BOOL:
                return 1;
        case PK_FIELD_U16:
                return 2;
        case PK_FIELD_U32:
        case PK_FIELD_S32:
                return 4;
        case PK_FIELD_U64:
        case PK_FIELD_S64:
                return 8;
        default:
                return 0;
        }
}

int decode_declared_fields(const struct pk_event_type *type, const void *sample, size_t size,
                           union pk_value *values)
{
        const unsigned char *base = sample;

        for (uint32_t i = 0; i < type->n_fields; i++) {
                const struct pk_field *f = &type->fields[i];
                uint32_t width = decode_field_width(f->type);
                const unsigned char *p = base + f->offset;
                size_t avail;

                if (f->offset > size)
                        return -EINVAL;
                avail = size - f->offset;
                switch (f->type) {
                case PK_FIELD_STR: {
                        size_t max = f->size ? f->size : avail;

                        if (max > avail)
                                return -EINVAL;
                        values[i].str.ptr = (const char *)p;
                        values[i].str.len = (uint32_t)strnlen((const char *)p, max);
                        break;
                }
                case PK_FIELD_U64_ARRAY:
                        if (f->size > avail)
                                return -EINVAL;
                        values[i].arr.ptr = (const uint64_t *)(const void *)p;
                        values[i].arr.len = f->size / 8;
                        break;
                case PK_FIELD_S32:
                case PK_FIELD_S64:
                        if (width > avail)
                                return -EINVAL;
                        values[i].s64 = read_signed(p, width);
                        break;
                case PK_FIELD_BOOL:
                        if (width > avail)
                                return -EINVAL;
                        values[i].u64 = *p != 0;
                        break;
                default:
                        if (width > avail)
                                return -EINVAL;
                        values[i].u64 = read_unsigned(p, width);
                        break;
                }
        }
        return 0;
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
        if (type->decode)
                rc = type->decode(inst->plugin_state, sample, size, inst->values, &rec->absent);
        else
                rc = decode_declared_fields(type, sample, size, inst->values);
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
