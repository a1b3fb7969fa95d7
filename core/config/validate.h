/* SPDX-License-Identifier: MIT */
/*
 * What a planned instance must satisfy beyond its option schema: the core's
 * own rules (ring_size a power of two) and the plugin's validate(). `check`
 * and every start run it before anything touches the kernel, so `check`
 * refuses whatever `run` would.
 */
#ifndef PK_CORE_VALIDATE_H
#define PK_CORE_VALIDATE_H

#include <stddef.h>

#include "plan.h"

/*
 * Validate one spec; every problem is added to `err` (an errlist) as
 * "path:line: [instance] key: message". Returns 0 or -EINVAL.
 */
int spec_validate(const struct instance_spec *spec, const char *path, char *err, size_t err_len);

#endif
