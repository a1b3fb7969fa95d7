/* SPDX-License-Identifier: MIT */
/*
 * File descriptors on the BPF side: the struct file a task has open as fd N
 * (task->files->fdt->fd[N]), and what a plugin usually wants from it: its
 * path (dentry and mount, to name it), its inode's mode, or the struct sock
 * of a socket. For a syscall tracepoint or kprobe that is given an fd number
 * (openat()'s dirfd, connect()'s socket). Include after probekit.bpf.h:
 *
 *   #include <probekit/bpf/probekit.bpf.h>
 *   #include <probekit/bpf/fd.bpf.h>
 *
 *   const void *file = pk_fd_file(fd);            // NULL: fd not open
 *   const void *sk = pk_file_sock(file);          // NULL: not a socket
 *
 * The kernel types are read through minimal CO-RE flavors (see
 * probekit.bpf.h), so the object carries none of vmlinux.h's file or task
 * types; pointers come back as `const void *` for the caller to cast to its
 * own flavor (e.g. struct sock___pk from sockaddr.bpf.h). The reads are
 * bpf_probe_read_kernel() ones: they work from any program type, and a file
 * closed by another thread meanwhile reads as NULL or as the file that took
 * its place, never as a fault.
 */
#ifndef PROBEKIT_FD_BPF_H
#define PROBEKIT_FD_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define PK_S_IFMT   00170000
#define PK_S_IFSOCK 0140000

struct inode___pk_fd {
        unsigned short i_mode;
} __attribute__((preserve_access_index));

struct path___pk_fd {
        void *mnt;    /* struct vfsmount * */
        void *dentry; /* struct dentry * */
} __attribute__((preserve_access_index));

struct file___pk_fd {
        struct path___pk_fd f_path;
        struct inode___pk_fd *f_inode;
        void *private_data; /* struct socket * for a socket */
} __attribute__((preserve_access_index));

struct fdtable___pk_fd {
        unsigned int max_fds;
        struct file___pk_fd **fd;
} __attribute__((preserve_access_index));

struct files_struct___pk_fd {
        struct fdtable___pk_fd *fdt;
} __attribute__((preserve_access_index));

struct task_struct___pk_fd {
        struct files_struct___pk_fd *files;
} __attribute__((preserve_access_index));

struct socket___pk_fd {
        void *sk; /* struct sock * */
} __attribute__((preserve_access_index));

/* The struct file `task` (a kernel struct task_struct *) has open as `fd`, or NULL. */
static __always_inline const void *pk_task_fd_file(const void *task, __s32 fd)
{
        const struct task_struct___pk_fd *t = task;
        struct fdtable___pk_fd *fdt = BPF_CORE_READ(t, files, fdt);
        struct file___pk_fd **fds = BPF_CORE_READ(fdt, fd);
        struct file___pk_fd *file = NULL;

        if (fd < 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds))
                return NULL;
        bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
        return file;
}

/* The struct file the current task has open as `fd`, or NULL. */
static __always_inline const void *pk_fd_file(__s32 fd)
{
        return pk_task_fd_file((const void *)bpf_get_current_task(), fd);
}

/*
 * The dentry and the mount (struct vfsmount *) of `file`'s path, the two a
 * name is built from. Returns false when either is NULL.
 */
static __always_inline bool pk_file_path(const void *file, const void **dentry, const void **vfsmnt)
{
        const struct file___pk_fd *f = file;

        *dentry = BPF_CORE_READ(f, f_path.dentry);
        *vfsmnt = BPF_CORE_READ(f, f_path.mnt);
        return *dentry && *vfsmnt;
}

/* The mode (type and permission bits) of `file`'s inode; 0 when it has none. */
static __always_inline __u16 pk_file_mode(const void *file)
{
        const struct file___pk_fd *f = file;

        return BPF_CORE_READ(f, f_inode, i_mode);
}

/*
 * The struct sock of a socket `file`, or NULL: the inode says whether the
 * file is a socket at all (its private_data means something else otherwise).
 */
static __always_inline const void *pk_file_sock(const void *file)
{
        const struct file___pk_fd *f = file;
        const struct socket___pk_fd *sock;

        if (!f || (pk_file_mode(f) & PK_S_IFMT) != PK_S_IFSOCK)
                return NULL;
        sock = BPF_CORE_READ(f, private_data);
        return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

#endif /* PROBEKIT_FD_BPF_H */
