/* SPDX-License-Identifier: MIT */
/*
 * The low-rate load: one getppid() every INTERVAL_MS milliseconds, COUNT
 * times, on absolute deadlines so the pace does not drift. Starts paused.
 */
#define _GNU_SOURCE
#include "benchutil.h"

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        uint64_t count, interval_ms;
        struct timespec next;

        if (argc != 3) {
                fprintf(stderr, "usage: %s COUNT INTERVAL_MS\n", argv[0]);
                return 2;
        }
        count = bench_parse_count(argv[1], "COUNT");
        interval_ms = bench_parse_count(argv[2], "INTERVAL_MS");
        bench_wait_start();

        clock_gettime(CLOCK_MONOTONIC, &next);
        for (uint64_t i = 0; i < count; i++) {
                next.tv_nsec += (long)(interval_ms * 1000000ull);
                while (next.tv_nsec >= 1000000000L) {
                        next.tv_nsec -= 1000000000L;
                        next.tv_sec++;
                }
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
                syscall(SYS_getppid);
        }
        printf("calls=%llu\n", (unsigned long long)count);
        return 0;
}
