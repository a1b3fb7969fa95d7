/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
