// SPDX-License-Identifier: MIT
#include "task_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int task_filter_audit_supported(const char *sessionid_path, const char *filter, char *why,
                                size_t why_len)
{
        if (access(sessionid_path, F_OK) == 0)
                return 0;
        snprintf(why, why_len,
                 "%s needs audit session ids, and this kernel has none (%s is missing: built "
                 "without CONFIG_AUDIT)",
                 filter, sessionid_path);
        return -ENOTSUP;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
        char *out = s;

        for (char *in = s; *in; in++) {
                if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
                    in[3] >= '0' && in[3] <= '7') {
                        *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
                        in += 3;
                } else {
                        *out++ = *in;
                }
        }
        *out = '\0';
}

/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
static int mountinfo_line_cgroup2(char *line, char *mount, size_t mount_len)
{
        char *sep = strstr(line, " - ");
        char *field, *save = NULL;
        int i = 0;

        if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
                return -ENOENT;
        *sep = '\0';
        for (field = strtok_r(line, " ", &save); field; field = strtok_r(NULL, " ", &save)) {
                if (i++ == 4) {
                        unescape_octal(field);
                        if (strlen(field) >= mount_len)
                                return -ENAMETOOLONG;
                        strcpy(mount, field);
                        return 0;
                }
        }
        return -ENOENT;
}

int task_filter_cgroup2_mount(const char *mountinfo_path, char *mount, size_t mount_len)
{
        FILE *f = fopen(mountinfo_path, "re");
        char *line = NULL;
        size_t cap = 0;
        int rc = -ENOENT;

        if (!f)
                return -errno;
        while (rc && getline(&line, &cap, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                rc = mountinfo_line_cgroup2(line, mount, mount_len);
        }
        free(line);
        fclose(f);
        return rc;
}

/* The cgroup id is the kernfs node id: the 8-byte file handle of its directory. */
static int cgroup_id_of(const char *dir, uint64_t *id)
{
        struct {
                struct file_handle fh;
                uint64_t id;
        } handle = {.fh.handle_bytes = sizeof(uint64_t)};
        struct stat st;
        int mount_id;

        if (name_to_handle_at(AT_FDCWD, dir, &handle.fh, &mount_id, 0) == 0 &&
            handle.fh.handle_bytes == sizeof(uint64_t)) {
                memcpy(id, handle.fh.f_handle, sizeof(*id));
                return 0;
        }
        /* without file handles the inode number is the same id on 64-bit kernels */
        if (stat(dir, &st))
                return -errno;
        *id = st.st_ino;
        return 0;
}

int task_filter_cgroup_resolve(const char *mount, const char *path, uint64_t *id, uint32_t *level,
                               char *why, size_t why_len)
{
        size_t mlen = strlen(mount);
        char joined[PATH_MAX * 2], real[PATH_MAX], real_mount[PATH_MAX];
        struct stat st;
        int rc;

        if (!strncmp(path, mount, mlen) && (path[mlen] == '/' || path[mlen] == '\0'))
                snprintf(joined, sizeof(joined), "%s", path);
        else
                snprintf(joined, sizeof(joined), "%s/%s", mount, path);
        if (!realpath(joined, real) || !realpath(mount, real_mount)) {
                rc = -errno;
                snprintf(why, why_len, "cgroup %s: %s (looked for %s)", path, strerror(-rc),
                         joined);
                return rc;
        }
        mlen = strlen(real_mount);
        if (stat(real, &st) || !S_ISDIR(st.st_mode) || strncmp(real, real_mount, mlen) != 0 ||
            (real[mlen] != '/' && real[mlen] != '\0')) {
                snprintf(why, why_len, "cgroup %s: %s is not a cgroup under the v2 mount %s", path,
                         real, real_mount);
                return -EINVAL;
        }
        *level = 0;
        for (const char *p = real + mlen; *p; p++) {
                if (*p == '/' && p[1] && p[1] != '/')
                        (*level)++;
        }
        rc = cgroup_id_of(real, id);
        if (rc)
                snprintf(why, why_len, "cgroup %s: reading its id: %s", path, strerror(-rc));
        return rc;
}

static int fill_cgroup(const char *path, struct pk_bpf_config *cfg, char *why, size_t why_len)
{
        char mount[PATH_MAX];
        int rc = task_filter_cgroup2_mount("/proc/self/mountinfo", mount, sizeof(mount));
        uint32_t level = 0;
        uint64_t id = 0;

        if (rc) {
                snprintf(why, why_len, "cgroup %s: no cgroup v2 hierarchy is mounted", path);
                return rc;
        }
        rc = task_filter_cgroup_resolve(mount, path, &id, &level, why, why_len);
        cfg->filter_cgroup = id;
        cfg->filter_cgroup_level = level;
        return rc;
}

int task_filter_fill(const struct option_set *opts, struct pk_bpf_config *cfg, char *why,
                     size_t why_len)
{
        const char *cgroup = option_set_get(opts, "cgroup")->s;
        int64_t auid = option_set_get(opts, "auid")->i;
        int64_t session = option_set_get(opts, "session")->i;
        const char *needs_audit = NULL;
        int rc;

        cfg->login_only = option_set_get(opts, "login_only")->b ? 1 : 0;
        cfg->filter_auid = auid < 0 ? PK_ANY_UID : (uint32_t)auid;
        cfg->filter_session = session < 0 ? PK_ANY_UID : (uint32_t)session;
        if (cfg->login_only)
                needs_audit = "login_only";
        else if (auid >= 0)
                needs_audit = "auid";
        else if (session >= 0)
                needs_audit = "session";
        if (needs_audit) {
                rc = task_filter_audit_supported("/proc/self/sessionid", needs_audit, why, why_len);
                if (rc)
                        return rc;
        }
        if (cgroup && *cgroup)
                return fill_cgroup(cgroup, cfg, why, why_len);
        return 0;
}
