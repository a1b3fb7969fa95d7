// SPDX-License-Identifier: MIT
/* A BPF object whose BTF describes struct btf_test_event; it is never loaded. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <probekit/bpf/probekit.bpf.h>

#include "btf_test.h"

PK_EVENT_STRUCT(btf_test_event);

SEC("tp/syscalls/sys_enter_getppid")
int btf_test(void *ctx)
{
        struct btf_test_event *e = pk_reserve(sizeof(*e));

        if (!e)
                return 0;
        pk_fill_header(&e->hdr, 0);
        e->count = 1;
        pk_submit(e);
        return 0;
}

char LICENSE[] SEC("license") = "GPL";
