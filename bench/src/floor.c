/* SPDX-License-Identifier: MIT */
/*
 * Loader of the firehose floor: `bench-floor PID` attaches the counting
 * program for PID, prints "ready", and on SIGINT/SIGTERM prints
 * "count=HITS" and exits.
 */
#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"
#include "floor.skel.h"

#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
        struct floor_bpf *skel;
        sigset_t stop;
        int sig, err;

        if (argc != 2) {
                fprintf(stderr, "usage: %s PID\n", argv[0]);
                return 2;
        }
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        sigprocmask(SIG_BLOCK, &stop, NULL);

        skel = floor_bpf__open();
        if (!skel) {
                fprintf(stderr, "bench-floor: cannot open the BPF object\n");
                return 1;
        }
        skel->rodata->target_tgid = (__u32)bench_parse_count(argv[1], "PID");
        err = floor_bpf__load(skel);
        if (!err)
                err = floor_bpf__attach(skel);
        if (err) {
                fprintf(stderr, "bench-floor: load/attach failed: %d\n", err);
                floor_bpf__destroy(skel);
                return 1;
        }
        printf("ready\n");
        fflush(stdout);

        sigwait(&stop, &sig);
        printf("count=%llu\n", (unsigned long long)skel->bss->hits);
        floor_bpf__destroy(skel);
        return 0;
}
