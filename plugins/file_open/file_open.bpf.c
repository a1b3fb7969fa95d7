// SPDX-License-Identifier: GPL-2.0
/*
 * file_open, kernel side: one `open` sample per open(), openat(), openat2()
 * and creat(), sent when the call returns. Three ways to reach the calls, one
 * attach mode each (see file_open.c): fexit on do_sys_openat2(), where every
 * one of them meets, sees both ends at once; kprobe + kretprobe on the same
 * function and the syscall tracepoints pair entry and return per thread
 * (syscall_pair.bpf.h). All of them end in open_report().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>
#include <probekit/bpf/syscall_pair.bpf.h>

#include "file_open.h"
#include "file_open_dir.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* From the uapi fcntl.h (x86, arm64, riscv), which cannot be included next to vmlinux.h. */
#define AT_FDCWD  -100
#define O_ACCMODE 3
#define O_WRONLY  01
#define O_CREAT   0100
#define O_TRUNC   01000

/* Options, set by the core before load (file_open.c). */
const volatile __u8 failed_only = 0;
const volatile char path_prefix[FILE_OPEN_PREFIX_MAX] = {};
const volatile __u32 flags_any = 0; /* report opens with any of these bits */
const volatile __u32 accmodes = 0;  /* bit 1 << (flags & O_ACCMODE): report that access mode */

/* What the entry saw. */
struct open_args {
        __u64 path; /* user pointer */
        __s32 dfd;
        __u32 flags;
        __u32 mode;
        __u32 reserved;
};

PK_PAIR_MAP(open_calls, struct open_args, PK_PAIR_DEFAULT_ENTRIES);

/* The sample is too big for the BPF stack: it is built here. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct file_open_event);
} event_scratch SEC(".maps");

static __always_inline bool flags_wanted(__u32 flags)
{
        if (!flags_any && !accmodes)
                return true;
        return (flags & flags_any) || (accmodes & (1u << (flags & O_ACCMODE)));
}

/* Entry filters: the task, then the flags; both known before the call runs. */
static __always_inline bool open_wanted(__u32 flags)
{
        return pk_task_wanted() && flags_wanted(flags);
}

/*
 * Byte i of the absolute name of the open: the path when it is absolute,
 * else dir + "/" + path. `dir_chars` is 0 for the root directory, so that
 * "/" and "etc" make "/etc".
 */
static __always_inline char full_name_at(const struct file_open_event *ev, __u32 i, __u32 dir_chars)
{
        const __u32 mask = sizeof(ev->strings) - 1;

        if (ev->dir_len == 0)
                return ev->strings[i & mask];
        if (i < dir_chars)
                return ev->strings[(ev->path_len + i) & mask];
        if (i == dir_chars)
                return '/';
        return ev->strings[(i - dir_chars - 1) & mask];
}

/*
 * path_prefix: the absolute name must start with it. A relative path whose
 * directory could not be named is reported: the filter cannot tell, and an
 * audit had better see one open too many than miss one. A global function,
 * verified once (see dir_walk_name()).
 */
__noinline int prefix_matches(const struct file_open_event *ev)
{
        __u32 dir_chars;

        if (!ev)
                return false;
        dir_chars = ev->dir_len > 0 ? ev->dir_len - 1 : 0;
        if (ev->dir_from == FILE_OPEN_DIR_UNRESOLVED)
                return true;
        if (dir_chars == 1) /* "/" */
                dir_chars = 0;
        for (__u32 i = 0; i < FILE_OPEN_PREFIX_MAX; i++) {
                char want = path_prefix[i];

                if (!want)
                        return true;
                if (full_name_at(ev, i, dir_chars) != want)
                        return false;
        }
        return true;
}

