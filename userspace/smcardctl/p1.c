// SPDX-License-Identifier: GPL-2.0
/* smcardctl p1: P1 port commands (decode, read, objects). */
#include <stdio.h>
#include <string.h>

#include "smcardctl.h"
#include "p1_cmd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcardctl p1 COMMAND [OPTIONS]\n\n"
		"commands:\n"
		"  decode [--key HEX] [--ak HEX] [--ignore-crc] [--compact] [--tz ZONE] [FILE]\n"
		"        decode one telegram from FILE (stdin if none) to JSON\n"
		"  read --device TTY [--gpiochip CHIP] [--line NAME] [--no-req]\n"
		"       [--count N] [--timeout SEC] [--json] [--dsmr22] [--key HEX] [--tz ZONE]\n"
		"        read telegrams live, asserting P1_REQ while reading\n"
		"  objects [--json | --rst]\n"
		"        every object the decoder names, its unit and MQTT key\n\n"
		"--key HEX is the 16-byte Smarty (Luxembourg) user key, 32 hex digits.\n"
		"--tz ZONE is the meter's time zone (default " P1_DEFAULT_TZ "), an IANA name.\n");
}

int cmd_p1(int argc, char **argv)
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
	if (!strcmp(argv[1], "decode"))
		return p1_decode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "read"))
		return p1_read(argc - 1, argv + 1);
	if (!strcmp(argv[1], "objects"))
		return p1_objects(argc - 1, argv + 1);
	fprintf(stderr, "smcardctl p1: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
