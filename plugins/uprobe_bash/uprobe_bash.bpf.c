// SPDX-License-Identifier: GPL-2.0
/*
 * The line each interactive bash reads, taken where readline returns it.
 *
 * User space attaches this one program as a uretprobe to every binary's
 * readline_internal_teardown (or readline): the return value is the line.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>

#include "uprobe_bash.h"

/* The host reads the event's fields from this struct's BTF (btf_struct). */
PK_EVENT_STRUCT(readline_event);

/* The `max_line` option (bytes of the line kept); set before load. */
const volatile __u32 max_line = 256;

struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct readline_event); /* too big for the stack */
} scratch SEC(".maps");

SEC("uretprobe")
int BPF_KRETPROBE(readline_return, const char *line)
{
        __u32 zero = 0, limit = max_line, size;
        struct readline_event *e;

        if (!line || !pk_task_wanted())
                return 0;
        e = bpf_map_lookup_elem(&scratch, &zero);
        if (!e)
                return 0;
        if (limit > UPROBE_BASH_LINE_MAX)
                limit = UPROBE_BASH_LINE_MAX;
        size = pk_read_user_str(e->line, limit + 1, line, &e->line_truncated);
        if (size > limit + 1) /* never true: tells the verifier the bound */
                size = limit + 1;
        pk_fill_header(&e->hdr, UPROBE_BASH_EVENT_READLINE);
        pk_output(e, offsetof(struct readline_event, line) + size);
        return 0;
}

char LICENSE[] SEC("license") = "GPL";
