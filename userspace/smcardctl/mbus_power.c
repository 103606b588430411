// SPDX-License-Identifier: GPL-2.0
/* smcardctl mbus power on|off [--bus NAME]: the master supply. */
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

int mbus_cmd_power(int argc, char **argv)
{
	static const struct option opts[] = { MBUS_COMMON_OPTIONS, { 0 } };
	struct mbus_nl_bus_cfg cfg = MBUS_NL_BUS_CFG_NONE;
	struct mbus_ctx c;
	int opt, ret;

	mbus_ctx_init(&c, "power");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret > 0)
			continue;
		if (ret == 0 && opt == 'h') {
			printf("usage: smcardctl mbus power on|off [--bus NAME]\n");
			return 0;
		}
		fprintf(stderr, "usage: smcardctl mbus power on|off [--bus NAME]\n");
		return 2;
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "on") &&
				   strcmp(argv[optind], "off"))) {
		fprintf(stderr, "usage: smcardctl mbus power on|off [--bus NAME]\n");
		return 2;
	}
	cfg.power = !strcmp(argv[optind], "on");
	if (mbus_ctx_open(&c, 0))
		return 1;
	ret = mbus_nl_bus_set(c.nl, c.bus.id, &cfg);
	if (ret)
		mbus_ctx_error(&c, "%s", mbus_nl_errmsg(c.nl));
	mbus_ctx_close(&c);
	return ret ? 1 : 0;
}
