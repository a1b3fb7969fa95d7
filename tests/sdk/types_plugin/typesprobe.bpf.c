/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* On every fork, one sample with a known value of each field type. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>
/* Unused here: included to show the installed helper headers compile out of tree. */
#include <probekit/bpf/fd.bpf.h>
#include <probekit/bpf/sockaddr.bpf.h>
#include <probekit/bpf/syscall_pair.bpf.h>

#include "typesprobe.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

PK_EVENT_STRUCT(typesprobe_event);

struct task_struct___typesprobe {
        int tgid;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_process_fork")
int BPF_PROG(typesprobe_fork, struct task_struct___typesprobe *parent,
             struct task_struct___typesprobe *child)
{
        static const char argv[] = "probekit\0-v\0a b";
        struct typesprobe_event *e;

        if (child->tgid == parent->tgid || !pk_task_wanted())
                return 0;
        e = pk_reserve(sizeof(*e));
        if (!e)
                return 0;
        __builtin_memset((char *)e + sizeof(e->hdr), 0, sizeof(*e) - sizeof(e->hdr));
        pk_fill_header(&e->hdr, 0);
        e->child_pid = child->tgid;
        e->v4 = bpf_htonl(0x0a010203); /* 10.1.2.3 */
        e->v6[0] = 0x20;
        e->v6[1] = 0x01;
        e->v6[2] = 0x0d;
        e->v6[3] = 0xb8;
        e->v6[15] = 7; /* 2001:db8::7 */
        e->v6_mapped[10] = 0xff;
        e->v6_mapped[11] = 0xff;
        e->v6_mapped[12] = 192;
        e->v6_mapped[14] = 2;
        e->v6_mapped[15] = 1; /* ::ffff:192.0.2.1 */
        e->port = bpf_htons(8080);
        e->small = -5;
        e->state = 2;
        e->open_flags = 01101; /* O_WRONLY|O_CREAT|O_TRUNC */
        e->sig = 9;
        e->nr = 0; /* read, on x86-64 */
        e->err = -2;
        __builtin_memcpy(e->argv, argv, sizeof(argv));
        pk_submit(e);
        return 0;
}
