// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the OBIS objects defined by DSMR 5.0.2, e-MUCS H (Belgium), the
 * Swedish P1 companion standard and the Luxembourg P1 specification.
 * Objects not listed here are still parsed and kept, only unnamed.
 */
#include "p1.h"

#define ANY	-1	/* B = M-Bus channel 1..4 */

static const struct obis_name {
	int a, b;
	uint8_t c, d, e;
	bool number;	/* unitless value is a count or state */
	const char *name;
} names[] = {
	{ 1, 3, 0, 2, 8, false, "version" },
	{ 0, 0, 96, 1, 4, false, "version_emucs" },
	{ 0, 0, 1, 0, 0, false, "timestamp" },
	{ 0, 0, 96, 1, 1, false, "equipment_id" },
	{ 0, 0, 42, 0, 0, false, "logical_device_name" },
	{ 1, 0, 1, 8, 0, false, "energy_import_total" },
	{ 1, 0, 1, 8, 1, false, "energy_import_tariff1" },
	{ 1, 0, 1, 8, 2, false, "energy_import_tariff2" },
	{ 1, 0, 1, 8, 3, false, "energy_import_tariff3" },
	{ 1, 0, 1, 8, 4, false, "energy_import_tariff4" },
	{ 1, 0, 2, 8, 0, false, "energy_export_total" },
	{ 1, 0, 2, 8, 1, false, "energy_export_tariff1" },
	{ 1, 0, 2, 8, 2, false, "energy_export_tariff2" },
	{ 1, 0, 2, 8, 3, false, "energy_export_tariff3" },
	{ 1, 0, 2, 8, 4, false, "energy_export_tariff4" },
	{ 1, 0, 3, 8, 0, false, "reactive_energy_import_total" },
	{ 1, 0, 4, 8, 0, false, "reactive_energy_export_total" },
	{ 0, 0, 96, 14, 0, true, "tariff" },
	{ 1, 0, 1, 7, 0, false, "power_import" },
	{ 1, 0, 2, 7, 0, false, "power_export" },
	{ 1, 0, 3, 7, 0, false, "reactive_power_import" },
	{ 1, 0, 4, 7, 0, false, "reactive_power_export" },
	{ 1, 0, 1, 4, 0, false, "average_demand" },
	{ 1, 0, 1, 6, 0, false, "peak_demand_month" },
	{ 0, 0, 98, 1, 0, false, "peak_demand_history" },
	{ 0, 0, 17, 0, 0, false, "limiter_threshold" },
	{ 0, 0, 96, 3, 10, true, "breaker_state" },
	{ 1, 0, 31, 4, 0, false, "fuse_threshold" },
	{ 0, 0, 96, 7, 21, true, "power_failures" },
	{ 0, 0, 96, 7, 9, true, "long_power_failures" },
	{ 1, 0, 99, 97, 0, false, "power_failure_log" },
	{ 1, 0, 32, 32, 0, true, "voltage_sags_l1" },
	{ 1, 0, 52, 32, 0, true, "voltage_sags_l2" },
	{ 1, 0, 72, 32, 0, true, "voltage_sags_l3" },
	{ 1, 0, 32, 36, 0, true, "voltage_swells_l1" },
	{ 1, 0, 52, 36, 0, true, "voltage_swells_l2" },
	{ 1, 0, 72, 36, 0, true, "voltage_swells_l3" },
	{ 0, 0, 96, 13, 0, false, "text_message" },
	{ 0, 0, 96, 13, 1, false, "text_message_code" },
	{ 1, 0, 32, 7, 0, false, "voltage_l1" },
	{ 1, 0, 52, 7, 0, false, "voltage_l2" },
	{ 1, 0, 72, 7, 0, false, "voltage_l3" },
	{ 1, 0, 31, 7, 0, false, "current_l1" },
	{ 1, 0, 51, 7, 0, false, "current_l2" },
	{ 1, 0, 71, 7, 0, false, "current_l3" },
	{ 1, 0, 21, 7, 0, false, "power_import_l1" },
	{ 1, 0, 41, 7, 0, false, "power_import_l2" },
	{ 1, 0, 61, 7, 0, false, "power_import_l3" },
	{ 1, 0, 22, 7, 0, false, "power_export_l1" },
	{ 1, 0, 42, 7, 0, false, "power_export_l2" },
	{ 1, 0, 62, 7, 0, false, "power_export_l3" },
	{ 1, 0, 23, 7, 0, false, "reactive_power_import_l1" },
	{ 1, 0, 43, 7, 0, false, "reactive_power_import_l2" },
	{ 1, 0, 63, 7, 0, false, "reactive_power_import_l3" },
	{ 1, 0, 24, 7, 0, false, "reactive_power_export_l1" },
	{ 1, 0, 44, 7, 0, false, "reactive_power_export_l2" },
	{ 1, 0, 64, 7, 0, false, "reactive_power_export_l3" },
	{ 0, ANY, 24, 1, 0, true, "mbus_device_type" },
	{ 0, ANY, 96, 1, 0, false, "mbus_equipment_id" },
	{ 0, ANY, 96, 1, 1, false, "mbus_equipment_id" },
	{ 0, ANY, 24, 2, 1, false, "mbus_reading" },
	{ 0, ANY, 24, 2, 3, false, "mbus_reading" },
	{ 0, ANY, 24, 3, 0, false, "mbus_reading" },
	{ 0, ANY, 24, 4, 0, true, "mbus_valve_state" },
};

static const struct obis_name *lookup(const struct p1_obis *id)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct obis_name *n = &names[i];

		if (n->c != id->c || n->d != id->d || n->e != id->e ||
		    n->a != id->a)
			continue;
		if (n->b == ANY ? id->b >= 1 && id->b <= 4 : n->b == id->b)
			return n;
	}
	return NULL;
}

const char *p1_obis_name(const struct p1_obis *id)
{
	const struct obis_name *n = lookup(id);

	return n ? n->name : NULL;
}

bool p1_obis_unitless_number(const struct p1_obis *id)
{
	const struct obis_name *n = lookup(id);

	return n && n->number;
}

const char *p1_mbus_type_name(unsigned int type)
{
	switch (type) {
	case 2:
		return "electricity";
	case 3:
		return "gas";
	case 4:
	case 12:
		return "heat";
	case 6:
		return "warm_water";
	case 7:
		return "water";
	case 10:
	case 11:
		return "cooling";
	default:
		return NULL;
	}
}
