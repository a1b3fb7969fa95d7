/* SPDX-License-Identifier: MIT */
/*
 * The soak's load: RATE getppid() calls a second for SECONDS seconds, in a
 * burst every millisecond on absolute deadlines, so a long run holds its
 * pace. Starts paused; prints how many calls it made when done.
 */
#define _GNU_SOURCE
#include "benchutil.h"

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        uint64_t rate, seconds, ticks, per_tick, made = 0;
        struct timespec next;

        if (argc != 3) {
                fprintf(stderr, "usage: %s RATE SECONDS\n", argv[0]);
                return 2;
        }
        rate = bench_parse_count(argv[1], "RATE");
        seconds = bench_parse_count(argv[2], "SECONDS");
        per_tick = rate / 1000 ? rate / 1000 : 1;
        ticks = seconds * 1000;
        bench_wait_start();

        clock_gettime(CLOCK_MONOTONIC, &next);
        for (uint64_t t = 0; t < ticks; t++) {
                for (uint64_t i = 0; i < per_tick; i++)
                        syscall(SYS_getppid);
                made += per_tick;
                next.tv_nsec += 1000000L;
                if (next.tv_nsec >= 1000000000L) {
                        next.tv_nsec -= 1000000000L;
                        next.tv_sec++;
                }
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        }
        printf("%llu\n", (unsigned long long)made);
        return 0;
}
