// SPDX-License-Identifier: MIT
/*
 * An event's fields from the BTF of the plugin's own BPF object. The struct
 * named by `btf_struct` gives every member's name, offset, size and type;
 * the plugin's table only annotates (help, flags, names, a type BTF cannot
 * tell: an address in a __u32, argv in a char array). So the layout user
 * space reads is the one the compiler laid out for the BPF side, and a
 * padding or order mistake in a hand-written offsetof table cannot happen.
 */
#include "btf_fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "decode.h"
#include "describe.h"

/* What a member of the struct is, as far as BTF tells. */
struct member_info {
        const char *name;
        uint32_t offset;
        uint32_t size;
        enum pk_field_type type; /* 0: BTF alone cannot tell */
        bool byte_array;         /* an array of 1-byte integers (char, __u8) */
        bool array;
        bool flexible;           /* an array of no elements: the sample's tail */
        const char *why_untyped; /* when type is 0 */
};

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
        return btf__name_by_offset(btf, t->name_off);
}

static enum pk_field_type integer_type(uint32_t size, bool is_signed)
{
        switch (size) {
        case 1:
                return is_signed ? PK_FIELD_S8 : PK_FIELD_U8;
        case 2:
                return is_signed ? PK_FIELD_S16 : PK_FIELD_U16;
        case 4:
                return is_signed ? PK_FIELD_S32 : PK_FIELD_U32;
        case 8:
                return is_signed ? PK_FIELD_S64 : PK_FIELD_U64;
        default:
                return 0;
        }
}

static void describe_array(const struct btf *btf, const struct btf_type *t, struct member_info *m)
{
        const struct btf_array *arr = btf_array(t);
        int elem_id = btf__resolve_type(btf, arr->type);
        const struct btf_type *elem = elem_id < 0 ? NULL : btf__type_by_id(btf, elem_id);

        m->array = true;
        m->flexible = arr->nelems == 0;
        if (!elem || !btf_is_int(elem)) {
                m->why_untyped = "an array of something other than integers";
                return;
        }
        if (elem->size == 1) {
                m->byte_array = true;
                /* char is text; __u8/unsigned char could be bytes of anything */
                if (!strcmp(type_name(btf, elem), "char"))
                        m->type = PK_FIELD_STR;
                else
                        m->why_untyped = "a byte array (declare STR, STR_ARRAY, IPV4 or IPV6)";
                return;
        }
        if (elem->size == 8) {
                m->type = PK_FIELD_U64_ARRAY;
                return;
        }
        m->why_untyped = "an array of integers other than 8-byte ones";
}

static int describe_member(const struct btf *btf, const struct btf_type *st, int index,
                           struct member_info *m)
{
        const struct btf_member *member = btf_members(st) + index;
        int id = btf__resolve_type(btf, member->type);
        const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
        __s64 size = btf__resolve_size(btf, member->type);

