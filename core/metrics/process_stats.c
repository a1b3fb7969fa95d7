// SPDX-License-Identifier: MIT
#include "process_stats.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The "btime" line of /proc/stat: when the system booted, in epoch seconds. */
static int boot_time(uint64_t *btime)
{
        FILE *f = fopen("/proc/stat", "re");
        char line[256];
        int rc = -ENOENT;

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                unsigned long long v;

                if (sscanf(line, "btime %llu", &v) == 1) {
                        *btime = v;
                        rc = 0;
                        break;
                }
        }
        fclose(f);
        return rc;
}

static uint64_t count_open_fds(void)
{
        DIR *dir = opendir("/proc/self/fd");
        struct dirent *de;
        uint64_t n = 0;

        if (!dir)
                return 0;
        while ((de = readdir(dir)))
                n += de->d_name[0] != '.';
        closedir(dir);
        return n > 0 ? n - 1 : 0; /* not the descriptor of the listing itself */
}

/*
 * /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces and
 * parentheses, so the fields are counted from the last ')'. After it come
 * field 3 (state) onwards: utime is 14, stime 15, starttime 22, vsize 23,
 * rss 24 (in pages).
 */
static int read_stat(struct process_stats *out)
{
        char buf[1024], *p;
        unsigned long long utime, stime, start, vsize, rss;
        long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
        uint64_t btime = 0;
        FILE *f = fopen("/proc/self/stat", "re");
        size_t n;

        if (!f)
                return -errno;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        p = strrchr(buf, ')');
        if (!p || ticks <= 0)
                return -EINVAL;
        if (sscanf(p + 2,
                   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
                   "%*d %llu %llu %llu",
                   &utime, &stime, &start, &vsize, &rss) != 5)
                return -EINVAL;
        out->cpu_seconds = (double)(utime + stime) / (double)ticks;
        out->virtual_bytes = vsize;
        out->resident_bytes = rss * (uint64_t)page;
        if (!boot_time(&btime))
                out->start_time = (double)btime + (double)start / (double)ticks;
        return 0;
}

int process_stats_read(struct process_stats *out)
{
        struct rlimit lim;

        memset(out, 0, sizeof(*out));
        out->open_fds = count_open_fds();
        if (!getrlimit(RLIMIT_NOFILE, &lim))
                out->max_fds = lim.rlim_cur;
        return read_stat(out);
}
