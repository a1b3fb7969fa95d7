// SPDX-License-Identifier: MIT
/* privileges.c: which capability a message names, for each set a process may have. */
#include <errno.h>
#include <linux/capability.h>

#include "privileges.h"
#include "unit_check.h"

#define BIT(cap) (1ULL << (cap))
#define PERFMON  38
#define BPF      39

int main(void)
{
        char why[512] = "";

        EXPECT_INT(0, privileges_explain(BIT(CAP_SYS_ADMIN), 40, why, sizeof(why)));
        EXPECT_INT(0, privileges_explain(BIT(BPF) | BIT(PERFMON), 40, why, sizeof(why)));
        EXPECT_INT(0, privileges_explain(BIT(CAP_SYS_ADMIN), 37, why, sizeof(why)));

        EXPECT_INT(-EPERM, privileges_explain(0, 40, why, sizeof(why)));
        EXPECT_HAS(why, "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)");
        EXPECT_HAS(why, "run probekit as root");

        EXPECT_INT(-EPERM, privileges_explain(BIT(BPF), 40, why, sizeof(why)));
        EXPECT_HAS(why, "lacks CAP_PERFMON");
        EXPECT_INT(-EPERM,
                   privileges_explain(BIT(PERFMON) | BIT(CAP_NET_ADMIN), 40, why, sizeof(why)));
        EXPECT_HAS(why, "lacks CAP_BPF");

        /* before 5.8 the kernel has no CAP_BPF: only CAP_SYS_ADMIN will do */
        EXPECT_INT(-EPERM, privileges_explain(BIT(BPF) | BIT(PERFMON), 37, why, sizeof(why)));
        EXPECT_HAS(why, "needs CAP_SYS_ADMIN on this kernel");
        return unit_finish();
}
