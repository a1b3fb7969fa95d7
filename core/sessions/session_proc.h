/* SPDX-License-Identifier: MIT */
/*
 * What /proc tells about a login session: the process that opened it, its
 * terminal and, for an SSH login, both ends of the connection. Every
 * function takes the proc root ("/proc"; a directory tree of the same shape
 * in the unit tests).
 */
#ifndef PK_CORE_SESSION_PROC_H
#define PK_CORE_SESSION_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session_origin {
        uint32_t opener_pid;     /* the session's first process still alive; 0: unknown */
        char opener_comm[16];    /* its name, e.g. "sshd"; "" when unknown */
        char tty[32];            /* "pts/3", "tty1"; "" when none */
        bool remote;             /* the addresses below are known */
        uint8_t remote_addr[16]; /* IPv6, or IPv4 mapped (::ffff:a.b.c.d) */
        uint16_t remote_port;
        uint8_t local_addr[16];
        uint16_t local_port;
};

/*
 * Learn where session `session` came from, starting at process `pid` (one
 * of its processes): walk up the parents while they are in the same
 * session; the last one is the opener (for SSH, sshd's per-login process,
 * where pam_loginuid gave the session its id). The terminal is the first
 * one found on the way up. The addresses are those of an established TCP
 * connection held by a process of the chain, the highest first (sshd's:
 * the kernel's word, which the user cannot change); failing that, those of
 * SSH_CONNECTION in the highest environment that has it (the login shell's;
 * a process can be started with any environment, so this is a hint only).
 * When `pid` is gone (its record was read after it ended) the walk starts
 * from any process still in the session. Returns 0, or -ESRCH when none is
 * left (the fields stay empty).
 */
int session_proc_origin(const char *proc_root, uint32_t pid, uint32_t session,
                        struct session_origin *out);

/* "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT" into `out`; false if malformed. */
bool session_parse_ssh_connection(const char *value, struct session_origin *out);

/* A tty_nr of /proc/PID/stat as a name ("pts/3", "tty1", "ttyS0", "136:3"); "" for 0. */
void session_tty_name(uint32_t tty_nr, char *buf, size_t len);

/* The audit session id of process `pid`: 0, or -errno (gone). */
int session_proc_sessionid(const char *proc_root, uint32_t pid, uint32_t *session);

/*
 * Call `fn` with the pid and session id of every process under `proc_root`
 * that has one (not 4294967295). Returns 0 or -errno when the directory
 * cannot be read.
 */
int session_proc_each_session(const char *proc_root,
                              void (*fn)(uint32_t pid, uint32_t session, void *ctx), void *ctx);

/* The terminal of process `pid` ("" for none): 0, or -errno (gone). */
int session_proc_tty(const char *proc_root, uint32_t pid, char *tty, size_t len);

#endif
