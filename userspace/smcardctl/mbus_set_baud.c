// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus set-baud [ADDRESS] BAUD [common options]
 * With ADDRESS: SND_UD with CI B8h..BFh to the meter, which acknowledges
 * at the old rate; then the bus switches (bus-set) and, for a primary
 * address, SND_NKE checks the meter at the new rate. Without: only the
 * bus switches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"
#include "mbus.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl mbus set-baud [ADDRESS] BAUD [OPTIONS]\n\n"
		"  BAUD                 300, 600, 1200, 2400, 4800, 9600, 19200 or 38400\n"
		"  ADDRESS              a meter to switch first (primary or secondary)\n"
		MBUS_COMMON_USAGE);
}

int mbus_cmd_set_baud(int argc, char **argv)
{
	static const struct option opts[] = { MBUS_COMMON_OPTIONS, { 0 } };
	struct mbus_nl_bus_cfg cfg = MBUS_NL_BUS_CFG_NONE;
	struct mbus_target t;
	struct mbus_ctx c;
	bool meter = false;
	unsigned long baud;
	char *end;
	uint8_t a;
	int opt, ret;

	mbus_ctx_init(&c, "set-baud");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret > 0)
			continue;
		if (ret == 0 && opt == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	if (argc - optind == 2) {
		meter = true;
		if (mbus_target_parse(argv[optind], &t)) {
			mbus_ctx_error(&c, "bad address '%s'", argv[optind]);
			return 2;
		}
		optind++;
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	baud = strtoul(argv[optind], &end, 10);
	if (*end || baud > 38400 || !mbus_baud_ci((unsigned int)baud)) {
		mbus_ctx_error(&c, "%s is not an M-Bus rate", argv[optind]);
		return 2;
	}
	if (mbus_ctx_open(&c, 2))
		return 1;
	ret = meter ? mbus_set_baud(&c.link, &t, (unsigned int)baud) : 0;
	if (ret) {
		mbus_ctx_fail(&c, ret);
		mbus_ctx_close(&c);
		return 1;
	}
	cfg.baud = (uint32_t)baud;
	ret = mbus_nl_bus_set(c.nl, c.bus.id, &cfg);
	if (ret) {
		mbus_ctx_error(&c, "%s", mbus_nl_errmsg(c.nl));
		mbus_ctx_close(&c);
		return 1;
	}
	if (meter && !t.secondary) {
		ret = mbus_target_open(&c.link, &t, &a);
		if (ret) {
			mbus_ctx_fail(&c, ret);
			mbus_ctx_error(&c, "the bus is now at %lu Bd", baud);
			mbus_ctx_close(&c);
			return 1;
		}
	}
	if (c.json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "bus", json_object_new_string(c.bus.name));
		json_object_object_add(j, "baud", json_object_new_int64((int64_t)baud));
		json_object_object_add(j, "meter", json_object_new_boolean(meter));
		mbus_print_json(j);
	} else {
		printf("%s: %lu Bd%s\n", c.bus.name, baud,
		       meter ? " (meter switched first)" : "");
	}
	mbus_ctx_close(&c);
	return 0;
}
