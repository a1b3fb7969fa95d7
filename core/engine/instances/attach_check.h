/* SPDX-License-Identifier: MIT */
/*
 * Cheap checks of whether a BPF program can attach on this kernel, by its
 * section name, so a probe can skip a mode with a reason that says why
 * instead of a bare errno.
 */
#ifndef PK_CORE_ATTACH_CHECK_H
#define PK_CORE_ATTACH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* 0 if nothing speaks against program `prog` of `section` here, or -errno with the reason. */
int attach_precheck(const char *prog, const char *section, bool may_mount_tracefs, char *why,
                    size_t why_len);

/* After an attach failed: add what /proc/kallsyms says of a kprobe's target. */
void attach_explain_failure(const char *section, int err, char *why, size_t why_len);

/* Mount tracefs on /sys/kernel/tracing if it is missing; 0 or -errno. */
int tracefs_ensure(bool may_mount, char *why, size_t why_len);

#endif
