// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_unlink, kernel side: one `unlink` sample per unlink, sent when the
 * call returns. Three ways to reach the same calls, one attach mode each
 * (see kprobe_unlink.c); all of them go through unlink_enter()/unlink_exit().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>

#include "kprobe_unlink.h"

/* The host reads the event's fields from this struct's BTF (btf_struct). */
PK_EVENT_STRUCT(unlink_event);

char LICENSE[] SEC("license") = "GPL";

/* From the uapi fcntl.h, which cannot be included next to vmlinux.h. */
#define AT_FDCWD     -100
#define AT_REMOVEDIR 0x200

/* What the entry saw, kept until the call returns. */
struct unlink_call {
        __u64 start_ns;
        __u32 size; /* bytes of `event` to send: the path ends the sample */
        __u32 reserved;
        struct unlink_event event;
};

/* A call is too big for the BPF stack: it is built here, then stored. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct unlink_call);
} call_scratch SEC(".maps");

/*
 * Calls between entry and return, by thread id. Not preallocated: an entry
 * is 4 KiB, and only as many threads as are inside unlink() at once use one.
 */
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 1024);
        __uint(map_flags, BPF_F_NO_PREALLOC);
        __type(key, __u32);
        __type(value, struct unlink_call);
} calls_in_flight SEC(".maps");

static __always_inline int unlink_enter(__s32 dfd, const char *path, bool user_path)
{
        __u32 tid = (__u32)bpf_get_current_pid_tgid();
        struct unlink_call *call;
        __u32 zero = 0;

        if (!pk_task_wanted())
                return 0;
        call = bpf_map_lookup_elem(&call_scratch, &zero);
        if (!call)
                return 0;
        call->event.dfd = dfd;
        call->size = offsetof(struct unlink_event, path) +
                     pk_read_str(call->event.path, sizeof(call->event.path), path, user_path,
                                 &call->event.path_truncated);
        call->start_ns = bpf_ktime_get_ns();
        /* Only a full map fails: then this call is lost, and counted as such. */
        if (bpf_map_update_elem(&calls_in_flight, &tid, call, BPF_ANY))
                pk_count_drop();
        return 0;
}

static __always_inline int unlink_exit(__s32 ret)
{
        __u32 tid = (__u32)bpf_get_current_pid_tgid();
        struct unlink_call *call;
        __u32 size;

        call = bpf_map_lookup_elem(&calls_in_flight, &tid);
        if (!call)
                return 0; /* filtered out, an rmdir, or began before the attach */
        pk_fill_header(&call->event.hdr, 0);
        call->event.duration_ns = bpf_ktime_get_ns() - call->start_ns;
        call->event.ret = ret;
        size = call->size;
        if (size <= sizeof(call->event)) /* always; tells the verifier the bound */
                pk_output(&call->event, size);
        bpf_map_delete_elem(&calls_in_flight, &tid);
        return 0;
}

/*
 * Mode `kprobe`. do_unlinkat() serves unlink(), unlinkat() without
 * AT_REMOVEDIR and io_uring's unlinkat; rmdir goes through do_rmdir().
 * 6.1: int do_unlinkat(int dfd, struct filename *name). The name is freed
 * before the return, so the entry copies it.
 */
SEC("kprobe/do_unlinkat")
int BPF_KPROBE(unlink_kprobe_enter, int dfd, struct filename *name)
{
        return unlink_enter(dfd, BPF_CORE_READ(name, name), false);
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unlink_kprobe_exit, int ret)
{
        return unlink_exit(ret);
}

/* Mode `fentry`: the same function through BPF trampolines. */
SEC("fentry/do_unlinkat")
int BPF_PROG(unlink_fentry_enter, int dfd, struct filename *name)
{
        return unlink_enter(dfd, BPF_CORE_READ(name, name), false);
}

SEC("fexit/do_unlinkat")
int BPF_PROG(unlink_fexit_exit, int dfd, struct filename *name, int ret)
{
        return unlink_exit(ret);
}

/* Mode `tracepoint`: the syscalls themselves; the path is still in user memory. */
SEC("tp/syscalls/sys_enter_unlink")
int unlink_tp_enter_unlink(struct trace_event_raw_sys_enter *ctx)
{
        return unlink_enter(AT_FDCWD, (const char *)ctx->args[0], true);
}

SEC("tp/syscalls/sys_exit_unlink")
int unlink_tp_exit_unlink(struct trace_event_raw_sys_exit *ctx)
{
        return unlink_exit(ctx->ret);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int unlink_tp_enter_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
        if (ctx->args[2] & AT_REMOVEDIR)
                return 0; /* an rmdir: the exit finds no call and stays silent */
        return unlink_enter((__s32)ctx->args[0], (const char *)ctx->args[1], true);
}

SEC("tp/syscalls/sys_exit_unlinkat")
int unlink_tp_exit_unlinkat(struct trace_event_raw_sys_exit *ctx)
{
        return unlink_exit(ctx->ret);
}
