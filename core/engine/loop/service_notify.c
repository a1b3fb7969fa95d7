// SPDX-License-Identifier: MIT
/*
 * libsystemd's sd_notify() rather than writing the datagram ourselves: it
 * is the maintained implementation of the protocol (abstract sockets,
 * credentials), and libsystemd0 is on every systemd host already.
 */
#include "service_notify.h"

#include <stdio.h>

#include <systemd/sd-daemon.h>

#include "log.h"

static void notify(const char *state)
{
        int rc = sd_notify(0, state);

        if (rc < 0)
                log_debug(NULL, "sd_notify: %d", rc);
}

void service_notify_ready(size_t attached, size_t failed)
{
        char state[128];

        snprintf(state, sizeof(state), "READY=1\nSTATUS=%zu probes attached, %zu failed", attached,
                 failed);
        notify(state);
}

void service_notify_reloading(void)
{
        notify("RELOADING=1\nSTATUS=reloading the configuration");
}

void service_notify_stopping(void)
{
        notify("STOPPING=1\nSTATUS=stopping: draining the rings, flushing the sinks");
}
