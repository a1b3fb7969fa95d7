/* SPDX-License-Identifier: MIT */
/*
 * Whether this process may load and attach BPF tracing programs, checked
 * once before any probe starts, so that a missing privilege is named once
 * (which capability, or that root is needed) instead of every probe failing
 * with "Operation not permitted".
 */
#ifndef PK_CORE_PRIVILEGES_H
#define PK_CORE_PRIVILEGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Which of the capabilities that load tracing programs the effective set
 * `effective` lacks, on a kernel whose last capability is `cap_last_cap`:
 * CAP_BPF and CAP_PERFMON (Linux 5.8 and later), or CAP_SYS_ADMIN (which
 * covers both, and is the only way before 5.8). Returns 0 when nothing is
 * missing, else -EPERM with the message in `why`. Pure, for unit tests.
 */
int privileges_explain(uint64_t effective, int cap_last_cap, char *why, size_t why_len);

/* The same for this process (capget, /proc/sys/kernel/cap_last_cap). */
int privileges_check(char *why, size_t why_len);

#endif
