/* SPDX-License-Identifier: MIT */
/*
 * Loader and consumer of the ring-buffer floors (ringfloor.bpf.c):
 * `bench-ringfloor PID ring|batch` attaches one of the two programs for
 * PID, prints "ready", consumes the ring (counting events, nothing else)
 * until SIGINT/SIGTERM, drains it, and prints "count=EVENTS drops=N
 * batches=N timer_flushes=N max_latency_ns=N". With --latency it also
 * measures how long events took to arrive (for lone events: the flush bound).
 */
#define _GNU_SOURCE
#include "benchutil.h"
#include "ringfloor.skel.h"

#include <bpf/bpf.h>

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define EVENT_BYTES 40

static volatile sig_atomic_t stop;
static unsigned long long events;
/* with --latency: the longest time from an event (its ts_ns) to its arrival here */
static bool measure_latency;
static uint64_t max_latency_ns;

static void on_signal(int sig)
{
        (void)sig;
        stop = 1;
}

static int on_sample(void *ctx, void *data, size_t size)
{
        (void)ctx;
        events += size / EVENT_BYTES;
        if (measure_latency) {
                uint64_t now = bench_now_ns(CLOCK_MONOTONIC);

                /* every event starts with its bpf_ktime_get_ns() */
                for (size_t at = 0; at + EVENT_BYTES <= size; at += EVENT_BYTES) {
                        uint64_t ts;

                        memcpy(&ts, (char *)data + at, sizeof(ts));
                        if (now - ts > max_latency_ns)
                                max_latency_ns = now - ts;
                }
        }
        return 0;
}

/* Run arm_timer on every online CPU, pinned there, so each CPU's timer is its own. */
static int arm_timers(struct ringfloor_bpf *skel)
{
        int ncpu = libbpf_num_possible_cpus(), armed = 0;
        cpu_set_t old;

        sched_getaffinity(0, sizeof(old), &old);
        for (int cpu = 0; cpu < ncpu; cpu++) {
                LIBBPF_OPTS(bpf_test_run_opts, opts);
                cpu_set_t one;

                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                if (sched_setaffinity(0, sizeof(one), &one))
                        continue; /* offline */
                if (!bpf_prog_test_run_opts(bpf_program__fd(skel->progs.arm_timer), &opts) &&
                    opts.retval == 0)
                        armed++;
        }
        sched_setaffinity(0, sizeof(old), &old);
        return armed ? 0 : -1;
}

int main(int argc, char **argv)
{
        struct sigaction sa = {.sa_handler = on_signal};
        struct ringfloor_bpf *skel;
        struct ring_buffer *rb = NULL;
        bool batch;
        int err;

        if (argc < 3 || argc > 4 || (strcmp(argv[2], "ring") && strcmp(argv[2], "batch")) ||
            (argc == 4 && strcmp(argv[3], "--latency"))) {
                fprintf(stderr, "usage: %s PID ring|batch [--latency]\n", argv[0]);
                return 2;
        }
        measure_latency = argc == 4;
        batch = !strcmp(argv[2], "batch");
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        skel = ringfloor_bpf__open();
        if (!skel) {
                fprintf(stderr, "bench-ringfloor: cannot open the BPF object\n");
                return 1;
        }
        skel->rodata->target_tgid = (__u32)bench_parse_count(argv[1], "PID");
        bpf_program__set_autoload(batch ? skel->progs.ring_sys_enter : skel->progs.batch_sys_enter,
                                  false);
        bpf_program__set_autoload(skel->progs.arm_timer, batch);
        err = ringfloor_bpf__load(skel);
        if (!err)
                err = ringfloor_bpf__attach(skel);
        if (!err) {
                rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_sample, NULL, NULL);
                err = rb ? 0 : -1;
        }
        if (err) {
                fprintf(stderr, "bench-ringfloor: load/attach failed: %d\n", err);
                ringfloor_bpf__destroy(skel);
                return 1;
        }
        if (batch && arm_timers(skel)) {
                fprintf(stderr, "bench-ringfloor: cannot arm the flush timers\n");
                ring_buffer__free(rb);
                ringfloor_bpf__destroy(skel);
                return 1;
        }
        printf("ready\n");
        fflush(stdout);
        while (!stop) {
                /* woken, or every 25 ms (probekit's flush interval) as probekit drains */
                ring_buffer__poll(rb, 25);
                ring_buffer__consume(rb);
        }
        ring_buffer__consume(rb);
        printf("count=%llu drops=%llu batches=%llu timer_flushes=%llu max_latency_ns=%llu\n",
               events, (unsigned long long)skel->bss->drops, (unsigned long long)skel->bss->batches,
               (unsigned long long)skel->bss->timer_flushes, (unsigned long long)max_latency_ns);
        ring_buffer__free(rb);
        ringfloor_bpf__destroy(skel);
        return 0;
}
