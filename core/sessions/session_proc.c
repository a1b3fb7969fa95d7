// SPDX-License-Identifier: MIT
#include "session_proc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define AUDIT_UNSET 4294967295u
/* A process tree deeper than this is not a login worth the walk. */
#define MAX_WALK 64

/* Read a small /proc file into buf (NUL-terminated): bytes read, or -errno. */
static ssize_t read_proc(const char *proc_root, uint32_t pid, const char *name, char *buf,
                         size_t len)
{
        char path[256];
        ssize_t n, total = 0;
        int fd;

        snprintf(path, sizeof(path), "%s/%u/%s", proc_root, pid, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        while ((size_t)total < len - 1) {
                n = read(fd, buf + total, len - 1 - total);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                total += n;
        }
        close(fd);
        buf[total] = '\0';
        return total;
}

int session_proc_sessionid(const char *proc_root, uint32_t pid, uint32_t *session)
{
        char buf[32], *end;
        ssize_t n = read_proc(proc_root, pid, "sessionid", buf, sizeof(buf));
        unsigned long v;

        if (n < 0)
                return (int)n;
        errno = 0;
        v = strtoul(buf, &end, 10);
        if (errno || end == buf || v > AUDIT_UNSET)
                return -EINVAL;
        *session = (uint32_t)v;
        return 0;
}

/* From /proc/PID/stat: comm, ppid and tty_nr ("PID (COMM) S PPID PGRP SID TTY ..."). */
static int read_stat(const char *proc_root, uint32_t pid, char *comm, size_t comm_len,
                     uint32_t *ppid, uint32_t *tty_nr)
{
        char buf[1024];
        ssize_t n = read_proc(proc_root, pid, "stat", buf, sizeof(buf));
        char *open_paren, *close_paren;
        unsigned int parent, tty;
        int pgrp, sid;
        char state;
        size_t len;

        if (n < 0)
                return (int)n;
        open_paren = strchr(buf, '(');
        close_paren = strrchr(buf, ')'); /* the name itself may hold ')' */
        if (!open_paren || !close_paren || close_paren < open_paren)
                return -EINVAL;
        if (sscanf(close_paren + 1, " %c %u %d %d %u", &state, &parent, &pgrp, &sid, &tty) != 5)
                return -EINVAL;
        len = (size_t)(close_paren - open_paren - 1);
        if (len >= comm_len)
                len = comm_len - 1;
        memcpy(comm, open_paren + 1, len);
        comm[len] = '\0';
        /* a process names itself: keep what reaches a terminal printable */
        for (char *c = comm; *c; c++) {
                if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                        *c = '?';
        }
        *ppid = parent;
        *tty_nr = tty;
        return 0;
}

int session_proc_tty(const char *proc_root, uint32_t pid, char *tty, size_t len)
{
        uint32_t ppid, tty_nr;
        char comm[16];
        int rc = read_stat(proc_root, pid, comm, sizeof(comm), &ppid, &tty_nr);

        if (!rc)
                session_tty_name(tty_nr, tty, len);
        return rc;
}

/* Parse one address of SSH_CONNECTION into the IPv6 form (IPv4 mapped). */
static bool parse_addr(const char *text, uint8_t addr[16])
{
        struct in_addr v4;

        if (inet_pton(AF_INET6, text, addr) == 1)
                return true;
        if (inet_pton(AF_INET, text, &v4) != 1)
                return false;
        memset(addr, 0, 10);
        addr[10] = addr[11] = 0xff;
        memcpy(addr + 12, &v4, 4);
        return true;
}

static bool parse_port(const char *text, uint16_t *port)
{
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(text, &end, 10);
        if (errno || end == text || *end || v == 0 || v > 65535)
                return false;
        *port = (uint16_t)v;
        return true;
}

bool session_parse_ssh_connection(const char *value, struct session_origin *out)
{
        char copy[256], *words[4], *save = NULL;
        int n = 0;

        if (strlen(value) >= sizeof(copy))
                return false;
        strcpy(copy, value);
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                if (n == 4)
                        return false;
                words[n++] = w;
        }
        if (n != 4 || !parse_addr(words[0], out->remote_addr) ||
            !parse_port(words[1], &out->remote_port) || !parse_addr(words[2], out->local_addr) ||
            !parse_port(words[3], &out->local_port))
                return false;
        out->remote = true;
        return true;
}

