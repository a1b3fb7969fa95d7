/* SPDX-License-Identifier: MIT */
/* The json sink's exact output: key order, every field type, escaping, numbers. */
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

#define TS 1764045000123456789ull

static const struct pk_event_header test_hdr = {
    .ts_ns = 1,
    .cgroup_id = 4242,
    .pid = 1234,
    .tid = 1235,
    .uid = 0,
    .present = PK_HDR_TASK | PK_HDR_CGROUP,
    .comm = "bash",
};

static void expect_json(const struct pk_record *records, size_t n, const char *expected, int line)
{
        expect_sink_output(&pk_json_sink_plugin, NULL, records, n, expected, __FILE__, line);
}

/* One record with one STR field holding s[0..len). */
static void expect_string_field(const char *s, size_t len, const char *expected_json, int line)
{
        static const struct pk_field field = {.name = "s", .type = PK_FIELD_STR};
        union pk_value value = {.str = {s, (uint32_t)len}};
        struct pk_record rec = {
            .probe = "p", .event = "e", .fields = &field, .values = &value, .n_fields = 1};
        char expected[512];

        snprintf(expected, sizeof(expected),
                 "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER ",\"s\":%s}\n",
                 expected_json);
        expect_json(&rec, 1, expected, line);
}

#define EXPECT_STRING(literal, expected_json)                                                      \
        expect_string_field((literal), sizeof(literal) - 1, (expected_json), __LINE__)

static void test_every_field_type(void)
{
        static const struct pk_field fields[] = {
            {.name = "u8", .type = PK_FIELD_U8},
            {.name = "u16", .type = PK_FIELD_U16},
            {.name = "u32", .type = PK_FIELD_U32, .flags = PK_FIELD_HEX},
            {.name = "u64", .type = PK_FIELD_U64},
            {.name = "s32", .type = PK_FIELD_S32, .flags = PK_FIELD_ERRNO},
            {.name = "s64", .type = PK_FIELD_S64},
            {.name = "yes", .type = PK_FIELD_BOOL},
            {.name = "no", .type = PK_FIELD_BOOL},
            {.name = "path", .type = PK_FIELD_STR},
            {.name = "stack", .type = PK_FIELD_U64_ARRAY},
            {.name = "empty", .type = PK_FIELD_U64_ARRAY},
        };
        static const uint64_t stack[] = {0, 1, UINT64_MAX};
        const union pk_value values[] = {
            {.u64 = 0},          {.u64 = 65535},     {.u64 = 4294967295u},
            {.u64 = UINT64_MAX}, {.s64 = -2},        {.s64 = INT64_MIN},
            {.u64 = 1},          {.u64 = 0},         {.str = {"/bin/true", 9}},
            {.arr = {stack, 3}}, {.arr = {NULL, 0}},
        };
        const struct pk_record rec = {
            .probe = "tp_exec",
            .event = "exec",
            .mode = "tracepoint",
            .ts_ns = TS,
            .hdr = &test_hdr,
            .fields = fields,
            .values = values,
            .n_fields = PK_COUNT(fields),
        };

        expect_json(&rec, 1,
                    "{\"ts\":1764045000123456789,\"probe\":\"tp_exec\",\"event\":\"exec\","
                    "\"mode\":\"tracepoint\",\"pid\":1234,\"tid\":1235,\"uid\":0," JSON_NO_LOGIN
                    ",\"comm\":\"bash\","
                    "\"cgroup\":4242,\"u8\":0,\"u16\":65535,\"u32\":4294967295,"
                    "\"u64\":18446744073709551615,\"s32\":-2,\"s32_name\":\"ENOENT\",\"s64\":-"
                    "9223372036854775808,"
                    "\"yes\":true,\"no\":false,\"path\":\"/bin/true\","
                    "\"stack\":[0,1,18446744073709551615],\"empty\":[]}\n",
                    __LINE__);
}

static void test_optional_keys(void)
{
        const struct pk_record records[] = {
            {.probe = "p", .event = "e"},
            {.probe = "p", .event = "e", .mode = "kprobe", .ts_ns = 7},
            {.probe = "p", .event = "e", .hdr = &test_hdr, .ts_ns = 10},
        };

        expect_json(records, PK_COUNT(records),
                    "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER "}\n"
                    "{\"ts\":7,\"probe\":\"p\",\"event\":\"e\",\"mode\":\"kprobe\"," JSON_NO_HEADER
                    "}\n"
                    "{\"ts\":10,\"probe\":\"p\",\"event\":\"e\",\"pid\":1234,\"tid\":1235,"
                    "\"uid\":0," JSON_NO_LOGIN ",\"comm\":\"bash\",\"cgroup\":4242}\n",
                    __LINE__);
}

static void test_comm_without_nul(void)
{
        struct pk_event_header hdr = test_hdr;
        struct pk_record rec = {.probe = "p", .event = "e", .hdr = &hdr};

        memcpy(hdr.comm, "0123456789abcdef", sizeof(hdr.comm));
        expect_json(&rec, 1,
                    "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\",\"pid\":1234,\"tid\":1235,\"uid\":"
                    "0," JSON_NO_LOGIN ",\"comm\":\"0123456789abcdef\",\"cgroup\":4242}\n",
                    __LINE__);
}

