/* SPDX-License-Identifier: MIT */
/* Paths of the installation, found from the probekit executable's own place. */
#ifndef PK_CORE_EXE_DIR_H
#define PK_CORE_EXE_DIR_H

#include <stddef.h>

/*
 * `<directory of /proc/self/exe>/<reldir>` into out, resolved (realpath) when
 * it exists; returns out, or NULL when the executable's path is unknown.
 */
const char *exe_relative_path(const char *reldir, char *out, size_t out_len);

#endif
