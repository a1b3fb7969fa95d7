/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* strerrorname_np */

#include "errno_name.h"

#include <string.h>

const char *errno_name(int err)
{
#ifdef HAVE_STRERRORNAME_NP
        return strerrorname_np(err);
#else
        (void)err;
        return NULL;
#endif
}
