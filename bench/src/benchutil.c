/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bench_wait_start(void)
{
        char byte;
        ssize_t n;

        do {
                n = read(STDIN_FILENO, &byte, 1);
        } while (n < 0 && errno == EINTR);
}

uint64_t bench_now_ns(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t bench_parse_count(const char *text, const char *what)
{
        char *end = NULL;
        unsigned long long value;

        errno = 0;
        value = strtoull(text, &end, 10);
        if (errno || !end || *end != '\0' || value == 0) {
                fprintf(stderr, "invalid %s: '%s' (want a positive integer)\n", what, text);
                exit(2);
        }
        return value;
}

struct bench_worker *bench_workers_new(uint64_t threads, uint64_t iterations)
{
        struct bench_worker *workers = calloc(threads, sizeof(*workers));

        if (!workers) {
                fprintf(stderr, "out of memory for %llu threads\n", (unsigned long long)threads);
                exit(1);
        }
        for (uint64_t t = 0; t < threads; t++) {
                workers[t].index = t;
                workers[t].iterations = iterations;
        }
        return workers;
}

uint64_t bench_storm(struct bench_worker *workers, uint64_t threads, void *(*run)(void *worker),
                     uint64_t *failed)
{
        uint64_t start, t;

        bench_wait_start();
        start = bench_now_ns(CLOCK_MONOTONIC);
        for (t = 0; t < threads; t++) {
                int rc = pthread_create(&workers[t].thread, NULL, run, &workers[t]);

                if (rc) { /* a storm with fewer threads would measure something else */
                        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
                        exit(1);
                }
        }
        *failed = 0;
        for (t = 0; t < threads; t++) {
                pthread_join(workers[t].thread, NULL);
                *failed += workers[t].failed;
        }
        return bench_now_ns(CLOCK_MONOTONIC) - start;
}