        memset(m, 0, sizeof(*m));
        m->name = btf__name_by_offset(btf, member->name_off);
        m->offset = btf_member_bit_offset(st, index) / 8;
        if (!t || size < 0)
                return -EINVAL;
        m->size = (uint32_t)size;
        if (btf_member_bitfield_size(st, index)) {
                m->why_untyped = "a bit-field";
        } else if (btf_is_int(t)) {
                if (btf_int_encoding(t) & BTF_INT_BOOL)
                        m->type = t->size == 1 ? PK_FIELD_BOOL : 0;
                else
                        m->type = integer_type(t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
                if (!m->type)
                        m->why_untyped = "an integer of a size probekit does not print";
        } else if (btf_is_any_enum(t)) {
                m->type = integer_type(t->size, false);
        } else if (btf_is_array(t)) {
                describe_array(btf, t, m);
        } else {
                m->why_untyped = "not an integer, a bool or an array";
        }
        return 0;
}

/* Whether an annotation's type can read a member of this shape. */
static bool override_fits(enum pk_field_type type, const struct member_info *m)
{
        uint32_t width = decode_field_width(type);

        if (type == PK_FIELD_STR || type == PK_FIELD_STR_ARRAY)
                return m->byte_array;
        if (type == PK_FIELD_U64_ARRAY)
                return m->array && m->size % 8 == 0;
        return width && width == m->size && !m->flexible;
}

static void describe_mismatch(const struct pk_event_type *e, const struct pk_field *a,
                              const struct member_info *m, char *why, size_t len)
{
        uint32_t width = decode_field_width(a->type);

        if (width)
                snprintf(why, len,
                         "event '%s': field '%s' is declared %s (%u bytes), but member '%s' of "
                         "struct '%s' is %u bytes%s",
                         e->name, a->name, field_type_name(a->type), width, m->name, e->btf_struct,
                         m->size, m->flexible ? " (a flexible array)" : "");
        else
                snprintf(why, len,
                         "event '%s': field '%s' is declared %s, but member '%s' of struct '%s' "
                         "is %s",
                         e->name, a->name, field_type_name(a->type), m->name, e->btf_struct,
                         a->type == PK_FIELD_U64_ARRAY ? "not an array of 8-byte elements"
                                                       : "not a char or byte array");
}

static const struct pk_field *find_annotation(const struct pk_event_type *e, const char *name)
{
        for (uint32_t i = 0; i < e->n_fields; i++) {
                if (e->fields[i].name && !strcmp(e->fields[i].name, name))
                        return &e->fields[i];
        }
        return NULL;
}

static int find_member(const struct btf *btf, const struct btf_type *st, const char *name)
{
        for (int i = 1; i < btf_vlen(st); i++) {
                if (!strcmp(btf__name_by_offset(btf, btf_members(st)[i].name_off), name))
                        return i;
        }
        return -1;
}

static char *keep_name(struct btf_fields *names, const char *name)
{
        char **grown = realloc(names->names, (names->n_names + 1) * sizeof(*grown));

        if (!grown)
                return NULL;
        names->names = grown;
        grown[names->n_names] = strdup(name);
        if (!grown[names->n_names])
                return NULL;
        return grown[names->n_names++];
}

/* One field from member `index`, annotated by `a` (NULL: none). */
static int make_field(const struct btf *btf, const struct btf_type *st, int index,
                      const struct pk_event_type *e, const struct pk_field *a, uint32_t min_size,
                      struct pk_field *out, struct btf_fields *names, char *why, size_t len)
{
        bool last = index == btf_vlen(st) - 1;
        struct member_info m;

        if (describe_member(btf, st, index, &m)) {
                snprintf(why, len, "event '%s': member %d of struct '%s' has no size in BTF",
                         e->name, index, e->btf_struct);
                return -EINVAL;
        }
        *out = a ? *a : (struct pk_field){0};
        if (a && a->type) {
                if (!override_fits(a->type, &m)) {
                        describe_mismatch(e, a, &m, why, len);
                        return -EINVAL;
                }
        } else if (!m.type) {
                snprintf(why, len, "event '%s': member '%s' of struct '%s' is %s: %s", e->name,
                         m.name, e->btf_struct, m.why_untyped,
                         "annotate it with a type, or name it with a leading '_' to leave it out");
                return -EINVAL;
        } else {
                out->type = m.type;
        }
        out->offset = m.offset;
        out->size = m.size;
        if (m.flexible || (uint64_t)m.offset + m.size > min_size) {
                /* a trailing string is sent up to its NUL: it ends with the sample */
                if (!last || (out->type != PK_FIELD_STR && out->type != PK_FIELD_STR_ARRAY)) {
                        snprintf(why, len,
                                 "event '%s': member '%s' of struct '%s' (offset %u, size %u) "
                                 "ends past min_size %u: only its last member, a string, may",
                                 e->name, m.name, e->btf_struct, m.offset, m.size, min_size);
                        return -EINVAL;
                }
                out->size = 0;
        }
        if (!a) {
                out->name = keep_name(names, m.name);
                if (!out->name)
                        return -ENOMEM;
        }
        return 0;
}

/* The struct must start with the header every sample has. */
static int check_header_member(const struct btf *btf, const struct btf_type *st,
                               const struct pk_event_type *e, char *why, size_t len)
{
        const struct btf_type *t = NULL;
        int id;

        if (btf_vlen(st) > 0 && btf_member_bit_offset(st, 0) == 0) {
                id = btf__resolve_type(btf, btf_members(st)[0].type);
                t = id < 0 ? NULL : btf__type_by_id(btf, id);
        }
        if (!t || !btf_is_struct(t) || strcmp(type_name(btf, t), "pk_event_header") != 0) {
                snprintf(why, len,
                         "event '%s': struct '%s' does not start with struct "
                         "pk_event_header",
                         e->name, e->btf_struct);
                return -EINVAL;
        }
        return 0;
}

static int check_annotations(const struct btf *btf, const struct btf_type *st,
                             const struct pk_event_type *e, char *why, size_t len)
{
        for (uint32_t i = 0; i < e->n_fields; i++) {
                const char *name = e->fields[i].name;

                if (!name || find_member(btf, st, name) < 0) {
                        snprintf(why, len,
                                 "event '%s': field '%s' is annotated, but struct '%s' has no "
                                 "such member",
                                 e->name, name ? name : "(null)", e->btf_struct);
                        return -EINVAL;
                }
                if (find_annotation(e, name) != &e->fields[i]) {
                        snprintf(why, len, "event '%s': field '%s' is annotated twice", e->name,
                                 name);
                        return -EINVAL;
                }
        }
        return 0;
}

int btf_fields_resolve_event(const struct btf *btf, const struct pk_event_type *e,
                             struct pk_event_type *resolved, struct pk_field **fields,
                             struct btf_fields *names, char *why, size_t len)
{
        const struct btf_type *st;
        struct pk_field *table;
        uint32_t n = 0, min_size;
        int id, rc;

