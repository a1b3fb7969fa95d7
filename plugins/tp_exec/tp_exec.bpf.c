// SPDX-License-Identifier: GPL-2.0
/*
 * tp_exec, kernel side: one `exec` sample per successful execve and one
 * `exit` sample per process that ends. Both hooks are BTF tracepoints
 * (tp_btf): typed arguments, and no tracefs needed to attach.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>
#include <probekit/bpf/argv.bpf.h>

#include "tp_exec.h"

_Static_assert(TP_EXEC_ARGV_BUF == PK_ARGV_BUF_SIZE, "argv buffer as argv.bpf.h wants it");

/* The host reads the events' fields from these structs' BTF (btf_struct). */
PK_EVENT_STRUCT(exec_event);
PK_EVENT_STRUCT(exit_event);

char LICENSE[] SEC("license") = "GPL";

/* Options, written by the core before load (see tp_exec.c). */
const volatile bool report_exits = true;
const volatile bool failed_only = false;
const volatile __u32 argv_max_bytes = PK_ARGV_MAX;
const volatile __u32 argv_max_args = PK_ARGV_MAX; /* that many: no count cap */

/* A #define in the kernel, so not in vmlinux.h; unchanged since 2.6. */
#define SIGNAL_GROUP_EXIT 0x00000004

/*
 * The kernel fields read here, as CO-RE flavors that libbpf matches by name
 * (the ___tp_exec suffix is ignored): the kernel's own task_struct would put
 * its whole BTF type graph, about 600 KB, into this object.
 */
struct signal_struct___tp_exec {
        struct {
                int counter;
        } live;
        unsigned int flags;
        int group_exit_code;
} __attribute__((preserve_access_index));

struct task_struct___tp_exec {
        int tgid;
        int exit_code;
        __u64 start_time;
        struct task_struct___tp_exec *real_parent;
        struct task_struct___tp_exec *group_leader;
        struct signal_struct___tp_exec *signal;
} __attribute__((preserve_access_index));

struct linux_binprm___tp_exec {
        const char *filename;
        int argc;
} __attribute__((preserve_access_index));

/* An exec sample is too big for the BPF stack: it is built here. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct exec_event);
} exec_scratch SEC(".maps");

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_exec_on_exec, struct task_struct___tp_exec *task, pid_t old_pid,
             struct linux_binprm___tp_exec *bprm)
{
        __u32 zero = 0;
        struct exec_event *event;
        __u32 len;

        if (!pk_task_wanted())
                return 0;
        event = bpf_map_lookup_elem(&exec_scratch, &zero);
        if (!event)
                return 0;
        pk_fill_header(&event->hdr, TP_EXEC_EVENT_EXEC);
        event->ppid = BPF_CORE_READ(task, real_parent, tgid);
        event->argc = BPF_CORE_READ(bprm, argc);
        __builtin_memset(event->_reserved, 0, sizeof(event->_reserved));
        /* The name execve() was given, as the kernel opened it (not argv[0]). */
        pk_read_kernel_str(event->filename, sizeof(event->filename), BPF_CORE_READ(bprm, filename),
                           &event->filename_truncated);
        /* sched_process_exec runs in the new image: its argv is in place */
        len = pk_read_argv(event->argv, argv_max_bytes, argv_max_args, &event->argv_truncated);
        if (len > PK_ARGV_MAX)
                return 0; /* cannot happen; tells the verifier the bound */
        pk_output(event, offsetof(struct exec_event, argv) + len);
        return 0;
}

/*
 * The status wait() reports: a group exit (exit_group(), a fatal signal)
 * stores it for the whole process, otherwise it is this thread's own.
 */
static __always_inline __u32 process_wait_status(struct task_struct___tp_exec *task)
{
        struct signal_struct___tp_exec *signal = BPF_CORE_READ(task, signal);

        if (BPF_CORE_READ(signal, flags) & SIGNAL_GROUP_EXIT)
                return BPF_CORE_READ(signal, group_exit_code);
        return BPF_CORE_READ(task, exit_code);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_exec_on_exit, struct task_struct___tp_exec *task)
{
        struct exit_event *event;
        __u32 status;

        if (!report_exits || !pk_task_wanted())
                return 0;
        /*
         * Every thread passes here. do_exit() has already taken this one out
         * of signal->live, so 0 means it is the last: the process is gone.
         * (The leader is not always last: it may end with pthread_exit().)
         */
        if (BPF_CORE_READ(task, signal, live.counter) != 0)
                return 0;
        status = process_wait_status(task);
        if (failed_only && status == 0)
                return 0;
        event = pk_reserve(sizeof(*event));
        if (!event)
                return 0;
        pk_fill_header(&event->hdr, TP_EXEC_EVENT_EXIT);
        /* The leader's start: the process's, even when another thread ends it. */
        event->duration_ns = bpf_ktime_get_ns() - BPF_CORE_READ(task, group_leader, start_time);
        event->ppid = BPF_CORE_READ(task, real_parent, tgid);
        event->exit_code = (status >> 8) & 0xff;
        event->signal = status & 0x7f;
        event->core_dumped = (status & 0x80) != 0;
        event->_reserved[0] = event->_reserved[1] = event->_reserved[2] = 0;
        pk_submit(event);
        return 0;
}
