/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel side of myprobe: one sample per fork. tp_btf needs neither tracefs
 * nor kprobes, and hands the program typed task pointers it may read directly.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>

#include "myprobe.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* probekit reads the fork event's fields from this struct's BTF (myprobe.c). */
PK_EVENT_STRUCT(myprobe_fork_event);

/*
 * The task fields read, as a CO-RE "flavor" of the kernel's task_struct:
 * libbpf relocates each field by name (the ___myprobe suffix is ignored).
 * Naming vmlinux.h's struct task_struct in the arguments instead would put
 * its whole type graph (about 600 KB of BTF) into this object.
 */
struct task_struct___myprobe {
        int pid;
        int tgid;
} __attribute__((preserve_access_index));

/* Set by probekit from the `threads` option (its `bpf_global`) before load. */
const volatile bool report_threads = false;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(myprobe_fork, struct task_struct___myprobe *parent,
             struct task_struct___myprobe *child)
{
        struct myprobe_fork_event *event;

        /* A new thread shares its parent's thread group. */
        if (!report_threads && child->tgid == parent->tgid)
                return 0;
        if (!pk_task_wanted())
                return 0;

        event = pk_reserve(sizeof(*event));
        if (!event)
                return 0; /* counted as a drop by pk_reserve() */
        pk_fill_header(&event->hdr, MYPROBE_EVENT_FORK);
        event->parent_pid = parent->tgid;
        event->child_pid = child->tgid;
        event->child_tid = child->pid;
        event->_reserved = 0;
        pk_submit(event);
        return 0;
}
