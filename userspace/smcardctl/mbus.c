// SPDX-License-Identifier: GPL-2.0
/* smcardctl mbus: M-Bus commands. */
#include <stdio.h>

#include "smcardctl.h"

int cmd_mbus(int argc, char **argv)
{
	fprintf(stderr, "smcardctl mbus: no commands yet\n");
	return 2;
}
