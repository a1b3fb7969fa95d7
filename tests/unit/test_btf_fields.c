// SPDX-License-Identifier: MIT
/*
 * Event fields from BTF: a real BPF object (btf/btf_test.bpf.c) whose struct
 * the loader reads. The resolved table matches the compiler's offsetof();
 * annotations that name no member, or override a member's type with one of
 * another size, are refused with the field and the struct named.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "btf_test.h"
#include "btf_test.skel.h"
#include "decode.h"
#include "loader.h"
#include "unit_check.h"

static const void *object(size_t *size)
{
        return btf_test_bpf__elf_bytes(size);
}

static const struct pk_probe_ops ops = {.bpf_object = object};
static char why[512];

/* Load a plugin of one event type; returns plugin_set_add()'s result. */
static int load(struct plugin_set *set, struct pk_event_type *event)
{
        struct pk_plugin desc = {
            PK_PLUGIN_HEADER(PK_KIND_PROBE),
            .name = "btf_test",
            .version = "1",
            .description = "fields from BTF",
            .events = event,
            .n_events = 1,
            .probe = &ops,
        };

        why[0] = '\0';
        return plugin_set_add(set, &desc, NULL, "btf_test.so", why, sizeof(why));
}

static const struct pk_field *field(const struct pk_event_type *e, const char *name)
{
        for (uint32_t i = 0; i < e->n_fields; i++) {
                if (!strcmp(e->fields[i].name, name))
                        return &e->fields[i];
        }
        return NULL;
}

