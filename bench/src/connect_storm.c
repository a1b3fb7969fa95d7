/* SPDX-License-Identifier: MIT */
/*
 * The connect storm: a listener on 127.0.0.1 (a port of the kernel's
 * choice) and THREADS threads, each connecting to it and closing CONNECTS
 * times. The client closes with a reset (SO_LINGER 0), so no TIME_WAIT uses
 * up the ephemeral ports. Starts paused and prints one line
 *   connects=M ns=ELAPSED failed=F port=P
 */
#define _GNU_SOURCE
#include "benchutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in server = {.sin_family = AF_INET};

static void *accept_all(void *arg)
{
        int listener = *(int *)arg;

        for (;;) {
                int fd = accept(listener, NULL, NULL);

                if (fd >= 0)
                        close(fd);
        }
        return NULL;
}

static void *storm(void *arg)
{
        struct bench_worker *w = arg;
        struct linger reset = {.l_onoff = 1, .l_linger = 0};

        for (uint64_t i = 0; i < w->iterations; i++) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);

                if (fd < 0 || connect(fd, (struct sockaddr *)&server, sizeof(server)))
                        w->failed++;
                if (fd >= 0) {
                        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
                        close(fd);
                }
        }
        return NULL;
}

int main(int argc, char **argv)
{
        uint64_t threads, connects, failed, elapsed;
        socklen_t len = sizeof(server);
        pthread_t acceptor;
        int listener;

        if (argc != 3) {
                fprintf(stderr, "usage: %s THREADS CONNECTS_PER_THREAD\n", argv[0]);
                return 2;
        }
        threads = bench_parse_count(argv[1], "THREADS");
        connects = bench_parse_count(argv[2], "CONNECTS_PER_THREAD");
        listener = socket(AF_INET, SOCK_STREAM, 0);
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (listener < 0 || bind(listener, (struct sockaddr *)&server, len) ||
            listen(listener, 4096) || getsockname(listener, (struct sockaddr *)&server, &len)) {
                perror("listener");
                return 1;
        }
        pthread_create(&acceptor, NULL, accept_all, &listener);
        elapsed = bench_storm(bench_workers_new(threads, connects), threads, storm, &failed);
        printf("connects=%llu ns=%llu failed=%llu port=%u\n",
               (unsigned long long)(threads * connects), (unsigned long long)elapsed,
               (unsigned long long)failed, ntohs(server.sin_port));
        return failed ? 1 : 0;
}
