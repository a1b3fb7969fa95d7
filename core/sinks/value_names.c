/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "value_names.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "errno_name.h"

/* Generated from the machine's <asm/unistd_64.h> (cmake/gen_syscall_names.cmake). */
extern const unsigned pk_syscall_name_count;
extern const char *const pk_syscall_names[];

const char *syscall_name(uint64_t nr)
{
        return nr < pk_syscall_name_count ? pk_syscall_names[nr] : NULL;
}

/* This machine's numbers, by the C library's own constants. */
static const char *const signal_names[] = {
    [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
    [SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
    [SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
    [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
    [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
    [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
    [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
    [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
    [SIGPOLL] = "SIGIO",       [SIGPWR] = "SIGPWR",   [SIGSYS] = "SIGSYS",
};

const char *signal_name(int64_t sig)
{
        if (sig <= 0 || sig >= (int64_t)(sizeof(signal_names) / sizeof(signal_names[0])))
                return NULL;
        return signal_names[sig];
}

static const char *enum_name(const struct pk_names *names, uint64_t value)
{
        for (uint32_t i = 0; i < names->n_names; i++) {
                if (names->names[i].value == value)
                        return names->names[i].name;
        }
        return NULL;
}

/* Appends "|" (unless first) and s to buf, truncating; returns the new length. */
static size_t append_part(char *buf, size_t len, const char *s)
{
        int n = snprintf(buf + len, VALUE_NAME_MAX - len, "%s%s", len ? "|" : "", s);

        if (n < 0)
                return len;
        return len + (size_t)n < VALUE_NAME_MAX ? len + (size_t)n : VALUE_NAME_MAX - 1;
}

/* "O_WRONLY|O_CREAT", unnamed bits as one hex number at the end. */
static const char *flag_names(const struct pk_names *names, uint64_t value, char *buf)
{
        uint64_t left = value;
        size_t len = 0;

        if (value == 0)
                return enum_name(names, 0);
        buf[0] = '\0';
        for (uint32_t i = 0; i < names->n_names; i++) {
                uint64_t bits = names->names[i].value;

                if (bits && (value & bits) == bits && (left & bits)) {
                        len = append_part(buf, len, names->names[i].name);
                        left &= ~bits;
                }
        }
        if (left) {
                char hex[32];

                snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)left);
                len = append_part(buf, len, hex);
        }
        return buf;
}

const char *value_name(const struct pk_field *field, const union pk_value *value,
                       char buf[VALUE_NAME_MAX])
{
        bool is_signed = field->type == PK_FIELD_S8 || field->type == PK_FIELD_S16 ||
                         field->type == PK_FIELD_S32 || field->type == PK_FIELD_S64;
        int64_t number = is_signed ? value->s64 : (int64_t)value->u64;

        if (field->names) {
                if (field->names->kind == PK_NAMES_FLAGS)
                        return flag_names(field->names, value->u64, buf);
                return enum_name(field->names, value->u64);
        }
        if (field->flags & PK_FIELD_ERRNO) {
                if (number < 0 && number > -4096)
                        return errno_name((int)-number);
                return NULL;
        }
        if (field->flags & PK_FIELD_SIGNAL)
                return signal_name(number);
        if (field->flags & PK_FIELD_SYSCALL)
                return number >= 0 ? syscall_name((uint64_t)number) : NULL;
        return NULL;
}

size_t format_address(char dst[ADDRESS_TEXT_MAX], enum pk_field_type type,
                      const union pk_value *value)
{
        static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        const unsigned char *bytes = (const unsigned char *)value->str.ptr;
        int family = AF_INET;

        if (!bytes || value->str.len < (type == PK_FIELD_IPV6 ? 16u : 4u)) {
                dst[0] = '\0';
                return 0;
        }
        if (type == PK_FIELD_IPV6) {
                if (memcmp(bytes, v4_mapped, sizeof(v4_mapped)) == 0)
                        bytes += sizeof(v4_mapped);
                else
                        family = AF_INET6;
        }
        if (!inet_ntop(family, bytes, dst, ADDRESS_TEXT_MAX)) {
                dst[0] = '\0';
                return 0;
        }
        return strlen(dst);
}

bool str_array_next(struct str_array_iter *it, const char **s, size_t *len)
{
        const char *nul;

        if (!it->at || it->at >= it->end)
                return false;
        nul = memchr(it->at, '\0', (size_t)(it->end - it->at));
        *s = it->at;
        *len = nul ? (size_t)(nul - it->at) : (size_t)(it->end - it->at);
        it->at = nul ? nul + 1 : it->end;
        return true;
}
