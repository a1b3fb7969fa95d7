/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the benchmark's load generators: the start gate
 * (a load is started paused so the harness knows its pid before any tracer
 * attaches), clocks, argument parsing, and the storm: threads that each
 * repeat one operation, timed from the gate to the last thread's end.
 */
#ifndef PROBEKIT_BENCH_UTIL_H
#define PROBEKIT_BENCH_UTIL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Block until the harness writes one byte to stdin (or closes it). */
void bench_wait_start(void);

/* Nanoseconds on the given clock. */
uint64_t bench_now_ns(clockid_t clock);

/* Parse a positive count from argv; exits with a usage message on error. */
uint64_t bench_parse_count(const char *text, const char *what);

/* One thread of a storm: `run` does `iterations` operations and counts the failed ones. */
struct bench_worker {
        pthread_t thread;
        uint64_t index;      /* 0 .. threads - 1 */
        uint64_t iterations; /* operations to do */
        uint64_t failed;     /* of them, the ones that failed */
};

/* `threads` workers of `iterations` each; exits with a message when out of memory. */
struct bench_worker *bench_workers_new(uint64_t threads, uint64_t iterations);

/*
 * Waits at the start gate, then runs `run(worker)` on one thread per worker
 * and joins them all. Returns the nanoseconds from the first start to the
 * last join; *failed is the sum of the workers' failures.
 */
uint64_t bench_storm(struct bench_worker *workers, uint64_t threads, void *(*run)(void *worker),
                     uint64_t *failed);

#endif /* PROBEKIT_BENCH_UTIL_H */
