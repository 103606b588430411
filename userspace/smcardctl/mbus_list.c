// SPDX-License-Identifier: GPL-2.0
/* smcardctl mbus list [--json]: the M-Bus interfaces and their state. */
#include <stdlib.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

static struct json_object *bus_json(const struct mbus_nl_bus *b)
{
	struct json_object *o = json_object_new_object();
	struct json_object *st = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(b->name));
	json_object_object_add(o, "id", json_object_new_int64(b->id));
	json_object_object_add(o, "parent", json_object_new_string(b->parent));
	json_object_object_add(o, "role", json_object_new_string(mbus_nl_role_name(b->role)));
	json_object_object_add(o, "baud", json_object_new_int64(b->baud));
	json_object_object_add(o, "power", json_object_new_boolean(b->power));
	json_object_object_add(o, "over_current", json_object_new_boolean(b->over_current));
	json_object_object_add(o, "battery", json_object_new_boolean(b->battery));
	if (b->has_voltage)
		json_object_object_add(o, "voltage_mv", json_object_new_int64(b->voltage_mv));
	if (b->has_supply) {
		json_object_object_add(o, "supply_mv", json_object_new_int64(b->supply_mv));
		json_object_object_add(o, "unit_loads", json_object_new_int64(b->unit_loads));
		json_object_object_add(o, "current_limit_ua",
				       json_object_new_int64(b->current_limit_ua));
		json_object_object_add(o, "current_ua", json_object_new_int64(b->current_ua));
	}
	json_object_object_add(st, "frames_tx", json_object_new_int64((int64_t)b->stats.frames_tx));
	json_object_object_add(st, "frames_rx", json_object_new_int64((int64_t)b->stats.frames_rx));
	json_object_object_add(st, "timeouts", json_object_new_int64((int64_t)b->stats.timeouts));
	json_object_object_add(st, "collisions", json_object_new_int64((int64_t)b->stats.collisions));
	json_object_object_add(st, "bad_frames", json_object_new_int64((int64_t)b->stats.bad_frames));
	json_object_object_add(o, "stats", st);
	return o;
}

int mbus_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = { MBUS_COMMON_OPTIONS, { 0 } };
	struct mbus_nl_bus *buses;
	struct mbus_nl *nl;
	struct mbus_ctx c;
	int opt, n;

	mbus_ctx_init(&c, "list");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		n = mbus_ctx_option(&c, opt, optarg);
		if (n > 0)
			continue;
		if (opt == 'h') {
			printf("usage: smcardctl mbus list [--json]\n");
			return 0;
		}
		fprintf(stderr, "usage: smcardctl mbus list [--json]\n");
		return 2;
	}
	n = mbus_nl_open(&nl);
	if (!n)
		n = mbus_nl_bus_list(nl, &buses);
	if (n < 0) {
		mbus_ctx_error(&c, "%s", mbus_nl_errmsg(nl));
		mbus_nl_close(nl);
		return 1;
	}
	if (c.json) {
		struct json_object *a = json_object_new_array();

		for (int i = 0; i < n; i++)
			json_object_array_add(a, bus_json(&buses[i]));
		mbus_print_json(a);
	} else {
		for (int i = 0; i < n; i++) {
			const struct mbus_nl_bus *b = &buses[i];

			printf("%s  %s  %u Bd  supply %s%s%s", b->name,
			       mbus_nl_role_name(b->role), b->baud,
			       b->power ? "on" : "off",
			       b->over_current ? " (over-current)" : "",
			       b->battery ? "  battery" : "");
			if (b->has_voltage)
				printf("  %.1f V", b->voltage_mv / 1000.0);
			if (b->has_supply)
				printf("  %.1f mA (VDC %.1f V: %u unit loads, limit %.0f mA)",
				       b->current_ua / 1000.0, b->supply_mv / 1000.0,
				       b->unit_loads, b->current_limit_ua / 1000.0);
			printf("  tx %llu rx %llu timeouts %llu collisions %llu bad %llu  (%s)\n",
			       (unsigned long long)b->stats.frames_tx,
			       (unsigned long long)b->stats.frames_rx,
			       (unsigned long long)b->stats.timeouts,
			       (unsigned long long)b->stats.collisions,
			       (unsigned long long)b->stats.bad_frames,
			       b->parent);
		}
		if (!n)
			printf("no M-Bus interface\n");
	}
	free(buses);
	mbus_nl_close(nl);
	return 0;
}
