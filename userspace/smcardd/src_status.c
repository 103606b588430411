// SPDX-License-Identifier: GPL-2.0
/*
 * Card status: the power source and the M-Bus bus state from the kernel's
 * mbus netlink family (bus-get: role, supply, over-current, battery,
 * voltage, traffic counters), the M-Bus master supply from the regulator
 * framework (state and the over-current error flag), and identity files
 * of the card's core device when its driver offers them. What is not
 * there is left out of the reading; with nothing at all the source
 * counts as failed and is retried.
 *
 * The core device is [status] sysfs, or the first device bound to the
 * smcard-core driver. The M-Bus supply is the regulator whose name
 * contains "mbus".
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "mbus.h"

struct status_priv {
	char core[SD_PATH_MAX];
	char reg[SD_PATH_MAX + 64];
};

static void find_regulator(struct status_priv *p)
{
	const char *base = "/sys/class/regulator";
	char path[SD_PATH_MAX + 64], name[64];
	struct dirent *de;
	DIR *d = opendir(base);

	p->reg[0] = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/name", base, de->d_name);
		if (!sd_read_file(path, name, sizeof(name)) && strcasestr(name, "mbus")) {
			snprintf(p->reg, sizeof(p->reg), "%s/%s", base, de->d_name);
			break;
		}
	}
	closedir(d);
}

static void st_close(struct source *s)
{
	free(s->priv);
	s->priv = NULL;
}

static bool mbus_state(struct json_object *o);

static int st_open(struct source *s)
{
	const struct sd_status *c = s->cfg;
	struct status_priv *p = calloc(1, sizeof(*p));
	glob_t g;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	if (c->sysfs[0]) {
		snprintf(p->core, sizeof(p->core), "%s", c->sysfs);
	} else if (!glob("/sys/bus/i2c/drivers/smcard-core/*-*", 0, NULL, &g)) {
		snprintf(p->core, sizeof(p->core), "%s", g.gl_pathv[0]);
		globfree(&g);
	}
	find_regulator(p);
	if (!p->core[0] && !p->reg[0] && !mbus_state(NULL)) {
		sd_log(s->d, SD_LOG_DEBUG, "[status] neither the smcard-core device nor an M-Bus regulator is there");
		st_close(s);
		return -ENODEV;
	}
	sd_entity_sensor(s->d, "status", "status_power_source", "Power source",
			 "power_source", NULL, "enum", "", false);
	s->due = sd_now_ms();
	return 0;
}

static bool member(struct json_object *o, const char *dir, const char *file,
		   const char *key)
{
	char path[SD_PATH_MAX + 128], buf[128];

	if (!dir[0])
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (sd_read_file(path, buf, sizeof(buf)))
		return false;
	sd_json_str(o, key, buf);
	return true;
}

/* Bus state from netlink into @o (NULL: just check); true if there is a bus. */
static bool mbus_state(struct json_object *o)
{
	struct mbus_nl *nl = NULL;
	struct mbus_nl_bus b;
	bool ok;

	ok = !mbus_nl_open(&nl) && !mbus_nl_bus_find(nl, NULL, &b);
	mbus_nl_close(nl);
	if (!ok || !o)
		return ok;
	sd_json_str(o, "power_source", b.battery ? "battery" : "mains");
	sd_json_str(o, "mbus_bus", b.name);
	sd_json_str(o, "mbus_role", mbus_nl_role_name(b.role));
	sd_json_str(o, "mbus_power", b.power ? "on" : "off");
	json_object_object_add(o, "mbus_baud", json_object_new_int64(b.baud));
	json_object_object_add(o, "mbus_over_current", json_object_new_boolean(b.over_current));
	if (b.has_voltage)
		sd_json_num(o, "mbus_voltage_v", b.voltage_mv / 1000.0);
	json_object_object_add(o, "mbus_frames_tx", json_object_new_int64((int64_t)b.stats.frames_tx));
	json_object_object_add(o, "mbus_frames_rx", json_object_new_int64((int64_t)b.stats.frames_rx));
	json_object_object_add(o, "mbus_timeouts", json_object_new_int64((int64_t)b.stats.timeouts));
	json_object_object_add(o, "mbus_collisions", json_object_new_int64((int64_t)b.stats.collisions));
	json_object_object_add(o, "mbus_bad_frames", json_object_new_int64((int64_t)b.stats.bad_frames));
	return true;
}

static int st_on_tick(struct source *s)
{
	const struct sd_status *c = s->cfg;
	struct status_priv *p = s->priv;
	struct json_object *o = json_object_new_object();
	int got = 0;

	s->due = sd_now_ms() + (int64_t)(c->interval * 1000);
	if (!o)
		return -ENOMEM;
	got += mbus_state(o);
	if (!json_object_object_get_ex(o, "power_source", NULL))
		got += member(o, p->core, "power_source", "power_source");
	got += member(o, p->core, "firmware_version", "firmware_version");
	got += member(o, p->core, "abi_version", "abi_version");
	got += member(o, p->reg, "state", "mbus_supply");
	got += member(o, p->reg, "over_current", "mbus_supply_over_current");
	got += member(o, p->reg, "microvolts", "mbus_supply_uv");
	if (!got) {
		json_object_put(o);
		return -ENODEV;
	}
	sd_emit(s->d, "status", o, true);
	return 0;
}

const struct source_ops sd_src_status_ops = {
	.kind = "status",
	.open = st_open,
	.close = st_close,
	.on_tick = st_on_tick,
};
