// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus reset ADDRESS|all [--application] [common options]
 * SND_NKE (link reset: FCB and multi-telegram state; to a secondary
 * address after selecting it), or SND_UD with CI 50h (application
 * reset). "all" sends SND_NKE to the broadcast address FFh (no answer).
 */
#include <errno.h>
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl mbus reset ADDRESS|all [--application] [OPTIONS]\n\n"
		"  --application        application reset (SND_UD CI 50h) instead of SND_NKE\n"
		MBUS_COMMON_USAGE);
}

int mbus_cmd_reset(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "application", no_argument, NULL, 'a' },
		MBUS_COMMON_OPTIONS,
		{ 0 }
	};
	struct mbus_target t;
	struct mbus_ctx c;
	struct mbus_reply r;
	bool app = false, all;
	char name[32];
	int opt, ret;

	mbus_ctx_init(&c, "reset");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret > 0)
			continue;
		if (ret < 0)
			return 2;
		if (opt == 'a') {
			app = true;
			continue;
		}
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	all = !strcmp(argv[optind], "all");
	if (all && app) {
		mbus_ctx_error(&c, "--application needs one meter");
		return 2;
	}
	if (!all && mbus_target_parse(argv[optind], &t)) {
		mbus_ctx_error(&c, "bad address '%s'", argv[optind]);
		return 2;
	}
	if (mbus_ctx_open(&c, 2))
		return 1;
	if (all) {
		uint8_t f[8];
		int n = mbus_frame_build_short(f, sizeof(f), MBUS_C_SND_NKE,
					       MBUS_ADDR_BROADCAST_NR);

		ret = mbus_link_xfer(&c.link, f, (size_t)n, true, &r);
		snprintf(name, sizeof(name), "all");
	} else {
		ret = app ? mbus_app_reset(&c.link, &t) :
			    mbus_link_reset(&c.link, &t);
		mbus_target_format(&t, name, sizeof(name));
	}
	if (ret) {
		mbus_ctx_fail(&c, ret);
		mbus_ctx_close(&c);
		return 1;
	}
	if (c.json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "address", json_object_new_string(name));
		json_object_object_add(j, "reset", json_object_new_string(
					       app ? "application" : "link"));
		mbus_print_json(j);
	} else {
		printf("%s: %s reset%s\n", name, app ? "application" : "link",
		       all ? " (broadcast, no answer)" : "");
	}
	mbus_ctx_close(&c);
	return 0;
}
