/* SPDX-License-Identifier: MIT */
/* The text sink's exact output: column alignment, quoting, hex, errno, durations. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "check.h"
#include "expect_output.h"
#include "fake_host.h"

/* 2025-11-25 04:30:00.123456789 UTC; the test runs with TZ=UTC. */
#define TS 1764045000123456789ull

#define HEADER                                                                                     \
        "TIME         PROBE          EVENT          PID  AUID   SES COMM             DETAILS\n"

static const struct fake_option no_header[] = {{"header", "false"}, {NULL, NULL}};

static struct pk_event_header make_hdr(uint32_t pid, const char *comm)
{
        struct pk_event_header hdr = {
            .pid = pid, .tid = pid, .cgroup_id = 1, .present = PK_HDR_TASK | PK_HDR_CGROUP};

        memcpy(hdr.comm, comm, strnlen(comm, sizeof(hdr.comm)));
        return hdr;
}

static void expect_text(const struct fake_option *options, const struct pk_record *records,
                        size_t n, const char *expected, int line)
{
        expect_sink_output(&pk_text_sink_plugin, options, records, n, expected, __FILE__, line);
}

/* One record, no header line, the DETAILS of one field compared. */
static void expect_details(const struct pk_field *field, union pk_value value,
                           const char *expected_details, int line)
{
        const struct pk_record rec = {.probe = "p",
                                      .event = "e",
                                      .ts_ns = TS,
                                      .fields = field,
                                      .values = &value,
                                      .n_fields = 1};
        char expected[512];

        snprintf(expected, sizeof(expected),
                 "04:30:00.123 p              e                -     -     - -"
                 "                %s\n",
                 expected_details);
        expect_text(no_header, &rec, 1, expected, line);
}

static void test_header_and_rows_align(void)
{
        static const struct pk_field exec_fields[] = {
            {.name = "ppid", .type = PK_FIELD_U32},
            {.name = "filename", .type = PK_FIELD_STR},
        };
        static const struct pk_field open_fields[] = {
            {.name = "ret", .type = PK_FIELD_S32, .flags = PK_FIELD_ERRNO},
            {.name = "path", .type = PK_FIELD_STR},
        };
        const union pk_value exec_values[] = {{.u64 = 1200}, {.str = {"/bin/true", 10}}};
        const union pk_value open_values[] = {{.s64 = -2}, {.str = {"/tmp/a b", 8}}};
        struct pk_event_header bash = make_hdr(1234, "bash");
        const struct pk_event_header cat = make_hdr(42, "cat");
        bash.auid = 1000;
        bash.session = 3;
        bash.present |= PK_HDR_AUID | PK_HDR_SESSION;
        const struct pk_record records[] = {
            {.probe = "tp_exec",
             .event = "exec",
             .mode = "tracepoint",
             .ts_ns = TS,
             .hdr = &bash,
             .fields = exec_fields,
             .values = exec_values,
             .n_fields = 2},
            {.probe = "p",
             .event = "open",
             .ts_ns = TS,
             .hdr = &cat,
             .fields = open_fields,
             .values = open_values,
             .n_fields = 2},
        };

        expect_text(NULL, records, PK_COUNT(records),
                    HEADER "04:30:00.123 tp_exec        exec          1234  1000     3 "
                           "bash             ppid=1200 filename=/bin/true\n"
                           "04:30:00.123 p              open            42     -     - "
                           "cat              "
                           "ret=-2 (ENOENT) path=\"/tmp/a b\"\n",
                    __LINE__);
}

/* A long value pushes its line right only until a later column has room again. */
static void test_long_value_realigns(void)
{
        static const struct pk_field field = {.name = "x", .type = PK_FIELD_U8};
        const union pk_value value = {.u64 = 1};
        const struct pk_event_header bash = make_hdr(1234, "bash");
        const struct pk_record rec = {.probe = "a_very_long_probe_name",
                                      .event = "exec",
                                      .ts_ns = TS,
                                      .hdr = &bash,
                                      .fields = &field,
                                      .values = &value,
                                      .n_fields = 1};

        expect_text(
            no_header, &rec, 1,
            "04:30:00.123 a_very_long_probe_name exec  1234     -     - bash             x=1\n",
            __LINE__);
}

static void test_missing_hdr_and_no_fields(void)
{
        const struct pk_record rec = {.probe = "p", .event = "e", .ts_ns = TS};

        /* No trailing spaces when there are no details. */
        expect_text(NULL, &rec, 1,
                    HEADER "04:30:00.123 p              e                -     -     - -\n",
                    __LINE__);
}

