/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommand groups of smcardctl; each lives in its own file. */
#ifndef SMCARDCTL_H
#define SMCARDCTL_H

int cmd_mbus(int argc, char **argv);
int cmd_p1(int argc, char **argv);
int cmd_overlay(int argc, char **argv);

#endif
