// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "mbus_header.h"

static const unsigned int bauds[8] = {
	300, 600, 1200, 2400, 4800, 9600, 19200, 38400,
};

unsigned int mbus_ci_baud(uint8_t ci)
{
	if (ci < MBUS_CI_BAUD_300 || ci > MBUS_CI_BAUD_38400)
		return 0;
	return bauds[ci - MBUS_CI_BAUD_300];
}

uint8_t mbus_baud_ci(unsigned int baud)
{
	for (unsigned int i = 0; i < 8; i++)
		if (bauds[i] == baud)
			return (uint8_t)(MBUS_CI_BAUD_300 + i);
	return 0;
}

int mbus_ci_lookup(uint8_t ci, struct mbus_ci_info *i)
{
	static const struct {
		uint8_t ci;
		struct mbus_ci_info info;
	} table[] = {
		{ 0x50, { MBUS_CI_KIND_APP_RESET, MBUS_HEADER_NONE, false, true,
			  "application reset" } },
		{ 0x51, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_NONE, false, true,
			  "data send" } },
		{ 0x52, { MBUS_CI_KIND_SELECT, MBUS_HEADER_NONE, false, true,
			  "selection" } },
		{ 0x5A, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_SHORT, false, true,
			  "data send, short header" } },
		{ 0x5B, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_LONG, false, true,
			  "data send, long header" } },
		{ 0x70, { MBUS_CI_KIND_APP_ERROR, MBUS_HEADER_NONE, false, false,
			  "application error" } },
		{ 0x71, { MBUS_CI_KIND_ALARM, MBUS_HEADER_NONE, false, false,
			  "alarm" } },
		{ 0x72, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_LONG, false, false,
			  "variable data, long header" } },
		{ 0x73, { MBUS_CI_KIND_FIXED, MBUS_HEADER_FIXED, false, false,
			  "fixed data" } },
		{ 0x76, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_LONG, true, false,
			  "variable data, long header, MSB first" } },
		{ 0x77, { MBUS_CI_KIND_FIXED, MBUS_HEADER_FIXED, true, false,
			  "fixed data, MSB first" } },
		{ 0x78, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_NONE, false, false,
			  "variable data, no header" } },
		{ 0x7A, { MBUS_CI_KIND_VARIABLE, MBUS_HEADER_SHORT, false, false,
			  "variable data, short header" } },
	};

	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
		if (table[k].ci == ci) {
			*i = table[k].info;
			return 0;
		}
	}
	if (mbus_ci_baud(ci)) {
		*i = (struct mbus_ci_info){ MBUS_CI_KIND_BAUD, MBUS_HEADER_NONE,
					    false, true, "set baud rate" };
		return 0;
	}
	memset(i, 0, sizeof(*i));
	return -ENOTSUP;
}

static uint32_t get(const uint8_t *p, size_t n, bool msb_first)
{
	uint32_t v = 0;

	for (size_t k = 0; k < n; k++)
		v |= (uint32_t)p[msb_first ? n - 1 - k : k] << (8 * k);
	return v;
}

int mbus_header_parse(uint8_t ci, const uint8_t *data, size_t len, size_t pos,
		      struct mbus_header *h, struct mbus_error *err)
{
	struct mbus_ci_info info;
	size_t need;

	memset(h, 0, sizeof(*h));
	h->ci = ci;
	if (mbus_ci_lookup(ci, &info))
		return mbus_fail(err, -ENOTSUP, pos > 0 ? pos - 1 : 0,
				 "CI field 0x%02X not supported", ci);
	h->type = info.header;
	h->msb_first = info.msb_first;
	switch (info.header) {
	case MBUS_HEADER_LONG:
		need = MBUS_LONG_HEADER_LEN;
		break;
	case MBUS_HEADER_SHORT:
		need = MBUS_SHORT_HEADER_LEN;
		break;
	case MBUS_HEADER_FIXED:
		need = 6;	/* ID, access number, status */
		break;
	default:
		return 0;
	}
	if (len < need)
		return mbus_fail(err, -ENODATA, pos + len,
				 "truncated %s header: %zu of %zu bytes",
				 info.name, len, need);
	if (info.header == MBUS_HEADER_FIXED) {
		h->id = get(data, 4, h->msb_first);
		h->access_number = data[4];
		h->status = data[5];
		return 6;
	}
	if (info.header == MBUS_HEADER_LONG) {
		h->id = get(data, 4, h->msb_first);
		h->manufacturer = (uint16_t)get(data + 4, 2, h->msb_first);
		h->version = data[6];
		h->medium = data[7];
		data += 8;
	}
	h->access_number = data[0];
	h->status = data[1];
	h->signature = (uint16_t)get(data + 2, 2, h->msb_first);
	return (int)need;
}