/* SSH_CONNECTION from /proc/PID/environ, NUL-separated NAME=VALUE strings. */
static bool find_ssh_connection(const char *proc_root, uint32_t pid, struct session_origin *out)
{
        static const char key[] = "SSH_CONNECTION=";
        char buf[32768];
        ssize_t n = read_proc(proc_root, pid, "environ", buf, sizeof(buf));

        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
                if (!strncmp(buf + i, key, sizeof(key) - 1))
                        return session_parse_ssh_connection(buf + i + sizeof(key) - 1, out);
        }
        return false;
}

void session_tty_name(uint32_t tty_nr, char *buf, size_t len)
{
        unsigned int maj = major(tty_nr), min = minor(tty_nr);

        if (!tty_nr)
                snprintf(buf, len, "%s", "");
        else if (maj >= 136 && maj <= 143) /* Unix98 pseudo-terminals */
                snprintf(buf, len, "pts/%u", (maj - 136) * 256 + min);
        else if (maj == 4 && min < 64)
                snprintf(buf, len, "tty%u", min);
        else if (maj == 4)
                snprintf(buf, len, "ttyS%u", min - 64);
        else
                snprintf(buf, len, "%u:%u", maj, min);
}

/* The inodes of the sockets process `pid` has open (at most `max`). */
static size_t socket_inodes(const char *proc_root, uint32_t pid, unsigned long *inodes, size_t max)
{
        char path[256], link[64];
        struct dirent *e;
        size_t n = 0;
        DIR *dir;

        snprintf(path, sizeof(path), "%s/%u/fd", proc_root, pid);
        dir = opendir(path);
        if (!dir)
                return 0;
        while (n < max && (e = readdir(dir))) {
                char fd_path[512];
                ssize_t len;

                snprintf(fd_path, sizeof(fd_path), "%s/%s", path, e->d_name);
                len = readlink(fd_path, link, sizeof(link) - 1);
                if (len <= 0)
                        continue;
                link[len] = '\0';
                if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
                        n++;
        }
        closedir(dir);
        return n;
}

/* "0100007F:0016" (tcp) or 32 hex digits and a port (tcp6): kernel words in host order. */
static bool parse_proc_net_addr(const char *text, bool v6, uint8_t addr[16], uint16_t *port)
{
        uint32_t words[4];
        unsigned int p;

        if (v6) {
                if (sscanf(text, "%8x%8x%8x%8x:%x", &words[0], &words[1], &words[2], &words[3],
                           &p) != 5)
                        return false;
                memcpy(addr, words, 16);
        } else {
                if (sscanf(text, "%8x:%x", &words[0], &p) != 2)
                        return false;
                memset(addr, 0, 10);
                addr[10] = addr[11] = 0xff;
                memcpy(addr + 12, &words[0], 4);
        }
        *port = (uint16_t)p;
        return true;
}

/*
 * An established TCP connection of process `pid`, from its socket fds and
 * its network namespace's /proc/PID/net/tcp{,6}: what sshd's per-login
 * process holds is the client's connection.
 */
