/* SPDX-License-Identifier: MIT */
/*
 * The json sink's fast paths give the same bytes as the plain ones: numbers
 * at every digit count, the text of ts / 10^8 kept from record to record,
 * the header cache (hit, miss, slots shared, a header changed in place, a
 * comm to escape), and strings on each side of the inline copy's and the
 * escaper's limits.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "check.h"
#include "expect_output.h"
#include "fake_host.h"

#define FFFD "\xef\xbf\xbd"

static void expect_json(const struct pk_record *records, size_t n, const char *expected, int line)
{
        expect_sink_output(&pk_json_sink_plugin, NULL, records, n, expected, __FILE__, line);
}

/* A growing string for expectations built in a loop. */
struct text {
        char *s;
        size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
        if (t->len + n + 1 > t->cap) {
                size_t cap = (t->len + n + 1) * 2;
                char *bigger = realloc(t->s, cap);

                if (!bigger) {
                        fprintf(stderr, "out of memory\n");
                        exit(1);
                }
                t->s = bigger;
                t->cap = cap;
        }
        memcpy(t->s + t->len, s, n);
        t->len += n;
        t->s[t->len] = '\0';
}

static void text_add_str(struct text *t, const char *s)
{
        text_add(t, s, strlen(s));
}

static void text_repeat(struct text *t, const char *s, size_t times)
{
        for (size_t i = 0; i < times; i++)
                text_add_str(t, s);
}

/* Every value 10^k - 1 and 10^k, and the ends of the range, as array items and as fields. */
static void test_numbers_at_digit_count_boundaries(void)
{
        static const struct pk_field fields[] = {
            {.name = "a", .type = PK_FIELD_U64_ARRAY}, {.name = "max", .type = PK_FIELD_U64},
            {.name = "min", .type = PK_FIELD_S64},     {.name = "smax", .type = PK_FIELD_S64},
            {.name = "m1", .type = PK_FIELD_S32},
        };
        uint64_t items[2 + 2 * 19];
        size_t n = 0;
        uint64_t power = 1;
        struct text expected = {0};
        char nines[24] = "", power_text[24] = "1";

        text_add_str(&expected,
                     "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER ",\"a\":[0");
        items[n++] = 0;
        for (int k = 1; k <= 19; k++) {
                power *= 10;
                nines[k - 1] = '9';
                power_text[k] = '0';
                items[n++] = power - 1;
                items[n++] = power;
                text_add_str(&expected, ",");
                text_add_str(&expected, nines);
                text_add_str(&expected, ",");
                text_add_str(&expected, power_text);
        }
        items[n++] = UINT64_MAX;
        text_add_str(&expected, ",18446744073709551615],\"max\":18446744073709551615,"
                                "\"min\":-9223372036854775808,\"smax\":9223372036854775807,"
                                "\"m1\":-1}\n");

        const union pk_value values[] = {
            {.arr = {items, (uint32_t)n}},
            {.u64 = UINT64_MAX},
            {.s64 = INT64_MIN},
            {.s64 = INT64_MAX},
            {.s64 = -1},
        };
        const struct pk_record rec = {.probe = "p",
                                      .event = "e",
                                      .fields = fields,
                                      .values = values,
                                      .n_fields = PK_COUNT(fields)};

        expect_json(&rec, 1, expected.s, __LINE__);
        free(expected.s);
}

/*
 * ts below 10^8 ns (the sink keeps the text of ts / 10^8), within one such
 * step, across one, back to an earlier one, and at the ends.
 */
