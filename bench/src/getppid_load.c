/* SPDX-License-Identifier: MIT */
/*
 * The syscall firehose: N getppid() calls in one thread, as fast as it can.
 * Starts paused (see bench_wait_start) and prints one line
 *   calls=N ns=ELAPSED rate=CALLS_PER_SECOND
 */
#define _GNU_SOURCE
#include "benchutil.h"

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        uint64_t calls, start, elapsed;

        if (argc != 2) {
                fprintf(stderr, "usage: %s CALLS\n", argv[0]);
                return 2;
        }
        calls = bench_parse_count(argv[1], "CALLS");
        bench_wait_start();

        start = bench_now_ns(CLOCK_MONOTONIC);
        for (uint64_t i = 0; i < calls; i++)
                syscall(SYS_getppid); /* glibc's getppid() is a plain syscall too */
        elapsed = bench_now_ns(CLOCK_MONOTONIC) - start;

        printf("calls=%llu ns=%llu rate=%.0f\n", (unsigned long long)calls,
               (unsigned long long)elapsed, (double)calls * 1e9 / (double)elapsed);
        return 0;
}
