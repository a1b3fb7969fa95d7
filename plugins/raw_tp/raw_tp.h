/* SPDX-License-Identifier: MIT */
/* Samples and map layouts of the raw_tp plugin, shared by BPF and user space. */
#ifndef PROBEKIT_RAW_TP_H
#define PROBEKIT_RAW_TP_H

#include <probekit/event.h>

/* Event type indexes in the descriptor's events[]. */
enum raw_tp_event_type {
        RAW_TP_EVENT_SYSCALL = 0,
        RAW_TP_EVENT_SYSCALL_COUNTS = 1,
};

/* Syscall numbers the in-kernel syscall set can hold (x86-64 uses < 512). */
#define RAW_TP_MAX_SYSCALLS 512
#define RAW_TP_SYSCALL_ARGS 6

/* One completed syscall (mode = events): fixed size, 120 bytes. */
struct raw_tp_syscall_event {
        struct pk_event_header hdr;
        __u32 nr;
        __u32 pad;
        __u64 args[RAW_TP_SYSCALL_ARGS];
        __s64 ret;
        __u64 duration_ns;
};

/* What sys_enter leaves for sys_exit in the thread's task storage. */
struct raw_tp_pending_call {
        __u64 start_ns; /* 0: no call pending */
        __u64 args[RAW_TP_SYSCALL_ARGS];
        __u32 nr;
        __u32 pad;
};

/* mode = counts: one map entry per (process, syscall); user space sizes it. */
struct raw_tp_count_key {
        __u32 pid;
        __u32 nr;
};

struct raw_tp_count_value {
        __u64 count;
        __u64 errors; /* calls that returned a negative errno */
        __u32 uid;    /* of the first call seen in the interval */
        __u32 pad;
        char comm[PK_COMM_LEN];
};

#endif /* PROBEKIT_RAW_TP_H */