static void test_ts_high_digits(void)
{
        static const struct {
                uint64_t ts;
                const char *text;
        } cases[] = {
            {0, "0"},
            {9, "9"},
            {99999999, "99999999"},
            {100000000, "100000000"},
            {100000001, "100000001"},
            {100000099, "100000099"},
            {199999999, "199999999"},
            {200000000, "200000000"},
            {99999999, "99999999"},
            {200000001, "200000001"},
            {999999999, "999999999"},
            {1000000000, "1000000000"},
            {1000000001, "1000000001"},
            {1000000999, "1000000999"},
            {1999999999, "1999999999"},
            {2000000000, "2000000000"},
            {1999999999, "1999999999"},
            {5, "5"},
            {2000000007, "2000000007"},
            {1000000000000000001ull, "1000000000000000001"},
            {1000000000100000001ull, "1000000000100000001"},
            {1795587689123852938ull, "1795587689123852938"},
            {1795587689000000000ull, "1795587689000000000"},
            {1795587689999999999ull, "1795587689999999999"},
            {1795587690000000000ull, "1795587690000000000"},
            {1795587690000000001ull, "1795587690000000001"},
            {9999999999999999999ull, "9999999999999999999"},
            {10000000000000000000ull, "10000000000000000000"},
            {UINT64_MAX, "18446744073709551615"},
            {18446744073000000000ull, "18446744073000000000"},
            {999999999, "999999999"},
        };
        struct pk_record records[PK_COUNT(cases)];
        struct text expected = {0};

        for (size_t i = 0; i < PK_COUNT(cases); i++) {
                records[i] = (struct pk_record){.probe = "p", .event = "e", .ts_ns = cases[i].ts};
                text_add_str(&expected, "{\"ts\":");
                text_add_str(&expected, cases[i].text);
                text_add_str(&expected, ",\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER "}\n");
        }
        expect_json(records, PK_COUNT(records), expected.s, __LINE__);
        free(expected.s);
}

static const struct pk_event_header base_hdr = {
    .ts_ns = 1,
    .cgroup_id = 4242,
    .pid = 1234,
    .tid = 1235,
    .uid = 1000,
    .present = PK_HDR_TASK | PK_HDR_CGROUP,
    .comm = "bash",
};

#define BASE_TEXT                                                                                  \
        "\"pid\":1234,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN ",\"comm\":\"bash\",\"cgroup\":"   \
                                                                "4242"

static void add_header_line(struct text *t, const char *header_text)
{
        text_add_str(t, "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\",");
        text_add_str(t, header_text);
        text_add_str(t, "}\n");
}

/* Records of headers, and the lines they should give. */
struct header_run {
        struct pk_event_header hdrs[32];
        size_t n;
        struct text expected;
};

static void add_header(struct header_run *run, const struct pk_event_header *hdr,
                       const char *header_text)
{
        if (!CHECK(run->n < PK_COUNT(run->hdrs)))
                return;
        run->hdrs[run->n++] = *hdr;
        add_header_line(&run->expected, header_text);
}

static void expect_header_run(struct header_run *run, int line)
{
        struct pk_record records[PK_COUNT(run->hdrs)];

        for (size_t i = 0; i < run->n; i++)
                records[i] = (struct pk_record){.probe = "p", .event = "e", .hdr = &run->hdrs[i]};
        expect_json(records, run->n, run->expected.s, line);
        free(run->expected.s);
}

/*
 * Each header field changed on its own from what the cache holds shows the
 * change; ts, type and flags changed show nothing.
 */
