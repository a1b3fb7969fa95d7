/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the BPF side and user space: the header that starts every
 * ring-buffer sample, and the read-only configuration the core writes into
 * every plugin's BPF object before it is loaded.
 *
 * Included from BPF code (after vmlinux.h) and from C/C++ user code. Part
 * of plugin ABI 2.0 (PK_ABI_MAJOR/MINOR and the version rules: plugin.h):
 * both structs are frozen for the major.
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
 *
 * `present` says which of the other fields hold a value (PK_HDR_*): a record
 * made in user space has no cgroup, a task outside any login has no audit
 * login uid or session, a kernel built without CONFIG_AUDIT has neither.
 * Sinks print an absent field as JSON null or text "-", never as the raw
 * bytes.
 */
struct pk_event_header {
        __u64 ts_ns;
        __u64 cgroup_id; /* cgroup v2 id of the task */
        __u32 pid;       /* thread group id, what user space calls the pid */
        __u32 tid;
        __u32 uid;
        __u32 auid;    /* audit login uid (task->loginuid) */
        __u32 session; /* audit session id (task->sessionid) */
        __u16 type;
        __u16 present; /* enum pk_header_present */
        char comm[PK_COMM_LEN];
};

enum pk_header_present {
        PK_HDR_TASK = 1 << 0,    /* pid, tid, uid, comm */
        PK_HDR_CGROUP = 1 << 1,  /* cgroup_id */
        PK_HDR_AUID = 1 << 2,    /* auid: the task is inside a login */
        PK_HDR_SESSION = 1 << 3, /* session: the task is inside a login */
};

/* The kernel's "unset" value of loginuid and sessionid. */
#define PK_AUDIT_UNSET ((__u32)-1)

/*
 * Written by the core into the global `pk_cfg` of every plugin's BPF object
 * (found through BTF) before load, so the verifier sees constants and prunes
 * the filters that are off.
 */
struct pk_bpf_config {
        __u32 self_tgid;               /* probekit's own process: never traced */
        __u32 filter_pid;              /* 0: any */
        __u32 filter_uid;              /* PK_ANY_UID: any */
        __u32 wakeup_bytes;            /* 0: wake the consumer for every sample */
        char filter_comm[PK_COMM_LEN]; /* "": any */
        __u32 filter_auid;             /* PK_ANY_UID: any; else only this login uid */
        __u32 filter_session;          /* PK_ANY_UID: any; else only this audit session */
        __u32 login_only;              /* 1: only tasks inside a login (auid set) */
        __u32 filter_cgroup_level;     /* level of filter_cgroup in the v2 hierarchy */
        __u64 filter_cgroup; /* 0: any; else the cgroup v2 id the task must be in or under */
};

#define PK_ANY_UID ((__u32)-1)

#endif /* PROBEKIT_EVENT_H */