static void test_comm_escaped(void)
{
        struct pk_event_header hdr = make_hdr(7, "");
        const struct pk_record rec = {.probe = "p", .event = "e", .ts_ns = TS, .hdr = &hdr};

        /* 16 bytes without a NUL, a tab among them. */
        memcpy(hdr.comm, "Web Cont\tnt12345", sizeof(hdr.comm));
        expect_text(
            no_header, &rec, 1,
            "04:30:00.123 p              e                7     -     - Web Cont\\x09nt12345\n",
            __LINE__);
}

static void test_string_quoting(void)
{
        static const struct pk_field s = {.name = "s", .type = PK_FIELD_STR};

        expect_details(&s, (union pk_value){.str = {"plain", 5}}, "s=plain", __LINE__);
        expect_details(&s, (union pk_value){.str = {"", 0}}, "s=\"\"", __LINE__);
        expect_details(&s, (union pk_value){.str = {NULL, 0}}, "s=\"\"", __LINE__);
        expect_details(&s, (union pk_value){.str = {"a b", 3}}, "s=\"a b\"", __LINE__);
        expect_details(&s, (union pk_value){.str = {"say \"hi\"", 8}}, "s=\"say \\\"hi\\\"\"",
                       __LINE__);
        expect_details(&s, (union pk_value){.str = {"a\\b", 3}}, "s=a\\\\b", __LINE__);
        expect_details(&s, (union pk_value){.str = {"\x01\t\x7f", 3}}, "s=\\x01\\x09\\x7f",
                       __LINE__);
        /* Valid UTF-8 as is, a stray byte escaped, the rest after a NUL cut. */
        expect_details(&s, (union pk_value){.str = {"\xc3\xa9\xff\0zz", 6}}, "s=\xc3\xa9\\xff",
                       __LINE__);
}

static void test_number_flags(void)
{
        static const struct pk_field hex = {
            .name = "flags", .type = PK_FIELD_U32, .flags = PK_FIELD_HEX};
        static const struct pk_field err = {
            .name = "ret", .type = PK_FIELD_S64, .flags = PK_FIELD_ERRNO};
        static const struct pk_field lat = {
            .name = "lat", .type = PK_FIELD_U64, .flags = PK_FIELD_DURATION};
        static const struct pk_field s32 = {.name = "n", .type = PK_FIELD_S32};
        static const struct pk_field flag = {.name = "ok", .type = PK_FIELD_BOOL};
        static const struct pk_field arr = {
            .name = "ips", .type = PK_FIELD_U64_ARRAY, .flags = PK_FIELD_HEX};
        static const uint64_t ips[] = {0xffffffff81000000ull, 0x10};

        expect_details(&hex, (union pk_value){.u64 = 0x80000}, "flags=0x80000", __LINE__);
        expect_details(&hex, (union pk_value){.u64 = 0}, "flags=0x0", __LINE__);
        expect_details(&err, (union pk_value){.s64 = -2}, "ret=-2 (ENOENT)", __LINE__);
        expect_details(&err, (union pk_value){.s64 = 0}, "ret=0", __LINE__);
        expect_details(&err, (union pk_value){.s64 = 3}, "ret=3", __LINE__);
        expect_details(&err, (union pk_value){.s64 = -99999}, "ret=-99999", __LINE__);
        expect_details(&lat, (union pk_value){.u64 = 999}, "lat=999ns", __LINE__);
        expect_details(&lat, (union pk_value){.u64 = 1234}, "lat=1.234us", __LINE__);
        expect_details(&lat, (union pk_value){.u64 = 12345678}, "lat=12.345ms", __LINE__);
        expect_details(&lat, (union pk_value){.u64 = 3000000000ull}, "lat=3.000s", __LINE__);
        expect_details(&s32, (union pk_value){.s64 = -5}, "n=-5", __LINE__);
        expect_details(&flag, (union pk_value){.u64 = 1}, "ok=true", __LINE__);
        expect_details(&flag, (union pk_value){.u64 = 0}, "ok=false", __LINE__);
        expect_details(&arr, (union pk_value){.arr = {ips, 2}}, "ips=[0xffffffff81000000,0x10]",
                       __LINE__);
        expect_details(&arr, (union pk_value){.arr = {NULL, 0}}, "ips=[]", __LINE__);
}

int main(void)
{
        /* Local time is what the sink prints: make it the same everywhere. */
        setenv("TZ", "UTC", 1);
        tzset();
        test_header_and_rows_align();
        test_long_value_realigns();
        test_missing_hdr_and_no_fields();
        test_comm_escaped();
        test_string_quoting();
        test_number_flags();
        return check_exit_code("test_text_sink");
}
