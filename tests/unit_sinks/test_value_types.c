/* SPDX-License-Identifier: MIT */
/*
 * The ABI 2 value types in both sinks: string arrays, addresses, small
 * signed integers, named values (errno, signal, syscall, a plugin's enum and
 * flags), absent header and event fields.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "builtin_sinks.h"
#include "check.h"
#include "expect_output.h"
#include "fake_host.h"

/* 2025-11-25 04:30:00.123456789 UTC; the test runs with TZ=UTC. */
#define TS 1764045000123456789ull

static const struct fake_option no_header[] = {{"header", "false"}, {NULL, NULL}};

static const struct pk_name open_flag_names[] = {
    {0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, {0100, "O_CREAT"}, {01000, "O_TRUNC"},
};
static const struct pk_names open_flags = {PK_NAMES_FLAGS, PK_COUNT(open_flag_names),
                                           open_flag_names};
static const struct pk_name state_names[] = {{1, "ESTABLISHED"}, {7, "CLOSE"}, {9, "we\"ird"}};
static const struct pk_names tcp_states = {PK_NAMES_ENUM, PK_COUNT(state_names), state_names};

enum { F_ARGV, F_SADDR, F_DADDR, F_MAPPED, F_S8, F_S16, F_SIG, F_NR, F_FLAGS, F_STATE, N_FIELDS };

static const struct pk_field fields[N_FIELDS] = {
    [F_ARGV] = {.name = "argv", .type = PK_FIELD_STR_ARRAY},
    [F_SADDR] = {.name = "saddr", .type = PK_FIELD_IPV4},
    [F_DADDR] = {.name = "daddr", .type = PK_FIELD_IPV6},
    [F_MAPPED] = {.name = "mapped", .type = PK_FIELD_IPV6},
    [F_S8] = {.name = "s8", .type = PK_FIELD_S8},
    [F_S16] = {.name = "s16", .type = PK_FIELD_S16},
    [F_SIG] = {.name = "sig", .type = PK_FIELD_S32, .flags = PK_FIELD_SIGNAL},
    [F_NR] = {.name = "nr", .type = PK_FIELD_U32, .flags = PK_FIELD_SYSCALL},
    [F_FLAGS] = {.name = "flags",
                 .type = PK_FIELD_U32,
                 .flags = PK_FIELD_HEX,
                 .names = &open_flags},
    [F_STATE] = {.name = "state", .type = PK_FIELD_U8, .names = &tcp_states},
};

static const char argv[] = "ls\0-l\0/tmp/a b\0";
static const unsigned char v4[4] = {10, 0, 0, 1};
static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const unsigned char v4_mapped[16] = {[10] = 0xff, [11] = 0xff, 127, 0, 0, 1};

static void values_for(union pk_value v[N_FIELDS], uint64_t flags, uint64_t state)
{
        v[F_ARGV].str.ptr = argv;
        v[F_ARGV].str.len = sizeof(argv) - 1;
        v[F_SADDR].str.ptr = (const char *)v4;
        v[F_SADDR].str.len = 4;
        v[F_DADDR].str.ptr = (const char *)v6;
        v[F_DADDR].str.len = 16;
        v[F_MAPPED].str.ptr = (const char *)v4_mapped;
        v[F_MAPPED].str.len = 16;
        v[F_S8].s64 = -128;
        v[F_S16].s64 = -32768;
        v[F_SIG].s64 = 9;
        v[F_NR].u64 = 257; /* openat on x86-64 */
        v[F_FLAGS].u64 = flags;
        v[F_STATE].u64 = state;
}

static void test_json(void)
{
        static const struct pk_event_header login = {.pid = 10,
                                                     .tid = 11,
                                                     .uid = 1000,
                                                     .auid = 1000,
                                                     .session = 4,
                                                     .cgroup_id = 0,
                                                     .present =
                                                         PK_HDR_TASK | PK_HDR_AUID | PK_HDR_SESSION,
                                                     .comm = "sh"};
        union pk_value v[2][N_FIELDS];
        struct pk_record recs[2];

        values_for(v[0], 01101, 9);
        values_for(v[1], 0x80000000u | 01, 3);
        for (int i = 0; i < 2; i++)
                recs[i] = (struct pk_record){.probe = "p",
                                             .event = "e",
                                             .hdr = i ? NULL : &login,
                                             .fields = fields,
                                             .values = v[i],
                                             .n_fields = N_FIELDS};
        /* the second: argv, s16 and state absent */
        recs[1].absent = 1u << F_ARGV | 1u << F_S16 | 1u << F_STATE;
        expect_sink_output(
            &pk_json_sink_plugin, NULL, recs, 2,
            "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\",\"pid\":10,\"tid\":11,\"uid\":1000,"
            "\"auid\":1000,\"session\":4,\"comm\":\"sh\",\"cgroup\":null,"
            "\"argv\":[\"ls\",\"-l\",\"/tmp/a "
            "b\"],\"saddr\":\"10.0.0.1\",\"daddr\":\"2001:db8::1\","
            "\"mapped\":\"127.0.0.1\",\"s8\":-128,\"s16\":-32768,\"sig\":9,\"sig_name\":"
            "\"SIGKILL\","
            "\"nr\":257,\"nr_name\":\"openat\",\"flags\":577,"
            "\"flags_name\":\"O_WRONLY|O_CREAT|O_TRUNC\",\"state\":9,\"state_name\":\"we\\\"ird\"}"
            "\n"
            "{\"ts\":0,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER ",\"argv\":null,"
            "\"saddr\":\"10.0.0.1\",\"daddr\":\"2001:db8::1\",\"mapped\":\"127.0.0.1\",\"s8\":-128,"
            "\"s16\":null,\"sig\":9,\"sig_name\":\"SIGKILL\",\"nr\":257,\"nr_name\":\"openat\","
            "\"flags\":2147483649,\"flags_name\":\"O_WRONLY|0x80000000\",\"state\":null,"
            "\"state_name\":null}\n",
            __FILE__, __LINE__);
}

static void test_text(void)
{
        static const struct pk_event_header login = {.pid = 10,
                                                     .tid = 11,
                                                     .uid = 1000,
                                                     .auid = 1000,
                                                     .session = 4,
                                                     .present =
                                                         PK_HDR_TASK | PK_HDR_AUID | PK_HDR_SESSION,
                                                     .comm = "sh"};
        union pk_value v[N_FIELDS];
        struct pk_record rec = {.probe = "p",
                                .event = "e",
                                .ts_ns = TS,
                                .hdr = &login,
                                .fields = fields,
                                .values = v,
                                .n_fields = N_FIELDS};

        values_for(v, 0, 7);
        expect_sink_output(&pk_text_sink_plugin, no_header, &rec, 1,
                           "04:30:00.123 p              e               10  1000     4 sh       "
                           "        argv=ls -l \"/tmp/a b\" saddr=10.0.0.1 daddr=2001:db8::1 "
                           "mapped=127.0.0.1 s8=-128 s16=-32768 sig=9 (SIGKILL) nr=257 (openat) "
                           "flags=0x0 (O_RDONLY) state=7 (CLOSE)\n",
                           __FILE__, __LINE__);
        rec.absent = 1u << F_SADDR | 1u << F_NR;
        values_for(v, 0100, 2);
        expect_sink_output(&pk_text_sink_plugin, no_header, &rec, 1,
                           "04:30:00.123 p              e               10  1000     4 sh       "
                           "        argv=ls -l \"/tmp/a b\" saddr=- daddr=2001:db8::1 "
                           "mapped=127.0.0.1 s8=-128 s16=-32768 sig=9 (SIGKILL) nr=- "
                           "flags=0x40 (O_CREAT) state=2\n",
                           __FILE__, __LINE__);
}

int main(void)
{
        setenv("TZ", "UTC", 1);
        tzset();
        test_json();
        test_text();
        return check_exit_code("test_value_types");
}
