/* SPDX-License-Identifier: MIT */
/*
 * Where to put the readline uretprobe for one binary, found in ELF symbol
 * tables: in the binary itself (bash with readline linked in statically) or in
 * the libreadline.so it links.
 */
#ifndef PROBEKIT_READLINE_TARGET_H
#define PROBEKIT_READLINE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#define READLINE_TARGET_PATH_MAX 4096

struct readline_target {
        char path[READLINE_TARGET_PATH_MAX]; /* the file to probe: the binary or its libreadline */
        const char *function;                /* readline_internal_teardown, or readline */
        uint64_t offset;                     /* of the function in that file */
};

/*
 * Fill `target` for `binary`. Returns 0, or -errno with the reason in
 * `reason` (e.g. "no such file", "no readline symbol").
 */
int readline_target_find(const char *binary, struct readline_target *target, char *reason,
                         size_t reason_size);

#endif /* PROBEKIT_READLINE_TARGET_H */
