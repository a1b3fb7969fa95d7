/* SPDX-License-Identifier: MIT */
/*
 * The exec storm: M runs of /bin/true, one after another (fork, execve,
 * wait). Starts paused and prints one line
 *   execs=M ns=ELAPSED failed=F
 */
#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_true(void)
{
        /*
         * On the stack, not in static data: a forked child has its stack pages
         * mapped, so tracers that read argv at execve (execsnoop) can see it.
         */
        char path[] = "/bin/true";
        char *child_argv[] = {path, NULL};
        char *child_envp[] = {NULL};
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                execve(child_argv[0], child_argv, child_envp);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
        uint64_t execs, failed = 0, start, elapsed;

        if (argc != 2) {
                fprintf(stderr, "usage: %s EXECS\n", argv[0]);
                return 2;
        }
        execs = bench_parse_count(argv[1], "EXECS");
        bench_wait_start();

        start = bench_now_ns(CLOCK_MONOTONIC);
        for (uint64_t i = 0; i < execs; i++)
                if (run_true())
                        failed++;
        elapsed = bench_now_ns(CLOCK_MONOTONIC) - start;

        printf("execs=%llu ns=%llu failed=%llu\n", (unsigned long long)execs,
               (unsigned long long)elapsed, (unsigned long long)failed);
        return failed ? 1 : 0;
}
