// SPDX-License-Identifier: GPL-2.0
/* smcardctl mbus: dispatch to the M-Bus subcommands. */
#include <stdio.h>
#include <string.h>

#include "smcardctl.h"
#include "mbus_cmd.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *help;
} cmds[] = {
	{ "decode", mbus_decode, "[--compact] [FILE]",
	  "decode one frame given as hex bytes (stdin if no FILE) to JSON" },
	{ "list", mbus_cmd_list, "[--json]",
	  "list the M-Bus interfaces and their state" },
	{ "power", mbus_cmd_power, "on|off [--bus NAME]",
	  "switch the master supply of the bus" },
	{ "role", mbus_cmd_role, "master|slave [--bus NAME]",
	  "make the card the bus master or a slave (meter) on an external master's bus" },
	{ "scan", mbus_cmd_scan, "[--secondary [PATTERN]] [--first N] [--last N] [OPTIONS]",
	  "find the meters: primary scan 0..250 or secondary wildcard search" },
	{ "read", mbus_cmd_read, "ADDRESS [--max N] [--raw] [OPTIONS]",
	  "read a meter by primary (0..250) or secondary address (16 hex digits)" },
	{ "set-address", mbus_cmd_set_address, "ADDRESS NEW [OPTIONS]",
	  "give a meter a new primary address" },
	{ "set-baud", mbus_cmd_set_baud, "[ADDRESS] BAUD [OPTIONS]",
	  "switch a meter (if given) and then the bus to another rate" },
	{ "reset", mbus_cmd_reset, "ADDRESS|all [--application] [OPTIONS]",
	  "SND_NKE (link reset) or application reset of a meter" },
	{ "monitor", mbus_cmd_monitor, "[--json] [--count N] [--bus NAME]",
	  "print every frame on the bus and bus events as they happen" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl mbus COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s %s\n        %s\n", cmds[i].name, cmds[i].args,
			cmds[i].help);
}

int cmd_mbus(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "smcardctl mbus: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
