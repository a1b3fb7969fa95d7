/* SPDX-License-Identifier: MIT */
/*
 * The command line of the current process, as NUL-separated strings (the
 * layout of a PK_FIELD_STR_ARRAY field). Include after probekit.bpf.h:
 *
 *   #include <probekit/bpf/probekit.bpf.h>
 *   #include <probekit/bpf/argv.bpf.h>
 *
 *   struct my_event { struct pk_event_header hdr; ...; char argv[PK_ARGV_BUF_SIZE]; };
 *   len = pk_read_argv(event->argv, max_bytes, max_args, &event->argv_truncated);
 *
 * The strings are read from the process's own memory, between mm->arg_start
 * and mm->arg_end, where the kernel copied them at execve(): after an exec
 * (sched_process_exec) they are the new program's argv, already laid out
 * NUL-separated, so no user pointer array has to be walked. A process can
 * rewrite that memory later (setproctitle()), so read it at the exec.
 */
#ifndef PROBEKIT_ARGV_BPF_H
#define PROBEKIT_ARGV_BPF_H

#include <probekit/bpf/probekit.bpf.h>

/* The most bytes pk_read_argv() stores (a power of two). */
#ifndef PK_ARGV_MAX
#define PK_ARGV_MAX 4096
#endif

/* The buffer's size: PK_ARGV_MAX (the name says what to declare). */
#define PK_ARGV_BUF_SIZE PK_ARGV_MAX

struct mm_struct___pk_argv {
        unsigned long arg_start;
        unsigned long arg_end;
} __attribute__((preserve_access_index));

struct task_struct___pk_argv {
        struct mm_struct___pk_argv *mm;
} __attribute__((preserve_access_index));

struct pk_argv_scan {
        const char *buf;
        __u32 len;      /* bytes read */
        __u32 max_args; /* strings to keep */
        __u32 strings;  /* strings seen so far */
        __u32 keep;     /* bytes to keep: through the NUL of the last string kept */
};

/* bpf_loop() callback: one byte; stops after the NUL of string max_args. */
static long pk_argv_scan_byte(__u32 i, void *ctx)
{
        struct pk_argv_scan *scan = ctx;

        if (i >= scan->len)
                return 1;
        if (scan->buf[i & (PK_ARGV_MAX - 1)] != '\0')
                return 0;
        if (++scan->strings < scan->max_args)
                return 0;
        scan->keep = i + 1;
        return 1;
}

/*
 * Copy at most `max_bytes` bytes (capped at PK_ARGV_MAX) and `max_args`
 * strings of the current process's argv into `dst` (PK_ARGV_BUF_SIZE
 * bytes). Every string stored ends with its NUL, one cut by the byte cap
 * too. `*truncated` is 1 when the process had more than was stored.
 * Returns the bytes stored, 0 for none (a kernel thread, an empty argv,
 * max_bytes or max_args 0).
 *
 * One read copies the whole region (no loop with a helper call per string:
 * the verifier walks such a loop once per iteration and per exit, which
 * 6.1 refuses as too complex). The string count is applied after, with
 * bpf_loop() (5.17+); a kernel without it keeps max_bytes only.
 */
static __always_inline __u32 pk_read_argv(char *dst, __u32 max_bytes, __u32 max_args,
                                          __u8 *truncated)
{
        struct task_struct___pk_argv *task = pk_current_task();
        struct mm_struct___pk_argv *mm = task->mm;
        /* 64-bit throughout: the verifier bounds 64-bit compares, not 32-bit ones */
        __u64 start, total, len;

        *truncated = 0;
        if (!mm)
                return 0;
        start = mm->arg_start;
        total = mm->arg_end > start ? mm->arg_end - start : 0;
        len = total < max_bytes ? total : max_bytes;
        if (max_args == 0)
                len = 0;
        if (len > PK_ARGV_MAX)
                len = PK_ARGV_MAX;
        if (len == 0 || bpf_probe_read_user(dst, len, (const void *)start)) {
                *truncated = total > 0;
                return 0;
        }
        dst[(len - 1) & (PK_ARGV_MAX - 1)] = '\0'; /* a string cut by the byte cap */
        if (max_args < PK_ARGV_MAX && bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
                struct pk_argv_scan scan = {
                    .buf = dst, .len = (__u32)len, .max_args = max_args, .keep = (__u32)len};

                bpf_loop(PK_ARGV_MAX, pk_argv_scan_byte, &scan, 0);
                len = scan.keep & (PK_ARGV_MAX * 2 - 1);
                if (len > PK_ARGV_MAX)
                        len = PK_ARGV_MAX;
        }
        *truncated = len < total;
        return (__u32)len;
}

#endif /* PROBEKIT_ARGV_BPF_H */
