// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl p1 objects: the catalogue of objects the P1 library names, with
 * units and where smcardd publishes them; --rst writes the rows of the
 * table in Documentation/userspace/p1.rst.
 */
#include <getopt.h>
#include <string.h>

#include <json-c/json.h>

#include "p1_cmd.h"

/* The unit column: the catalogue's, or what the meter decides. */
static const char *unit_text(const struct p1_obis_info *i)
{
	if (i->unit)
		return i->unit;
	switch (i->quantity) {
	case P1_Q_THRESHOLD:
		return "W, VA or A";
	case P1_Q_MBUS:
		return "as sent: m3, GJ, kWh";
	case P1_Q_DURATION:
		return "s";
	case P1_Q_POWER:
		return "W";
	default:
		return "";
	}
}

/* "p1: import_t1_kwh", "p1/mbusN: value", "p1/power_failure_log: ...". */
static void mqtt_text(const struct p1_obis_info *i, char *buf, size_t size)
{
	if (i->flags & P1_INFO_MBUS)
		snprintf(buf, size, "p1/mbusN: %s", i->key);
	else if (i->flags & P1_INFO_PROFILE)
		snprintf(buf, size, "p1/%s: entries, last_time, last_value", i->key);
	else if (i->quantity == P1_Q_THRESHOLD)
		snprintf(buf, size, "p1: %s_w, _va or _a", i->key);
	else
		snprintf(buf, size, "p1: %s", i->key);
}

int p1_objects(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "rst", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct json_object *arr = NULL;
	struct p1_obis_info i;
	bool json = false, rst = false;
	char mqtt[96];
	int opt;

	while ((opt = getopt_long(argc, argv, "jrh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'r':
			rst = true;
			break;
		case 'h':
			printf("usage: smcardctl p1 objects [--json | --rst]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc || (json && rst)) {
		fprintf(stderr, "smcardctl p1 objects: takes --json or --rst, nothing else\n");
		return 2;
	}
	if (json)
		arr = json_object_new_array();
	for (size_t n = 0; p1_obis_catalogue(n, &i); n++) {
		mqtt_text(&i, mqtt, sizeof(mqtt));
		if (json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "obis", json_object_new_string(i.code));
			json_object_object_add(o, "name", json_object_new_string(i.name));
			json_object_object_add(o, "label", json_object_new_string(i.label));
			json_object_object_add(o, "unit", i.unit ?
					       json_object_new_string(i.unit) : NULL);
			json_object_object_add(o, "mqtt", json_object_new_string(mqtt));
			json_object_object_add(o, "diagnostic", json_object_new_boolean(
				i.flags & P1_INFO_DIAGNOSTIC));
			json_object_object_add(o, "source", json_object_new_string(i.source));
			json_object_array_add(arr, o);
		} else if (rst) {
			printf("   \"%s\", \"%s\", \"%s\", \"%s\", \"%s\"\n", i.code,
			       i.name, unit_text(&i), mqtt, i.source);
		} else {
			printf("%-14s %-34s %-10s %s\n", i.code, i.name,
			       unit_text(&i), mqtt);
		}
	}
	if (json) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	return 0;
}
