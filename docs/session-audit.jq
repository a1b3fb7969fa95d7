# probekit's JSON lines (a session-audit run, examples/session-audit.ini)
# turned into the three audit event kinds of Teleport's enhanced session
# recording: session.command, session.disk and session.network, with
# Teleport's field names. Run it with -n (it reads every line with inputs):
#
#   jq -n -c -f docs/session-audit.jq events.json
#
# What probekit does not know is left out: server_id, uid (an event id), ei,
# and Teleport's own user (`user` is the login's user name, as `login`).

# nanoseconds since the epoch -> "2026-12-01T07:27:00.117Z"
def iso_time:
  (. / 1e9 | floor | todate | sub("Z$"; "")) + "."
  + ((. / 1e6 | floor) % 1000 | tostring | ("00" + .)[-3:]) + "Z";

# The fields every kind has; $users maps a session id to its user name.
def common($e; $kind; $code; $users):
  ($users[$e.session | tostring]) as $login
  | {event: $kind, code: $code, time: ($e.ts | iso_time), sid: ($e.session | tostring),
     login: $login, user: $login, namespace: "default",
     pid: $e.pid, cgroup_id: $e.cgroup, program: $e.comm};

foreach inputs as $e ({users: {}};
  if $e.event == "session" and $e.action == "start" and $e.user != null
  then .users[$e.session | tostring] = $e.user else . end;
  .users as $users
  | if $e.session == null then empty
    elif $e.event == "exec" then
      common($e; "session.command"; "T4000I"; $users)
      + {ppid: $e.ppid, path: $e.filename, argv: ($e.argv[1:]), return_code: 0}
    elif $e.event == "open" then
      common($e; "session.disk"; "T4001I"; $users)
      + {path: (if $e.dir != null then $e.dir + "/" + $e.path else $e.path end),
         flags: $e.flags, return_code: $e.ret}
    elif $e.event == "connect" then
      common($e; "session.network"; "T4002I"; $users)
      + {src_addr: $e.saddr, dst_addr: $e.daddr, dst_port: $e.dport,
         version: (if $e.family == 10 then 6 else 4 end)}
    else empty end)
