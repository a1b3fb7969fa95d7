/* SPDX-License-Identifier: MIT */
/*
 * Built with the sinks compiled again around a 4 KiB output buffer, and with
 * AddressSanitizer where the compiler has it, so that writing past the end
 * of the buffer fails the test (whatever the bytes written).
 *
 * 1. Thousands of varied records in one stream, the caches warm, must equal,
 *    byte for byte, each record written alone by a fresh sink.
 * 2. A record with every piece at its longest, after a padding record one
 *    byte longer each time, so that the end of the buffer falls at each of
 *    its bytes in turn.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "check.h"
#include "expect_output.h"
#include "fake_host.h"
#include "json_string.h"
#include "outbuf.h"

#define RECORDS  6000
#define MAX_STR  5000
#define MAX_ARR  40
#define N_FIELDS 9

_Static_assert(OUTBUF_SIZE == 4096u, "this test wants the small buffer");

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
}

static uint64_t random_below(uint64_t n)
{
        return next_random() % n;
}

/* Numbers biased to the digit count boundaries. */
static uint64_t random_number(void)
{
        uint64_t power = 1;

        switch (random_below(4)) {
        case 0:
                for (uint64_t k = random_below(20); k > 0; k--)
                        power *= 10;
                return power - random_below(2);
        case 1:
                return random_below(10);
        case 2:
                return next_random() >> random_below(64);
        default:
                return next_random();
        }
}

static char random_byte(void)
{
        static const char interesting[] = "\"\\\n\t\x01\x1f\x7f\x80\xbf\xc3\xa9\xe2\x82\xac\xed\xa0"
                                          "\xf0\x9f\xf4\x90\xff ";
        uint64_t r = next_random();

        if (r % 4 == 0)
                return interesting[(r >> 8) % (sizeof(interesting) - 1)];
        return (char)('a' + (r >> 8) % 26);
}

/* Half of them plain letters, the rest mixed with bytes to escape or replace. */
static void random_string(char *s, size_t len)
{
        bool plain = random_below(2) == 0;

        for (size_t i = 0; i < len; i++)
                s[i] = plain ? (char)('a' + random_below(26)) : random_byte();
}

static size_t random_length(void)
{
        uint64_t r = random_below(100);

        if (r < 60)
                return random_below(40);
        if (r < 95)
                return random_below(300);
        return random_below(MAX_STR);
}

/* Everything one record points to, kept until the record is written. */
struct record_data {
        struct pk_record rec;
        struct pk_event_header hdr;
        union pk_value values[N_FIELDS];
        uint64_t items[MAX_ARR];
        char strings[2][MAX_STR];
        char names[3][48];
};

static const struct pk_field fields[N_FIELDS] = {
    {.name = "nr", .type = PK_FIELD_U32},
    {.name = "syscall", .type = PK_FIELD_STR},
    {.name = "args", .type = PK_FIELD_U64_ARRAY},
    {.name = "ret", .type = PK_FIELD_S64},
    {.name = "ok", .type = PK_FIELD_BOOL},
    {.name = "path\t\"x\"", .type = PK_FIELD_STR},
    {.name = "duration_ns", .type = PK_FIELD_U64},
    {.name = "later", .type = 99},
    {.name = "a_name_longer_than_thirty_two_bytes", .type = PK_FIELD_U8},
};

static void random_name(char *name, size_t size)
{
        size_t len = random_below(8) == 0 ? random_below(size) : 1 + random_below(10);

        random_string(name, len);
        name[len] = '\0';
}

static void make_record(struct record_data *d, const struct pk_event_header *threads, uint64_t *ts)
{
        uint32_t n_fields = (uint32_t)random_below(N_FIELDS + 1);

        for (size_t i = 0; i < 3; i++)
                random_name(d->names[i], sizeof(d->names[i]));
        d->hdr = threads[random_below(4)];
        if (random_below(4) == 0)
                d->hdr.comm[random_below(PK_COMM_LEN)] = random_byte();
        if (random_below(8) == 0)
                d->hdr.pid = (uint32_t)random_number();
        if (random_below(8) == 0)
                d->hdr.present = (uint16_t)random_below(16);
        /* Mostly the same second, at times a jump or below one second. */
        *ts = random_below(10) == 0 ? random_number() : *ts + random_below(400000000);
        for (uint32_t i = 0; i < n_fields; i++) {
                union pk_value *v = &d->values[i];

                switch (fields[i].type) {
                case PK_FIELD_STR: {
                        char *s = d->strings[i == 1 ? 0 : 1];
                        size_t len = random_length();

                        random_string(s, len);
                        v->str.ptr = random_below(20) == 0 ? NULL : s;
                        v->str.len = (uint32_t)len;
                        break;
                }
                case PK_FIELD_U64_ARRAY:
                        v->arr.len = (uint32_t)random_below(MAX_ARR);
                        for (uint32_t k = 0; k < v->arr.len; k++)
                                d->items[k] = random_number();
                        v->arr.ptr = d->items;
                        break;
                default:
                        v->u64 = random_number();
                        break;
                }
        }
        d->rec = (struct pk_record){
            .probe = random_below(3) ? "raw_tp" : d->names[0],
            .event = random_below(3) ? "syscall" : d->names[1],
            .mode = random_below(2) ? NULL : d->names[2],
            .ts_ns = *ts,
            .hdr = random_below(10) ? &d->hdr : NULL,
            .fields = fields,
            .values = d->values,
            .n_fields = n_fields,
        };
}

