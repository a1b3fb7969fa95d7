/* SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sink_output_open(const struct pk_host *host, struct pk_instance *inst, size_t state_size,
                     void **state)
{
        const char *path = host->opt_string(inst, "output");
        bool append = host->opt_is_set(inst, "append") && host->opt_bool(inst, "append");
        struct outbuf *ob = calloc(1, state_size);
        int err;

        if (!ob)
                return -ENOMEM;
        err = outbuf_open(ob, path, append);
        if (err) {
                host->log(inst, PK_LOG_ERROR, "cannot open output %s: %s", path ? path : "-",
                          strerror(-err));
                goto cleanup;
        }
        *state = ob;
        return 0;
cleanup:
        free(ob);
        return err;
}

int sink_output_flush(void *state)
{
        return outbuf_flush(state);
}

void sink_output_close(void *state)
{
        if (!state)
                return;
        /* close() cannot report: the host has flushed just before and seen any error. */
        outbuf_close(state);
        free(state);
}
