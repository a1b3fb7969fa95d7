/* SPDX-License-Identifier: MIT */
/* Logging to stderr, prefixed with "probekit:" and the instance it is about. */
#ifndef PK_CORE_LOG_H
#define PK_CORE_LOG_H

#include <stdarg.h>

#include <probekit/plugin.h>

void log_set_level(enum pk_log_level level);
enum pk_log_level log_get_level(void);

/* `who` names the instance or part of probekit; NULL for probekit itself. */
void log_msg(enum pk_log_level level, const char *who, const char *fmt, ...) PK_PRINTF(3, 4);
void log_vmsg(enum pk_log_level level, const char *who, const char *fmt, va_list ap);

#define log_error(who, ...) log_msg(PK_LOG_ERROR, who, __VA_ARGS__)
#define log_warn(who, ...)  log_msg(PK_LOG_WARN, who, __VA_ARGS__)
#define log_info(who, ...)  log_msg(PK_LOG_INFO, who, __VA_ARGS__)
#define log_debug(who, ...) log_msg(PK_LOG_DEBUG, who, __VA_ARGS__)

/*
 * libbpf's print callback is process-global: the core owns it. While an
 * instance's BPF object is being opened, loaded or attached, libbpf's
 * messages are logged under that instance's name, and the first warning
 * since log_libbpf_set_owner() is kept (libbpf's own reason for a failure;
 * the warnings after it repeat the failure on its way up) so a failure can
 * say what libbpf said.
 */
void log_install_libbpf_printer(void);

/*
 * Copy `in` into `out` with control bytes, DEL, C1 controls and invalid
 * UTF-8 shown as \xNN; returns the length written. Every log line goes
 * through it; use it for anything else printed from configs or plugins.
 */
size_t log_escape(const char *in, char *out, size_t out_len);
void log_libbpf_set_owner(const char *who);
const char *log_libbpf_reason(void);

#endif
