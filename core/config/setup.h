/* SPDX-License-Identifier: MIT */
/*
 * What `run`, `check`, `plugins` and `info` share: read the config, load the
 * plugins from every directory, and validate the instances.
 */
#ifndef PK_CORE_SETUP_H
#define PK_CORE_SETUP_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "loader.h"
#include "options.h"
#include "plan.h"

/* Exit codes, documented in docs/cli.md. */
enum exit_code {
        EXIT_OK = 0,
        EXIT_RUNTIME = 1,     /* no probe could attach, or the loop failed */
        EXIT_USAGE = 2,       /* bad arguments or configuration */
        EXIT_NO_INSTANCE = 3, /* `list`: no running instance */
        EXIT_LOST = 4,        /* `run`: events were lost (kernel, sink, or the reader went away) */
};

struct setup_args {
        const char *config_path; /* NULL: the built-in default configuration */
        char **plugin_dirs;      /* from --plugin-dir */
        size_t n_plugin_dirs;
        const char *format; /* overrides, NULL when not given */
        const char *output;
        const char *control_socket;
        const char *metrics; /* --metrics ADDRESS:PORT */
        char **probes;       /* --probes */
        size_t n_probes;
        FILE *errors; /* where errors are printed; NULL: stderr (a reload collects them) */
};

struct setup {
        struct config cfg;
        struct option_set global;
        struct plugin_set plugins;
        struct plan plan;
        char **plugin_dirs; /* resolved directories loaded so far */
        size_t n_plugin_dirs;
        char errors[8192]; /* every configuration error (errlist.h) */
        int config_rc;     /* first error of reading the file and [probekit] */
};

/* Config and plugins only (for `plugins` and `info`). Errors are printed. */
int setup_load_plugins(struct setup *s, const struct setup_args *args);
/* Everything, including the plan with the main sink. Errors are printed. */
int setup_load(struct setup *s, const struct setup_args *args);
void setup_free(struct setup *s);

/* The directory holding the built-in plugins, next to the executable. */
const char *builtin_plugin_dir(void);

/* Append --plugin-dir DIR (the string is not copied); 0 or -ENOMEM. */
int setup_args_add_plugin_dir(struct setup_args *args, char *dir);
/* Free what the command line parsing allocated in `args`. */
void setup_args_free(struct setup_args *args);

/* Split "a,b,c" into a newly allocated array (for --probes). */
int split_commas(const char *text, char ***items, size_t *n);

#endif
