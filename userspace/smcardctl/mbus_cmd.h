/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of 'smcardctl mbus'; each lives in its own file. */
#ifndef SMCARDCTL_MBUS_CMD_H
#define SMCARDCTL_MBUS_CMD_H

int mbus_decode(int argc, char **argv);
int mbus_cmd_list(int argc, char **argv);
int mbus_cmd_power(int argc, char **argv);
int mbus_cmd_role(int argc, char **argv);
int mbus_cmd_scan(int argc, char **argv);
int mbus_cmd_read(int argc, char **argv);
int mbus_cmd_set_address(int argc, char **argv);
int mbus_cmd_set_baud(int argc, char **argv);
int mbus_cmd_reset(int argc, char **argv);
int mbus_cmd_monitor(int argc, char **argv);

#endif
