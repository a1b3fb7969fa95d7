/* SPDX-License-Identifier: MIT */
/* Samples of the file_open plugin, shared by its BPF and user-space parts. */
#ifndef PROBEKIT_FILE_OPEN_H
#define PROBEKIT_FILE_OPEN_H

#include <probekit/event.h>

/* The kernel's PATH_MAX: longer names are refused (ENAMETOOLONG). */
#define FILE_OPEN_PATH_MAX 4096
/* Room for the directory a relative path is resolved against (a power of two). */
#define FILE_OPEN_DIR_MAX 4096
/* Longest path_prefix option, NUL included. */
#define FILE_OPEN_PREFIX_MAX 256

/* Where `dir` came from (field dir_from). */
enum file_open_dir_from {
        FILE_OPEN_DIR_NONE = 0,       /* the path is absolute: no directory */
        FILE_OPEN_DIR_CWD = 1,        /* relative to the task's working directory */
        FILE_OPEN_DIR_DIRFD = 2,      /* relative to the directory open as `dfd` */
        FILE_OPEN_DIR_UNRESOLVED = 3, /* relative, but the BPF side could not name it */
};

/*
 * One open, sent when the call returns. Variable size: `strings` holds the
 * path as given, NUL-terminated (path_len bytes with the NUL), then, when
 * dir_len > 0, the directory it is relative to (dir_len bytes with the NUL).
 */
struct file_open_event {
        struct pk_event_header hdr;
        __s32 ret;   /* the new fd, or -errno */
        __s32 dfd;   /* directory fd as passed; AT_FDCWD (-100) for open() and creat() */
        __u32 flags; /* O_* as the call saw them */
        __u32 mode;  /* permission bits for O_CREAT / O_TMPFILE */
        __u16 path_len;
        __u16 dir_len;
        __u8 path_truncated;
        __u8 dir_truncated;
        __u8 dir_from; /* enum file_open_dir_from */
        __u8 reserved;
        char strings[FILE_OPEN_PATH_MAX + FILE_OPEN_DIR_MAX];
};

#endif /* PROBEKIT_FILE_OPEN_H */
