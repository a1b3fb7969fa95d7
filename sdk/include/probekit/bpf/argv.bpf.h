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

/* The most strings it stores: the bound of its loop. */
#ifndef PK_ARGV_MAX_ARGS
#define PK_ARGV_MAX_ARGS 256
#endif

/*
 * The destination buffer's size. Twice the bytes stored: each string is
 * copied at an offset below PK_ARGV_MAX with a length of at most
 * PK_ARGV_MAX, and the verifier must see that both fit.
 */
#define PK_ARGV_BUF_SIZE (2 * PK_ARGV_MAX)

struct mm_struct___pk_argv {
        unsigned long arg_start;
        unsigned long arg_end;
} __attribute__((preserve_access_index));

struct task_struct___pk_argv {
        struct mm_struct___pk_argv *mm;
} __attribute__((preserve_access_index));

/*
 * Copy at most `max_bytes` bytes (capped at PK_ARGV_MAX) and `max_args`
 * strings (capped at PK_ARGV_MAX_ARGS) of the current process's argv into
 * `dst` (PK_ARGV_BUF_SIZE bytes). Every string stored ends with its NUL, a
 * string cut by the byte cap too. `*truncated` is 1 when the process had
 * more than was stored. Returns the bytes stored, 0 for none (a kernel
 * thread, an empty argv, max_bytes or max_args 0).
 */
static __always_inline __u32 pk_read_argv(char *dst, __u32 max_bytes, __u32 max_args,
                                          __u8 *truncated)
{
        struct task_struct___pk_argv *task = pk_current_task();
        struct mm_struct___pk_argv *mm = task->mm;
        /* 64-bit throughout: the verifier bounds 64-bit compares, not 32-bit ones */
        __u64 start, total, off = 0, limit;

        *truncated = 0;
        if (!mm)
                return 0;
        start = mm->arg_start;
        total = mm->arg_end > start ? mm->arg_end - start : 0;
        limit = max_bytes < PK_ARGV_MAX ? max_bytes : PK_ARGV_MAX;
        if (total < limit)
                limit = total;
        for (__u32 i = 0; i < PK_ARGV_MAX_ARGS; i++) {
                __u64 room;
                long len;

                if (i >= max_args || off >= limit)
                        break;
                room = limit - off;
                if (room > PK_ARGV_MAX)
                        room = PK_ARGV_MAX;
                len = bpf_probe_read_user_str(&dst[off & (PK_ARGV_MAX - 1)], room,
                                              (const void *)(start + off));
                if (len <= 0)
                        break;
                off += (__u64)len;
        }
        *truncated = off < total;
        return (__u32)off & (PK_ARGV_BUF_SIZE - 1);
}

#endif /* PROBEKIT_ARGV_BPF_H */
