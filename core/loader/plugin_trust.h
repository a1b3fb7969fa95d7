/* SPDX-License-Identifier: MIT */
/*
 * Whether a plugin file may be loaded into this process. probekit runs as
 * root: a plugin that another user can write, or replace through a directory
 * they can write, would run their code as root. The rules follow sshd's
 * StrictModes: the file and every directory above it must belong to root or
 * to the user running probekit, and none may be writable by group or others
 * (a directory with the sticky bit, like /tmp, may be: nobody can rename
 * what is not theirs in it).
 */
#ifndef PK_CORE_PLUGIN_TRUST_H
#define PK_CORE_PLUGIN_TRUST_H

#include <stddef.h>

/*
 * Check the opened file `fd` (its path for the messages) and the directories
 * above `path`. Returns 0, or -EPERM / -EINVAL with the reason and the fix
 * in `why`.
 */
int plugin_file_trusted(int fd, const char *path, char *why, size_t why_len);

#endif
