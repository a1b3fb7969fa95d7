/* SPDX-License-Identifier: MIT */
/*
 * systemd's readiness protocol (sd_notify(3) from libsystemd), for
 * Type=notify units: READY=1 once every enabled probe has been tried,
 * RELOADING=1 while a reload runs, STOPPING=1 when the run ends, and a
 * STATUS= line for `systemctl status`. Every call is a no-op when probekit
 * was not started with $NOTIFY_SOCKET.
 */
#ifndef PK_CORE_SERVICE_NOTIFY_H
#define PK_CORE_SERVICE_NOTIFY_H

#include <stddef.h>

/* Startup (or a reload) is over: READY=1 with "N attached, M failed". */
void service_notify_ready(size_t attached, size_t failed);
/* A reload starts; call service_notify_ready() when it is done. */
void service_notify_reloading(void);
/* The run ends: STOPPING=1, while the rings drain and the sinks flush. */
void service_notify_stopping(void);

#endif
