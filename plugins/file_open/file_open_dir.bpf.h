/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file_open, kernel side: naming the directory a relative path is resolved
 * against, by walking dentries up to the task's root. bpf_d_path() would do
 * it, but only from a few fentry/LSM hooks; this walk works from any program
 * (syscall tracepoints, kprobes), at the cost of these limits: at most
 * FILE_OPEN_DIR_DEPTH components and FILE_OPEN_DIR_MAX bytes (past them the
 * name keeps its innermost components and dir_truncated is set), and a
 * directory removed after it was entered is named as it was.
 *
 * The kernel types are read through minimal CO-RE flavors (see
 * probekit.bpf.h): vmlinux.h's own struct dentry would pull most of the
 * kernel's type graph into the object.
 */
#ifndef PROBEKIT_FILE_OPEN_DIR_BPF_H
#define PROBEKIT_FILE_OPEN_DIR_BPF_H

#include <probekit/bpf/fd.bpf.h>

#include "file_open.h"

#define FILE_OPEN_DIR_DEPTH 40
#define FILE_OPEN_NAME_MAX  255 /* one path component */

struct qstr___fo {
        __u32 len;
        const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry___fo {
        struct dentry___fo *d_parent;
        struct qstr___fo d_name;
} __attribute__((preserve_access_index));

struct vfsmount___fo {
        struct dentry___fo *mnt_root;
} __attribute__((preserve_access_index));

struct mount___fo {
        struct mount___fo *mnt_parent;
        struct dentry___fo *mnt_mountpoint;
        struct vfsmount___fo mnt;
} __attribute__((preserve_access_index));

struct path___fo {
        struct vfsmount___fo *mnt;
        struct dentry___fo *dentry;
} __attribute__((preserve_access_index));

struct fs_struct___fo {
        struct path___fo root;
        struct path___fo pwd;
} __attribute__((preserve_access_index));

struct task_struct___fo {
        struct fs_struct___fo *fs;
} __attribute__((preserve_access_index));

/* The name is built backwards from the end of `buf`; the tail is room for one component. */
struct dir_scratch {
        char buf[FILE_OPEN_DIR_MAX + FILE_OPEN_NAME_MAX + 1];
        /*
         * Where the name starts, kept here rather than in a register: read
         * back as an unknown number, it lets the verifier see that every
         * iteration is alike (a register would carry a different range down
         * each branch of the walk, and their number doubles each iteration).
         */
        __u32 pos;
};

struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct dir_scratch);
} dir_scratch SEC(".maps");

struct dir_walk {
        struct dentry___fo *dentry;
        struct vfsmount___fo *vfsmnt;
        struct dentry___fo *root_dentry;
        struct vfsmount___fo *root_mnt;
};

static __always_inline struct mount___fo *real_mount(struct vfsmount___fo *vfsmnt)
{
        return (void *)((char *)vfsmnt - bpf_core_field_offset(struct mount___fo, mnt));
}

#define DIR_WALK_TRUNCATED (1 << 16)

/*
 * Write the absolute name of `dentry` (on `vfsmnt`) so that it ends at
 * buf[FILE_OPEN_DIR_MAX] (a NUL); returns where it starts, with
 * DIR_WALK_TRUNCATED when the walk stopped before the root, or -1.
 *
 * A global function: the verifier checks it once, not once for every way the
 * caller can reach it, which keeps the walk and the prefix filter after it
 * within the verifier's budget. Its arguments are plain numbers for that.
 */
