// SPDX-License-Identifier: MIT
#include "control_commands.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

static int control_cmd_help(const struct control_call *call, struct strbuf *out);

/* Every command the control socket answers: one line each. */
static const struct control_command commands[] = {
    {"help", control_cmd_help, 0, 0, "the commands this instance answers"},
    {"list", control_cmd_list, 0, 0, "probes and sinks: state, mode, counters, since when"},
    {"sessions", control_cmd_sessions, 0, 0, "live login sessions: user, tty, client, counts"},
    {"stats", control_cmd_stats, 0, 0, "counters and rates of every probe and sink"},
    {"enable", control_cmd_enable, 1, 1, "start one configured instance: enable NAME"},
    {"disable", control_cmd_disable, 1, 1, "stop one instance, the others untouched: disable NAME"},
    {"reload", control_cmd_reload, 0, 0, "re-read the configuration, apply what changed"},
    {"reopen", control_cmd_reopen, 0, 0, "reopen every sink's output (log rotation)"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct control_command *control_command_find(const char *name)
{
        for (size_t i = 0; i < N_COMMANDS; i++) {
                if (!strcmp(commands[i].name, name))
                        return &commands[i];
        }
        return NULL;
}

int control_error(const struct control_call *call, struct strbuf *out, const char *fmt, ...)
{
        char message[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        if (call->json) {
                strbuf_printf(out, "{\"error\":");
                strbuf_json_string(out, message);
                strbuf_printf(out, "}\n");
        } else {
                strbuf_printf(out, "%s\n", message);
        }
        return -EINVAL;
}

static int control_cmd_help(const struct control_call *call, struct strbuf *out)
{
        if (call->json)
                strbuf_printf(out, "{\"commands\":[");
        for (size_t i = 0; i < N_COMMANDS; i++) {
                if (call->json) {
                        strbuf_printf(out, "%s{\"name\":\"%s\",\"summary\":", i ? "," : "",
                                      commands[i].name);
                        strbuf_json_string(out, commands[i].summary);
                        strbuf_printf(out, "}");
                } else {
                        strbuf_printf(out, "%-10s %s\n", commands[i].name, commands[i].summary);
                }
        }
        if (call->json)
                strbuf_printf(out, "]}\n");
        return 0;
}

/* Split on spaces and tabs; -E2BIG past CONTROL_MAX_ARGS + 2 words. */
static int split_words(char *line, char **words, int max, int *n)
{
        char *save = NULL;

        *n = 0;
        for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                if (*n == max)
                        return -E2BIG;
                words[(*n)++] = w;
        }
        return 0;
}

int control_execute(struct run *run, char *line, struct strbuf *out)
{
        struct control_call call = {.run = run};
        char *words[CONTROL_MAX_ARGS + 2];
        const struct control_command *cmd;
        int n, first_arg = 1;

        if (split_words(line, words, CONTROL_MAX_ARGS + 2, &n))
                return control_error(&call, out, "too many words in the request");
        if (!n)
                return control_error(&call, out, "empty request (try `help`)");
        if (n > 1 && (!strcmp(words[1], "json") || !strcmp(words[1], "text"))) {
                call.json = !strcmp(words[1], "json");
                first_arg = 2;
        }
        cmd = control_command_find(words[0]);
        if (!cmd)
                return control_error(&call, out, "unknown command (try `help`)");
        call.argc = n - first_arg;
        /* without a format word, one more word than argv holds fits in words[] */
        if (call.argc > CONTROL_MAX_ARGS)
                return control_error(&call, out, "too many words in the request");
        for (int i = 0; i < call.argc; i++)
                call.argv[i] = words[first_arg + i];
        if (call.argc < cmd->min_args || call.argc > cmd->max_args)
                return control_error(&call, out, "%s takes %d to %d arguments, not %d", cmd->name,
                                     cmd->min_args, cmd->max_args, call.argc);
        return cmd->handler(&call, out);
}
