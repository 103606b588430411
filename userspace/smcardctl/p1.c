// SPDX-License-Identifier: GPL-2.0
/* smcardctl p1: P1 port commands. */
#include <stdio.h>

#include "smcardctl.h"

int cmd_p1(int argc, char **argv)
{
	fprintf(stderr, "smcardctl p1: no commands yet\n");
	return 2;
}
