// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "raw_tp_syscalls.h"

const char *raw_tp_syscall_name(unsigned long long nr)
{
        if (nr >= raw_tp_syscall_name_count)
                return NULL;
        return raw_tp_syscall_names[nr];
}

int raw_tp_syscall_number(const char *name)
{
        /* Only called while options are read: a linear search is fine. */
        for (unsigned nr = 0; nr < raw_tp_syscall_name_count; nr++) {
                if (raw_tp_syscall_names[nr] && strcmp(raw_tp_syscall_names[nr], name) == 0)
                        return (int)nr;
        }
        return -ENOENT;
}
