// SPDX-License-Identifier: MIT
/*
 * session_proc.c and sessions.c on a made-up /proc: a login of three
 * processes (sshd -> bash -> cat) under a process outside it, an sshd that
 * holds the client's TCP connection, a shell environment with
 * SSH_CONNECTION; then the session table's start and end records.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "session_proc.h"
#include "sessions.h"
#include "strbuf.h"
#include "unit_check.h"

static char root[] = "/tmp/pk-session-proc-XXXXXX";

static void put(const char *rel, const char *text, size_t len)
{
        char path[PATH_MAX];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        f = fopen(path, "w");
        EXPECT(f != NULL);
        if (!f)
                return;
        fwrite(text, 1, len, f);
        fclose(f);
}

static void dir(const char *rel)
{
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        mkdir(path, 0700);
}

/* One process: its session id, its stat line and its environment. */
static void process(unsigned pid, unsigned ppid, const char *comm, unsigned session,
                    unsigned tty_nr, const char *environ, size_t environ_len)
{
        char rel[64], text[256];

        snprintf(rel, sizeof(rel), "%u", pid);
        dir(rel);
        snprintf(rel, sizeof(rel), "%u/fd", pid);
        dir(rel);
        snprintf(rel, sizeof(rel), "%u/net", pid);
        dir(rel);
        snprintf(rel, sizeof(rel), "%u/sessionid", pid);
        snprintf(text, sizeof(text), "%u", session);
        put(rel, text, strlen(text));
        snprintf(rel, sizeof(rel), "%u/stat", pid);
        snprintf(text, sizeof(text), "%u (%s) S %u %u %u %u -1 4194560 0 0\n", pid, comm, ppid, pid,
                 pid, tty_nr);
        put(rel, text, strlen(text));
        snprintf(rel, sizeof(rel), "%u/environ", pid);
        put(rel, environ, environ_len);
}

