/* SPDX-License-Identifier: MIT */
/*
 * The bare BPF floor for the syscall firehose: a raw_tp/sys_enter program
 * filtered to one process that only counts. Whatever a tracer costs beyond
 * this is the price of getting the events out.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;

__u64 hits = 0;

SEC("raw_tp/sys_enter")
int count_sys_enter(void *ctx)
{
        (void)ctx;
        if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
                return 0;
        __sync_fetch_and_add(&hits, 1);
        return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
