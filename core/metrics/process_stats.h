/* SPDX-License-Identifier: MIT */
/* The process metrics every Prometheus client exports, read from /proc/self. */
#ifndef PK_METRICS_PROCESS_STATS_H
#define PK_METRICS_PROCESS_STATS_H

#include <stdint.h>

struct process_stats {
        double cpu_seconds; /* user + system time */
        double start_time;  /* seconds since the epoch */
        uint64_t resident_bytes;
        uint64_t virtual_bytes;
        uint64_t open_fds;
        uint64_t max_fds;
};

/* 0 or -errno when /proc/self/stat could not be read. */
int process_stats_read(struct process_stats *out);

#endif