static void test_header_cache_each_field(void)
{
        static const struct pk_event_header zero;
        /* Each row differs from base_hdr in one field (the comm rows in one byte). */
        static const struct {
                uint32_t pid, tid, uid;
                uint64_t cgroup_id;
                char comm[PK_COMM_LEN];
                const char *text;
        } changes[] = {
            {1, 1235, 1000, 4242, "bash",
             "\"pid\":1,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bash\",\"cgroup\":4242"},
            {1234, 1235, 0, 4242, "bash",
             "\"pid\":1234,\"tid\":1235,\"uid\":0," JSON_NO_LOGIN
             ",\"comm\":\"bash\",\"cgroup\":4242"},
            {1234, 1235, 1000, UINT64_MAX, "bash",
             "\"pid\":1234,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bash\",\"cgroup\":"
             "18446744073709551615"},
            {1234, 1235, 1000, 4242, "bask",
             "\"pid\":1234,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bask\",\"cgroup\":4242"},
            {1234, 1235, 1000, 4242, "dash",
             "\"pid\":1234,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"dash\",\"cgroup\":4242"},
            /* over the NUL */
            {1234, 1235, 1000, 4242, "bashx",
             "\"pid\":1234,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bashx\",\"cgroup\":4242"},
            /* after the NUL: not shown, whether or not the cache tells them apart */
            {1234, 1235, 1000, 4242, {'b', 'a', 's', 'h', 0, 0, 0, 0, 0, 0, 'x'}, BASE_TEXT},
            /* another tid in the same slot (the slot is tid % 8), then in another slot */
            {1234, 1235 + 8, 1000, 4242, "bash",
             "\"pid\":1234,\"tid\":1243,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bash\",\"cgroup\":4242"},
            {1234, 1234, 1000, 4242, "bash",
             "\"pid\":1234,\"tid\":1234,\"uid\":1000," JSON_NO_LOGIN
             ",\"comm\":\"bash\",\"cgroup\":4242"},
        };
        struct header_run run = {0};
        struct pk_event_header h = base_hdr;

        /* An all-zero header first: the empty cache must not pass for it. */
        add_header(&run, &zero, JSON_NO_HEADER);
        add_header(&run, &base_hdr, BASE_TEXT);
        add_header(&run, &base_hdr, BASE_TEXT); /* a hit */
        h.ts_ns = 99;
        h.type = 3;
        add_header(&run, &h, BASE_TEXT);
        /* Each change after base_hdr, so the cache holds base_hdr before it. */
        for (size_t i = 0; i < PK_COUNT(changes); i++) {
                h = base_hdr;
                h.pid = changes[i].pid;
                h.tid = changes[i].tid;
                h.uid = changes[i].uid;
                h.cgroup_id = changes[i].cgroup_id;
                memcpy(h.comm, changes[i].comm, PK_COMM_LEN);
                add_header(&run, &h, changes[i].text);
                add_header(&run, &base_hdr, BASE_TEXT);
        }
        expect_header_run(&run, __LINE__);
}

/* Threads whose tids share a cache slot, and threads in slots of their own, taking turns. */
static void test_header_cache_slots(void)
{
        static const uint32_t tids[] = {1, 9, 1, 2, 17, 2, 9, 1, 2, 3, 3, 1};
        struct pk_event_header hdrs[PK_COUNT(tids)];
        struct pk_record records[PK_COUNT(tids)];
        struct text expected = {0};

        for (size_t i = 0; i < PK_COUNT(tids); i++) {
                char line[160];

                hdrs[i] = base_hdr;
                hdrs[i].tid = tids[i];
                hdrs[i].pid = 100 + tids[i];
                snprintf(hdrs[i].comm, sizeof(hdrs[i].comm), "t%u", (unsigned)tids[i]);
                snprintf(line, sizeof(line),
                         "\"pid\":%u,\"tid\":%u,\"uid\":1000," JSON_NO_LOGIN
                         ",\"comm\":\"t%u\",\"cgroup\":4242",
                         (unsigned)(100 + tids[i]), (unsigned)tids[i], (unsigned)tids[i]);
                add_header_line(&expected, line);
                records[i] = (struct pk_record){.probe = "p", .event = "e", .hdr = &hdrs[i]};
        }
        expect_json(records, PK_COUNT(records), expected.s, __LINE__);
        free(expected.s);
}

/*
 * One header struct, the same pointer on every record, changed between the
 * writes as a ring buffer reused in place would be: the cache must follow
 * the bytes, not the address.
 */
