// SPDX-License-Identifier: GPL-2.0
/*
 * Tables from EN 13757-3:2013 (tables 10 to 15) and EN 1434-3:1997 for the
 * fixed structure. Codes are looked up with the extension bit masked.
 */
#include <string.h>

#include "mbus_vif.h"

static const char *const time_units[4] = { "s", "min", "h", "d" };
/* EN 13757-3 uses hours, days, months, years for some durations. */
static const char *const long_time_units[4] = { "h", "d", "month", "year" };

static void set(struct mbus_vif_info *i, const char *q, const char *u, int e,
		enum mbus_vif_kind k)
{
	i->quantity = q;
	i->unit = u;
	i->exponent = e;
	i->kind = k;
}

static void num(struct mbus_vif_info *i, const char *q, const char *u, int e)
{
	set(i, q, u, e, MBUS_VK_NUMBER);
}

static void primary(uint8_t c, struct mbus_vif_info *i)
{
	int n3 = c & 7, n2 = c & 3;

	switch (c & 0x78) {
	case 0x00: return num(i, "energy", "Wh", n3 - 3);
	case 0x08: return num(i, "energy", "J", n3);
	case 0x10: return num(i, "volume", "m^3", n3 - 6);
	case 0x18: return num(i, "mass", "kg", n3 - 3);
	case 0x28: return num(i, "power", "W", n3 - 3);
	case 0x30: return num(i, "power", "J/h", n3);
	case 0x38: return num(i, "volume_flow", "m^3/h", n3 - 6);
	case 0x40: return num(i, "volume_flow", "m^3/min", n3 - 7);
	case 0x48: return num(i, "volume_flow", "m^3/s", n3 - 9);
	case 0x50: return num(i, "mass_flow", "kg/h", n3 - 3);
	}
	switch (c & 0x7C) {
	case 0x20: return num(i, "on_time", time_units[n2], 0);
	case 0x24: return num(i, "operating_time", time_units[n2], 0);
	case 0x58: return num(i, "flow_temperature", "°C", n2 - 3);
	case 0x5C: return num(i, "return_temperature", "°C", n2 - 3);
	case 0x60: return num(i, "temperature_difference", "K", n2 - 3);
	case 0x64: return num(i, "external_temperature", "°C", n2 - 3);
	case 0x68: return num(i, "pressure", "bar", n2 - 3);
	case 0x70: return num(i, "averaging_duration", time_units[n2], 0);
	case 0x74: return num(i, "actuality_duration", time_units[n2], 0);
	}
	switch (c) {
	case MBUS_VIF_DATE:
		return set(i, "date", "", 0, MBUS_VK_DATE);
	case MBUS_VIF_DATETIME:
		return set(i, "datetime", "", 0, MBUS_VK_DATETIME);
	case 0x6E: return num(i, "hca_units", "", 0);
	case 0x78: return set(i, "fabrication_number", "", 0, MBUS_VK_UNSIGNED);
	case 0x79: return set(i, "enhanced_identification", "", 0,
			      MBUS_VK_UNSIGNED);
	case MBUS_VIF_BUS_ADDRESS:
		return set(i, "bus_address", "", 0, MBUS_VK_UNSIGNED);
	case MBUS_VIF_PLAIN_TEXT:
		return set(i, "plain_text", "", 0, MBUS_VK_PLAIN_TEXT);
	case MBUS_VIF_ANY:
		return set(i, "any", "", 0, MBUS_VK_ANY);
	case MBUS_VIF_MANUFACTURER:
		return set(i, "manufacturer_specific", "", 0,
			   MBUS_VK_MANUFACTURER);
	}
	set(i, "reserved", "", 0, MBUS_VK_RESERVED);
}

