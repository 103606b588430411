/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Home Assistant MQTT discovery for smcardd: what one published value is
 * (an entity), which device_class / state_class / unit Home Assistant
 * expects for it, and the discovery config payload. The energy dashboard
 * takes sensors with device_class energy (Wh, kWh, MWh, GJ), gas (m³) or
 * water (m³, L) and state_class total or total_increasing.
 */
#ifndef SMCARDD_HA_H
#define SMCARDD_HA_H

#include <json-c/json.h>

/* One value Home Assistant should show. */
struct sd_entity {
	char component[16];		/* sensor, binary_sensor, switch */
	char object_id[96];		/* unique on the device: kind_name[_key] */
	char name[96];			/* shown name */
	char state_topic[400];
	char key[48];			/* JSON member of the state payload */
	char unit[16];			/* as Home Assistant spells it */
	char device_class[32];
	char state_class[32];
	char command_topic[400];/* switch only */
	char entity_category[16];	/* "diagnostic", or empty */
	char value_template[96];	/* empty: {{ value_json.KEY }} */
	char options[96];		/* device_class enum: "a,b,c" */
};

/* The gateway as Home Assistant's device. */
struct sd_ha_device {
	const char *node_id;		/* general.name */
	const char *discovery_prefix;
	const char *availability_topic;
	const char *sw_version;
};

/*
 * Home Assistant's spelling of @unit ("m3" -> "m³", "degC" -> "°C");
 * unknown units come back unchanged.
 */
const char *sd_ha_unit(const char *unit);

/*
 * Classes for a sensor in @unit: fills @device_class / @state_class
 * (size 32) unless they already hold something. @counting says the value
 * only grows (a meter total) rather than being a momentary measurement.
 * Volumes (m³, L) need the caller to say gas or water.
 */
void sd_ha_classes(const char *unit, int counting, char *device_class,
		   char *state_class);

/*
 * The discovery message for @e: *@topic gets
 * PREFIX/COMPONENT/NODE/OBJECT/config, the return value is the payload
 * (new reference) or NULL when out of memory.
 */
struct json_object *sd_ha_config(const struct sd_ha_device *dev,
				 const struct sd_entity *e, char *topic,
				 size_t topic_size);

/*
 * Check that @e would be accepted by the energy dashboard: NULL if so
 * (or if it is not a meter total at all), else the reason.
 */
const char *sd_ha_energy_problem(const struct sd_entity *e);

#endif
