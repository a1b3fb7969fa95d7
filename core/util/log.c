// SPDX-License-Identifier: MIT
#include "log.h"

#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

static enum pk_log_level current_level = PK_LOG_INFO;
static const char *libbpf_owner;
static char libbpf_last_warning[1024];

void log_set_level(enum pk_log_level level)
{
        current_level = level;
}

enum pk_log_level log_get_level(void)
{
        return current_level;
}

static const char *level_word(enum pk_log_level level)
{
        switch (level) {
        case PK_LOG_ERROR:
                return "error: ";
        case PK_LOG_WARN:
                return "warning: ";
        default:
                return "";
        }
}

void log_vmsg(enum pk_log_level level, const char *who, const char *fmt, va_list ap)
{
        char line[2048];
        int len;

        if (level > current_level)
                return;
        len = snprintf(line, sizeof(line), "probekit: %s%s%s", who ? who : "", who ? ": " : "",
                       level_word(level));
        if (len < 0 || (size_t)len >= sizeof(line))
                return;
        vsnprintf(line + len, sizeof(line) - len, fmt, ap);
        len = (int)strlen(line);
        while (len > 0 && line[len - 1] == '\n')
                line[--len] = '\0';
        /* one write per line, so lines of a concurrent reader never interleave */
        fprintf(stderr, "%s\n", line);
}

void log_msg(enum pk_log_level level, const char *who, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, who, fmt, ap);
        va_end(ap);
}

static int libbpf_printer(enum libbpf_print_level level, const char *fmt, va_list ap)
{
        enum pk_log_level ours = PK_LOG_DEBUG;
        char text[1024];
        size_t len;

        vsnprintf(text, sizeof(text), fmt, ap);
        len = strlen(text);
        while (len > 0 && text[len - 1] == '\n')
                text[--len] = '\0';
        if (level == LIBBPF_WARN) {
                const char *said = strncmp(text, "libbpf: ", 8) ? text : text + 8;

                snprintf(libbpf_last_warning, sizeof(libbpf_last_warning), "%s", said);
                /* libbpf's warnings explain failures the core reports with their
                 * reason anyway; show them in full with -v. */
                ours = PK_LOG_DEBUG;
        }
        log_msg(ours, libbpf_owner, "%s", text);
        return 0;
}

void log_install_libbpf_printer(void)
{
        libbpf_set_print(libbpf_printer);
}

void log_libbpf_set_owner(const char *who)
{
        libbpf_owner = who;
        libbpf_last_warning[0] = '\0';
}

const char *log_libbpf_last_warning(void)
{
        return libbpf_last_warning;
}
