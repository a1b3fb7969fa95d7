/* Workload for the VM matrix checks: one small static binary with a name
 * of its own, so a check can pick its events out by comm and filename. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int usage(void)
{
        fputs("usage: pkvm-helper exit CODE | getppid COUNT | unlink PATH | login UID\n", stderr);
        return 2;
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
        return usage();
}
