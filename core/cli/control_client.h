/* SPDX-License-Identifier: MIT */
/*
 * What every command that talks to a running instance shares: --json,
 * --control-socket PATH or --config FILE to find the socket, one request,
 * the reply on stdout (stderr when it is an error), and the exit code.
 */
#ifndef PK_CORE_CONTROL_CLIENT_H
#define PK_CORE_CONTROL_CLIENT_H

struct control_client_command {
        const char *name;  /* the request's command word */
        const char *usage; /* --help text */
        int n_args;        /* positional arguments (instance names): exactly this many */
        int timeout_ms;    /* how long to wait for the reply */
};

/* Parse argv, send the request, print the reply; returns an exit code. */
int control_client_main(const struct control_client_command *cmd, int argc, char **argv);

#endif
