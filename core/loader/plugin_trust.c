// SPDX-License-Identifier: MIT
#include "plugin_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool owner_trusted(uid_t owner)
{
        return owner == 0 || owner == geteuid();
}

static const char *writable_by(mode_t mode)
{
        if (mode & S_IWOTH)
                return "everyone";
        if (mode & S_IWGRP)
                return "its group";
        return NULL;
}

static int check_one(const struct stat *st, const char *what, const char *path, char *why,
                     size_t why_len)
{
        const char *who = writable_by(st->st_mode);

        if (!owner_trusted(st->st_uid)) {
                snprintf(why, why_len,
                         "%s %s belongs to uid %u, not to root or uid %u; "
                         "fix: chown root %s",
                         what, path, (unsigned)st->st_uid, (unsigned)geteuid(), path);
                return -EPERM;
        }
        if (who && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
                snprintf(why, why_len, "%s %s can be written by %s; fix: chmod go-w %s", what, path,
                         who, path);
                return -EPERM;
        }
        return 0;
}

/* Every directory from the file's up to /, through its real (resolved) path. */
static int check_directories(const char *path, char *why, size_t why_len)
{
        char *real = realpath(path, NULL);
        int rc = 0;

        if (!real) {
                rc = -errno;
                snprintf(why, why_len, "cannot resolve %s: %s", path, strerror(-rc));
                return rc;
        }
        for (char *slash = strrchr(real, '/'); slash; slash = strrchr(real, '/')) {
                struct stat st;

                *slash = '\0';
                const char *dir = *real ? real : "/";

                if (stat(dir, &st)) {
                        rc = -errno;
                        snprintf(why, why_len, "cannot check directory %s: %s", dir, strerror(-rc));
                        break;
                }
                rc = check_one(&st, "its directory", dir, why, why_len);
                if (rc || !*real)
                        break;
        }
        free(real);
        return rc;
}

int plugin_file_trusted(int fd, const char *path, char *why, size_t why_len)
{
        struct stat st;
        int rc;

        if (fstat(fd, &st)) {
                rc = -errno;
                snprintf(why, why_len, "cannot be checked: %s", strerror(-rc));
                return rc;
        }
        if (!S_ISREG(st.st_mode)) {
                snprintf(why, why_len, "not a regular file");
                return -EINVAL;
        }
        rc = check_one(&st, "the file", path, why, why_len);
        if (rc)
                return rc;
        return check_directories(path, why, why_len);
}
