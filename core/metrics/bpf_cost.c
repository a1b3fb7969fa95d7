// SPDX-License-Identifier: MIT
#include "bpf_cost.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

bool bpf_stats_enabled(void)
{
        FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
        int value = 0;

        if (!f)
                return false;
        if (fscanf(f, "%d", &value) != 1)
                value = 0;
        fclose(f);
        return value == 1;
}

int bpf_cost_for_each(struct bpf_object *obj, bpf_cost_fn fn, void *ctx)
{
        struct bpf_program *prog;
        int first = 0;

        bpf_object__for_each_program(prog, obj)
        {
                struct bpf_prog_info info;
                __u32 len = sizeof(info);
                int fd = bpf_program__fd(prog), rc;

                if (fd < 0)
                        continue; /* not loaded: autoload off for this attach mode */
                memset(&info, 0, sizeof(info));
                rc = bpf_obj_get_info_by_fd(fd, &info, &len);
                if (rc) {
                        if (!first)
                                first = rc < 0 ? rc : -EINVAL;
                        continue;
                }
                fn(ctx, bpf_program__name(prog), info.run_time_ns, info.run_cnt);
        }
        return first;
}
