/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The guide's example plugin, kernel side (docs/writing-a-plugin.md quotes
 * it): signals sent with kill() and tgkill(), read by classic tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <probekit/bpf/probekit.bpf.h>

#include "guide.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

PK_EVENT_STRUCT(guide_signal_event);

/* INT options, written by the host by the size of the global (bpf_global). */
const volatile __u32 min_signal = 1; /* option min_signal, [1, 64] */
const volatile int target_pid = -1;  /* option target_pid, [-1, 4194304]; -1: any */
/* A STRING option: a NUL-padded char array. */
const volatile char sender[PK_COMM_LEN] = "";

/* Whether the current task's comm is `sender` (always true when it is empty). */
static __always_inline int sender_matches(void)
{
        /* pk_task_comm() copies two 8-byte words: the destination must be 8-byte aligned */
        char comm[PK_COMM_LEN] __attribute__((aligned(8)));

        if (!sender[0])
                return 1;
        pk_task_comm(pk_current_task(), comm);
        for (int i = 0; i < PK_COMM_LEN; i++) {
                if (comm[i] != sender[i])
                        return 0;
                if (!comm[i])
                        break;
        }
        return 1;
}

static __always_inline int report(long pid, long sig, __u8 via_tgkill)
{
        struct guide_signal_event *e;

        if (sig < min_signal || (target_pid >= 0 && pid != target_pid))
                return 0;
        if (!pk_task_wanted() || !sender_matches())
                return 0;
        e = pk_reserve(sizeof(*e));
        if (!e)
                return 0;
        pk_fill_header(&e->hdr, 0);
        e->target_pid = (__s32)pid;
        e->sig = (__s32)sig;
        e->via_tgkill = via_tgkill;
        __builtin_memset(e->_pad, 0, sizeof(e->_pad));
        pk_submit(e);
        return 0;
}

/*
 * A classic tracepoint's context is the kernel's trace_event_raw_<event>
 * struct from vmlinux.h; every syscall entry shares trace_event_raw_sys_enter,
 * whose args[] are the call's arguments in order.
 */
SEC("tp/syscalls/sys_enter_kill")
int guide_kill(struct trace_event_raw_sys_enter *ctx)
{
        return report((long)ctx->args[0], (long)ctx->args[1], 0);
}

/* tgkill(tgid, tid, sig); configure() leaves this program out unless tgkill = true. */
SEC("tp/syscalls/sys_enter_tgkill")
int guide_tgkill(struct trace_event_raw_sys_enter *ctx)
{
        return report((long)ctx->args[0], (long)ctx->args[2], 1);
}