        if (e->decode || (e->flags & PK_EVENT_EMITTED)) {
                snprintf(why, len,
                         "event '%s': a btf_struct event is decoded from its struct: it has no "
                         "decode() and is not emitted",
                         e->name);
                return -EINVAL;
        }
        id = btf__find_by_name_kind(btf, e->btf_struct, BTF_KIND_STRUCT);
        if (id < 0) {
                snprintf(why, len,
                         "event '%s': struct '%s' is not in the BTF of the plugin's BPF object "
                         "(its BPF code must use the struct)",
                         e->name, e->btf_struct);
                return -EINVAL;
        }
        st = btf__type_by_id(btf, id);
        rc = check_header_member(btf, st, e, why, len);
        if (!rc)
                rc = check_annotations(btf, st, e, why, len);
        if (rc)
                return rc;
        min_size = e->min_size ? e->min_size : st->size;
        table = calloc(btf_vlen(st), sizeof(*table));
        if (!table)
                return -ENOMEM;
        *fields = table;
        /* the annotated fields first, in the plugin's order, then the others in the struct's */
        for (uint32_t i = 0; i < e->n_fields; i++) {
                int index = find_member(btf, st, e->fields[i].name);

                rc = make_field(btf, st, index, e, &e->fields[i], min_size, &table[n++], names, why,
                                len);
                if (rc)
                        return rc;
        }
        for (int i = 1; i < btf_vlen(st); i++) {
                const char *name = btf__name_by_offset(btf, btf_members(st)[i].name_off);

                if (!*name || name[0] == '_' || find_annotation(e, name))
                        continue;
                rc = make_field(btf, st, i, e, NULL, min_size, &table[n++], names, why, len);
                if (rc)
                        return rc;
        }
        *resolved = *e;
        resolved->fields = table;
        resolved->n_fields = n;
        resolved->min_size = min_size;
        return 0;
}

static bool has_btf_events(const struct pk_plugin *d)
{
        for (uint32_t i = 0; i < d->n_events; i++) {
                if (d->events[i].btf_struct)
                        return true;
        }
        return false;
}

int btf_fields_resolve(const struct pk_plugin *d, struct btf_fields *out, char *why, size_t why_len)
{
        LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = d->name);
        struct bpf_object *obj;
        const void *bytes;
        size_t size = 0;
        struct btf *btf;
        int rc = 0;

        memset(out, 0, sizeof(*out));
        if (!has_btf_events(d))
                return 0;
        bytes = d->probe->bpf_object(&size);
        obj = bytes ? bpf_object__open_mem(bytes, size, &opts) : NULL;
        if (!obj || libbpf_get_error(obj)) {
                snprintf(why, why_len, "its BPF object cannot be opened to read its BTF");
                return -EINVAL;
        }
        btf = bpf_object__btf(obj);
        out->events = calloc(d->n_events, sizeof(*out->events));
        out->fields = calloc(d->n_events, sizeof(*out->fields));
        out->n_events = d->n_events;
        if (!btf) {
                snprintf(why, why_len, "its BPF object carries no BTF (build it with -g)");
                rc = -EINVAL;
        } else if (!out->events || !out->fields) {
                rc = -ENOMEM;
        }
        for (uint32_t i = 0; !rc && i < d->n_events; i++) {
                out->events[i] = d->events[i];
                if (d->events[i].btf_struct)
                        rc = btf_fields_resolve_event(btf, &d->events[i], &out->events[i],
                                                      &out->fields[i], out, why, why_len);
        }
        bpf_object__close(obj);
        if (rc) {
                if (rc == -ENOMEM)
                        snprintf(why, why_len, "out of memory reading its BTF");
                btf_fields_free(out);
        }
        return rc;
}

void btf_fields_free(struct btf_fields *f)
{
        for (uint32_t i = 0; f->fields && i < f->n_events; i++)
                free(f->fields[i]);
        for (size_t i = 0; i < f->n_names; i++)
                free(f->names[i]);
        free(f->fields);
        free(f->names);
        free(f->events);
        memset(f, 0, sizeof(*f));
}