static void ext_fb(uint8_t c, struct mbus_vif_info *i)
{
	int n1 = c & 1, n2 = c & 3, n3 = c & 7;

	switch (c & 0x7E) {
	case 0x00: return num(i, "energy", "Wh", n1 + 5);	/* 0.1 MWh */
	case 0x02: return num(i, "reactive_energy", "varh", n1 + 3);
	case 0x08: return num(i, "energy", "J", n1 + 8);	/* 0.1 GJ */
	case 0x10: return num(i, "volume", "m^3", n1 + 2);
	case 0x18: return num(i, "mass", "kg", n1 + 5);	/* 100 t */
	case 0x1A: return num(i, "relative_humidity", "%", n1 - 1);
	case 0x28: return num(i, "power", "W", n1 + 5);	/* 0.1 MW */
	case 0x30: return num(i, "power", "J/h", n1 + 8);	/* 0.1 GJ/h */
	}
	switch (c & 0x7C) {
	case 0x0C: return num(i, "energy", "cal", n2 + 5);	/* 0.1 MCal */
	case 0x58: return num(i, "flow_temperature", "°F", n2 - 3);
	case 0x5C: return num(i, "return_temperature", "°F", n2 - 3);
	case 0x60: return num(i, "temperature_difference", "°F", n2 - 3);
	case 0x64: return num(i, "external_temperature", "°F", n2 - 3);
	case 0x70: return num(i, "temperature_limit", "°F", n2 - 3);
	case 0x74: return num(i, "temperature_limit", "°C", n2 - 3);
	}
	if ((c & 0x78) == 0x78)
		return num(i, "cumulative_max_power", "W", n3 - 3);
	switch (c) {
	case 0x21: return num(i, "volume", "ft^3", -1);
	case 0x22: return num(i, "volume", "gal_us", -1);
	case 0x23: return num(i, "volume", "gal_us", 0);
	case 0x24: return num(i, "volume_flow", "gal_us/min", -3);
	case 0x25: return num(i, "volume_flow", "gal_us/min", 0);
	case 0x26: return num(i, "volume_flow", "gal_us/h", 0);
	}
	set(i, "reserved", "", 0, MBUS_VK_RESERVED);
}

