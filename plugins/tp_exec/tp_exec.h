/* SPDX-License-Identifier: MIT */
/* Samples of the tp_exec plugin, shared by its BPF and user-space parts. */
#ifndef PROBEKIT_TP_EXEC_H
#define PROBEKIT_TP_EXEC_H

#include <probekit/event.h>

/* Indexes into the plugin's event table (the header's `type`). */
enum tp_exec_event_type {
        TP_EXEC_EVENT_EXEC = 0,
        TP_EXEC_EVENT_EXIT = 1,
};

/*
 * The most bytes of the file name kept in the sample (NUL included). Only
 * one member of a sample can have a variable size, and that is argv; a
 * longer name is cut and flagged (filename_truncated).
 */
#define TP_EXEC_FILENAME_MAX 256

/* argv's buffer: PK_ARGV_BUF_SIZE of probekit/bpf/argv.bpf.h. */
#define TP_EXEC_ARGV_BUF 4096

/* A successful execve: variable size, argv is the tail. */
struct exec_event {
        struct pk_event_header hdr;
        __u32 ppid;
        __u32 argc; /* arguments the program got, whether all were kept or not */
        __u8 filename_truncated;
        __u8 argv_truncated;
        __u8 _reserved[6];
        char filename[TP_EXEC_FILENAME_MAX]; /* NUL-terminated */
        char argv[TP_EXEC_ARGV_BUF];         /* NUL-separated strings, sent up to the last NUL */
};

/* The last thread of a process exited. */
struct exit_event {
        struct pk_event_header hdr;
        __u64 duration_ns;
        __u32 ppid;
        __s32 exit_code; /* what exit() was given; 0 when killed */
        __u32 signal;    /* the signal that killed it, 0 for none */
        __u8 core_dumped;
        __u8 _reserved[3];
};

#endif /* PROBEKIT_TP_EXEC_H */
