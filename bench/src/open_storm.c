/* SPDX-License-Identifier: MIT */
/*
 * The open storm: THREADS threads, each opening and closing its own file in
 * DIR, DIR/storm-<thread> (an absolute path, read-only), OPENS times. The
 * harness creates the files, so every open of them is one of the storm's.
 * Starts paused and prints one line
 *   opens=M ns=ELAPSED failed=F
 */
#define _GNU_SOURCE
#include "benchutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct worker {
        pthread_t thread;
        char path[4096];
        uint64_t opens;
        uint64_t failed;
};

static void *storm(void *arg)
{
        struct worker *w = arg;

        for (uint64_t i = 0; i < w->opens; i++) {
                int fd = open(w->path, O_RDONLY);

                if (fd < 0)
                        w->failed++;
                else
                        close(fd);
        }
        return NULL;
}

int main(int argc, char **argv)
{
        uint64_t threads, opens, failed = 0, start, elapsed;
        struct worker *workers;

        if (argc != 4) {
                fprintf(stderr, "usage: %s DIR THREADS OPENS_PER_THREAD\n", argv[0]);
                return 2;
        }
        threads = bench_parse_count(argv[2], "THREADS");
        opens = bench_parse_count(argv[3], "OPENS_PER_THREAD");
        workers = calloc(threads, sizeof(*workers));
        if (!workers)
                return 1;
        for (uint64_t t = 0; t < threads; t++) {
                snprintf(workers[t].path, sizeof(workers[t].path), "%s/storm-%llu", argv[1],
                         (unsigned long long)t);
                workers[t].opens = opens;
        }
        bench_wait_start();

        start = bench_now_ns(CLOCK_MONOTONIC);
        for (uint64_t t = 0; t < threads; t++)
                pthread_create(&workers[t].thread, NULL, storm, &workers[t]);
        for (uint64_t t = 0; t < threads; t++) {
                pthread_join(workers[t].thread, NULL);
                failed += workers[t].failed;
        }
        elapsed = bench_now_ns(CLOCK_MONOTONIC) - start;

        printf("opens=%llu ns=%llu failed=%llu\n", (unsigned long long)(threads * opens),
               (unsigned long long)elapsed, (unsigned long long)failed);
        return failed ? 1 : 0;
}
