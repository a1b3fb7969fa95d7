/* SPDX-License-Identifier: MIT */
/* The sample of the guide's example plugin (docs/writing-a-plugin.md). */
#ifndef GUIDE_H
#define GUIDE_H

#include <probekit/event.h>

struct guide_signal_event {
        struct pk_event_header hdr;
        __s32 target_pid; /* the pid kill() was given */
        __s32 sig;        /* the signal sent */
        __u8 via_tgkill;  /* 1: sent with tgkill() */
        __u8 _pad[7];
};

#endif
