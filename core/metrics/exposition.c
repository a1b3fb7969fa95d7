// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <math.h>
#include <string.h>

#include "utf8.h"

void expo_family(struct strbuf *sb, const char *name, enum metric_type type, const char *help)
{
        strbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                      type == METRIC_COUNTER ? "counter" : "gauge");
}

void expo_escape_label(struct strbuf *sb, const char *value)
{
        const unsigned char *p = (const unsigned char *)(value ? value : "");
        size_t left = strlen((const char *)p);

        while (left) {
                size_t n = 1;

                if (*p == '\\' || *p == '"')
                        strbuf_printf(sb, "\\%c", *p);
                else if (*p == '\n')
                        strbuf_printf(sb, "\\n");
                else if (*p < 0x80)
                        strbuf_printf(sb, "%c", *p);
                else if ((n = utf8_sequence_len(p, left)))
                        strbuf_printf(sb, "%.*s", (int)n, (const char *)p);
                else
                        strbuf_printf(sb, "%s", UTF8_REPLACEMENT);
                if (!n)
                        n = 1;
                p += n;
                left -= n;
        }
}

static void sample_prefix(struct strbuf *sb, const char *name, const char *const *labels)
{
        strbuf_printf(sb, "%s", name);
        if (!labels || !labels[0])
                return;
        strbuf_printf(sb, "{");
        for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
                strbuf_printf(sb, "%s%s=\"", i ? "," : "", labels[i]);
                expo_escape_label(sb, labels[i + 1]);
                strbuf_printf(sb, "\"");
        }
        strbuf_printf(sb, "}");
}

void expo_sample_u64(struct strbuf *sb, const char *name, const char *const *labels, uint64_t value)
{
        sample_prefix(sb, name, labels);
        strbuf_printf(sb, " %llu\n", (unsigned long long)value);
}

void expo_sample_double(struct strbuf *sb, const char *name, const char *const *labels,
                        double value)
{
        sample_prefix(sb, name, labels);
        if (isnan(value))
                strbuf_printf(sb, " NaN\n");
        else if (isinf(value))
                strbuf_printf(sb, " %sInf\n", value < 0 ? "-" : "+");
        else
                strbuf_printf(sb, " %.15g\n", value);
}

void expo_single(struct strbuf *sb, const char *name, enum metric_type type, const char *help,
                 const char *const *labels, double value)
{
        expo_family(sb, name, type, help);
        expo_sample_double(sb, name, labels, value);
}
