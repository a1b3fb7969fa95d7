/* SPDX-License-Identifier: MIT */
/*
 * The samples myprobe's BPF program sends, shared by both sides: the BPF
 * program fills them, the descriptor in myprobe.c declares their fields by
 * offset so probekit decodes them without plugin code.
 */
#ifndef MYPROBE_H
#define MYPROBE_H

#include <probekit/event.h>

/* Index into the descriptor's events[]; written to pk_event_header.type. */
enum myprobe_event_type {
        MYPROBE_EVENT_FORK = 0,
};

struct myprobe_fork_event {
        struct pk_event_header hdr;
        __u32 parent_pid; /* tgid of the forking process */
        __u32 child_pid;  /* tgid of the new task */
        __u32 child_tid;  /* thread id of the new task */
        __u32 reserved;   /* keeps the size a multiple of 8, spelled out */
};

#endif /* MYPROBE_H */
