/* SPDX-License-Identifier: MIT */
/*
 * What the syslog and nats sinks send, byte for byte: the RFC 5424 header
 * and its MSG or STRUCTURED-DATA, JSON of awkward strings, severities per
 * probe and event, subjects from templates.
 */
#include <errno.h>
#include <string.h>

#include "../unit/unit_check.h"
#include "msgbuf.h"
#include "nats_subject.h"
#include "record_json.h"
#include "rfc5424.h"
#include "syslog_levels.h"

static const struct pk_field fields[] = {
    {.name = "filename", .type = PK_FIELD_STR},
    {.name = "ret", .type = PK_FIELD_S32, .flags = PK_FIELD_ERRNO},
    {.name = "argv", .type = PK_FIELD_STR_ARRAY},
    {.name = "addr", .type = PK_FIELD_IPV4},
};

static struct pk_event_header header(void)
{
        struct pk_event_header hdr = {.pid = 4242,
                                      .tid = 4243,
                                      .uid = 1000,
                                      .cgroup_id = 7,
                                      .present = PK_HDR_TASK | PK_HDR_CGROUP};

        memcpy(hdr.comm, "sh", 3);
        return hdr;
}

/* 2026-12-01T07:02:26.464240976Z */
#define TS 1796108546464240976ULL

static struct pk_record record(const struct pk_event_header *hdr, const union pk_value *values)
{
        return (struct pk_record){.probe = "tp_exec",
                                  .event = "exec",
                                  .ts_ns = TS,
                                  .hdr = hdr,
                                  .fields = fields,
                                  .values = values,
                                  .n_fields = 4};
}

static char *text(struct msgbuf *b)
{
        msgbuf_putc(b, '\0');
        return b->data;
}

static void test_json_message(void)
{
        static const unsigned char addr[4] = {10, 0, 0, 1};
        static const char argv[] = "ls\0-l\0";
        struct pk_event_header hdr = header();
        union pk_value values[4] = {
            {.str = {"/tmp/a\"b\\\n\xff", 11}},
            {.s64 = -2},
            {.str = {argv, sizeof(argv) - 1}},
            {.str = {(const char *)addr, 4}},
        };
        struct pk_record rec = record(&hdr, values);
        struct rfc5424_style style = {.hostname = "web1", .sd_id = "probekit@32473"};
        struct msgbuf b = {0};

        rfc5424_format(&b, &style, 1 * 8 + 6, &rec);
        EXPECT_STR(
            "<14>1 2026-12-01T07:02:26.464240Z web1 probekit 4242 tp_exec.exec - "
            "{\"ts\":1796108546464240976,\"probe\":\"tp_exec\",\"event\":\"exec\","
            "\"pid\":4242,\"tid\":4243,\"uid\":1000,\"auid\":null,\"session\":null,"
            "\"comm\":\"sh\",\"cgroup\":7,\"filename\":\"/tmp/a\\\"b\\\\\\u000a\xef\xbf\xbd\","
            "\"ret\":-2,\"ret_name\":\"ENOENT\",\"argv\":[\"ls\",\"-l\"],"
            "\"addr\":\"10.0.0.1\"}",
            text(&b));
        msgbuf_free(&b);
}

static void test_structured_message(void)
{
        static const unsigned char addr[4] = {192, 168, 1, 2};
        struct pk_event_header hdr = header();
        union pk_value values[4] = {
            {.str = {"a]b\"c", 5}},
            {.s64 = 0},
            {.str = {"", 0}},
            {.str = {(const char *)addr, 4}},
        };
        struct pk_record rec = record(&hdr, values);
        struct rfc5424_style style = {
            .hostname = "web1", .sd_id = "probekit@32473", .structured = true};
        struct msgbuf b = {0};

        rec.absent = 1u << 2; /* argv has no value: no parameter */
        rfc5424_format(&b, &style, 13, &rec);
        EXPECT_STR("<13>1 2026-12-01T07:02:26.464240Z web1 probekit 4242 tp_exec.exec "
                   "[probekit@32473 tid=\"4243\" uid=\"1000\" comm=\"sh\" cgroup=\"7\" "
                   "filename=\"a\\]b\\\"c\" ret=\"0\" addr=\"192.168.1.2\"]",
                   text(&b));
        msgbuf_free(&b);
}

static void test_header_edges(void)
{
        struct pk_record rec = {
            .probe = "a very long probe name indeed", .event = "and an event", .ts_ns = 5};
        struct rfc5424_style style = {.hostname = "h", .sd_id = "x@1"};
        char host[8];
        struct msgbuf b = {0};

        rfc5424_format(&b, &style, 191, &rec);
        /* no task: PROCID "-"; MSGID at most 32 printable characters */
        EXPECT_HAS(text(&b), "<191>1 1970-01-01T00:00:00.000000Z h probekit - "
                             "a_very_long_probe_name_indeed.an - {\"ts\":5,");
        EXPECT_HAS(b.data, "\"pid\":null,\"tid\":null");
        rfc5424_printusascii(host, sizeof(host), "", 255);
        EXPECT_STR("-", host);
        rfc5424_printusascii(host, sizeof(host), "my host name", 255);
        EXPECT_STR("my_host", host);
        msgbuf_free(&b);
}

static void test_severities(void)
{
        const char *const items[] = {"tp_exec=notice", "tp_exec.exit=debug", "raw_tp=warning"};
        struct severity_map map;
        struct severity_rule rule;
        char why[200];

        EXPECT_INT(0, severity_map_build(&map, items, 3, 6, why, sizeof(why)));
        EXPECT_INT(5, severity_map_lookup(&map, "tp_exec", "exec"));
        EXPECT_INT(7, severity_map_lookup(&map, "tp_exec", "exit"));
        EXPECT_INT(4, severity_map_lookup(&map, "raw_tp", "sys"));
        EXPECT_INT(6, severity_map_lookup(&map, "other", "exec"));
        severity_map_free(&map);
        EXPECT_INT(-EINVAL, severity_rule_parse("tp_exec=loud", &rule, why, sizeof(why)));
        EXPECT_HAS(why, "'loud' is not a severity");
        EXPECT_INT(-EINVAL, severity_rule_parse("=info", &rule, why, sizeof(why)));
        EXPECT_INT(19, syslog_name_index(syslog_facility_names, "local3", 6));
}

static void test_subjects(void)
{
        struct msgbuf b = {0};
        char why[200];

        nats_subject_make(&b, "probekit.{host}.{probe}.{event}", "web1.example.net", "tp_exec",
                          "exec");
        EXPECT_STR("probekit.web1_example_net.tp_exec.exec", b.data);
        EXPECT_INT(0, nats_subject_check("probekit.{host}.{probe}.{event}", why, sizeof(why)));
        EXPECT_INT(0, nats_subject_check("events", why, sizeof(why)));
        EXPECT_INT(-EINVAL, nats_subject_check("probekit.{hots}", why, sizeof(why)));
        EXPECT_HAS(why, "unknown placeholder");
        EXPECT_INT(-EINVAL, nats_subject_check("probekit..x", why, sizeof(why)));
        EXPECT_INT(-EINVAL, nats_subject_check("probekit.>", why, sizeof(why)));
        EXPECT_INT(-EINVAL, nats_subject_check("probekit.", why, sizeof(why)));
        msgbuf_free(&b);
}

int main(void)
{
        test_json_message();
        test_structured_message();
        test_header_edges();
        test_severities();
        test_subjects();
        return unit_finish();
}
