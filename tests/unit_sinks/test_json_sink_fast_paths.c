/* SPDX-License-Identifier: MIT */
/*
 * The json sink's fast paths give the same bytes as the plain ones: numbers
 * at every digit count, a comm to escape, and strings on each side of the
 * inline copy's and the escaper's limits.
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

        text_add_str(&expected, "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\",\"a\":[0");
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

static const struct pk_event_header base_hdr = {
    .ts_ns = 1,
    .cgroup_id = 4242,
    .pid = 1234,
    .tid = 1235,
    .uid = 1000,
    .comm = "bash",
};

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
                                        "\"tid\":1235,\"uid\":1000,\"comm\":\"");
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
        text_add_str(&expected, ",");
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
        test_header_comm_escaped();
        test_string_lengths();
        test_string_worst_growth();
        return check_exit_code("test_json_sink_fast_paths");
}
