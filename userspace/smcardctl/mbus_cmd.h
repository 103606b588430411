/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of 'smcardctl mbus'; each lives in its own file. */
#ifndef SMCARDCTL_MBUS_CMD_H
#define SMCARDCTL_MBUS_CMD_H

int mbus_decode(int argc, char **argv);

#endif
