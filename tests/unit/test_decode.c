// SPDX-License-Identifier: MIT
/*
 * decode.c: samples of an event type with a field of every type, each in a
 * heap buffer of exactly its size so that valgrind or ASan see any read past
 * its end; sizes outside [min_size, max_size] and unknown types refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "unit_check.h"

struct all_types {
        struct pk_event_header hdr;
        uint8_t u8;
        uint8_t flag;
        uint16_t u16;
        uint32_t u32;
        int32_t s32;
        uint32_t pad;
        uint64_t u64;
        int64_t s64;
        uint64_t numbers[3];
        char name[16];
        char tail[]; /* to the sample's end */
};

#define TAIL_MAX 64
#define MIN_SIZE ((uint32_t)offsetof(struct all_types, tail))
#define MAX_SIZE (MIN_SIZE + TAIL_MAX)
#define FIELD(field_name, field_type, member, field_size)                                          \
        {                                                                                          \
                .name = field_name, .type = field_type,                                            \
                .offset = offsetof(struct all_types, member), .size = field_size                   \
        }

enum { F_U8, F_BOOL, F_U16, F_U32, F_S32, F_U64, F_S64, F_NUMBERS, F_NAME, F_TAIL, N_FIELDS };

static const struct pk_field fields[N_FIELDS] = {
    FIELD("u8", PK_FIELD_U8, u8, 1),       FIELD("flag", PK_FIELD_BOOL, flag, 1),
    FIELD("u16", PK_FIELD_U16, u16, 2),    FIELD("u32", PK_FIELD_U32, u32, 4),
    FIELD("s32", PK_FIELD_S32, s32, 4),    FIELD("u64", PK_FIELD_U64, u64, 8),
    FIELD("s64", PK_FIELD_S64, s64, 8),    FIELD("numbers", PK_FIELD_U64_ARRAY, numbers, 24),
    FIELD("name", PK_FIELD_STR, name, 16), FIELD("tail", PK_FIELD_STR, tail, 0),
};

static void *last_state;
static size_t last_size;

/* A custom decoder: fails for a sample whose flags say so. */
static int custom_decode(void *state, const void *sample, size_t size, union pk_value *values,
                         uint64_t *absent)
{
        const struct pk_event_header *hdr = sample;

        (void)absent;
        last_state = state;
        last_size = size;
        values[0].u64 = hdr->pid * 2ULL;
        return hdr->present ? -EIO : 0;
}

static const struct pk_field doubled_pid = {.name = "doubled_pid", .type = PK_FIELD_U64};

static const struct pk_event_type events[] = {
    {.name = "all",
     .fields = fields,
     .n_fields = N_FIELDS,
     .min_size = MIN_SIZE,
     .max_size = MAX_SIZE},
    {.name = "custom",
     .fields = &doubled_pid,
     .n_fields = 1,
     .min_size = sizeof(struct pk_event_header),
     .decode = custom_decode},
};

/* A sample of every field's type with distinct values, and `tail` after it. */
static void fill(struct all_types *s, const char *tail, size_t tail_len)
{
        memset(s, 0, sizeof(*s));
        s->hdr.ts_ns = 123456789;
        s->hdr.pid = 1234;
        s->hdr.type = 0;
        s->u8 = 0xfe;
        s->flag = 7;
        s->u16 = 0xbeef;
        s->u32 = 0xfffffffe;
        s->s32 = -5;
        s->u64 = 0x0123456789abcdefULL;
        s->s64 = INT64_MIN;
        s->numbers[0] = 1;
        s->numbers[1] = UINT64_MAX;
        s->numbers[2] = 3;
        memcpy(s->name, "sixteen_bytes_xx", 16); /* no NUL inside its 16 bytes */
        memcpy(s->tail, tail, tail_len);
}

/* A heap copy of the first `size` bytes of a sample, nothing more. */
static void *exact_copy(const void *sample, size_t size)
{
        void *copy = malloc(size ? size : 1);

        if (copy)
                memcpy(copy, sample, size);
        return copy;
}

static union {
        struct all_types s;
        unsigned char bytes[MAX_SIZE + 8];
} buf;