static void test_string_escaping(void)
{
        EXPECT_STRING("", "\"\"");
        EXPECT_STRING("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"");
        EXPECT_STRING("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
        EXPECT_STRING("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
        /* Stops at the first NUL within the length. */
        EXPECT_STRING("ab\0cd", "\"ab\"");
        /* é, €, U+1D11E: two, three and four bytes, kept as they are. */
        EXPECT_STRING("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
                      "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
}

static void test_invalid_utf8(void)
{
#define FFFD "\xef\xbf\xbd"
        EXPECT_STRING("a\xff"
                      "b",
                      "\"a" FFFD "b\"");
        /* A stray continuation byte, and a sequence cut short by the end. */
        EXPECT_STRING("\x80", "\"" FFFD "\"");
        EXPECT_STRING("x\xc3", "\"x" FFFD "\"");
        /* Cut short by another character: each lone byte is replaced. */
        EXPECT_STRING("\xe2\x82"
                      "A",
                      "\"" FFFD FFFD "A\"");
        /* Overlong "/", a UTF-16 surrogate, above U+10FFFF. */
        EXPECT_STRING("\xc0\xaf", "\"" FFFD FFFD "\"");
        EXPECT_STRING("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
        EXPECT_STRING("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
        EXPECT_STRING("\xf5", "\"" FFFD "\"");
#undef FFFD
}

static void test_names_are_escaped(void)
{
        static const struct pk_field field = {.name = "we\"ird", .type = PK_FIELD_U8};
        const union pk_value value = {.u64 = 1};
        const struct pk_record rec = {
            .probe = "a\\b", .event = "e\n", .fields = &field, .values = &value, .n_fields = 1};

        expect_json(&rec, 1,
                    "{\"ts\":0,\"probe\":\"a\\\\b\",\"event\":\"e\\n\"," JSON_NO_HEADER
                    ",\"we\\\"ird\":1}\n",
                    __LINE__);
}

/* A string longer than the sink's whole buffer still comes out whole and escaped. */
static void test_string_larger_than_buffer(void)
{
        static const struct pk_field field = {.name = "s", .type = PK_FIELD_STR};
        const size_t len = 600 * 1024;
        const char prefix[] =
            "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER ",\"s\":\"";
        char *s = malloc(len);
        char *expected = malloc(len * 2 + 128);
        char *path = fake_temp_path();
        struct fake_output out = {0};
        size_t at;

        if (!CHECK(s && expected && path))
                goto cleanup;
        at = strlen(prefix);
        memcpy(expected, prefix, at);
        for (size_t i = 0; i < len; i++) {
                s[i] = i % 1000 == 999 ? '"' : (char)('a' + i % 26);
                if (s[i] == '"')
                        expected[at++] = '\\';
                expected[at++] = s[i];
        }
        memcpy(expected + at, "\"}\n", 3);
        at += 3;

        union pk_value value = {.str = {s, (uint32_t)len}};
        struct pk_record rec = {
            .probe = "p", .event = "e", .fields = &field, .values = &value, .n_fields = 1};

        CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, NULL, path, &rec, 1, &out));
        CHECK_BYTES_EQ_LEN(expected, at, out.data, out.len);
        unlink(path);
cleanup:
        free(out.data);
        free(path);
        free(expected);
        free(s);
}

/* Many records: the buffer is written out many times and nothing is lost. */
static void test_many_records(void)
{
        static const struct pk_field field = {.name = "n", .type = PK_FIELD_U64};
        const size_t n = 20000;
        union pk_value *values = calloc(n, sizeof(*values));
        struct pk_record *records = calloc(n, sizeof(*records));
        char *path = fake_temp_path();
        struct fake_output out = {0};
        size_t lines = 0;

        if (!CHECK(values && records && path))
                goto cleanup;
        for (size_t i = 0; i < n; i++) {
                values[i].u64 = i;
                records[i] = (struct pk_record){.probe = "p",
                                                .event = "e",
                                                .ts_ns = TS,
                                                .hdr = &test_hdr,
                                                .fields = &field,
                                                .values = &values[i],
                                                .n_fields = 1};
        }
        CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, NULL, path, records, n, &out));
        for (size_t i = 0; i < out.len; i++)
                lines += out.data[i] == '\n';
        CHECK_INT_EQ(n, lines);
        CHECK(out.len > 256 * 1024);
        CHECK(out.len > 0 && strstr(out.data, "\"n\":19999}\n") == out.data + out.len - 11);
        unlink(path);
cleanup:
        free(out.data);
        free(path);
        free(records);
        free(values);
}

int main(void)
{
        test_every_field_type();
        test_optional_keys();
        test_comm_without_nul();
        test_string_escaping();
        test_invalid_utf8();
        test_names_are_escaped();
        test_string_larger_than_buffer();
        test_many_records();
        return check_exit_code("test_json_sink");
}
