/* SPDX-License-Identifier: MIT */
/* Samples of the kprobe_unlink plugin, shared by its BPF and user-space parts. */
#ifndef PROBEKIT_KPROBE_UNLINK_H
#define PROBEKIT_KPROBE_UNLINK_H

#include <probekit/event.h>

/* The kernel's PATH_MAX: unlink() refuses longer names (ENAMETOOLONG). */
#define UNLINK_PATH_MAX 4096

/* One unlink, sent when it returns: variable size, the path is the tail. */
struct unlink_event {
        struct pk_event_header hdr;
        __u64 duration_ns;
        __s32 dfd; /* directory fd the path is relative to; AT_FDCWD is -100 */
        __s32 ret; /* 0 or -errno */
        __u8 path_truncated;
        __u8 _reserved[7];          /* a leading '_': not a field */
        char path[UNLINK_PATH_MAX]; /* NUL-terminated, sent up to the NUL */
};

#endif /* PROBEKIT_KPROBE_UNLINK_H */
