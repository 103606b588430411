// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl - command line tool for the Smart Metering Expansion Card.
 * Dispatches to one subcommand group per interface.
 */
#include <stdio.h>
#include <string.h>

#include "smcardctl.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} groups[] = {
	{ "mbus", cmd_mbus, "M-Bus: decode, list, power, role, scan, read, set-address, set-baud, reset, monitor" },
	{ "p1", cmd_p1, "P1 port: decode, read" },
	{ "overlay", cmd_overlay, "device-tree overlay from a description of the pins and sensors" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl GROUP COMMAND [OPTIONS]\n\ngroups:\n");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		fprintf(f, "  %-8s %s\n", groups[i].name, groups[i].help);
	fprintf(f, "\nRun 'smcardctl GROUP --help' for the commands of a group.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("smcardctl %s\n", SMCARD_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!strcmp(argv[1], groups[i].name))
			return groups[i].run(argc - 1, argv + 1);
	fprintf(stderr, "smcardctl: unknown group '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
