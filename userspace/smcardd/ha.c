// SPDX-License-Identifier: GPL-2.0
/* Home Assistant MQTT discovery payloads for smcardd. */
#include <stdio.h>
#include <string.h>

#include "ha.h"

static const struct {
	const char *in, *ha;
} unit_map[] = {
	{ "m3", "m³" }, { "m^3", "m³" }, { "degC", "°C" }, { "C", "°C" },
	{ "m3/h", "m³/h" }, { "l", "L" }, { "kvarh", "kvarh" },
};

const char *sd_ha_unit(const char *unit)
{
	for (size_t i = 0; i < sizeof(unit_map) / sizeof(unit_map[0]); i++)
		if (!strcmp(unit, unit_map[i].in))
			return unit_map[i].ha;
	return unit;
}

static const struct {
	const char *unit, *device_class;
	int total;	/* a meter total when counting */
} class_map[] = {
	{ "Wh", "energy", 1 }, { "kWh", "energy", 1 }, { "MWh", "energy", 1 },
	{ "GJ", "energy", 1 }, { "MJ", "energy", 1 },
	{ "W", "power", 0 }, { "kW", "power", 0 },
	{ "var", "reactive_power", 0 }, { "kvar", "reactive_power", 0 },
	{ "V", "voltage", 0 }, { "mV", "voltage", 0 },
	{ "A", "current", 0 }, { "mA", "current", 0 },
	{ "Hz", "frequency", 0 }, { "°C", "temperature", 0 },
	{ "K", "temperature", 0 },
	{ "bar", "pressure", 0 }, { "mbar", "pressure", 0 }, { "Pa", "pressure", 0 },
	{ "hPa", "pressure", 0 }, { "kPa", "pressure", 0 }, { "psi", "pressure", 0 },
	{ "m³/h", "volume_flow_rate", 0 }, { "L/min", "volume_flow_rate", 0 },
	{ "s", "duration", 0 }, { "h", "duration", 0 },
};

void sd_ha_classes(const char *unit, int counting, char *device_class,
		   char *state_class)
{
	const char *u = sd_ha_unit(unit);
	int total = counting;

	for (size_t i = 0; i < sizeof(class_map) / sizeof(class_map[0]); i++) {
		if (strcmp(u, class_map[i].unit))
			continue;
		if (!device_class[0])
			snprintf(device_class, 32, "%s", class_map[i].device_class);
		total = counting && class_map[i].total;
		break;
	}
	if (!strcmp(u, "m³") || !strcmp(u, "L"))
		total = counting;
	if (!state_class[0])
		snprintf(state_class, 32, "%s", total ? "total_increasing" : "measurement");
}

const char *sd_ha_energy_problem(const struct sd_entity *e)
{
	static const struct {
		const char *cls;
		const char *units[5];
	} ok[] = {
		{ "energy", { "Wh", "kWh", "MWh", "GJ", NULL } },
		{ "gas", { "m³", "ft³", "CCF", NULL } },
		{ "water", { "m³", "L", "gal", "ft³", NULL } },
	};

	for (size_t i = 0; i < 3; i++) {
		if (strcmp(e->device_class, ok[i].cls))
			continue;
		if (strcmp(e->state_class, "total") &&
		    strcmp(e->state_class, "total_increasing"))
			return "state_class must be total or total_increasing";
		for (size_t j = 0; ok[i].units[j]; j++)
			if (!strcmp(e->unit, ok[i].units[j]))
				return NULL;
		return "unit not accepted for this device_class";
	}
	return NULL;
}

static int add_str(struct json_object *o, const char *k, const char *v)
{
	struct json_object *s;

	if (!v || !*v)
		return 0;
	s = json_object_new_string(v);
	if (!s)
		return -1;
	return json_object_object_add(o, k, s);
}

/* "a,b,c" as the JSON array an enum sensor lists its states in. */
static int add_options(struct json_object *o, const char *list)
{
	struct json_object *arr = json_object_new_array();
	char buf[sizeof(((struct sd_entity *)0)->options)], *save, *tok;

	if (!arr)
		return -1;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (json_object_array_add(arr, json_object_new_string(tok))) {
			json_object_put(arr);
			return -1;
		}
	return json_object_object_add(o, "options", arr);
}

struct json_object *sd_ha_config(const struct sd_ha_device *dev,
				 const struct sd_entity *e, char *topic,
				 size_t topic_size)
{
	struct json_object *o = json_object_new_object();
	struct json_object *d = json_object_new_object();
	struct json_object *ids = json_object_new_array();
	char uid[160], tmpl[96], devid[96];
	int err = 0;

	if (!o || !d || !ids)
		goto fail;
	snprintf(topic, topic_size, "%s/%s/%s/%s/config", dev->discovery_prefix,
		 e->component, dev->node_id, e->object_id);
	snprintf(uid, sizeof(uid), "smcard_%s_%s", dev->node_id, e->object_id);
	snprintf(tmpl, sizeof(tmpl), "{{ value_json.%s }}", e->key);
	snprintf(devid, sizeof(devid), "smcard_%s", dev->node_id);

	err |= add_str(o, "name", e->name);
	err |= add_str(o, "unique_id", uid);
	err |= add_str(o, "object_id", uid);
	err |= add_str(o, "state_topic", e->state_topic);
	err |= add_str(o, "value_template", e->value_template[0] ? e->value_template : tmpl);
	err |= add_str(o, "availability_topic", dev->availability_topic);
	err |= add_str(o, "payload_available", "online");
	err |= add_str(o, "payload_not_available", "offline");
	err |= add_str(o, "entity_category", e->entity_category);
	if (!strcmp(e->component, "sensor")) {
		err |= add_str(o, "unit_of_measurement", e->unit);
		err |= add_str(o, "device_class", e->device_class);
		err |= add_str(o, "state_class", e->state_class);
		if (e->options[0])
			err |= add_options(o, e->options);
	} else if (!strcmp(e->component, "binary_sensor")) {
		err |= add_str(o, "device_class", e->device_class);
		err |= add_str(o, "payload_on", "ON");
		err |= add_str(o, "payload_off", "OFF");
	} else if (!strcmp(e->component, "switch")) {
		err |= add_str(o, "command_topic", e->command_topic);
		err |= add_str(o, "payload_on", "ON");
		err |= add_str(o, "payload_off", "OFF");
		err |= add_str(o, "state_on", "ON");
		err |= add_str(o, "state_off", "OFF");
	}
	err |= json_object_object_add(o, "qos", json_object_new_int(1));

	err |= json_object_array_add(ids, json_object_new_string(devid));
	err |= json_object_object_add(d, "identifiers", ids);
	ids = NULL;
	err |= add_str(d, "name", dev->node_id);
	err |= add_str(d, "manufacturer", "OPTION");
	err |= add_str(d, "model", "CloudGate Smart Metering Expansion Card");
	err |= add_str(d, "sw_version", dev->sw_version);
	err |= json_object_object_add(o, "device", d);
	d = NULL;
	if (err)
		goto fail;
	return o;
fail:
	json_object_put(ids);
	json_object_put(d);
	json_object_put(o);
	return NULL;
}