/* A listener (inode 6666) and 127.0.0.1:22 <- 127.0.0.1:50000 established (5555). */
static const char tcp_table[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  "
    "      0 6666 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:0016 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0  "
    "      0 5555 1 0000000000000000 20 4 30 10 -1\n";

static void make_tree(void)
{
        static const char shell_env[] = "HOME=/home/a\0SSH_CONNECTION=10.1.2.3 50022 10.0.0.1 22\0"
                                        "TERM=xterm";
        static const char cat_env[] = "SSH_CONNECTION=6.6.6.6 1 7.7.7.7 2"; /* a forgery */
        char path[PATH_MAX];

        process(1, 0, "init", 4294967295u, 0, "", 0);
        process(40, 1, "sshd", 4294967295u, 0, "", 0);
        process(100, 40, "sshd", 7, 0, "", 0);
        process(200, 100, "ba) sh", 7, makedev(136, 3), shell_env, sizeof(shell_env));
        process(300, 200, "cat", 7, makedev(136, 3), cat_env, sizeof(cat_env));
        process(400, 1, "cron", 9, 0, "", 0);
        /* sshd's socket 5555 is the client's established connection; 6666 listens */
        snprintf(path, sizeof(path), "%s/100/fd/3", root);
        EXPECT_INT(0, symlink("socket:[5555]", path));
        snprintf(path, sizeof(path), "%s/100/fd/4", root);
        EXPECT_INT(0, symlink("socket:[6666]", path));
        snprintf(path, sizeof(path), "%s/100/fd/5", root);
        EXPECT_INT(0, symlink("/dev/null", path));
        put("100/net/tcp", tcp_table, sizeof(tcp_table) - 1);
}

static void test_parsers(void)
{
        struct session_origin o;
        char tty[32];

        memset(&o, 0, sizeof(o));
        EXPECT(session_parse_ssh_connection("127.0.0.1 50000 127.0.0.1 2222", &o));
        EXPECT_INT(50000, o.remote_port);
        EXPECT_INT(2222, o.local_port);
        EXPECT_INT(0xff, o.remote_addr[10]);
        EXPECT_INT(127, o.remote_addr[12]);
        EXPECT(session_parse_ssh_connection("::1 40000 ::1 22", &o));
        EXPECT_INT(1, o.remote_addr[15]);
        EXPECT_INT(0, o.remote_addr[10]);
        EXPECT(!session_parse_ssh_connection("127.0.0.1 50000 127.0.0.1", &o));
        EXPECT(!session_parse_ssh_connection("127.0.0.1 0 127.0.0.1 22", &o));
        EXPECT(!session_parse_ssh_connection("host 1 127.0.0.1 22", &o));
        EXPECT(!session_parse_ssh_connection("1.2.3.4 1 1.2.3.4 2 extra", &o));

        session_tty_name(makedev(136, 3), tty, sizeof(tty));
        EXPECT_STR("pts/3", tty);
        session_tty_name(makedev(137, 1), tty, sizeof(tty));
        EXPECT_STR("pts/257", tty);
        session_tty_name(makedev(4, 1), tty, sizeof(tty));
        EXPECT_STR("tty1", tty);
        session_tty_name(makedev(4, 64), tty, sizeof(tty));
        EXPECT_STR("ttyS0", tty);
        session_tty_name(0, tty, sizeof(tty));
        EXPECT_STR("", tty);
}

static void test_origin(void)
{
        struct session_origin o;
        uint32_t sid = 0;

        EXPECT_INT(0, session_proc_sessionid(root, 300, &sid));
        EXPECT_INT(7, sid);
        EXPECT_INT(-ENOENT, session_proc_sessionid(root, 999, &sid));

        /* from the cat up to sshd; the connection from sshd's socket, not any environment */
        EXPECT_INT(0, session_proc_origin(root, 300, 7, &o));
        EXPECT_INT(100, o.opener_pid);
        EXPECT_STR("sshd", o.opener_comm);
        EXPECT_STR("pts/3", o.tty);
        EXPECT(o.remote);
        EXPECT_INT(127, o.remote_addr[12]);
        EXPECT_INT(1, o.remote_addr[15]);
        EXPECT_INT(0xC350, o.remote_port);
        EXPECT_INT(22, o.local_port);

        /* without the socket: the highest SSH_CONNECTION (the shell's, not the forged one) */
        {
                char path[PATH_MAX];

                snprintf(path, sizeof(path), "%s/100/fd/3", root);
                unlink(path);
        }
        EXPECT_INT(0, session_proc_origin(root, 300, 7, &o));
        EXPECT(o.remote);
        EXPECT_INT(10, o.remote_addr[12]);
        EXPECT_INT(3, o.remote_addr[15]);
        EXPECT_INT(50022, o.remote_port);

        /* a pid that is gone: the walk starts from a process still in the session */
        EXPECT_INT(0, session_proc_origin(root, 12345, 7, &o));
        EXPECT_INT(100, o.opener_pid);
        /* a session no process is in */
        EXPECT_INT(-ESRCH, session_proc_origin(root, 12345, 8, &o));
        EXPECT_INT(0, o.opener_pid);
        /* a name with ")" in it: the stat line still parses */
        EXPECT_INT(0, session_proc_origin(root, 200, 7, &o));
        EXPECT_INT(100, o.opener_pid);
}

struct captured {
        char action[8][8];
        uint32_t session[8];
        uint64_t commands[8];
        uint64_t absent[8];
        int n;
};

static int capture(const struct pk_record *rec, void *ctx)
{
        struct captured *c = ctx;

        if (c->n < 8) {
                snprintf(c->action[c->n], 8, "%.*s", (int)rec->values[0].str.len,
                         rec->values[0].str.ptr);
                c->session[c->n] = rec->hdr->session;
                c->commands[c->n] = rec->values[9].u64;
                c->absent[c->n] = rec->absent;
                c->n++;
        }
        return 0;
}

static void observe(struct sessions *s, const char *event, uint32_t pid, uint32_t session)
{
        struct pk_event_header hdr = {.pid = pid,
                                      .tid = pid,
                                      .auid = 1000,
                                      .session = session,
                                      .present = PK_HDR_TASK | PK_HDR_AUID | PK_HDR_SESSION};
        struct pk_record rec = {.probe = "p", .event = event, .ts_ns = 1000, .hdr = &hdr};

        if (session == 4294967295u)
                hdr.present = PK_HDR_TASK;
        sessions_observe(s, &rec);
}

static void test_table(void)
{
        struct captured c = {0};
        struct sessions *s = sessions_new(root, capture, &c);
        struct strbuf out = {0};
        char path[PATH_MAX];

        observe(s, "exec", 1, 4294967295u); /* outside any login: nothing */
        EXPECT_INT(0, c.n);
        observe(s, "exec", 300, 7);
        observe(s, "open", 300, 7);
        observe(s, "exec", 300, 7);
        observe(s, "exec", 400, 9);
        EXPECT_INT(2, c.n);
        EXPECT_STR("start", c.action[0]);
        EXPECT_INT(7, c.session[0]);
        EXPECT(c.absent[0] & (1ull << 9)); /* no counts at the start */
        EXPECT_INT(9, c.session[1]);

        sessions_describe(s, true, &out);
        EXPECT_HAS(out.data, "\"session\":7,\"auid\":1000");
        EXPECT_HAS(out.data, "\"opened_by\":\"sshd\",\"opened_by_pid\":100");
        EXPECT_HAS(out.data, "\"remote_addr\":\"10.1.2.3\",\"remote_port\":50022");
        EXPECT_HAS(out.data, "\"commands\":2,\"opens\":1,\"connects\":0,\"events\":3");
        strbuf_free(&out);

        sessions_tick(s, 5000); /* both still have processes */
        EXPECT_INT(2, c.n);
        snprintf(path, sizeof(path), "rm -rf %s/400", root);
        EXPECT_INT(0, system(path));
        sessions_tick(s, 5000);
        EXPECT_INT(3, c.n);
        EXPECT_STR("end", c.action[2]);
        EXPECT_INT(9, c.session[2]);
        EXPECT_INT(1, c.commands[2]);
        EXPECT(!(c.absent[2] & (1ull << 9)));

        memset(&out, 0, sizeof(out));
        sessions_describe(s, false, &out);
        EXPECT_HAS(out.data, "SESSION");
        EXPECT_HAS(out.data, "10.1.2.3:50022");
        EXPECT(strstr(out.data, "  9 ") == NULL);
        strbuf_free(&out);
        sessions_free(s);
}

int main(void)
{
        char cmd[PATH_MAX + 16];

        if (!mkdtemp(root)) {
                perror("mkdtemp");
                return 1;
        }
        make_tree();
        test_parsers();
        test_origin();
        test_table();
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", root);
        return unit_finish();
}
