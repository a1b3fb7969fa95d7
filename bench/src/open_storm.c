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
#include <stdio.h>
#include <unistd.h>

static const char *dir;

static void *storm(void *arg)
{
        struct bench_worker *w = arg;
        char path[4096];

        snprintf(path, sizeof(path), "%s/storm-%llu", dir, (unsigned long long)w->index);
        for (uint64_t i = 0; i < w->iterations; i++) {
                int fd = open(path, O_RDONLY);

                if (fd < 0)
                        w->failed++;
                else
                        close(fd);
        }
        return NULL;
}

int main(int argc, char **argv)
{
        uint64_t threads, opens, failed, elapsed;

        if (argc != 4) {
                fprintf(stderr, "usage: %s DIR THREADS OPENS_PER_THREAD\n", argv[0]);
                return 2;
        }
        dir = argv[1];
        threads = bench_parse_count(argv[2], "THREADS");
        opens = bench_parse_count(argv[3], "OPENS_PER_THREAD");
        elapsed = bench_storm(bench_workers_new(threads, opens), threads, storm, &failed);
        printf("opens=%llu ns=%llu failed=%llu\n", (unsigned long long)(threads * opens),
               (unsigned long long)elapsed, (unsigned long long)failed);
        return failed ? 1 : 0;
}
