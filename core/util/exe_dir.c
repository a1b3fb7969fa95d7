// SPDX-License-Identifier: MIT
#include "exe_dir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *exe_relative_path(const char *reldir, char *out, size_t out_len)
{
        char exe[PATH_MAX], resolved[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        char *slash;

        if (n <= 0)
                return NULL;
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (!slash)
                return NULL;
        *slash = '\0';
        snprintf(out, out_len, "%s/%s", exe, reldir);
        /* shorter paths in messages */
        if (realpath(out, resolved))
                snprintf(out, out_len, "%s", resolved);
        return out;
}
