// SPDX-License-Identifier: MIT
/* `sessions`: the live login sessions of core/sessions/. */
#include "control_commands.h"
#include "run.h"
#include "sessions.h"
#include "strbuf.h"

int control_cmd_sessions(const struct control_call *call, struct strbuf *out)
{
        if (!call->run->sessions)
                return control_error(call, out,
                                     "this instance does not follow login sessions: set "
                                     "sessions = true in [probekit]");
        sessions_describe(call->run->sessions, call->json, out);
        return 0;
}