static void test_header_changed_in_place(void)
{
        struct pk_event_header hdr = base_hdr;
        const struct pk_record rec = {.probe = "p", .event = "e", .hdr = &hdr};
        char *path = fake_temp_path();
        struct fake_output out = {0};
        struct fake_sink sink;
        struct text expected = {0};

        if (!CHECK(path != NULL) ||
            !CHECK(fake_sink_open(&pk_json_sink_plugin, NULL, path, &sink) == 0))
                goto cleanup;
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, BASE_TEXT);
        hdr.pid = 77;
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, "\"pid\":77,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
                                   ",\"comm\":\"bash\",\"cgroup\":4242");
        memcpy(hdr.comm, "zsh\0", 4);
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, "\"pid\":77,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
                                   ",\"comm\":\"zsh\",\"cgroup\":4242");
        hdr.cgroup_id = 1;
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, "\"pid\":77,\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN
                                   ",\"comm\":\"zsh\",\"cgroup\":1");
        hdr.uid = 5;
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, "\"pid\":77,\"tid\":1235,\"uid\":5," JSON_NO_LOGIN
                                   ",\"comm\":\"zsh\",\"cgroup\":1");
        hdr = base_hdr;
        CHECK_INT_EQ(0, sink.plugin->sink->write(sink.state, &rec));
        add_header_line(&expected, BASE_TEXT);
        CHECK_INT_EQ(0, fake_sink_close(&sink));
        if (CHECK_INT_EQ(0, fake_read_file(path, &out)))
                CHECK_BYTES_EQ_LEN(expected.s, expected.len, out.data, out.len);
        unlink(path);
cleanup:
        free(out.data);
        free(path);
        free(expected.s);
}