static void test_declared_fields(void)
{
        static const char tail[] = "hello\0junk";
        size_t size = MIN_SIZE + sizeof(tail);
        union pk_value v[N_FIELDS];
        uint64_t absent = 0;
        void *sample;

        fill(&buf.s, tail, sizeof(tail));
        sample = exact_copy(&buf, size);
        if (!EXPECT(sample != NULL))
                return;
        memset(v, 0, sizeof(v));
        EXPECT_INT(0, decode_declared_fields(&events[0], sample, size, v, &absent));
        EXPECT_INT(0xfe, v[F_U8].u64);
        EXPECT_INT(1, v[F_BOOL].u64);
        EXPECT_INT(0xbeef, v[F_U16].u64);
        EXPECT_INT(0xfffffffeLL, v[F_U32].u64); /* no sign extension */
        EXPECT_INT(-5, v[F_S32].s64);           /* sign extension */
        EXPECT(v[F_U64].u64 == 0x0123456789abcdefULL);
        EXPECT(v[F_S64].s64 == INT64_MIN);
        EXPECT_INT(3, v[F_NUMBERS].arr.len);
        EXPECT(v[F_NUMBERS].arr.ptr[1] == UINT64_MAX);
        EXPECT_INT(16, v[F_NAME].str.len);
        EXPECT_INT(0, memcmp(v[F_NAME].str.ptr, "sixteen_bytes_xx", 16));
        EXPECT_INT(5, v[F_TAIL].str.len); /* stops at the NUL */
        EXPECT_INT(0, memcmp(v[F_TAIL].str.ptr, "hello", 5));
        EXPECT((const char *)sample + MIN_SIZE == v[F_TAIL].str.ptr);
        free(sample);

        /* a tail with no NUL: up to the sample's end and not one byte further */
        fill(&buf.s, "abc", 3);
        sample = exact_copy(&buf, MIN_SIZE + 3);
        EXPECT_INT(0, decode_declared_fields(&events[0], sample, MIN_SIZE + 3, v, &absent));
        EXPECT_INT(3, v[F_TAIL].str.len);
        free(sample);

        /* an empty tail */
        sample = exact_copy(&buf, MIN_SIZE);
        EXPECT_INT(0, decode_declared_fields(&events[0], sample, MIN_SIZE, v, &absent));
        EXPECT_INT(0, v[F_TAIL].str.len);
        free(sample);
}

/* Called on samples shorter than the fields: refused, nothing read past the end. */
static void test_declared_fields_short(void)
{
        union pk_value v[N_FIELDS];
        uint64_t absent = 0;

        fill(&buf.s, "", 0);
        for (size_t size = 0; size < MIN_SIZE; size++) {
                void *sample = exact_copy(&buf, size);

                if (!EXPECT(sample != NULL))
                        return;
                EXPECT_INT(-EINVAL, decode_declared_fields(&events[0], sample, size, v, &absent));
                free(sample);
        }
}

static struct plugin_handle handle;
static union pk_value values[N_FIELDS];
static struct pk_instance inst = {
    .name = "inst", .plugin = &handle, .mode = "kprobe", .values = values};

/* decode_sample on an exact heap copy of the first `size` bytes of `buf`. */
static int decode(size_t size, struct pk_record *rec)
{
        void *sample = exact_copy(&buf, size);
        int rc;

        if (!EXPECT(sample != NULL))
                return -ENOMEM;
        memset(rec, 0, sizeof(*rec));
        rc = decode_sample(&inst, sample, size, rec);
        free(sample);
        return rc;
}

static void test_sample_sizes(void)
{
        struct pk_record rec;

        fill(&buf.s, "xyz", 3);
        EXPECT_INT(0, decode(MIN_SIZE + 3, &rec));
        EXPECT_STR("inst", rec.probe);
        EXPECT_STR("all", rec.event);
        EXPECT_STR("kprobe", rec.mode);
        EXPECT_INT(N_FIELDS, rec.n_fields);
        EXPECT(rec.fields == fields);
        EXPECT(rec.values == values);
        EXPECT(rec.hdr != NULL);
        EXPECT_INT(-5, values[F_S32].s64);
        EXPECT_INT(0, decode(MIN_SIZE, &rec));
        EXPECT_INT(0, decode(MAX_SIZE, &rec));

        EXPECT_INT(-EINVAL, decode(0, &rec));
        EXPECT_INT(-EINVAL, decode(sizeof(struct pk_event_header) - 1, &rec));
        EXPECT_INT(-EINVAL, decode(sizeof(struct pk_event_header), &rec));
        EXPECT_INT(-EINVAL, decode(MIN_SIZE - 1, &rec));
        EXPECT_INT(-EINVAL, decode(MAX_SIZE + 1, &rec));
        EXPECT(rec.event == NULL);

        buf.s.hdr.type = 2;
        EXPECT_INT(-EINVAL, decode(MIN_SIZE, &rec));
        buf.s.hdr.type = UINT16_MAX;
        EXPECT_INT(-EINVAL, decode(MIN_SIZE, &rec));
}

static void test_custom_decoder(void)
{
        const size_t hdr_size = sizeof(struct pk_event_header);
        struct pk_record rec;

        fill(&buf.s, "", 0);
        buf.s.hdr.type = 1;
        EXPECT_INT(0, decode(hdr_size, &rec));
        EXPECT(last_state == inst.plugin_state);
        EXPECT_INT(hdr_size, last_size);
        EXPECT_STR("custom", rec.event);
        EXPECT_INT(2468, values[0].u64);
        /* max_size 0 means min_size */
        last_size = 0;
        EXPECT_INT(-EINVAL, decode(hdr_size + 1, &rec));
        EXPECT_INT(0, last_size);
        /* any failure of the decoder counts the sample as malformed */
        buf.s.hdr.present = 1;
        EXPECT_INT(-EINVAL, decode(hdr_size, &rec));
}