static void ext_fd(uint8_t c, struct mbus_vif_info *i)
{
	static const char *const names[0x24] = {
		[0x08] = "access_number", [0x09] = "medium",
		[0x0A] = "manufacturer", [0x0B] = "parameter_set_id",
		[0x0C] = "model_version", [0x0D] = "hardware_version",
		[0x0E] = "firmware_version", [0x0F] = "software_version",
		[0x10] = "customer_location", [0x11] = "customer",
		[0x12] = "access_code_user", [0x13] = "access_code_operator",
		[0x14] = "access_code_system_operator",
		[0x15] = "access_code_developer", [0x16] = "password",
		[0x17] = "error_flags", [0x18] = "error_mask",
		[0x1A] = "digital_output", [0x1B] = "digital_input",
		[0x1C] = "baud_rate", [0x1D] = "response_delay",
		[0x1E] = "retry", [0x20] = "first_storage_number",
		[0x21] = "last_storage_number", [0x22] = "storage_block_size",
	};
	int n2 = c & 3;

	switch (c & 0x7C) {
	case 0x00: return num(i, "credit", "currency", n2 - 3);
	case 0x04: return num(i, "debit", "currency", n2 - 3);
	case 0x24: return num(i, "storage_interval", time_units[n2], 0);
	case 0x2C: return num(i, "duration_since_readout", time_units[n2], 0);
	case 0x34: return num(i, "tariff_period", time_units[n2], 0);
	case 0x68: return num(i, "duration_since_cumulation",
			      long_time_units[n2], 0);
	case 0x6C: return num(i, "battery_operating_time",
			      long_time_units[n2], 0);
	}
	switch (c & 0x70) {
	case 0x40: return num(i, "voltage", "V", (c & 0xF) - 9);
	case 0x50: return num(i, "current", "A", (c & 0xF) - 12);
	}
	if (c < 0x24 && names[c]) {
		enum mbus_vif_kind k = MBUS_VK_UNSIGNED;

		if (c == 0x17 || c == 0x18 || c == 0x1A || c == 0x1B)
			k = MBUS_VK_FLAGS;
		if (c == 0x1C)
			return num(i, names[c], "Bd", 0);
		if (c == 0x1D)
			return num(i, names[c], "bit times", 0);
		return set(i, names[c], "", 0, k);
	}
	switch (c) {
	case 0x28: return num(i, "storage_interval", "month", 0);
	case 0x29: return num(i, "storage_interval", "year", 0);
	case 0x30: return set(i, "tariff_start", "", 0, MBUS_VK_DATETIME);
	case 0x31: return num(i, "tariff_duration", "min", 0);
	case 0x32: return num(i, "tariff_duration", "h", 0);
	case 0x33: return num(i, "tariff_duration", "d", 0);
	case 0x38: return num(i, "tariff_period", "month", 0);
	case 0x39: return num(i, "tariff_period", "year", 0);
	case 0x3A: return num(i, "dimensionless", "", 0);
	case 0x60: return set(i, "reset_counter", "", 0, MBUS_VK_UNSIGNED);
	case 0x61: return set(i, "cumulation_counter", "", 0,
			      MBUS_VK_UNSIGNED);
	case 0x62: return set(i, "control_signal", "", 0, MBUS_VK_FLAGS);
	case 0x63: return set(i, "day_of_week", "", 0, MBUS_VK_UNSIGNED);
	case 0x64: return set(i, "week_number", "", 0, MBUS_VK_UNSIGNED);
	case 0x65: return set(i, "day_change_time", "", 0, MBUS_VK_DATETIME);
	case 0x66: return set(i, "parameter_activation_state", "", 0,
			      MBUS_VK_FLAGS);
	case 0x67: return set(i, "special_supplier_information", "", 0,
			      MBUS_VK_UNSIGNED);
	case 0x70: return set(i, "battery_change_datetime", "", 0,
			      MBUS_VK_DATETIME);
	case 0x71: return num(i, "rf_level", "dBm", 0);
	case 0x72: return set(i, "daylight_saving", "", 0, MBUS_VK_FLAGS);
	case 0x73: return set(i, "listening_window", "", 0, MBUS_VK_FLAGS);
	case 0x74: return num(i, "remaining_battery_life", "d", 0);
	case 0x75: return set(i, "meter_stop_count", "", 0,
			      MBUS_VK_UNSIGNED);
	case 0x76: return set(i, "manufacturer_protocol_container", "", 0,
			      MBUS_VK_MANUFACTURER);
	}
	set(i, "reserved", "", 0, MBUS_VK_RESERVED);
}

void mbus_vif_lookup(enum mbus_vif_table table, uint8_t code,
		     struct mbus_vif_info *info)
{
	code &= 0x7F;
	switch (table) {
	case MBUS_VIF_TABLE_EXT_FB:
		ext_fb(code, info);
		break;
	case MBUS_VIF_TABLE_EXT_FD:
		ext_fd(code, info);
		break;
	default:
		primary(code, info);
		break;
	}
}

static const char *const record_errors[0x20] = {
	[0x00] = "none",
	[0x01] = "too many DIFEs",
	[0x02] = "storage number not implemented",
	[0x03] = "unit number not implemented",
	[0x04] = "tariff number not implemented",
	[0x05] = "function not implemented",
	[0x06] = "data class not implemented",
	[0x07] = "data size not implemented",
	[0x0B] = "too many VIFEs",
	[0x0C] = "illegal VIF group",
	[0x0D] = "illegal VIF exponent",
	[0x0E] = "VIF/DIF mismatch",
	[0x0F] = "unimplemented action",
	[0x15] = "no data available",
	[0x16] = "data overflow",
	[0x17] = "data underflow",
	[0x18] = "data error",
	[0x1C] = "premature end of record",
};

const char *mbus_record_error_name(int code)
{
	if (code < 0 || code >= 0x20)
		return NULL;
	return record_errors[code];
}

static const char *const actions[0x10] = {
	"write", "add value", "subtract value", "OR", "AND", "XOR",
	"AND NOT", "clear", "add entry", "delete entry", NULL,
	"freeze data", "add to readout list", "delete from readout list",
};

