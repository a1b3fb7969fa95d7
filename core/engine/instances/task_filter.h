/* SPDX-License-Identifier: MIT */
/*
 * The login and cgroup filters every probe takes (`login_only`, `auid`,
 * `session`, `cgroup`): what the kernel must offer for them, and their
 * values as the BPF side's pk_bpf_config wants them.
 */
#ifndef PK_CORE_TASK_FILTER_H
#define PK_CORE_TASK_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <probekit/event.h>

#include "options.h"

/*
 * Whether this kernel keeps audit session ids: `sessionid_path` is
 * /proc/self/sessionid, which exists only with CONFIG_AUDIT. 0, or -ENOTSUP
 * with the reason in `why`, naming the filter that needs them.
 */
int task_filter_audit_supported(const char *sessionid_path, const char *filter, char *why,
                                size_t why_len);

/*
 * The mount point of the cgroup v2 hierarchy from a mountinfo file
 * (/proc/self/mountinfo): 0, or -ENOENT when there is none.
 */
int task_filter_cgroup2_mount(const char *mountinfo_path, char *mount, size_t mount_len);

/*
 * Resolve `path` (under the v2 mount `mount`, or relative to its root) to the
 * cgroup's id and its level (the root is level 0). 0 or -errno, with why.
 */
int task_filter_cgroup_resolve(const char *mount, const char *path, uint64_t *id, uint32_t *level,
                               char *why, size_t why_len);

/* Fill the login and cgroup filters of `cfg` from an instance's options. */
int task_filter_fill(const struct option_set *opts, struct pk_bpf_config *cfg, char *why,
                     size_t why_len);

#endif
