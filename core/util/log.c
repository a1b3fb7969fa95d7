// SPDX-License-Identifier: MIT
#include "log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "utf8.h"

static enum pk_log_level current_level = PK_LOG_INFO;
static const char *libbpf_owner;
static char libbpf_reason[1024];

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

/*
 * Copy `in` to `out` (out_len bytes) with what could act on a terminal or
 * forge a log line escaped: control bytes (newline included), DEL, C1
 * controls and bytes that are not well-formed UTF-8 become \xNN. Instance
 * names, paths and values come from configs and plugins; a log line is one
 * line whatever they hold.
 */
size_t log_escape(const char *in, char *out, size_t out_len)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *)in;
        size_t n = strlen(in), used = 0;

        if (!out_len)
                return 0;
        for (size_t i = 0; i < n;) {
                size_t seq = p[i] >= 0x80 ? utf8_sequence_len(p + i, n - i) : 0;
                bool c1 = seq == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;

                if (seq && !c1) {
                        if (used + seq >= out_len)
                                break;
                        memcpy(out + used, p + i, seq);
                        used += seq;
                        i += seq;
                } else if (p[i] >= 0x20 && p[i] < 0x7f) {
                        if (used + 1 >= out_len)
                                break;
                        out[used++] = (char)p[i++];
                } else {
                        if (used + 4 >= out_len)
                                break;
                        out[used++] = '\\';
                        out[used++] = 'x';
                        out[used++] = hex[p[i] >> 4];
                        out[used++] = hex[p[i] & 0xf];
                        i++;
                }
        }
        out[used] = '\0';
        return used;
}

void log_vmsg(enum pk_log_level level, const char *who, const char *fmt, va_list ap)
{
        char raw[2048], line[2048 + 64], safe_who[256];
        size_t len;

        if (level > current_level)
                return;
        vsnprintf(raw, sizeof(raw), fmt, ap);
        len = strlen(raw);
        while (len > 0 && raw[len - 1] == '\n')
                raw[--len] = '\0';
        if (who)
                log_escape(who, safe_who, sizeof(safe_who));
        len = (size_t)snprintf(line, sizeof(line), "probekit: %s%s%s", who ? safe_who : "",
                               who ? ": " : "", level_word(level));
        if (len >= sizeof(line))
                return;
        log_escape(raw, line + len, sizeof(line) - len);
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

                /*
                 * The first warning of a failure is its cause ("prog 'x': BPF
                 * program load failed: ..."); the ones after it only say the
                 * failure went up ("failed to load object 'x'").
                 */
                if (!libbpf_reason[0])
                        snprintf(libbpf_reason, sizeof(libbpf_reason), "%s", said);
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
        libbpf_reason[0] = '\0';
}

const char *log_libbpf_reason(void)
{
        return libbpf_reason;
}
