// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus set-address ADDRESS NEW [common options]
 * SND_UD with CI 51h, DIF 01h, VIF 7Ah to the meter (by primary or
 * secondary address), then SND_NKE to the new address to check it.
 */
#include <errno.h>
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl mbus set-address ADDRESS NEW [OPTIONS]\n\n"
		"  ADDRESS              primary 0..250 or secondary (16 hex digits)\n"
		"  NEW                  the new primary address 0..250\n"
		MBUS_COMMON_USAGE);
}

int mbus_cmd_set_address(int argc, char **argv)
{
	static const struct option opts[] = { MBUS_COMMON_OPTIONS, { 0 } };
	struct mbus_target t, n;
	struct mbus_ctx c;
	char name[32];
	uint8_t a;
	int opt, ret;

	mbus_ctx_init(&c, "set-address");
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
	if (optind + 2 != argc) {
		usage(stderr);
		return 2;
	}
	if (mbus_target_parse(argv[optind], &t)) {
		mbus_ctx_error(&c, "bad address '%s'", argv[optind]);
		return 2;
	}
	if (mbus_target_parse(argv[optind + 1], &n) || n.secondary) {
		mbus_ctx_error(&c, "bad new address '%s': 0..250",
			       argv[optind + 1]);
		return 2;
	}
	if (mbus_ctx_open(&c, 2))
		return 1;
	ret = mbus_set_primary(&c.link, &t, n.primary);
	if (!ret)
		ret = mbus_target_open(&c.link, &n, &a);
	if (ret) {
		mbus_ctx_fail(&c, ret);
		mbus_ctx_close(&c);
		return 1;
	}
	mbus_target_format(&t, name, sizeof(name));
	if (c.json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "address", json_object_new_string(name));
		json_object_object_add(j, "new_address", json_object_new_int(n.primary));
		json_object_object_add(j, "verified", json_object_new_boolean(1));
		mbus_print_json(j);
	} else {
		printf("%s: primary address now %u (answers SND_NKE)\n", name,
		       n.primary);
	}
	mbus_ctx_close(&c);
	return 0;
}
