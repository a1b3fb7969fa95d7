/* SPDX-License-Identifier: MIT */
/*
 * BPF-side helpers for probekit plugins. Include after vmlinux.h:
 *
 *   #include "vmlinux.h"
 *   #include <bpf/bpf_helpers.h>
 *   #include <probekit/bpf/probekit.bpf.h>
 *
 * It defines the ring buffer the core consumes (`pk_events`), the per-CPU
 * counter of samples that could not be reserved (`pk_drops`), the read-only
 * configuration the core fills in before load (`pk_cfg`), and helpers that
 * apply the pid/uid/comm filters, fill the common header, and submit with the
 * batched wakeup policy. A plugin that uses them loses no event silently.
 * The names the core looks up here (pk_events, pk_drops, pk_cfg) are part
 * of plugin ABI 2.0 (see plugin.h for the version rules).
 */
#ifndef PROBEKIT_BPF_H
#define PROBEKIT_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <probekit/event.h>

#ifndef PK_RINGBUF_DEFAULT_SIZE
#define PK_RINGBUF_DEFAULT_SIZE (1 << 20) /* the core resizes it from `ring_size` */
#endif

/* Set by the core before load; see struct pk_bpf_config. */
const volatile struct pk_bpf_config pk_cfg = {
    .filter_uid = PK_ANY_UID,
    .filter_auid = PK_ANY_UID,
    .filter_session = PK_ANY_UID,
};

struct {
        __uint(type, BPF_MAP_TYPE_RINGBUF);
        __uint(max_entries, PK_RINGBUF_DEFAULT_SIZE);
} pk_events SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, __u64);
} pk_drops SEC(".maps");

/*
 * PK_EVENT_STRUCT(name): keeps `struct name` in the BTF of the object, for
 * an event type whose `btf_struct` names it (the host reads the event's
 * fields from it). clang writes into BTF only the types that globals, maps
 * and function signatures use, not those of local variables: this is a
 * global of that type, never read, in the read-only data the object already
 * has (so no map is added).
 */
#define PK_EVENT_STRUCT(name)                                                                      \
        const struct name *const __pk_event_struct_##name __attribute__((used)) = (void *)0

/* Count one sample that could not be written to the ring buffer. */
static __always_inline void pk_count_drop(void)
{
        __u32 zero = 0;
        __u64 *count = bpf_map_lookup_elem(&pk_drops, &zero);

        if (count)
                *count += 1; /* per-CPU slot: no atomic needed */
}

/*
 * The header's task fields are read straight from the current task_struct
 * (a BTF pointer, so plain loads the verifier checks) instead of through
 * bpf_get_current_comm() and friends: on the syscall firehose those three
 * helper calls were about a fifth of what tracing cost the traced thread.
 * The values are the same: the uid is the kernel's global one, as
 * bpf_get_current_uid_gid() reports, and the kernel pads comm with NULs.
 *
 * The loads go through minimal CO-RE "flavors" of the kernel's types: libbpf
 * matches task_struct___pk to task_struct by name (it ignores the ___ suffix)
 * and relocates each field. Using vmlinux.h's own struct task_struct, even
 * only as a helper's return type, would put its whole type graph (about
 * 600 KB of BTF) into every plugin's object, and libbpf keeps that parsed in
 * memory while the probe runs.
 */
struct kernfs_node___pk {
        __u64 id;
} __attribute__((preserve_access_index));

struct cgroup___pk {
        struct kernfs_node___pk *kn;
} __attribute__((preserve_access_index));

struct css_set___pk {
        struct cgroup___pk *dfl_cgrp;
} __attribute__((preserve_access_index));

struct cred___pk {
        struct {
                __u32 val;
        } uid;
} __attribute__((preserve_access_index));

struct task_struct___pk {
        int pid;
        int tgid;
        const struct cred___pk *cred;
        struct css_set___pk *cgroups;
        char comm[PK_COMM_LEN];
} __attribute__((preserve_access_index));

/*
 * The audit ids live in task_struct only on kernels built with CONFIG_AUDIT;
 * a separate flavor lets bpf_core_field_exists() ask, and the other loads
 * relocate even where they are missing.
 */
struct task_struct___pk_audit {
        struct {
                __u32 val;
        } loginuid;
        unsigned int sessionid;
} __attribute__((preserve_access_index));