static __always_inline int open_report(const struct open_args *args, long ret)
{
        struct file_open_event *ev;
        __u32 zero = 0, path_len, size;

        if (failed_only && ret >= 0)
                return 0;
        ev = bpf_map_lookup_elem(&event_scratch, &zero);
        if (!ev)
                return 0;
        ev->ret = (__s32)ret;
        ev->dfd = args->dfd;
        ev->flags = args->flags;
        ev->mode = args->mode;
        ev->dir_len = 0;
        ev->dir_truncated = 0;
        ev->dir_from = FILE_OPEN_DIR_NONE;
        path_len = pk_read_user_str(ev->strings, FILE_OPEN_PATH_MAX, (const void *)args->path,
                                    &ev->path_truncated);
        ev->path_len = (__u16)path_len;
        if (ev->strings[0] != '/')
                dir_resolve(ev, path_len);
        if (path_prefix[0] && !prefix_matches(ev))
                return 0;
        pk_fill_header(&ev->hdr, 0);
        size = offsetof(struct file_open_event, strings) + path_len + ev->dir_len;
        if (size <= sizeof(*ev)) /* always; tells the verifier the bound */
                pk_output(ev, size);
        return 0;
}

static __always_inline int open_enter(__s32 dfd, const void *path, __u32 flags, __u32 mode)
{
        struct open_args args = {
            .path = (__u64)path,
            .dfd = dfd,
            .flags = flags,
            .mode = mode,
        };

        if (!open_wanted(flags))
                return 0;
        pk_pair_store(&open_calls, &args);
        return 0;
}

static __always_inline int open_exit(long ret)
{
        struct open_args args;

        if (pk_pair_take(&open_calls, &args))
                return 0; /* filtered out, or began before the attach */
        return open_report(&args, ret);
}

/*
 * Mode `fexit`. do_sys_openat2() serves open(), openat(), openat2() and
 * creat() (6.1 to 6.18): long do_sys_openat2(int dfd, const char __user
 * *filename, struct open_how *how). `how` is the kernel's copy, so the flags
 * include what the syscall added (O_LARGEFILE on 64-bit).
 */
SEC("fexit/do_sys_openat2")
int BPF_PROG(open_fexit, int dfd, const char *filename, struct open_how *how, long ret)
{
        struct open_args args = {.path = (__u64)filename, .dfd = dfd};

        args.flags = (__u32)how->flags;
        args.mode = (__u32)how->mode;
        if (!open_wanted(args.flags))
                return 0;
        return open_report(&args, ret);
}

/* Mode `kprobe`: the same function; `how` is gone at the return, so the entry copies it. */
SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(open_kprobe_enter, int dfd, const char *filename, struct open_how *how)
{
        return open_enter(dfd, filename, (__u32)BPF_CORE_READ(how, flags),
                          (__u32)BPF_CORE_READ(how, mode));
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(open_kprobe_exit, long ret)
{
        return open_exit(ret);
}

/* Mode `tracepoint`: the four syscalls, arguments as the caller passed them. */
SEC("tp/syscalls/sys_enter_open")
int open_tp_enter_open(struct trace_event_raw_sys_enter *ctx)
{
        return open_enter(AT_FDCWD, (const void *)ctx->args[0], (__u32)ctx->args[1],
                          (__u32)ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_openat")
int open_tp_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
        return open_enter((__s32)ctx->args[0], (const void *)ctx->args[1], (__u32)ctx->args[2],
                          (__u32)ctx->args[3]);
}

/* openat2(dfd, path, struct open_how __user *how, size) */
SEC("tp/syscalls/sys_enter_openat2")
int open_tp_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
        __u64 how[2] = {}; /* flags, mode: the first members of every open_how size */

        bpf_probe_read_user(how, sizeof(how), (const void *)ctx->args[2]);
        return open_enter((__s32)ctx->args[0], (const void *)ctx->args[1], (__u32)how[0],
                          (__u32)how[1]);
}

/* creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
SEC("tp/syscalls/sys_enter_creat")
int open_tp_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
        return open_enter(AT_FDCWD, (const void *)ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC,
                          (__u32)ctx->args[1]);
}

SEC("tp/syscalls/sys_exit_open")
int open_tp_exit_open(struct trace_event_raw_sys_exit *ctx)
{
        return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_openat")
int open_tp_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
        return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_openat2")
int open_tp_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
        return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_creat")
int open_tp_exit_creat(struct trace_event_raw_sys_exit *ctx)
{
        return open_exit(ctx->ret);
}
