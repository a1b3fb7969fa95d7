/* SPDX-License-Identifier: MIT */
#include "format_duration.h"

#include <string.h>

#include "format_number.h"

char *format_duration(char *dst, uint64_t ns)
{
        static const struct {
                uint64_t ns;
                char unit[3];
        } units[] = {{1000000000u, "s"}, {1000000u, "ms"}, {1000u, "us"}};
        char *p;

        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                if (ns < units[i].ns)
                        continue;
                p = format_u64(dst, ns / units[i].ns);
                *p++ = '.';
                /* Three decimals: the unit's thousandths. */
                p = format_fixed(p, ns % units[i].ns / (units[i].ns / 1000u), 3);
                size_t len = strlen(units[i].unit);
                memcpy(p, units[i].unit, len);
                return p + len;
        }
        p = format_u64(dst, ns);
        memcpy(p, "ns", 2);
        return p + 2;
}
