/* SPDX-License-Identifier: MIT */
/* The readline sample, shared by the BPF side and user space. */
#ifndef PROBEKIT_UPROBE_BASH_H
#define PROBEKIT_UPROBE_BASH_H

#include <probekit/event.h>

#define UPROBE_BASH_EVENT_READLINE 0

/* The largest `max_line` the BPF scratch buffer can take. */
#define UPROBE_BASH_LINE_MAX 4096

/*
 * One line read by readline. The sample ends right after the line's NUL
 * (offsetof(line) + strlen + 1 bytes); `line` is sized for the BPF side's
 * scratch copy of the longest line kept.
 */
struct readline_event {
        struct pk_event_header hdr;
        __u8 line_truncated; /* the line was longer than max_line */
        __u8 _pad[7];        /* a leading '_': not a field */
        char line[UPROBE_BASH_LINE_MAX + 1];
};

#define UPROBE_BASH_SAMPLE_MIN (offsetof(struct readline_event, line) + 1)
#define UPROBE_BASH_SAMPLE_MAX (offsetof(struct readline_event, line) + UPROBE_BASH_LINE_MAX + 1)

#endif /* PROBEKIT_UPROBE_BASH_H */