#define EXPECT_FIELD(e, fname, ftype, fsize)                                                       \
        do {                                                                                       \
                const struct pk_field *f_ = field((e), #fname);                                    \
                EXPECT(f_ != NULL);                                                                \
                if (f_) {                                                                          \
                        EXPECT_INT(ftype, f_->type);                                               \
                        EXPECT_INT(offsetof(struct btf_test_event, fname), f_->offset);            \
                        EXPECT_INT(fsize, f_->size);                                               \
                }                                                                                  \
        } while (0)

static void test_resolved_table(void)
{
        static const struct pk_field notes[] = {
            {.name = "flag", .type = PK_FIELD_BOOL, .help = "a __u8 shown as a bool"},
            {.name = "addr", .type = PK_FIELD_IPV6},
            {.name = "v4", .type = PK_FIELD_IPV4},
            {.name = "tail", .type = PK_FIELD_STR_ARRAY},
            {.name = "count", .flags = PK_FIELD_HEX, .help = "from BTF, annotated"},
        };
        struct pk_event_type event = {
            .name = "ev",
            .fields = notes,
            .n_fields = PK_COUNT(notes),
            .min_size = offsetof(struct btf_test_event, tail) + 1,
            .max_size = sizeof(struct btf_test_event),
            .btf_struct = "btf_test_event",
        };
        struct plugin_set set = {0};
        const struct pk_event_type *e;

        EXPECT_INT(0, load(&set, &event));
        EXPECT_STR("", why);
        if (set.n != 1)
                return;
        e = &set.items[0].desc.events[0];
        EXPECT(e != &event);
        /* the annotated fields in their order, then the others in the struct's; _pad left out */
        EXPECT_INT(8, e->n_fields);
        EXPECT_STR("flag", e->fields[0].name);
        EXPECT_STR("count", e->fields[4].name);
        EXPECT_STR("small", e->fields[5].name);
        EXPECT_STR("name", e->fields[7].name);
        EXPECT(field(e, "_pad") == NULL);
        EXPECT_FIELD(e, flag, PK_FIELD_BOOL, 1);
        EXPECT_FIELD(e, addr, PK_FIELD_IPV6, 16);
        EXPECT_FIELD(e, v4, PK_FIELD_IPV4, 4);
        EXPECT_FIELD(e, count, PK_FIELD_U32, 4);
        EXPECT_FIELD(e, small, PK_FIELD_S16, 2);
        EXPECT_FIELD(e, stack, PK_FIELD_U64_ARRAY, 16);
        EXPECT_FIELD(e, name, PK_FIELD_STR, 8);
        /* past min_size: the last member is the sample's tail */
        EXPECT_FIELD(e, tail, PK_FIELD_STR_ARRAY, 0);
        EXPECT_INT(PK_FIELD_HEX, field(e, "count")->flags);
        EXPECT_STR("from BTF, annotated", field(e, "count")->help);
        plugin_set_free(&set);

        /* min_size 0: the struct's size, and the tail a fixed array */
        event.min_size = 0;
        event.max_size = 0;
        EXPECT_INT(0, load(&set, &event));
        if (set.n == 1) {
                e = &set.items[0].desc.events[0];
                EXPECT_INT(sizeof(struct btf_test_event), e->min_size);
                EXPECT_FIELD(e, tail, PK_FIELD_STR_ARRAY, 32);
        }
        plugin_set_free(&set);
}

/* A sample decoded through the resolved table. */
static void test_decode_resolved(void)
{
        static const struct pk_field notes[] = {{.name = "addr", .type = PK_FIELD_IPV6}};
        struct pk_event_type event = {
            .name = "ev", .fields = notes, .n_fields = 1, .btf_struct = "btf_test_event"};
        struct btf_test_event sample = {.count = 7, .small = -2, .flag = 1, .name = "n"};
        struct plugin_set set = {0};
        union pk_value v[16];
        uint64_t absent = 0;
        const struct pk_event_type *e;

        EXPECT_INT(0, load(&set, &event));
        if (set.n != 1)
                return;
        e = &set.items[0].desc.events[0];
        EXPECT_INT(0, decode_declared_fields(e, &sample, sizeof(sample), v, &absent));
        for (uint32_t i = 0; i < e->n_fields; i++) {
                if (!strcmp(e->fields[i].name, "count"))
                        EXPECT_INT(7, v[i].u64);
                if (!strcmp(e->fields[i].name, "small"))
                        EXPECT_INT(-2, v[i].s64);
                if (!strcmp(e->fields[i].name, "flag"))
                        EXPECT_INT(1, v[i].u64);
                if (!strcmp(e->fields[i].name, "name"))
                        EXPECT_INT(1, v[i].str.len);
        }
        plugin_set_free(&set);
}

static void expect_refused(struct pk_event_type *event, const char *reason, int line)
{
        struct plugin_set set = {0};

        unit_expect(load(&set, event) == -EINVAL, "refused with -EINVAL", __FILE__, line);
        unit_expect_has(why, reason, "why", __FILE__, line);
        plugin_set_free(&set);
}

static void test_disagreements(void)
{
        struct pk_field notes[2] = {{.name = "addr", .type = PK_FIELD_IPV6}};
        struct pk_event_type event = {
            .name = "ev", .fields = notes, .n_fields = 1, .btf_struct = "btf_test_event"};

        /* an annotation of a member the struct lacks */
        notes[1] = (struct pk_field){.name = "missing", .help = "not in the struct"};
        event.n_fields = 2;
        expect_refused(&event,
                       "field 'missing' is annotated, but struct 'btf_test_event' has no such "
                       "member",
                       __LINE__);
        /* a type override whose size is not the member's */
        notes[1] = (struct pk_field){.name = "count", .type = PK_FIELD_IPV6};
        expect_refused(&event,
                       "field 'count' is declared ipv6 (16 bytes), but member 'count' of struct "
                       "'btf_test_event' is 4 bytes",
                       __LINE__);
        notes[1] = (struct pk_field){.name = "count", .type = PK_FIELD_STR};
        expect_refused(&event,
                       "field 'count' is declared string, but member 'count' of struct "
                       "'btf_test_event' is not a char or byte array",
                       __LINE__);
        /* a byte array BTF cannot type by itself */
        event.n_fields = 0;
        expect_refused(&event, "member 'addr' of struct 'btf_test_event' is a byte array",
                       __LINE__);
        /* a struct the object does not have */
        event.n_fields = 1;
        event.btf_struct = "no_such_event";
        expect_refused(&event, "struct 'no_such_event' is not in the BTF", __LINE__);
        /* not the sample header first */
        event.btf_struct = "pk_event_header";
        expect_refused(&event, "does not start with struct pk_event_header", __LINE__);
        event.btf_struct = "btf_test_event";
        /* a fixed member that does not fit min_size */
        event.min_size = offsetof(struct btf_test_event, name);
        expect_refused(&event, "member 'name' of struct 'btf_test_event' (offset", __LINE__);
        event.min_size = 0;
        /* names and flags are still checked against the type from BTF */
        notes[1] = (struct pk_field){.name = "name", .flags = PK_FIELD_SIGNAL};
        event.n_fields = 2;
        expect_refused(&event, "field 'name': names, errno, signal", __LINE__);
}

int main(void)
{
        test_resolved_table();
        test_decode_resolved();
        test_disagreements();
        return unit_finish();
}
