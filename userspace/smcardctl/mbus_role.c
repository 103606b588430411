// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus role master|slave [--bus NAME]: the role of the card's
 * M-Bus port (slave: the card is a meter on a bus an external master
 * powers; the master supply goes off).
 */
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

#define USAGE "usage: smcardctl mbus role master|slave [--bus NAME]\n"

int mbus_cmd_role(int argc, char **argv)
{
	static const struct option opts[] = { MBUS_COMMON_OPTIONS, { 0 } };
	struct mbus_nl_bus_cfg cfg = MBUS_NL_BUS_CFG_NONE;
	struct mbus_ctx c;
	int opt, ret;

	mbus_ctx_init(&c, "role");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret > 0)
			continue;
		if (ret == 0 && opt == 'h') {
			printf(USAGE);
			return 0;
		}
		fprintf(stderr, USAGE);
		return 2;
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "master") &&
				   strcmp(argv[optind], "slave"))) {
		fprintf(stderr, USAGE);
		return 2;
	}
	cfg.role = strcmp(argv[optind], "master") ? METERBUS_ROLE_SLAVE :
						   METERBUS_ROLE_MASTER;
	if (mbus_ctx_open(&c, 0))
		return 1;
	ret = mbus_nl_bus_set(c.nl, c.bus.id, &cfg);
	if (ret)
		mbus_ctx_error(&c, "%s", mbus_nl_errmsg(c.nl));
	mbus_ctx_close(&c);
	return ret ? 1 : 0;
}