/*
 * Records with every piece at its longest or at a limit: the 32 bytes the
 * inline copy takes at most, a block of the escaper at its largest growth,
 * 20-digit numbers, the longest header. In three kinds: the room made for a
 * long name or for the header covers much of what follows, so each kind puts
 * other pieces where only their own check stands between them and the end of
 * the buffer.
 */
enum wide_kind {
        SHORT_NAMES,     /* no header, names of a few bytes */
        FULL_FAST_NAMES, /* the longest header, names of 31 bytes: the longest copied inline */
        LONG_NAMES,      /* the longest header, names too long to copy inline */
        WIDE_KINDS,
};

static void make_wide_record(struct record_data *d, uint64_t ts, enum wide_kind kind)
{
        static const char long_name[] = "a_probe_name_of_exactly_forty_bytes_long";
        static const char name_31[] = "a_name_of_thirty_one_bytes_long";
        static const char *const names[WIDE_KINDS][3] = {
            [SHORT_NAMES] = {"raw_tp", "syscall", NULL},
            [FULL_FAST_NAMES] = {name_31, name_31, name_31},
            [LONG_NAMES] = {long_name, long_name + 8, long_name + 16},
        };

        /* One block of the escaper at its largest: 64 bytes of six each, and the quotes. */
        memset(d->strings[0], '\x01', 64);
        /* Exactly the inline copy's most, no NUL. */
        memcpy(d->strings[1], long_name, JSON_SHORT_STRING);
        for (uint32_t k = 0; k < 6; k++)
                d->items[k] = k < 5 ? k : UINT64_MAX;
        d->values[0].u64 = 110;
        d->values[1].str.ptr = d->strings[1];
        d->values[1].str.len = JSON_SHORT_STRING;
        d->values[2].arr.ptr = d->items;
        d->values[2].arr.len = 6;
        d->values[3].s64 = INT64_MIN;
        d->values[4].u64 = 1;
        d->values[5].str.ptr = d->strings[0];
        d->values[5].str.len = 64;
        d->values[6].u64 = UINT64_MAX;
        d->values[7].u64 = 0;
        d->values[8].u64 = 255;
        /* The longest header: ten-digit ids, a comm of bytes to escape, 20 digits. */
        d->hdr = (struct pk_event_header){.cgroup_id = UINT64_MAX,
                                          .pid = UINT32_MAX,
                                          .tid = UINT32_MAX,
                                          .uid = UINT32_MAX,
                                          .auid = UINT32_MAX,
                                          .session = UINT32_MAX,
                                          .present = PK_HDR_TASK | PK_HDR_CGROUP | PK_HDR_AUID |
                                                     PK_HDR_SESSION};
        memset(d->hdr.comm, '\x01', PK_COMM_LEN);
        d->rec = (struct pk_record){
            .probe = names[kind][0],
            .event = names[kind][1],
            .mode = names[kind][2],
            .ts_ns = ts,
            .hdr = kind == SHORT_NAMES ? NULL : &d->hdr,
            .fields = fields,
            .values = d->values,
            .n_fields = N_FIELDS,
        };
}

/* The lines of a padding record: an array of n zeros, ts 0 or 10 to move its length by one. */
static size_t pad_text(char *dst, uint64_t ts, size_t n)
{
        static const char head[] = "{\"ts\":";
        static const char middle[] = ",\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER ",\"a\":[";
        char *p = dst;

        memcpy(p, head, sizeof(head) - 1);
        p += sizeof(head) - 1;
        if (ts == 10)
                *p++ = '1';
        *p++ = '0';
        memcpy(p, middle, sizeof(middle) - 1);
        p += sizeof(middle) - 1;
        for (size_t i = 0; i < n; i++) {
                if (i)
                        *p++ = ',';
                *p++ = '0';
        }
        memcpy(p, "]}\n", 3);
        return (size_t)(p + 3 - dst);
}

/*
 * rec written right after a padding record that fills the buffer to `at`
 * bytes, for every `at` from `from` to near the end of the buffer, each time
 * in a fresh sink appending to path: the end of the buffer meets each byte
 * of rec in turn.
 */
