// SPDX-License-Identifier: MIT
#include "schema_write.h"

#include <inttypes.h>
#include <stdio.h>

#include "strbuf.h"

enum value_encoding value_encoding_of(enum pk_field_type type)
{
        switch (type) {
        case PK_FIELD_STR:
        case PK_FIELD_STR_ARRAY:
        case PK_FIELD_IPV4:
        case PK_FIELD_IPV6:
                return VALUE_BYTES;
        case PK_FIELD_U64_ARRAY:
                return VALUE_U64_ARRAY;
        default:
                return VALUE_SCALAR;
        }
}

void record_value_write(struct payload *p, enum pk_field_type type, const union pk_value *v)
{
        switch (value_encoding_of(type)) {
        case VALUE_BYTES:
                payload_bytes(p, v->str.ptr ? v->str.ptr : "", v->str.ptr ? v->str.len : 0);
                break;
        case VALUE_U64_ARRAY: {
                uint32_t n = v->arr.ptr ? v->arr.len : 0;

                payload_u32(p, n * 8);
                payload_put(p, v->arr.ptr, (size_t)n * 8);
                break;
        }
        default:
                payload_u32(p, 8);
                payload_u64(p, v->u64);
                break;
        }
}

/* An option's value as the text the INI file would hold. */
static void option_text(struct strbuf *sb, const struct pk_option *decl,
                        const struct option_value *v)
{
        switch (decl->type) {
        case PK_OPT_BOOL:
                strbuf_printf(sb, "%s", v->b ? "true" : "false");
                break;
        case PK_OPT_INT:
                strbuf_printf(sb, "%" PRId64, v->i);
                break;
        case PK_OPT_LIST:
                for (size_t i = 0; i < v->n_items; i++)
                        strbuf_printf(sb, "%s%s", i ? "," : "", v->items[i]);
                break;
        default:
                strbuf_printf(sb, "%s", v->s ? v->s : "");
                break;
        }
}

static void write_options(struct payload *p, const struct option_set *opts)
{
        uint32_t n = 0;

        for (size_t i = 0; i < opts->n; i++)
                n += opts->values[i].set;
        payload_u32(p, n);
        for (size_t i = 0; i < opts->n; i++) {
                struct strbuf sb = {0};

                if (!opts->values[i].set)
                        continue;
                option_text(&sb, opts->decls[i], &opts->values[i]);
                payload_str(p, opts->decls[i]->key);
                payload_bytes(p, sb.data ? sb.data : "", (uint32_t)sb.len);
                strbuf_free(&sb);
        }
}

static void write_field(struct payload *p, const struct pk_field *f)
{
        payload_str(p, f->name);
        payload_u32(p, (uint32_t)f->type);
        payload_u32(p, f->offset);
        payload_u32(p, f->size);
        payload_u32(p, f->flags);
        payload_str(p, f->help);
        if (!f->names) {
                payload_u32(p, 0);
                payload_u32(p, 0);
                return;
        }
        payload_u32(p, (uint32_t)f->names->kind);
        payload_u32(p, f->names->n_names);
        for (uint32_t i = 0; i < f->names->n_names; i++) {
                payload_u64(p, f->names->names[i].value);
                payload_str(p, f->names->names[i].name);
        }
}

static void write_event(struct payload *p, const struct pk_event_type *e)
{
        payload_str(p, e->name);
        payload_str(p, e->help);
        payload_u32(p, e->min_size);
        payload_u32(p, e->max_size ? e->max_size : e->min_size);
        payload_u32(p, e->flags);
        payload_u32(p, e->decode ? 1 : 0);
        payload_u32(p, e->n_fields);
        for (uint32_t i = 0; i < e->n_fields; i++)
                write_field(p, &e->fields[i]);
}

void schema_write(struct payload *p, uint32_t id, const struct pk_instance *inst)
{
        const struct pk_plugin *d = &inst->plugin->desc;

        payload_u32(p, id);
        payload_str(p, inst->name);
        payload_str(p, d->name);
        payload_str(p, d->version);
        payload_str(p, inst->mode);
        write_options(p, &inst->opts);
        payload_u32(p, d->n_events);
        for (uint32_t i = 0; i < d->n_events; i++)
                write_event(p, &d->events[i]);
}