/* A comm that needs escaping, or holds bytes that are not UTF-8, through the cache twice. */
static void test_header_comm_escaped(void)
{
        static const struct {
                char comm[PK_COMM_LEN];
                const char *text;
        } cases[] = {
            {"a\"b\\c\n", "a\\\"b\\\\c\\n"},
            {"\x01\x1f\x7f", "\\u0001\\u001f\x7f"},
            {"x\xffy\xc3\xa9", "x" FFFD "y\xc3\xa9"},
            /* 16 bytes, no NUL, a sequence cut short by the end of comm */
            {{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', '\xe2', '\x82'},
             "0123456789abcd" FFFD FFFD},
            /* 16 bytes, no NUL, the last three a whole sequence */
            {{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', '\xe2', '\x82',
              '\xac'},
             "0123456789abc\xe2\x82\xac"},
            {{'\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80',
              '\x80', '\x80', '\x80', '\x80', '\x80', '\x80'},
             FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD},
            {{'\x01', '\x01', '\x01', '\x01', '\x01', '\x01', '\x01', '\x01', '\x01', '\x01',
              '\x01', '\x01', '\x01', '\x01', '\x01', '\x01'},
             "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
             "\\u0001\\u0001\\u0001\\u0001"},
        };
        struct pk_event_header hdrs[2 * PK_COUNT(cases)];
        struct pk_record records[2 * PK_COUNT(cases)];
        struct text expected = {0};

        for (size_t i = 0; i < 2 * PK_COUNT(cases); i++) {
                hdrs[i] = base_hdr;
                memcpy(hdrs[i].comm, cases[i / 2].comm, PK_COMM_LEN);
                records[i] = (struct pk_record){.probe = "p", .event = "e", .hdr = &hdrs[i]};
                text_add_str(&expected, "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\",\"pid\":1234,"
                                        "\"tid\":1235,\"uid\":1000," JSON_NO_LOGIN ",\"comm\":\"");
                text_add_str(&expected, cases[i / 2].text);
                text_add_str(&expected, "\",\"cgroup\":4242}\n");
        }
        expect_json(records, PK_COUNT(records), expected.s, __LINE__);
        free(expected.s);
}

/* One record: probe, event and mode named `name`, a field named `name` holding value[0..len). */
static void expect_names_and_value(const char *name, const char *value, size_t len,
                                   const char *name_json, const char *value_json, int line)
{
        const struct pk_field field = {.name = name, .type = PK_FIELD_STR};
        const union pk_value v = {.str = {value, (uint32_t)len}};
        const struct pk_record rec = {.probe = name,
                                      .event = name,
                                      .mode = name,
                                      .fields = &field,
                                      .values = &v,
                                      .n_fields = 1};
        struct text expected = {0};

        text_add_str(&expected, "{\"ts\":0,\"probe\":");
        text_add_str(&expected, name_json);
        text_add_str(&expected, ",\"event\":");
        text_add_str(&expected, name_json);
        text_add_str(&expected, ",\"mode\":");
        text_add_str(&expected, name_json);
        text_add_str(&expected, "," JSON_NO_HEADER ",");
        text_add_str(&expected, name_json);
        text_add_str(&expected, ":");
        text_add_str(&expected, value_json);
        text_add_str(&expected, "}\n");
        expect_json(&rec, 1, expected.s, line);
        free(expected.s);
}

/* s = `len` times c, then tail; json = quote, `len` times c_json, tail_json, quote. */
static void make_run(struct text *s, struct text *json, size_t len, const char *c,
                     const char *c_json, const char *tail, const char *tail_json)
{
        text_repeat(s, c, len);
        text_add_str(s, tail);
        text_add_str(json, "\"");
        text_repeat(json, c_json, len);
        text_add_str(json, tail_json);
        text_add_str(json, "\"");
}

/*
 * Plain strings of every length around the inline copy's limit (32 bytes)
 * and the escaper's block (64), each with an escape, a UTF-8 sequence, a
 * byte that is not UTF-8 or a NUL at its end, as names (C strings) and as
 * values (a length, NUL-terminated or not).
 */
static void test_string_lengths(void)
{
        static const struct {
                const char *tail, *tail_json;
        } tails[] = {
            {"", ""},
            {"\"", "\\\""},
            {"\t", "\\t"},
            {"\x02", "\\u0002"},
            {"\xe2\x82\xac", "\xe2\x82\xac"},
            {"\xf0\x9d\x84\x9e", "\xf0\x9d\x84\x9e"},
            {"\xe2\x82", FFFD FFFD},
            {"\xff", FFFD},
            {"~", "~"},
        };
        for (size_t len = 0; len <= 132; len++) {
                /* Short ones, and those that end around 32, 64 and 128 bytes. */
                if (len > 8 && (len % 32 < 26 && len % 32 > 4))
                        continue;
                for (size_t t = 0; t < PK_COUNT(tails); t++) {
                        struct text s = {0}, json = {0};

                        make_run(&s, &json, len, "a", "a", tails[t].tail, tails[t].tail_json);
                        /* The value: its exact length, then with a NUL and more bytes after it. */
                        expect_names_and_value(s.s, s.s, s.len, json.s, json.s, __LINE__);
                        text_add(&s, "\0zz", 3);
                        expect_names_and_value("n", s.s, s.len, "\"n\"", json.s, __LINE__);
                        free(s.s);
                        free(json.s);
                }
        }
}

/* The most a string can grow: six bytes for each control byte, across many blocks. */
static void test_string_worst_growth(void)
{
        for (size_t len = 0; len <= 1200; len += len < 140 ? 1 : 97) {
                struct text s = {0}, json = {0};

                make_run(&s, &json, len, "\x01", "\\u0001", "", "");
                expect_names_and_value(s.s, s.s, s.len, json.s, json.s, __LINE__);
                free(s.s);
                free(json.s);
                s = (struct text){0};
                json = (struct text){0};
                make_run(&s, &json, len, "\xff", FFFD, "", "");
                expect_names_and_value("n", s.s, s.len, "\"n\"", json.s, __LINE__);
                free(s.s);
                free(json.s);
        }
}

int main(void)
{
        test_numbers_at_digit_count_boundaries();
        test_ts_high_digits();
        test_header_cache_each_field();
        test_header_cache_slots();
        test_header_changed_in_place();
        test_header_comm_escaped();
        test_string_lengths();
        test_string_worst_growth();
        return check_exit_code("test_json_sink_fast_paths");
}