static bool find_tcp_peer(const char *proc_root, uint32_t pid, struct session_origin *out)
{
        unsigned long inodes[64];
        size_t n = socket_inodes(proc_root, pid, inodes, 64);
        static const char *const tables[] = {"net/tcp", "net/tcp6"};

        for (int t = 0; n && t < 2; t++) {
                char path[256], line[512];
                FILE *f;

                snprintf(path, sizeof(path), "%s/%u/%s", proc_root, pid, tables[t]);
                f = fopen(path, "re");
                if (!f)
                        continue;
                while (fgets(line, sizeof(line), f)) {
                        char local[64], remote[64];
                        unsigned int state;
                        unsigned long inode;

                        if (sscanf(line, " %*s %63s %63s %x %*s %*s %*s %*s %*s %lu", local, remote,
                                   &state, &inode) != 4 ||
                            state != 1 /* TCP_ESTABLISHED */)
                                continue;
                        for (size_t i = 0; i < n; i++) {
                                if (inodes[i] != inode ||
                                    !parse_proc_net_addr(local, t == 1, out->local_addr,
                                                         &out->local_port) ||
                                    !parse_proc_net_addr(remote, t == 1, out->remote_addr,
                                                         &out->remote_port))
                                        continue;
                                fclose(f);
                                out->remote = true;
                                return true;
                        }
                }
                fclose(f);
        }
        return false;
}

/* Any process of session `session`, or 0. */
static uint32_t find_member(const char *proc_root, uint32_t session)
{
        DIR *dir = opendir(proc_root);
        uint32_t sid, member = 0;
        struct dirent *e;

        if (!dir)
                return 0;
        while (!member && (e = readdir(dir))) {
                char *end;
                unsigned long pid = strtoul(e->d_name, &end, 10);

                if (end != e->d_name && !*end &&
                    !session_proc_sessionid(proc_root, (uint32_t)pid, &sid) && sid == session)
                        member = (uint32_t)pid;
        }
        closedir(dir);
        return member;
}

static int walk_origin(const char *proc_root, uint32_t pid, uint32_t session,
                       struct session_origin *out)
{
        uint32_t chain[MAX_WALK], sid, ppid = 0, tty_nr = 0;
        struct session_origin from_env = {0};
        int n = 0;
        char comm[16];

        memset(out, 0, sizeof(*out));
        while (n < MAX_WALK && pid > 1) {
                if (session_proc_sessionid(proc_root, pid, &sid) || sid != session)
                        break;
                if (read_stat(proc_root, pid, comm, sizeof(comm), &ppid, &tty_nr))
                        break;
                chain[n++] = pid;
                out->opener_pid = pid;
                memcpy(out->opener_comm, comm, sizeof(comm));
                if (!out->tty[0])
                        session_tty_name(tty_nr, out->tty, sizeof(out->tty));
                /* the highest process that has it: the login shell, not what it ran */
                find_ssh_connection(proc_root, pid, &from_env);
                pid = ppid;
        }
        /* the connection the session's own daemon holds, from the top down */
        for (int i = n - 1; i >= 0; i--) {
                if (find_tcp_peer(proc_root, chain[i], out))
                        return 0;
        }
        if (from_env.remote) {
                memcpy(out->remote_addr, from_env.remote_addr, 16);
                memcpy(out->local_addr, from_env.local_addr, 16);
                out->remote_port = from_env.remote_port;
                out->local_port = from_env.local_port;
                out->remote = true;
        }
        return n ? 0 : -ESRCH;
}

int session_proc_origin(const char *proc_root, uint32_t pid, uint32_t session,
                        struct session_origin *out)
{
        uint32_t member;

        if (!walk_origin(proc_root, pid, session, out))
                return 0;
        /* the record came after its process ended: start from one still there */
        member = find_member(proc_root, session);
        if (!member)
                return -ESRCH;
        return walk_origin(proc_root, member, session, out);
}

int session_proc_each_session(const char *proc_root,
                              void (*fn)(uint32_t pid, uint32_t session, void *ctx), void *ctx)
{
        DIR *dir = opendir(proc_root);
        struct dirent *e;
        uint32_t session;

        if (!dir)
                return -errno;
        while ((e = readdir(dir))) {
                char *end;
                unsigned long pid = strtoul(e->d_name, &end, 10);

                if (end == e->d_name || *end)
                        continue;
                if (!session_proc_sessionid(proc_root, (uint32_t)pid, &session) &&
                    session != AUDIT_UNSET)
                        fn((uint32_t)pid, session, ctx);
        }
        closedir(dir);
        return 0;
}