/* The ABI 2 types: small signed, network order, addresses, string arrays, zero as absent. */
struct abi2_types {
        struct pk_event_header hdr;
        int8_t s8;
        uint8_t pad;
        int16_t s16;
        uint16_t port; /* network order */
        int16_t neg_net;
        uint32_t zero_none;
        uint8_t v4[4];
        uint8_t v6[16];
        char args[16];
        char none[8];
        char argv[]; /* to the sample's end */
};

#define ABI2(field_name, field_type, member, field_size, field_flags)                              \
        {                                                                                          \
                .name = field_name, .type = field_type,                                            \
                .offset = offsetof(struct abi2_types, member), .size = field_size,                 \
                .flags = field_flags                                                               \
        }

enum { A_S8, A_S16, A_PORT, A_NEG, A_ZERO, A_V4, A_V6, A_ARGS, A_NONE, A_ARGV, A_FIELDS };

static void test_abi2_types(void)
{
        static const struct pk_field f[A_FIELDS] = {
            ABI2("s8", PK_FIELD_S8, s8, 1, 0),
            ABI2("s16", PK_FIELD_S16, s16, 2, 0),
            ABI2("port", PK_FIELD_U16, port, 2, PK_FIELD_NET_ORDER),
            ABI2("neg", PK_FIELD_S16, neg_net, 2, PK_FIELD_NET_ORDER),
            ABI2("zero", PK_FIELD_U32, zero_none, 4, PK_FIELD_ZERO_ABSENT),
            ABI2("v4", PK_FIELD_IPV4, v4, 4, PK_FIELD_ZERO_ABSENT),
            ABI2("v6", PK_FIELD_IPV6, v6, 16, 0),
            ABI2("args", PK_FIELD_STR_ARRAY, args, 16, 0),
            ABI2("none", PK_FIELD_STR_ARRAY, none, 8, 0),
            ABI2("argv", PK_FIELD_STR_ARRAY, argv, 0, 0),
        };
        static const struct pk_event_type type = {.name = "abi2",
                                                  .fields = f,
                                                  .n_fields = A_FIELDS,
                                                  .min_size = sizeof(struct abi2_types),
                                                  .max_size = sizeof(struct abi2_types) + 32};
        static const char argv[] = "a\0\0b"; /* an empty string inside, no NUL at the end */
        struct abi2_types *s = calloc(1, sizeof(*s) + sizeof(argv) - 1);
        union pk_value v[A_FIELDS];
        uint64_t absent = 0;

        if (!s)
                return;
        s->s8 = -3;
        s->s16 = -300;
        s->port = htons(443);
        s->neg_net = (int16_t)htons((uint16_t)-2);
        memcpy(s->v6, "\x20\x01\x0d\xb8", 4);
        memcpy(s->args, "ls\0-l\0", 6);
        memcpy(s->argv, argv, sizeof(argv) - 1);
        EXPECT_INT(0, decode_declared_fields(&type, s, sizeof(*s) + sizeof(argv) - 1, v, &absent));
        EXPECT_INT(-3, v[A_S8].s64);
        EXPECT_INT(-300, v[A_S16].s64);
        EXPECT_INT(443, v[A_PORT].u64);
        EXPECT_INT(-2, v[A_NEG].s64);
        EXPECT(v[A_V4].str.ptr == (const char *)s->v4 && v[A_V4].str.len == 4);
        EXPECT(v[A_V6].str.ptr == (const char *)s->v6 && v[A_V6].str.len == 16);
        /* a fixed array ends after its last string: "ls", "-l" and their NULs */
        EXPECT_INT(6, v[A_ARGS].str.len);
        EXPECT_INT(0, v[A_NONE].str.len);
        /* to the sample's end: every byte, as sent */
        EXPECT_INT(sizeof(argv) - 1, v[A_ARGV].str.len);
        EXPECT_INT((1u << A_ZERO) | (1u << A_V4), absent);
        s->zero_none = 5;
        s->v4[3] = 1;
        absent = 0;
        EXPECT_INT(0, decode_declared_fields(&type, s, sizeof(*s), v, &absent));
        EXPECT_INT(0, absent);
        EXPECT_INT(0, v[A_ARGV].str.len);
        free(s);
}

int main(void)
{
        static int state;

        handle.desc.events = events;
        handle.desc.n_events = PK_COUNT(events);
        inst.plugin_state = &state;
        test_declared_fields();
        test_declared_fields_short();
        test_sample_sizes();
        test_custom_decoder();
        test_abi2_types();
        return unit_finish();
}