static void sweep(const struct pk_record *rec, const char *path, size_t from)
{
        static const struct fake_option append[] = {{"append", "true"}, {NULL, NULL}};
        static const struct fake_option truncate[] = {{"truncate", "true"}, {NULL, NULL}};
        static const struct pk_field pad_field = {.name = "a", .type = PK_FIELD_U64_ARRAY};
        static const uint64_t zeros[OUTBUF_SIZE / 2];
        struct fake_output alone = {0}, out = {0};
        char *expected = NULL, *at_end;
        char pad_check[256];
        size_t empty_len = pad_text(pad_check, 0, 0) + 1; /* one zero adds 1, each next 2 */
        size_t runs = OUTBUF_SIZE - 20 - from;

        if (!CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, truncate, path, rec, 1, &alone)))
                goto cleanup;
        expected = malloc(runs * (OUTBUF_SIZE + alone.len));
        if (!CHECK(expected))
                goto cleanup;
        unlink(path);
        at_end = expected;
        for (size_t at = from; at < from + runs; at++) {
                /* at = empty_len + 2 (n - 1) + (ts == 10) */
                uint64_t ts = (at - empty_len) % 2 ? 10 : 0;
                size_t n = 1 + (at - empty_len) / 2;
                const union pk_value pad_value = {.arr = {zeros, (uint32_t)n}};
                const struct pk_record records[2] = {
                    {.probe = "p",
                     .event = "e",
                     .ts_ns = ts,
                     .fields = &pad_field,
                     .values = &pad_value,
                     .n_fields = 1},
                    *rec,
                };
                size_t pad_len = pad_text(at_end, ts, n);
                struct fake_sink sink;

                if (!CHECK_INT_EQ(at, pad_len) ||
                    !CHECK_INT_EQ(0, fake_sink_open(&pk_json_sink_plugin, append, path, &sink)))
                        goto cleanup;
                CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &records[0]));
                CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &records[1]));
                CHECK_INT_EQ(0, fake_sink_close(&sink));
                memcpy(at_end + pad_len, alone.data, alone.len);
                at_end += pad_len + alone.len;
        }
        if (CHECK_INT_EQ(0, fake_read_file(path, &out)))
                CHECK_BYTES_EQ_LEN(expected, (size_t)(at_end - expected), out.data, out.len);
cleanup:
        free(out.data);
        free(alone.data);
        free(expected);
}

int main(void)
{
        static const struct fake_option append[] = {{"append", "true"}, {NULL, NULL}};
        struct pk_event_header threads[4];
        struct record_data *d = malloc(sizeof(*d));
        char *stream_path = fake_temp_path();
        char *alone_path = fake_temp_path();
        char *sweep_path = fake_temp_path();
        struct fake_output stream = {0}, alone = {0};
        struct fake_sink sink;
        uint64_t ts = 1795587689123852938ull;

        if (!CHECK(d && stream_path && alone_path && sweep_path))
                goto cleanup;
        for (uint32_t i = 0; i < 4; i++) {
                threads[i] = (struct pk_event_header){
                    .cgroup_id = 1 + i,
                    .pid = 22312,
                    .tid = 22312 + i,
                    .uid = i,
                    .auid = 1000 + i,
                    .session = 3,
                    .present = (uint16_t)(i == 1 ? PK_HDR_TASK | PK_HDR_CGROUP
                                                 : PK_HDR_TASK | PK_HDR_CGROUP | PK_HDR_AUID |
                                                       PK_HDR_SESSION)};
                memcpy(threads[i].comm, "getppid_load", 13);
        }
        threads[3].comm[2] = '"';
        if (!CHECK_INT_EQ(0, fake_sink_open(&pk_json_sink_plugin, NULL, stream_path, &sink)))
                goto cleanup;
        for (int i = 0; i < RECORDS; i++) {
                struct fake_sink fresh;

                if (i % 2)
                        make_wide_record(d, ts, (enum wide_kind)(i / 2 % WIDE_KINDS));
                else
                        make_record(d, threads, &ts);
                CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &d->rec));
                if (!CHECK_INT_EQ(0,
                                  fake_sink_open(&pk_json_sink_plugin, append, alone_path, &fresh)))
                        break;
                CHECK_INT_EQ(0, fresh.plugin->sink->write(fresh.state, &d->rec));
                CHECK_INT_EQ(0, fake_sink_close(&fresh));
        }
        CHECK_INT_EQ(0, fake_sink_close(&sink));
        /* Each kind of wide record after every amount of padding. */
        for (int kind = 0; kind < WIDE_KINDS; kind++) {
                make_wide_record(d, ts, (enum wide_kind)kind);
                sweep(&d->rec, sweep_path, OUTBUF_SIZE - 1500);
        }
        if (CHECK_INT_EQ(0, fake_read_file(stream_path, &stream)) &&
            CHECK_INT_EQ(0, fake_read_file(alone_path, &alone))) {
                CHECK(stream.len > 100 * OUTBUF_SIZE);
                CHECK_BYTES_EQ_LEN(alone.data, alone.len, stream.data, stream.len);
        }
        unlink(stream_path);
        unlink(alone_path);
        unlink(sweep_path);
cleanup:
        free(stream.data);
        free(alone.data);
        free(sweep_path);
        free(alone_path);
        free(stream_path);
        free(d);
        return check_exit_code("test_json_sink_small_buffer");
}
