// SPDX-License-Identifier: GPL-2.0
/*
 * Every syscall through the raw tracepoints sys_enter/sys_exit (no tracefs).
 *
 * mode = events: sys_enter keeps the arguments and start time in the thread's
 * task storage, sys_exit turns them into one fixed-size sample. Task storage
 * is cheaper than a hash keyed by tid and goes away with the thread, so calls
 * that never return (exit_group) leave nothing behind.
 *
 * mode = counts: sys_exit alone counts per (process, syscall) in a hash map
 * that user space reads and empties every interval.
 *
 * The programs are BTF-typed raw tracepoints (tp_btf): the same hook and cost
 * as raw_tp, but pt_regs is a typed pointer, so the arguments are plain loads
 * instead of a bpf_probe_read_kernel() call per syscall.
 *
 * This is the busiest path probekit has: every check that can end it early
 * comes first, and nothing but the sample is written per call.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>

#include "raw_tp.h"

/* The `syscalls` option as a bitmap; set by user space before load. */
const volatile bool syscall_set_enabled = false;
const volatile __u64 syscall_set[RAW_TP_MAX_SYSCALLS / 64] = {};

/*
 * bpf_task_storage_get() with the task as void *, like the SDK's
 * pk_current_task(): naming struct task_struct would put its whole BTF type
 * graph into this object (see probekit.bpf.h).
 */
static void *(*const task_storage_get)(void *map, void *task, void *value,
                                       __u64 flags) = (void *)BPF_FUNC_task_storage_get;

struct {
        __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
        __uint(map_flags, BPF_F_NO_PREALLOC);
        __type(key, int);
        __type(value, struct raw_tp_pending_call);
} pending_calls SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 1); /* set from `max_pairs` before load */
        __type(key, struct raw_tp_count_key);
        __type(value, struct raw_tp_count_value);
} syscall_counts SEC(".maps");

/* Calls not counted because syscall_counts was full (read by user space). */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, __u64);
} count_misses SEC(".maps");

/* The six arguments in the order of the syscall ABI: di, si, dx, r10, r8, r9. */
static __always_inline void copy_args(__u64 *args, const struct pt_regs *regs)
{
        args[0] = regs->di;
        args[1] = regs->si;
        args[2] = regs->dx;
        args[3] = regs->r10;
        args[4] = regs->r8;
        args[5] = regs->r9;
}

static __always_inline int syscall_selected(__u64 nr)
{
        if (!syscall_set_enabled)
                return 1;
        if (nr >= RAW_TP_MAX_SYSCALLS)
                return 0;
        return (syscall_set[nr / 64] >> (nr % 64)) & 1;
}

/* At sys_exit: whether this task and its syscall are traced; sets nr. */
static __always_inline int exit_wanted(const struct pt_regs *regs, __u64 *nr)
{
        if (!pk_task_wanted())
                return 0;
        *nr = regs->orig_ax;
        return syscall_selected(*nr);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(syscall_enter, struct pt_regs *regs, long nr)
{
        struct raw_tp_pending_call *call;

        if (!syscall_selected(nr) || !pk_task_wanted())
                return 0;
        call =
            task_storage_get(&pending_calls, pk_current_task(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
        if (!call)
                return 0;
        call->nr = nr;
        copy_args(call->args, regs);
        call->start_ns = bpf_ktime_get_ns();
        return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_exit, struct pt_regs *regs, long ret)
{
        struct raw_tp_syscall_event *event;
        struct raw_tp_pending_call *call;

        /*
         * Only threads sys_enter chose (never probekit's own) have storage, so
         * this lookup is the filter: it finds nothing for every other thread.
         */
        call = task_storage_get(&pending_calls, pk_current_task(), 0, 0);
        if (!call || !call->start_ns)
                return 0;
        event = pk_reserve(sizeof(*event));
        if (!event) {
                call->start_ns = 0;
                return 0;
        }
        pk_fill_header(&event->hdr, RAW_TP_EVENT_SYSCALL);
        event->nr = call->nr;
        event->pad = 0;
        __builtin_memcpy(event->args, call->args, sizeof(event->args));
        event->ret = ret;
        event->duration_ns = event->hdr.ts_ns - call->start_ns;
        call->start_ns = 0;
        pk_submit(event);
        return 0;
}

/*
 * mode = events, durations = false: one program instead of two. At the
 * return, pt_regs still hold the arguments (the kernel saved them on entry
 * and only a few calls, execve among them, rewrite them).
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_exit_only, struct pt_regs *regs, long ret)
{
        struct raw_tp_syscall_event *event;
        __u64 nr;

        if (!exit_wanted(regs, &nr))
                return 0;
        event = pk_reserve(sizeof(*event));
        if (!event)
                return 0;
        pk_fill_header(&event->hdr, RAW_TP_EVENT_SYSCALL);
        event->nr = nr;
        event->pad = 0;
        copy_args(event->args, regs);
        event->ret = ret;
        event->duration_ns = 0;
        pk_submit(event);
        return 0;
}

static __always_inline void count_miss(void)
{
        __u32 zero = 0;
        __u64 *misses = bpf_map_lookup_elem(&count_misses, &zero);

        if (misses)
                __sync_fetch_and_add(misses, 1);
}

static __always_inline void count_new_entry(struct raw_tp_count_key *key, long ret)
{
        struct task_struct___pk *task = pk_current_task();
        struct raw_tp_count_value *found;
        struct raw_tp_count_value value = {
            .count = 1,
            .errors = ret < 0,
            .uid = pk_task_uid(task),
        };

        pk_task_comm(task, value.comm);
        /* Another CPU may have made it meanwhile: then add to that one. */
        if (bpf_map_update_elem(&syscall_counts, key, &value, BPF_NOEXIST) == 0)
                return;
        found = bpf_map_lookup_elem(&syscall_counts, key);
        if (!found) {
                count_miss();
                return;
        }
        __sync_fetch_and_add(&found->count, 1);
        if (ret < 0)
                __sync_fetch_and_add(&found->errors, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_count, struct pt_regs *regs, long ret)
{
        struct raw_tp_count_key key;
        struct raw_tp_count_value *value;
        __u64 nr;

        if (!exit_wanted(regs, &nr))
                return 0;
        key.pid = bpf_get_current_pid_tgid() >> 32;
        key.nr = nr;
        value = bpf_map_lookup_elem(&syscall_counts, &key);
        if (!value) {
                count_new_entry(&key, ret);
                return 0;
        }
        __sync_fetch_and_add(&value->count, 1);
        if (ret < 0)
                __sync_fetch_and_add(&value->errors, 1);
        return 0;
}

char LICENSE[] SEC("license") = "GPL";
