/* SPDX-License-Identifier: MIT */
/*
 * The control socket's commands: one table of name -> handler. A handler
 * writes its reply (text, or JSON when call->json) into `out` and returns 0,
 * or returns -errno after writing why (control_error() does both). Adding a
 * command is one line in the table of control_commands.c.
 */
#ifndef PK_CORE_CONTROL_COMMANDS_H
#define PK_CORE_CONTROL_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include <probekit/plugin.h>

struct run;
struct strbuf;

#define CONTROL_MAX_ARGS 8

struct control_call {
        struct run *run;
        bool json; /* the request asked for JSON */
        int argc;  /* words after the command and its format */
        char *argv[CONTROL_MAX_ARGS];
};

typedef int (*control_handler)(const struct control_call *call, struct strbuf *out);

struct control_command {
        const char *name;
        control_handler handler;
        int min_args, max_args;
        const char *summary; /* for `help` */
};

/* The command named `name`, or NULL. */
const struct control_command *control_command_find(const char *name);

/*
 * Parse one request line (modified in place) and run its command against
 * `run`: 0, or -errno with the reason written to `out`.
 */
int control_execute(struct run *run, char *line, struct strbuf *out);

/* Write an error as text or {"error": "..."} and return -EINVAL. */
int control_error(const struct control_call *call, struct strbuf *out, const char *fmt, ...)
    PK_PRINTF(3, 4);

/* Handlers defined in their own files. */
int control_cmd_list(const struct control_call *call, struct strbuf *out);
int control_cmd_sessions(const struct control_call *call, struct strbuf *out);
int control_cmd_stats(const struct control_call *call, struct strbuf *out);
int control_cmd_enable(const struct control_call *call, struct strbuf *out);
int control_cmd_disable(const struct control_call *call, struct strbuf *out);
int control_cmd_reopen(const struct control_call *call, struct strbuf *out);
int control_cmd_reload(const struct control_call *call, struct strbuf *out);

#endif