int mbus_header_build(const struct mbus_header *h, uint8_t *out, size_t size)
{
	size_t n = 0;

	if (h->type == MBUS_HEADER_NONE)
		return 0;
	if (h->type != MBUS_HEADER_LONG && h->type != MBUS_HEADER_SHORT)
		return -EINVAL;
	if (size < (h->type == MBUS_HEADER_LONG ? MBUS_LONG_HEADER_LEN :
						    MBUS_SHORT_HEADER_LEN))
		return -ENOSPC;
	if (h->type == MBUS_HEADER_LONG) {
		for (int k = 0; k < 4; k++)
			out[n++] = (uint8_t)(h->id >> (8 * k));
		out[n++] = (uint8_t)h->manufacturer;
		out[n++] = (uint8_t)(h->manufacturer >> 8);
		out[n++] = h->version;
		out[n++] = h->medium;
	}
	out[n++] = h->access_number;
	out[n++] = h->status;
	out[n++] = (uint8_t)h->signature;
	out[n++] = (uint8_t)(h->signature >> 8);
	return (int)n;
}

size_t mbus_status_texts(uint8_t s, const char *out[8])
{
	static const char *const app[4] = {
		NULL, "application busy", "any application error",
		"abnormal condition / alarm",
	};
	static const char *const bits[8] = {
		NULL, NULL, "power low", "permanent error", "temporary error",
		"manufacturer specific bit 5", "manufacturer specific bit 6",
		"manufacturer specific bit 7",
	};
	size_t n = 0;

	if (app[s & MBUS_STATUS_APP_MASK])
		out[n++] = app[s & MBUS_STATUS_APP_MASK];
	for (unsigned int b = 2; b < 8; b++)
		if (s & 1u << b)
			out[n++] = bits[b];
	return n;
}

const char *mbus_app_error_text(uint8_t code)
{
	static const char *const texts[] = {
		"unspecified error",
		"unimplemented CI field",
		"buffer too long, truncated",
		"too many records",
		"premature end of record",
		"more than 10 DIFEs",
		"more than 10 VIFEs",
		"reserved",
		"application too busy for handling the readout request",
		"too many readouts",
	};

	return code < sizeof(texts) / sizeof(texts[0]) ? texts[code] :
							  "reserved";
}

const char *mbus_medium_name(uint8_t m)
{
	static const char *const names[0x39] = {
		[0x00] = "other", [0x01] = "oil", [0x02] = "electricity",
		[0x03] = "gas", [0x04] = "heat_outlet", [0x05] = "steam",
		[0x06] = "warm_water", [0x07] = "water",
		[0x08] = "heat_cost_allocator", [0x09] = "compressed_air",
		[0x0A] = "cooling_outlet", [0x0B] = "cooling_inlet",
		[0x0C] = "heat_inlet", [0x0D] = "heat_cooling",
		[0x0E] = "bus_system_component", [0x0F] = "unknown",
		[0x14] = "calorific_value", [0x15] = "hot_water",
		[0x16] = "cold_water", [0x17] = "dual_register_water",
		[0x18] = "pressure", [0x19] = "ad_converter",
		[0x1A] = "smoke_detector", [0x1B] = "room_sensor",
		[0x1C] = "gas_detector", [0x20] = "breaker",
		[0x21] = "valve", [0x25] = "customer_unit",
		[0x28] = "waste_water", [0x29] = "garbage",
		[0x2A] = "carbon_dioxide", [0x31] = "communication_controller",
		[0x32] = "unidirectional_repeater",
		[0x33] = "bidirectional_repeater",
		[0x36] = "radio_converter_system",
		[0x37] = "radio_converter_meter",
		[0x38] = "bus_converter_meter",
	};

	if (m < 0x39 && names[m])
		return names[m];
	return "reserved";
}