static const char *const per_unit[] = {
	"/s", "/min", "/h", "/d", "/week", "/month", "/year", "/revolution",
};

static const char *const per_quantity[] = {
	[0x2C - 0x2C] = "/l", [0x2D - 0x2C] = "/m^3", [0x2E - 0x2C] = "/kg",
	[0x2F - 0x2C] = "/K", [0x30 - 0x2C] = "/kWh", [0x31 - 0x2C] = "/GJ",
	[0x32 - 0x2C] = "/kW", [0x33 - 0x2C] = "/(K*l)",
	[0x34 - 0x2C] = "/V", [0x35 - 0x2C] = "/A", [0x36 - 0x2C] = "*s",
	[0x37 - 0x2C] = "*s/V", [0x38 - 0x2C] = "*s/A",
};

static void vife(struct mbus_vife_info *i, enum mbus_vife_kind k,
		 const char *text, const char *unit, int exp)
{
	i->kind = k;
	i->text = text;
	i->unit_suffix = unit;
	i->exp = exp;
}

/* 0x40..0x4F: limit values, exceed counts, dates of limit exceeds. */
static void limit_vife(uint8_t c, struct mbus_vife_info *i)
{
	static const char *const dates[2][2][2] = {
		{ { "begin of first lower limit exceed",
		    "end of first lower limit exceed" },
		  { "begin of last lower limit exceed",
		    "end of last lower limit exceed" } },
		{ { "begin of first upper limit exceed",
		    "end of first upper limit exceed" },
		  { "begin of last upper limit exceed",
		    "end of last upper limit exceed" } },
	};
	int u = c >> 3 & 1;

	if ((c & 7) == 0)
		return vife(i, MBUS_VIFE_NONE,
			    u ? "upper limit value" : "lower limit value",
			    NULL, 0);
	if ((c & 7) == 1)
		return vife(i, MBUS_VIFE_COUNT,
			    u ? "number of upper limit exceeds" :
				"number of lower limit exceeds", NULL, 0);
	if (c & 2)
		return vife(i, MBUS_VIFE_DATE, dates[u][c >> 2 & 1][c & 1],
			    NULL, 0);
	vife(i, MBUS_VIFE_NONE, "reserved", NULL, 0);
}

void mbus_vife_lookup(uint8_t code, bool from_master,
		      struct mbus_vife_info *i)
{
	uint8_t c = code & 0x7F;

