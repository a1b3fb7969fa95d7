/* SPDX-License-Identifier: MIT */
/* The CLI's commands; each returns an exit code (enum exit_code). */
#ifndef PK_CORE_COMMANDS_H
#define PK_CORE_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_reopen(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_new_plugin(int argc, char **argv);
int cmd_sessions(int argc, char **argv);

#endif
