// SPDX-License-Identifier: MIT
/*
 * task_filter.c: what the login and cgroup filters need from the kernel,
 * decided from files a test can make (a missing /proc/self/sessionid, a
 * mountinfo, a directory tree standing in for the cgroup v2 mount).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "task_filter.h"
#include "unit_check.h"

static char dir[] = "/tmp/pk-session-unit-XXXXXX";

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");

        EXPECT(f != NULL);
        if (!f)
                return;
        fputs(text, f);
        fclose(f);
}

/* login_only on a kernel without audit ids: refused, with the reason. */
static void test_audit_decision(void)
{
        char present[PATH_MAX], missing[PATH_MAX], why[512] = "";

        snprintf(present, sizeof(present), "%s/sessionid", dir);
        snprintf(missing, sizeof(missing), "%s/no-such-sessionid", dir);
        write_file(present, "4294967295");
        EXPECT_INT(0, task_filter_audit_supported(present, "login_only", why, sizeof(why)));
        EXPECT_INT(-ENOTSUP, task_filter_audit_supported(missing, "login_only", why, sizeof(why)));
        EXPECT_HAS(why, "login_only needs audit session ids");
        EXPECT_HAS(why, "CONFIG_AUDIT");
        EXPECT_HAS(why, missing);
        /* this machine's kernel has them (docs: ENVIRONMENT) */
        EXPECT_INT(
            0, task_filter_audit_supported("/proc/self/sessionid", "session", why, sizeof(why)));
}

static void test_mountinfo(void)
{
        char path[PATH_MAX], mount[PATH_MAX];

        snprintf(path, sizeof(path), "%s/mountinfo", dir);
        write_file(path, "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                         "30 22 0:26 / /sys/fs/cgroup/cpu rw shared:9 - cgroup cgroup rw,cpu\n"
                         "41 31 0:38 / /sys/fs/cgroup/my\\040v2 rw,relatime shared:3 - cgroup2 "
                         "cgroup2 rw\n");
        EXPECT_INT(0, task_filter_cgroup2_mount(path, mount, sizeof(mount)));
        EXPECT_STR("/sys/fs/cgroup/my v2", mount);
        write_file(path, "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
        EXPECT_INT(-ENOENT, task_filter_cgroup2_mount(path, mount, sizeof(mount)));
        /* this machine mounts v2 somewhere (hybrid: /sys/fs/cgroup/unified) */
        EXPECT_INT(0, task_filter_cgroup2_mount("/proc/self/mountinfo", mount, sizeof(mount)));
}

static void test_resolve_tree(void)
{
        char root[PATH_MAX], sub[PATH_MAX], file[PATH_MAX], full[PATH_MAX + 8], why[1024] = "";
        uint32_t level = 99;
        uint64_t id = 0;
        struct stat st;

        snprintf(root, sizeof(root), "%s/v2", dir);
        snprintf(sub, sizeof(sub), "%s/v2/a", dir);
        mkdir(root, 0700);
        mkdir(sub, 0700);
        snprintf(sub, sizeof(sub), "%s/v2/a/b", dir);
        mkdir(sub, 0700);
        snprintf(file, sizeof(file), "%s/v2/a/file", dir);
        write_file(file, "x");

        /* relative to the root of the hierarchy, as /proc/PID/cgroup shows it */
        EXPECT_INT(0, task_filter_cgroup_resolve(root, "/a/b", &id, &level, why, sizeof(why)));
        EXPECT_INT(2, level);
        EXPECT(id != 0);
        /* the same under the mount point, with a trailing slash */
        snprintf(full, sizeof(full), "%s/a/", root);
        EXPECT_INT(0, task_filter_cgroup_resolve(root, full, &id, &level, why, sizeof(why)));
        EXPECT_INT(1, level);
        EXPECT_INT(0, task_filter_cgroup_resolve(root, "/", &id, &level, why, sizeof(why)));
        EXPECT_INT(0, level);

        EXPECT_INT(-ENOENT,
                   task_filter_cgroup_resolve(root, "/nope", &id, &level, why, sizeof(why)));
        EXPECT_HAS(why, "/nope");
        EXPECT_INT(-EINVAL,
                   task_filter_cgroup_resolve(root, "/a/file", &id, &level, why, sizeof(why)));
        EXPECT_HAS(why, "is not a cgroup under the v2 mount");
        /* ".." cannot climb out of the hierarchy */
        EXPECT_INT(-EINVAL,
                   task_filter_cgroup_resolve(root, "/a/../..", &id, &level, why, sizeof(why)));
        EXPECT(stat(sub, &st) == 0);
}

/* The real hierarchy: its root is cgroup id 1 on every kernel with v2. */
static void test_resolve_real(void)
{
        char mount[PATH_MAX], why[1024] = "";
        uint32_t level = 99;
        uint64_t id = 0;

        if (task_filter_cgroup2_mount("/proc/self/mountinfo", mount, sizeof(mount)))
                return; /* reported by test_mountinfo */
        EXPECT_INT(0, task_filter_cgroup_resolve(mount, "/", &id, &level, why, sizeof(why)));
        EXPECT_INT(0, level);
        EXPECT_INT(1, id);
}

int main(void)
{
        char cmd[PATH_MAX + 16];

        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        test_audit_decision();
        test_mountinfo();
        test_resolve_tree();
        test_resolve_real();
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", dir);
        return unit_finish();
}