/*
 * bpf_get_current_task_btf() declared as returning void *: the verifier types
 * the result from the kernel's helper, and the object carries no task_struct.
 */
static void *(*const pk_current_task)(void) = (void *)BPF_FUNC_get_current_task_btf;

static __always_inline __u32 pk_task_uid(const struct task_struct___pk *task)
{
        return task->cred->uid.val;
}

static __always_inline __u64 pk_task_cgroup_id(const struct task_struct___pk *task)
{
        return task->cgroups->dfl_cgrp->kn->id;
}

/* comm must be 8-byte aligned: two 8-byte copies, not sixteen byte ones. */
static __always_inline void pk_task_comm(const struct task_struct___pk *task, char *comm)
{
        const __u64 *from = (const __u64 *)task->comm;
        __u64 *to = (__u64 *)comm;

        to[0] = from[0];
        to[1] = from[1];
}

/*
 * The task's audit login uid and session id; PK_AUDIT_UNSET when the task is
 * outside any login or the kernel has no audit ids.
 */
static __always_inline __u32 pk_task_auid(const void *task)
{
        const struct task_struct___pk_audit *t = task;

        if (!bpf_core_field_exists(t->loginuid))
                return PK_AUDIT_UNSET;
        return t->loginuid.val;
}

static __always_inline __u32 pk_task_session(const void *task)
{
        const struct task_struct___pk_audit *t = task;

        if (!bpf_core_field_exists(t->sessionid))
                return PK_AUDIT_UNSET;
        return t->sessionid;
}

static __always_inline int pk_comm_matches(const char *comm)
{
#pragma unroll
        for (int i = 0; i < PK_COMM_LEN; i++) {
                if (pk_cfg.filter_comm[i] != comm[i])
                        return 0;
                if (comm[i] == '\0')
                        return 1;
        }
        return 1;
}

/*
 * Whether the current task passes the instance's filters (and is not
 * probekit itself). Filters that are off cost nothing: `pk_cfg` is read-only
 * data, so the verifier removes their branches.
 */
static __always_inline int pk_task_wanted(void)
{
        struct task_struct___pk *task = pk_current_task();
        __u32 tgid = task->tgid;

        if (tgid == pk_cfg.self_tgid)
                return 0;
        if (pk_cfg.filter_pid && tgid != pk_cfg.filter_pid)
                return 0;
        if (pk_cfg.filter_uid != PK_ANY_UID && pk_task_uid(task) != pk_cfg.filter_uid)
                return 0;
        if (pk_cfg.filter_comm[0]) {
                char comm[PK_COMM_LEN] __attribute__((aligned(8)));

                pk_task_comm(task, comm);
                if (!pk_comm_matches(comm))
                        return 0;
        }
        if (pk_cfg.login_only && pk_task_auid(task) == PK_AUDIT_UNSET)
                return 0;
        if (pk_cfg.filter_auid != PK_ANY_UID && pk_task_auid(task) != pk_cfg.filter_auid)
                return 0;
        if (pk_cfg.filter_session != PK_ANY_UID && pk_task_session(task) != pk_cfg.filter_session)
                return 0;
        if (pk_cfg.filter_cgroup &&
            bpf_get_current_ancestor_cgroup_id(pk_cfg.filter_cgroup_level) != pk_cfg.filter_cgroup)
                return 0;
        return 1;
}

/* Fill the common header from the current task. */
static __always_inline void pk_fill_header(struct pk_event_header *hdr, __u16 type)
{
        struct task_struct___pk *task = pk_current_task();

        hdr->ts_ns = bpf_ktime_get_ns();
        hdr->cgroup_id = pk_task_cgroup_id(task);
        hdr->pid = task->tgid;
        hdr->tid = task->pid;
        hdr->uid = pk_task_uid(task);
        hdr->auid = pk_task_auid(task);
        hdr->session = pk_task_session(task);
        hdr->type = type;
        hdr->present = PK_HDR_TASK | PK_HDR_CGROUP;
        if (hdr->auid != PK_AUDIT_UNSET)
                hdr->present |= PK_HDR_AUID;
        if (hdr->session != PK_AUDIT_UNSET)
                hdr->present |= PK_HDR_SESSION;
        pk_task_comm(task, hdr->comm);
}

/*
 * Reserve a sample of constant size; a failed reserve is counted as a drop.
 * Returns NULL when the ring buffer is full.
 */
