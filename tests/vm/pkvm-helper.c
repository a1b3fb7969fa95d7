/* Workload for the VM matrix checks: one small static binary with a name
 * of its own, so a check can pick its events out by comm and filename. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int usage(void)
{
        fputs("usage: pkvm-helper exit CODE | getppid COUNT | unlink PATH | login UID | "
              "opens DIR | connects any\n",
              stderr);
        return 2;
}

/*
 * The file_open workload, in DIR: create DIR/pkvm-created (O_CREAT|O_WRONLY,
 * 0640), open DIR/pkvm-missing (ENOENT), then open pkvm-created by its
 * relative name twice: with openat() from a dirfd of DIR, and from DIR as the
 * working directory.
 */
static int opens(const char *dir)
{
        char created[256], missing[256];
        int fd, dfd;

        snprintf(created, sizeof(created), "%s/pkvm-created", dir);
        snprintf(missing, sizeof(missing), "%s/pkvm-missing", dir);
        unlink(missing);
        fd = open(created, O_CREAT | O_WRONLY, 0640);
        if (fd < 0)
                return 1;
        close(fd);
        if (open(missing, O_RDONLY) >= 0)
                return 1;
        dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
                return 1;
        fd = openat(dfd, "pkvm-created", O_RDONLY);
        close(dfd);
        if (fd < 0)
                return 1;
        close(fd);
        if (chdir(dir))
                return 1;
        fd = open("pkvm-created", O_RDONLY);
        if (fd < 0)
                return 1;
        close(fd);
        return 0;
}

/* Listen on the loopback address of `family`; returns the fd, its port in *port. */
static int listen_on(int family, unsigned short *port)
{
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        struct sockaddr *sa = family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6;
        socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);
        int fd = socket(family, SOCK_STREAM, 0);

        if (fd < 0 || bind(fd, sa, len) || listen(fd, 4) || getsockname(fd, sa, &len))
                return -1;
        *port = ntohs(family == AF_INET ? a4.sin_port : a6.sin6_port);
        return fd;
}

/* connect() to the loopback of `family` at `port`: 0 or -errno. */
static int connect_to(int family, unsigned short port)
{
        struct sockaddr_in6 a6 = {
            .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(port)};
        struct sockaddr_in a4 = {.sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                 .sin_port = htons(port)};
        int fd = socket(family, SOCK_STREAM, 0), rc;

        if (fd < 0)
                return -errno;
        rc = family == AF_INET ? connect(fd, (struct sockaddr *)&a4, sizeof(a4))
                               : connect(fd, (struct sockaddr *)&a6, sizeof(a6));
        rc = rc ? -errno : 0;
        close(fd);
        return rc;
}

/*
 * The tcp_connect workload: connects to a listener on 127.0.0.1, one on ::1
 * and a closed port on 127.0.0.1. Prints "v4=PORT v6=PORT closed=PORT".
 */
static int connects(void)
{
        unsigned short p4, p6, closed;
        int l4 = listen_on(AF_INET, &p4), l6 = listen_on(AF_INET6, &p6);
        int l0 = listen_on(AF_INET, &closed);

        if (l4 < 0 || l6 < 0 || l0 < 0)
                return 1;
        close(l0); /* nothing listens there any more */
        if (connect_to(AF_INET, p4) || connect_to(AF_INET6, p6) ||
            connect_to(AF_INET, closed) != -ECONNREFUSED)
                return 1;
        printf("v4=%u v6=%u closed=%u\n", p4, p6, closed);
        return 0;
}

/*
 * Enter a login as pam_loginuid does (write the uid to /proc/self/loginuid,
 * which gives the task a new audit session), print "SESSION" on stdout, then
 * call getppid three times: the check expects the ids on those events.
 */
static int login(const char *uid)
{
        FILE *f = fopen("/proc/self/loginuid", "w");
        unsigned session = 0;

        if (!f || fputs(uid, f) < 0 || fclose(f) != 0) {
                perror("loginuid");
                return 1;
        }
        f = fopen("/proc/self/sessionid", "r");
        if (!f || fscanf(f, "%u", &session) != 1) {
                perror("sessionid");
                return 1;
        }
        fclose(f);
        printf("%u\n", session);
        fflush(stdout);
        for (int i = 0; i < 3; i++)
                syscall(SYS_getppid);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc != 3)
                return usage();
        if (strcmp(argv[1], "exit") == 0)
                return atoi(argv[2]);
        if (strcmp(argv[1], "getppid") == 0) {
                long n = atol(argv[2]);
                /* The raw syscall, so libc can neither cache nor skip it. */
                for (long i = 0; i < n; i++)
                        syscall(SYS_getppid);
                return 0;
        }
        if (strcmp(argv[1], "login") == 0)
                return login(argv[2]);
        if (strcmp(argv[1], "unlink") == 0) {
                int rc = unlink(argv[2]);
                if (rc != 0)
                        perror("unlink");
                return rc == 0 ? 0 : 1;
        }
        if (strcmp(argv[1], "opens") == 0)
                return opens(argv[2]);
        if (strcmp(argv[1], "connects") == 0)
                return connects();
        return usage();
}