__noinline int dir_walk_name(struct dir_scratch *scratch, __u64 dentry_addr, __u64 vfsmnt_addr,
                             __u64 root_dentry_addr, __u64 root_mnt_addr)
{
        struct dentry___fo *dentry = (void *)dentry_addr, *root_dentry = (void *)root_dentry_addr;
        struct vfsmount___fo *vfsmnt = (void *)vfsmnt_addr, *root_mnt = (void *)root_mnt_addr;
        struct mount___fo *mnt = real_mount(vfsmnt);
        bool reached_root = false;
        char *buf;
        __u32 pos;

        if (!scratch)
                return -1;
        buf = scratch->buf;
        buf[FILE_OPEN_DIR_MAX] = '\0';
        scratch->pos = FILE_OPEN_DIR_MAX;
        for (int i = 0; i < FILE_OPEN_DIR_DEPTH; i++) {
                struct dentry___fo *parent, *mnt_root;
                const unsigned char *name;
                __u32 len;

                if (dentry == root_dentry && vfsmnt == root_mnt) {
                        reached_root = true;
                        break;
                }
                mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
                parent = BPF_CORE_READ(dentry, d_parent);
                if (dentry == mnt_root || dentry == parent) {
                        struct mount___fo *up = BPF_CORE_READ(mnt, mnt_parent);

                        if (up == mnt || !up) { /* the top of the mount tree */
                                reached_root = true;
                                break;
                        }
                        dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
                        mnt = up;
                        vfsmnt =
                            (void *)((char *)up + bpf_core_field_offset(struct mount___fo, mnt));
                        continue;
                }
                len = BPF_CORE_READ(dentry, d_name.len);
                name = BPF_CORE_READ(dentry, d_name.name);
                pos = scratch->pos;
                if (len > FILE_OPEN_NAME_MAX || len + 1 > pos)
                        break;
                pos -= len + 1;
                scratch->pos = pos;
                bpf_probe_read_kernel(&buf[(pos + 1) & (FILE_OPEN_DIR_MAX - 1)],
                                      len & FILE_OPEN_NAME_MAX, name);
                buf[pos & (FILE_OPEN_DIR_MAX - 1)] = '/';
                dentry = parent;
        }
        pos = scratch->pos;
        if (pos >= FILE_OPEN_DIR_MAX) { /* the root itself */
                pos = FILE_OPEN_DIR_MAX - 1;
                buf[pos] = '/';
        }
        return (int)pos | (reached_root ? 0 : DIR_WALK_TRUNCATED);
}

/*
 * The directory a relative open by the current task is resolved against:
 * its working directory for AT_FDCWD, else the file open as `dfd`. Returns
 * false when it cannot be read (dfd not open).
 */
static __always_inline bool dir_walk_start(struct dir_walk *w, __s32 dfd, bool *from_dirfd)
{
        struct task_struct___fo *task = (void *)bpf_get_current_task();
        struct fs_struct___fo *fs = BPF_CORE_READ(task, fs);
        const void *file, *dentry, *vfsmnt;

        w->root_dentry = BPF_CORE_READ(fs, root.dentry);
        w->root_mnt = BPF_CORE_READ(fs, root.mnt);
        *from_dirfd = dfd != -100; /* AT_FDCWD */
        if (!*from_dirfd) {
                w->dentry = BPF_CORE_READ(fs, pwd.dentry);
                w->vfsmnt = BPF_CORE_READ(fs, pwd.mnt);
                return w->dentry && w->vfsmnt;
        }
        file = pk_task_fd_file(task, dfd); /* the directory open as dfd */
        if (!file || !pk_file_path(file, &dentry, &vfsmnt))
                return false;
        w->dentry = (void *)dentry;
        w->vfsmnt = (void *)vfsmnt;
        return true;
}

/*
 * Fill the event's directory after its path (which takes `path_len` bytes of
 * `strings`): dir_from, dir_len, dir_truncated.
 */
static __always_inline void dir_resolve(struct file_open_event *ev, __u32 path_len)
{
        struct dir_scratch *scratch;
        struct dir_walk w = {};
        bool from_dirfd;
        __u32 zero = 0;
        long len;
        int pos;

        ev->dir_from = FILE_OPEN_DIR_UNRESOLVED;
        if (!dir_walk_start(&w, ev->dfd, &from_dirfd))
                return;
        scratch = bpf_map_lookup_elem(&dir_scratch, &zero);
        if (!scratch)
                return;
        pos = dir_walk_name(scratch, (__u64)w.dentry, (__u64)w.vfsmnt, (__u64)w.root_dentry,
                            (__u64)w.root_mnt);
        if (pos < 0 || path_len > FILE_OPEN_PATH_MAX)
                return;
        ev->dir_truncated = (pos & DIR_WALK_TRUNCATED) != 0;
        len = bpf_probe_read_kernel_str(&ev->strings[path_len], FILE_OPEN_DIR_MAX,
                                        &scratch->buf[pos & (FILE_OPEN_DIR_MAX - 1)]);
        if (len <= 0)
                return;
        if (len == FILE_OPEN_DIR_MAX && pos == 0)
                ev->dir_truncated = 1; /* one byte more than fits */
        ev->dir_len = (__u16)len;
        ev->dir_from = from_dirfd ? FILE_OPEN_DIR_DIRFD : FILE_OPEN_DIR_CWD;
}

#endif /* PROBEKIT_FILE_OPEN_DIR_BPF_H */
