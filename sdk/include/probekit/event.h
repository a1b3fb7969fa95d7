/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the BPF side and user space: the header that starts every
 * ring-buffer sample, and the read-only configuration the core writes into
 * every plugin's BPF object before it is loaded.
 *
 * Included from BPF code (after vmlinux.h) and from C/C++ user code.
 */
#ifndef PROBEKIT_EVENT_H
#define PROBEKIT_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PK_COMM_LEN 16

/*
 * Every sample a plugin submits starts with this header. The core reads `type`
 * to find the event type (an index into the plugin's event table) and turns
 * `ts_ns` (CLOCK_MONOTONIC, bpf_ktime_get_ns) into wall-clock time.
 */
struct pk_event_header {
        __u64 ts_ns;
        __u64 cgroup_id;
        __u32 pid; /* thread group id, what user space calls the pid */
        __u32 tid;
        __u32 uid;
        __u16 type;
        __u16 flags;
        char comm[PK_COMM_LEN];
};

/*
 * Written by the core into the global `pk_cfg` of every plugin's BPF object
 * (found through BTF) before load, so the verifier sees constants and prunes
 * the filters that are off.
 */
struct pk_bpf_config {
        __u32 self_tgid;               /* probekit's own process: never traced */
        __u32 filter_pid;              /* 0: any */
        __u32 filter_uid;              /* (__u32)-1: any */
        __u32 wakeup_bytes;            /* 0: wake the consumer for every sample */
        char filter_comm[PK_COMM_LEN]; /* "": any */
};

#define PK_ANY_UID ((__u32)-1)

#endif /* PROBEKIT_EVENT_H */