#define pk_reserve(size)                                                                           \
        ({                                                                                         \
                void *__pk_sample = bpf_ringbuf_reserve(&pk_events, (size), 0);                    \
                if (!__pk_sample)                                                                  \
                        pk_count_drop();                                                           \
                __pk_sample;                                                                       \
        })

/*
 * The wakeup policy: a consumer woken for every sample costs the traced task
 * more than everything else together (../docs/benchmarks.md). Unless the
 * instance asked for per-event wakeups, wake the consumer once the waiting
 * data passes the threshold, and not again until it has read everything
 * that was there then: the producer position of the last forced wakeup is
 * kept in pk_woken_at, so a sample from any CPU past the mark wakes it, but
 * only the first of them does, and a consumer still draining is not woken
 * again for each part it hands back. Each forced wakeup is an interrupt on
 * the traced task's CPU (an irq_work, a VM exit under a hypervisor); the
 * core also drains the ring on a short timer so a lone sample still arrives
 * promptly.
 *
 * Past half the ring every sample forces a wakeup. The consumer is falling
 * behind then, and those interrupts slow the traced task toward the
 * consumer's pace before the ring fills and samples are dropped.
 */

/* The producer position when a sample last forced a wakeup; 0: never. */
__u64 pk_woken_at = 0;

static __always_inline __u64 pk_wakeup_flags(void)
{
        __u64 avail, cons;

        if (!pk_cfg.wakeup_bytes)
                return 0;
        avail = bpf_ringbuf_query(&pk_events, BPF_RB_AVAIL_DATA);
        if (avail < pk_cfg.wakeup_bytes)
                return BPF_RB_NO_WAKEUP;
        if (avail >= bpf_ringbuf_query(&pk_events, BPF_RB_RING_SIZE) / 2)
                return BPF_RB_FORCE_WAKEUP;
        /* a race between CPUs here costs at most one more wakeup */
        cons = bpf_ringbuf_query(&pk_events, BPF_RB_CONS_POS);
        if (cons < pk_woken_at)
                return BPF_RB_NO_WAKEUP;
        pk_woken_at = bpf_ringbuf_query(&pk_events, BPF_RB_PROD_POS);
        return BPF_RB_FORCE_WAKEUP;
}

/* Submit a sample obtained from pk_reserve(). */
static __always_inline void pk_submit(void *sample)
{
        bpf_ringbuf_submit(sample, pk_wakeup_flags());
}

/* Give back a sample obtained from pk_reserve() without sending it. */
static __always_inline void pk_discard(void *sample)
{
        bpf_ringbuf_discard(sample, BPF_RB_NO_WAKEUP);
}

/*
 * Copy a sample of variable size (at most what the verifier can bound) into
 * the ring buffer, for events with a variable-length tail built in a per-CPU
 * scratch buffer. A failure is counted as a drop.
 */
static __always_inline long pk_output(void *data, __u64 size)
{
        long err = bpf_ringbuf_output(&pk_events, data, size, pk_wakeup_flags());

        if (err)
                pk_count_drop();
        return err;
}

/*
 * Copy a NUL-terminated string into `dst` (`size` bytes, NUL included) and
 * tell whether the source went on past what fits: a copy that fills `dst`
 * exactly is truncated only if the source byte the NUL replaced was not one.
 * Returns the bytes stored including the NUL, at least 1 (an unreadable
 * string is stored as ""), so `offsetof(tail) + return value` is the size of
 * a sample with a variable-length string tail.
 */
static __always_inline __u32 pk_read_str(char *dst, __u32 size, const void *src, int user,
                                         __u8 *truncated)
{
        char next = 0;
        long len;

        len = user ? bpf_probe_read_user_str(dst, size, src)
                   : bpf_probe_read_kernel_str(dst, size, src);
        *truncated = 0;
        if (len <= 0) {
                dst[0] = '\0';
                return 1;
        }
        if ((__u32)len == size) {
                if (user)
                        bpf_probe_read_user(&next, 1, (const char *)src + size - 1);
                else
                        bpf_probe_read_kernel(&next, 1, (const char *)src + size - 1);
                *truncated = next != '\0';
        }
        return (__u32)len;
}

#define pk_read_kernel_str(dst, size, src, truncated) pk_read_str(dst, size, src, 0, truncated)
#define pk_read_user_str(dst, size, src, truncated)   pk_read_str(dst, size, src, 1, truncated)

#endif /* PROBEKIT_BPF_H */
