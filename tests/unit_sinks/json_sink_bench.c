/* SPDX-License-Identifier: MIT */
/*
 * How long the json sink takes per record: a tool to run by hand when working
 * on the sink, never a test (timings vary with the machine and its load).
 *
 *   json_sink_bench [RECORDS [ROUNDS [OUTPUT]]]
 *
 * Writes RECORDS records (default 5000000) ROUNDS times (default 5) to OUTPUT
 * (default /dev/null) for each scenario and prints the best round's
 * nanoseconds per record, buffer write-outs included:
 *
 *   firehose  the raw_tp syscall line of the firehose benchmark, one thread:
 *             only ts changes from one record to the next
 *   threads   the same with 64 threads taking turns (a new pid, tid and comm
 *             on every record)
 *   strings   a record of short strings and small numbers, mode set
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "builtin_sinks.h"
#include "fake_host.h"

#define THREADS 64

static const struct pk_field syscall_fields[] = {
    {.name = "nr", .type = PK_FIELD_U32},
    {.name = "syscall", .type = PK_FIELD_STR},
    {.name = "args", .type = PK_FIELD_U64_ARRAY, .flags = PK_FIELD_HEX},
    {.name = "ret", .type = PK_FIELD_S64},
    {.name = "duration_ns", .type = PK_FIELD_U64},
};

static const struct pk_field string_fields[] = {
    {.name = "path", .type = PK_FIELD_STR}, {.name = "flags", .type = PK_FIELD_U32},
    {.name = "ok", .type = PK_FIELD_BOOL},  {.name = "err", .type = PK_FIELD_S32},
    {.name = "dir", .type = PK_FIELD_STR},
};

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* headers[0] for every record, or headers[i % THREADS] when threads is set. */
static double run_round(const char *output, const struct pk_record *model,
                        const struct pk_event_header *headers, int threads, size_t records)
{
        struct pk_record rec = *model;
        struct fake_sink sink;
        uint64_t start, end;
        int err = 0;

        if (fake_sink_open(&pk_json_sink_plugin, NULL, output, &sink)) {
                fprintf(stderr, "cannot open %s\n", output);
                exit(1);
        }
        start = now_ns();
        for (size_t i = 0; i < records && !err; i++) {
                rec.ts_ns = model->ts_ns + i * 313;
                if (threads)
                        rec.hdr = &headers[i % THREADS];
                err = sink.plugin->sink->write(sink.state, &rec);
        }
        err = err ? err : fake_sink_close(&sink);
        end = now_ns();
        if (err) {
                fprintf(stderr, "write error %d\n", err);
                exit(1);
        }
        return (double)(end - start) / (double)records;
}

static void scenario(const char *name, const char *output, const struct pk_record *rec,
                     const struct pk_event_header *headers, int threads, size_t records, int rounds)
{
        double best = 0;

        for (int r = 0; r < rounds; r++) {
                double ns = run_round(output, rec, headers, threads, records);

                if (r == 0 || ns < best)
                        best = ns;
        }
        printf("%-9s %7.1f ns/record\n", name, best);
}

int main(int argc, char **argv)
{
        size_t records = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000000;
        int rounds = argc > 2 ? atoi(argv[2]) : 5;
        const char *output = argc > 3 ? argv[3] : "/dev/null";
        static struct pk_event_header headers[THREADS];
        static const uint64_t args[] = {0, 0, 0, 0, 0, 140728965772456ull};
        const union pk_value syscall_values[] = {
            {.u64 = 110}, {.str = {"getppid", 7}}, {.arr = {args, 6}}, {.s64 = 22308}, {.u64 = 0},
        };
        const union pk_value string_values[] = {
            {.str = {"/etc/ld.so.cache", 16}}, {.u64 = 524288}, {.u64 = 1}, {.s64 = -2},
            {.str = {"/usr/lib", 8}},
        };
        const struct pk_record firehose = {
            .probe = "raw_tp",
            .event = "syscall",
            .ts_ns = 1795587689123852938ull,
            .hdr = &headers[0],
            .fields = syscall_fields,
            .values = syscall_values,
            .n_fields = PK_COUNT(syscall_fields),
        };
        const struct pk_record strings = {
            .probe = "open_probe",
            .event = "openat",
            .mode = "fentry",
            .ts_ns = 1795587689123852938ull,
            .hdr = &headers[0],
            .fields = string_fields,
            .values = string_values,
            .n_fields = PK_COUNT(string_fields),
        };

        if (records == 0 || rounds <= 0) {
                fprintf(stderr, "usage: %s [RECORDS [ROUNDS [OUTPUT]]]\n", argv[0]);
                return 2;
        }
        for (int i = 0; i < THREADS; i++) {
                headers[i] = (struct pk_event_header){
                    .cgroup_id = 1,
                    .pid = 22312,
                    .tid = 22312 + (uint32_t)i,
                    .uid = 0,
                    .auid = 1000, /* inside a login: the longest header */
                    .session = 3,
                    .present = PK_HDR_TASK | PK_HDR_CGROUP | PK_HDR_AUID | PK_HDR_SESSION};
                snprintf(headers[i].comm, sizeof(headers[i].comm), "getppid_load%d", i);
        }
        memcpy(headers[0].comm, "getppid_load\0\0\0", sizeof(headers[0].comm));
        scenario("firehose", output, &firehose, headers, 0, records, rounds);
        scenario("threads", output, &firehose, headers, 1, records, rounds);
        scenario("strings", output, &strings, headers, 0, records, rounds);
        return 0;
}
