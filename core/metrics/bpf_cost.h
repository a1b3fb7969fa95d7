/* SPDX-License-Identifier: MIT */
/*
 * What each BPF program of a probe costs in the kernel: run time and run
 * count from bpf_prog_info. The kernel counts only while the sysctl
 * kernel.bpf_stats_enabled is 1 (it costs a clock read per run), so the
 * metrics are exported only then.
 */
#ifndef PK_METRICS_BPF_COST_H
#define PK_METRICS_BPF_COST_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object;

/* Whether /proc/sys/kernel/bpf_stats_enabled reads 1. */
bool bpf_stats_enabled(void);

/* Called once per loaded program of `obj`. */
typedef void (*bpf_cost_fn)(void *ctx, const char *program, uint64_t run_time_ns,
                            uint64_t run_count);
/* 0, or -errno of the first program whose info could not be read. */
int bpf_cost_for_each(struct bpf_object *obj, bpf_cost_fn fn, void *ctx);

#endif
