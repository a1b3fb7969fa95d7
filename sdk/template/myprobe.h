/* SPDX-License-Identifier: MIT */
/*
 * The samples myprobe's BPF program sends, shared by both sides: the BPF
 * program fills them, and probekit reads their fields (names, offsets,
 * sizes, types) from this struct in the BPF object's BTF: myprobe.c names
 * the struct and only adds help texts.
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
        __u32 _reserved;  /* the size a multiple of 8, spelled out; '_': not a field */
};

#endif /* MYPROBE_H */