	memset(i, 0, sizeof(*i));
	if (c < 0x20) {
		if (from_master) {
			i->code = c & 0xF;
			return vife(i, MBUS_VIFE_ACTION,
				    c < 0x10 && actions[c] ? actions[c] :
							     "reserved action",
				    NULL, 0);
		}
		i->code = c;
		return vife(i, MBUS_VIFE_ERROR,
			    record_errors[c] ? record_errors[c] :
					       "reserved error", NULL, 0);
	}
	if (c <= 0x27)
		return vife(i, MBUS_VIFE_UNIT, NULL, per_unit[c - 0x20], 0);
	if (c >= 0x2C && c <= 0x38)
		return vife(i, MBUS_VIFE_UNIT, NULL, per_quantity[c - 0x2C], 0);
	if (c >= 0x40 && c <= 0x4F)
		return limit_vife(c, i);
	if ((c & 0x70) == 0x50)
		return vife(i, MBUS_VIFE_DURATION,
			    c & 8 ? (c & 4 ? "duration of last upper limit exceed" :
					     "duration of first upper limit exceed") :
				    (c & 4 ? "duration of last lower limit exceed" :
					     "duration of first lower limit exceed"),
			    time_units[c & 3], 0);
	if ((c & 0x78) == 0x60)
		return vife(i, MBUS_VIFE_DURATION,
			    c & 4 ? "duration of last" : "duration of first",
			    time_units[c & 3], 0);
	if ((c & 0x78) == 0x70)
		return vife(i, MBUS_VIFE_SCALE, NULL, NULL, (c & 7) - 6);
	if ((c & 0x7C) == 0x78)
		return vife(i, MBUS_VIFE_OFFSET, "additive correction constant",
			    NULL, (c & 3) - 3);
	switch (c) {
	case 0x28: return vife(i, MBUS_VIFE_NONE,
			       "increment per input pulse on channel 0",
			       NULL, 0);
	case 0x29: return vife(i, MBUS_VIFE_NONE,
			       "increment per input pulse on channel 1",
			       NULL, 0);
	case 0x2A: return vife(i, MBUS_VIFE_NONE,
			       "increment per output pulse on channel 0",
			       NULL, 0);
	case 0x2B: return vife(i, MBUS_VIFE_NONE,
			       "increment per output pulse on channel 1",
			       NULL, 0);
	case 0x39: return vife(i, MBUS_VIFE_DATE, "start date/time of",
			       NULL, 0);
	case 0x3A: return vife(i, MBUS_VIFE_NONE, "uncorrected unit",
			       NULL, 0);
	case 0x3B: return vife(i, MBUS_VIFE_NONE,
			       "accumulation only if positive", NULL, 0);
	case 0x3C: return vife(i, MBUS_VIFE_NONE,
			       "accumulation of abs value only if negative",
			       NULL, 0);
	case 0x68: return vife(i, MBUS_VIFE_NONE,
			       "value during lower limit exceed", NULL, 0);
	case 0x69: return vife(i, MBUS_VIFE_NONE, "leakage value", NULL, 0);
	case 0x6C: return vife(i, MBUS_VIFE_NONE,
			       "value during upper limit exceed", NULL, 0);
	case 0x6D: return vife(i, MBUS_VIFE_NONE, "overflow value", NULL, 0);
	case 0x6A: return vife(i, MBUS_VIFE_DATE, "begin of first", NULL, 0);
	case 0x6B: return vife(i, MBUS_VIFE_DATE, "end of first", NULL, 0);
	case 0x6E: return vife(i, MBUS_VIFE_DATE, "begin of last", NULL, 0);
	case 0x6F: return vife(i, MBUS_VIFE_DATE, "end of last", NULL, 0);
	case 0x7C: return vife(i, MBUS_VIFE_EXTENSION,
			       "combinable extension", NULL, 0);
	case 0x7D: return vife(i, MBUS_VIFE_SCALE, NULL, NULL, 3);
	case 0x7E: return vife(i, MBUS_VIFE_NONE, "future value", NULL, 0);
	case 0x7F: return vife(i, MBUS_VIFE_MANUFACTURER,
			       "manufacturer specific", NULL, 0);
	}
	vife(i, MBUS_VIFE_NONE, "reserved", NULL, 0);
}

void mbus_fixed_unit(uint8_t code, struct mbus_vif_info *i)
{
	static const struct {
		uint8_t first, last;
		const char *quantity, *unit;
		int exp;
	} ranges[] = {
		{ 0x02, 0x0A, "energy", "Wh", 0 },
		{ 0x0B, 0x13, "energy", "J", 3 },
		{ 0x14, 0x1C, "power", "W", 0 },
		{ 0x1D, 0x25, "power", "J/h", 3 },
		{ 0x26, 0x2E, "volume", "m^3", -6 },
		{ 0x2F, 0x37, "volume_flow", "m^3/h", -6 },
	};

	code &= 0x3F;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		if (code >= ranges[r].first && code <= ranges[r].last)
			return num(i, ranges[r].quantity, ranges[r].unit,
				   ranges[r].exp + (code - ranges[r].first));
	switch (code) {
	case 0x00: return set(i, "time", "", 0, MBUS_VK_UNSIGNED);
	case 0x01: return set(i, "date", "", 0, MBUS_VK_UNSIGNED);
	case 0x38: return num(i, "temperature", "°C", -3);
	case 0x39: return num(i, "hca_units", "", 0);
	case 0x3F: return num(i, "dimensionless", "", 0);
	}
	set(i, "reserved", "", 0, MBUS_VK_RESERVED);
}
