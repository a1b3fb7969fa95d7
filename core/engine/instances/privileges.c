// SPDX-License-Identifier: MIT
#include "privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Older headers lack them; the numbers are the kernel's ABI. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has(uint64_t set, int cap)
{
        return set & (1ULL << cap);
}

int privileges_explain(uint64_t effective, int cap_last_cap, char *why, size_t why_len)
{
        bool split_caps = cap_last_cap >= CAP_BPF; /* the kernel knows CAP_BPF and CAP_PERFMON */
        bool bpf = has(effective, CAP_SYS_ADMIN) || (split_caps && has(effective, CAP_BPF));
        bool perfmon = has(effective, CAP_SYS_ADMIN) || (split_caps && has(effective, CAP_PERFMON));

        if (bpf && perfmon)
                return 0;
        if (!split_caps)
                snprintf(why, why_len,
                         "missing privileges: loading BPF tracing programs needs CAP_SYS_ADMIN on "
                         "this kernel (older than 5.8); run probekit as root");
        else if (!bpf && !perfmon)
                snprintf(why, why_len,
                         "missing privileges: loading BPF tracing programs needs CAP_BPF and "
                         "CAP_PERFMON (or CAP_SYS_ADMIN), and this process has none of them; run "
                         "probekit as root (e.g. with sudo)");
        else
                snprintf(why, why_len,
                         "missing privileges: loading BPF tracing programs needs CAP_BPF and "
                         "CAP_PERFMON (or CAP_SYS_ADMIN); this process lacks %s; run probekit as "
                         "root, or grant it",
                         bpf ? "CAP_PERFMON" : "CAP_BPF");
        return -EPERM;
}

static int read_cap_last_cap(void)
{
        FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        int last = -1;

        if (f) {
                if (fscanf(f, "%d", &last) != 1)
                        last = -1;
                fclose(f);
        }
        /* cannot tell: assume a kernel that knows CAP_BPF (any kernel probekit supports) */
        return last < 0 ? CAP_BPF : last;
}

int privileges_check(char *why, size_t why_len)
{
        struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};
        uint64_t effective;

        if (syscall(SYS_capget, &header, data))
                return 0; /* cannot tell: let the kernel's answer speak */
        effective = (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
        return privileges_explain(effective, read_cap_last_cap(), why, why_len);
}
