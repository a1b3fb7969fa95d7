// SPDX-License-Identifier: MIT
/* core/metrics without a running instance: the exposition format, addresses, digests. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "config_identity.h"
#include "exposition.h"
#include "metrics_address.h"
#include "process_stats.h"
#include "strbuf.h"
#include "unit_check.h"

static void expect_label(const char *value, const char *want)
{
        struct strbuf sb = {0};

        expo_escape_label(&sb, value);
        EXPECT_STR(want, sb.data ? sb.data : "");
        strbuf_free(&sb);
}

static void test_label_escaping(void)
{
        expect_label("tp_exec", "tp_exec");
        expect_label("", "");
        expect_label(NULL, "");
        expect_label("say \"hi\"", "say \\\"hi\\\"");
        expect_label("C:\\dir", "C:\\\\dir");
        expect_label("two\nlines", "two\\nlines");
        /* valid UTF-8 stays, invalid bytes become U+FFFD (Prometheus rejects them) */
        expect_label("caf\xc3\xa9", "caf\xc3\xa9");
        expect_label("bad\xff", "bad\xef\xbf\xbd");
}

static void test_samples(void)
{
        const char *labels[] = {"probe", "a\"b", "event", "exec", NULL};
        struct strbuf sb = {0};

        expo_family(&sb, "probekit_events_total", METRIC_COUNTER, "Records.");
        expo_sample_u64(&sb, "probekit_events_total", labels, 18446744073709551615ULL);
        expo_sample_u64(&sb, "probekit_up", NULL, 1);
        expo_sample_double(&sb, "ratio", NULL, 0.25);
        expo_sample_double(&sb, "big", NULL, 1796108127.25);
        EXPECT_STR("# HELP probekit_events_total Records.\n"
                   "# TYPE probekit_events_total counter\n"
                   "probekit_events_total{probe=\"a\\\"b\",event=\"exec\"} 18446744073709551615\n"
                   "probekit_up 1\n"
                   "ratio 0.25\n"
                   "big 1796108127.25\n",
                   sb.data);
        strbuf_free(&sb);
}

static void test_addresses(void)
{
        struct sockaddr_storage ss;
        char why[256];

        EXPECT_INT(0, metrics_parse_address("127.0.0.1:9464", &ss, why, sizeof(why)));
        EXPECT_INT(AF_INET, ss.ss_family);
        EXPECT_INT(9464, ntohs(((struct sockaddr_in *)&ss)->sin_port));
        EXPECT_INT(0, metrics_parse_address("[::1]:80", &ss, why, sizeof(why)));
        EXPECT_INT(AF_INET6, ss.ss_family);
        EXPECT_INT(0, metrics_parse_address("0.0.0.0:65535", &ss, why, sizeof(why)));
        EXPECT_INT(-EINVAL, metrics_parse_address("127.0.0.1", &ss, why, sizeof(why)));
        EXPECT_HAS(why, "ADDRESS:PORT");
        EXPECT_INT(-EINVAL, metrics_parse_address("127.0.0.1:0", &ss, why, sizeof(why)));
        EXPECT_INT(-EINVAL, metrics_parse_address("127.0.0.1:65536", &ss, why, sizeof(why)));
        EXPECT_INT(-EINVAL, metrics_parse_address("127.0.0.1:+80", &ss, why, sizeof(why)));
        EXPECT_INT(-EINVAL, metrics_parse_address("localhost:9464", &ss, why, sizeof(why)));
        EXPECT_HAS(why, "no host names");
        EXPECT_INT(-EINVAL, metrics_parse_address("::1:9464", &ss, why, sizeof(why)));
        EXPECT_INT(-EINVAL, metrics_parse_address("[127.0.0.1]:9464", &ss, why, sizeof(why)));
}

static void test_sha256(void)
{
        char hex[65];

        /* FIPS 180-2's "abc" and the empty message */
        EXPECT_INT(0, sha256_hex("abc", 3, hex));
        EXPECT_STR("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
        EXPECT_INT(0, sha256_hex("", 0, hex));
        EXPECT_STR("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex);
        EXPECT_INT(-ENOENT, config_identity_loaded("/nonexistent/probekit.ini"));
        EXPECT_STR("", config_identity_sha256());
        EXPECT(config_identity_loaded_at() > 1.7e9);
        EXPECT_INT(0, config_identity_loaded(NULL));
        EXPECT_STR("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                   config_identity_sha256());
}

static void test_process(void)
{
        struct process_stats ps;

        EXPECT_INT(0, process_stats_read(&ps));
        EXPECT(ps.resident_bytes > 0);
        EXPECT(ps.virtual_bytes >= ps.resident_bytes);
        EXPECT(ps.start_time > 1.7e9);
        EXPECT(ps.open_fds >= 3);
        EXPECT(ps.max_fds >= ps.open_fds);
}

int main(void)
{
        test_label_escaping();
        test_samples();
        test_addresses();
        test_sha256();
        test_process();
        return unit_finish();
}
