/* SPDX-License-Identifier: MIT */
/* Everything /metrics shows, rendered from the running instance. */
#ifndef PK_METRICS_RENDER_H
#define PK_METRICS_RENDER_H

#include "run.h"
#include "strbuf.h"

/* Append every metric family of `run` in the text exposition format. */
void metrics_render(const struct run *run, struct strbuf *out);

#endif
