// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus records one by one: every DIF data type, DIFE fields, the VIF
 * tables, VIFE combinations, header variants, control CI fields and the
 * error positions of malformed records.
 */
#include <errno.h>
#include <math.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

struct rec_case {
	const char *data;	/* records after CI 0x78 */
	const char *quantity;
	const char *unit;
	const char *value;
	enum mbus_value_type type;
};

static void check_cases(struct __test_metadata *_metadata,
			const struct rec_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mbus_telegram t;
		struct mbus_error err = { 0 };
		char s[600];

		ASSERT_EQ(0, decode_rsp(0x78, c[i].data, &t, &err))
			TH_LOG("%s: byte %zu: %s", c[i].data, err.pos, err.msg);
		ASSERT_EQ(1, t.n_records) TH_LOG("%s", c[i].data);
		EXPECT_STREQ(c[i].quantity, t.records[0].quantity)
			TH_LOG("%s", c[i].data);
		EXPECT_STREQ(c[i].unit, t.records[0].unit) TH_LOG("%s", c[i].data);
		EXPECT_STREQ(c[i].value, vstr(&t.records[0], s, sizeof(s)))
			TH_LOG("%s", c[i].data);
		EXPECT_EQ(c[i].type, t.records[0].value.type)
			TH_LOG("%s", c[i].data);
		mbus_telegram_free(&t);
	}
}

#define CHECK(cases) check_cases(_metadata, cases, sizeof(cases) / sizeof(cases[0]))

TEST(integer_types)
{
	static const struct rec_case c[] = {
		{ "01 13 FE", "volume", "m^3", "-0.002", MBUS_VALUE_NUMBER },
		{ "01 13 7F", "volume", "m^3", "0.127", MBUS_VALUE_NUMBER },
		{ "02 13 FF 7F", "volume", "m^3", "32.767", MBUS_VALUE_NUMBER },
		{ "02 13 00 80", "volume", "m^3", "-32.768", MBUS_VALUE_NUMBER },
		{ "03 13 00 00 80", "volume", "m^3", "-8388.608", MBUS_VALUE_NUMBER },
		{ "03 13 FF FF 7F", "volume", "m^3", "8388.607", MBUS_VALUE_NUMBER },
		{ "04 13 FF FF FF FF", "volume", "m^3", "-0.001", MBUS_VALUE_NUMBER },
		{ "04 13 00 00 00 00", "volume", "m^3", "0", MBUS_VALUE_NUMBER },
		{ "06 13 01 00 00 00 00 80", "volume", "m^3",
		  "-140737488355.327", MBUS_VALUE_NUMBER },
		{ "07 13 FF FF FF FF FF FF FF 7F", "volume", "m^3",
		  "9223372036854775.807", MBUS_VALUE_NUMBER },
		{ "07 13 00 00 00 00 00 00 00 80", "volume", "m^3",
		  "-9223372036854775.808", MBUS_VALUE_NUMBER },
		/* identifiers are unsigned (type C) */
		{ "04 78 FF FF FF FF", "fabrication_number", "", "4294967295",
		  MBUS_VALUE_NUMBER },
		{ "00 13", "volume", "m^3", "", MBUS_VALUE_NONE },
		{ "08 13", "volume", "m^3", "", MBUS_VALUE_NONE },
	};

	CHECK(c);
}

TEST(bcd_types)
{
	static const struct rec_case c[] = {
		{ "09 13 99", "volume", "m^3", "0.099", MBUS_VALUE_NUMBER },
		{ "0A 13 34 12", "volume", "m^3", "1.234", MBUS_VALUE_NUMBER },
		{ "0B 13 56 34 12", "volume", "m^3", "123.456", MBUS_VALUE_NUMBER },
		{ "0C 13 78 56 34 12", "volume", "m^3", "12345.678",
		  MBUS_VALUE_NUMBER },
		{ "0E 13 12 90 78 56 34 12", "volume", "m^3", "123456789.012",
		  MBUS_VALUE_NUMBER },
		{ "0E 06 99 99 99 99 99 99", "energy", "Wh", "999999999999000",
		  MBUS_VALUE_NUMBER },
		/* a 0xF high nibble in the last byte is a minus sign */
		{ "0A 13 34 F2", "volume", "m^3", "-0.234", MBUS_VALUE_NUMBER },
		{ "09 5B F5", "flow_temperature", "°C", "-5", MBUS_VALUE_NUMBER },
		{ "0C 13 78 56 34 F2", "volume", "m^3", "-2345.678",
		  MBUS_VALUE_NUMBER },
		{ "0E 2B 00 00 00 00 00 F0", "power", "W", "0", MBUS_VALUE_NUMBER },
		/* other non-decimal digits are read digit by digit, with a
		 * warning (test_mbus_quirks.c checks the warning) */
		{ "0A 13 3A 12", "volume", "m^3", "1.240", MBUS_VALUE_NUMBER },
		{ "0C 13 FF FF FF FF", "volume", "m^3", "-16666.665",
		  MBUS_VALUE_NUMBER },
	};

	CHECK(c);
}

TEST(real32)
{
	static const struct rec_case c[] = {
		{ "05 13 00 00 C0 3F", "volume", "m^3", "0.0015", MBUS_VALUE_REAL },
		{ "05 2B 00 50 9A 44", "power", "W", "1234.5", MBUS_VALUE_REAL },
		{ "05 5B 00 00 20 C1", "flow_temperature", "°C", "-10",
		  MBUS_VALUE_REAL },
	};

	CHECK(c);
}

TEST(lvar)
{
	static const struct rec_case c[] = {
		{ "0D FD 11 05 6F 6C 6C 65 68", "customer", "", "hello",
		  MBUS_VALUE_TEXT },
		{ "0D FD 11 00", "customer", "", "", MBUS_VALUE_TEXT },
		{ "0D 13 C3 56 34 12", "volume", "m^3", "123.456",
		  MBUS_VALUE_NUMBER },
		{ "0D 13 D2 34 12", "volume", "m^3", "-1.234", MBUS_VALUE_NUMBER },
		{ "0D 13 E2 E8 03", "volume", "m^3", "1.000", MBUS_VALUE_NUMBER },
		{ "0D 79 EA 01 02 03 04 05 06 07 08 09 0A", "enhanced_identification",
		  "", "0102030405060708090A", MBUS_VALUE_BINARY },
		{ "0D FD 0F F0 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F",
		  "software_version", "", "000102030405060708090A0B0C0D0E0F",
		  MBUS_VALUE_BINARY },
	};

	CHECK(c);
}

TEST(dates)
{
	static const struct rec_case c[] = {
		/* G: 2024-12-24; F: 2024-12-24 18:05; I with seconds; J */
		{ "02 6C 18 3C", "date", "", "2024-12-24", MBUS_VALUE_DATE },
		{ "04 6D 05 32 18 3C", "datetime", "", "2024-12-24T18:05:00",
		  MBUS_VALUE_DATETIME },
		{ "06 6D 2A 05 12 18 3C 00", "datetime", "", "2024-12-24T18:05:42",
		  MBUS_VALUE_DATETIME },
		{ "03 6D 2A 05 12", "datetime", "", "18:05:42", MBUS_VALUE_TIME },
		/* F without hundred-year bits: 99 is 1999, 05 is 2005 */
		{ "04 6D 00 00 61 CC", "datetime", "", "1999-12-01T00:00:00",
		  MBUS_VALUE_DATETIME },
		{ "04 6D 00 00 A1 0C", "datetime", "", "2005-12-01T00:00:00",
		  MBUS_VALUE_DATETIME },
		/* battery change date from table 0xFD */
		{ "02 FD 70 18 3C", "battery_change_datetime", "", "2024-12-24",
		  MBUS_VALUE_DATE },
	};
	struct mbus_telegram t;

	CHECK(c);
	/* the IV bit and summer time are kept */
	ASSERT_EQ(0, decode_rsp(0x78, "04 6D 85 B2 18 3C", &t, NULL));
	EXPECT_TRUE(t.records[0].value.dt.invalid);
	EXPECT_TRUE(t.records[0].value.dt.summer_time);
	mbus_telegram_free(&t);
	ASSERT_EQ(0, decode_rsp(0x78, "02 6C 00 00", &t, NULL));
	EXPECT_TRUE(t.records[0].value.dt.invalid);
	mbus_telegram_free(&t);
}

TEST(date_roundtrip)
{
	struct mbus_datetime in = { 2031, 7, 9, 23, 58, 59, false, true }, out;
	uint8_t b[6];

	mbus_encode_type_f(&in, b);
	mbus_decode_type_f(&out, b);
	EXPECT_EQ(2031, out.year);
	EXPECT_EQ(7, out.month);
	EXPECT_EQ(9, out.day);
	EXPECT_EQ(23, out.hour);
	EXPECT_EQ(58, out.minute);
	EXPECT_TRUE(out.summer_time);
	EXPECT_FALSE(out.invalid);
	mbus_encode_type_i(&in, b);
	mbus_decode_type_i(&out, b);
	EXPECT_EQ(59, out.second);
	EXPECT_EQ(2031, out.year);
	mbus_encode_type_g(&in, b);
	mbus_decode_type_g(&out, b);
	EXPECT_EQ(9, out.day);
	mbus_encode_type_j(&in, b);
	mbus_decode_type_j(&out, b);
	EXPECT_EQ(58, out.minute);
}

TEST(dife_storage_tariff_subunit)
{
	struct mbus_telegram t;
	struct mbus_record *r;

	/* storage 1 | 0xF << 1 | 0x3 << 5, tariff 3 | 1 << 2, subunit 1 | 0 */
	ASSERT_EQ(0, decode_rsp(0x78, "CC FF 13 13 78 56 34 12", &t, NULL));
	r = &t.records[0];
	EXPECT_EQ(2, r->n_dife);
	EXPECT_EQ(1 + (0xF << 1) + (0x3 << 5), r->storage);
	EXPECT_EQ(3 + (1 << 2), r->tariff);
	EXPECT_EQ(1, r->subunit);
	mbus_telegram_free(&t);

	/* ten DIFEs: 41 storage bits, 20 tariff bits, 10 subunit bits */
	ASSERT_EQ(0, decode_rsp(0x78,
		"C1 FF FF FF FF FF FF FF FF FF 7F 13 01", &t, NULL));
	r = &t.records[0];
	EXPECT_EQ((UINT64_C(1) << 41) - 1, r->storage);
	EXPECT_EQ((1u << 20) - 1, r->tariff);
	EXPECT_EQ((1u << 10) - 1, r->subunit);
	mbus_telegram_free(&t);
}

TEST(functions)
{
	static const enum mbus_function f[4] = {
		MBUS_FUNC_INSTANTANEOUS, MBUS_FUNC_MAXIMUM, MBUS_FUNC_MINIMUM,
		MBUS_FUNC_ERROR,
	};
	struct mbus_telegram t;

	ASSERT_EQ(0, decode_rsp(0x78, "01 13 01 11 13 01 21 13 01 31 13 01",
				&t, NULL));
	ASSERT_EQ(4, t.n_records);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(f[i], t.records[i].function);
	EXPECT_STREQ("error", mbus_function_name(MBUS_FUNC_ERROR));
	mbus_telegram_free(&t);
}

struct vif_case {
	enum mbus_vif_table table;
	uint8_t code;
	const char *quantity, *unit;
	int exp;
};

TEST(vif_tables)
{
	static const struct vif_case c[] = {
		{ 0, 0x00, "energy", "Wh", -3 }, { 0, 0x07, "energy", "Wh", 4 },
		{ 0, 0x0E, "energy", "J", 6 }, { 0, 0x17, "volume", "m^3", 1 },
		{ 0, 0x1F, "mass", "kg", 4 }, { 0, 0x20, "on_time", "s", 0 },
		{ 0, 0x27, "operating_time", "d", 0 },
		{ 0, 0x2F, "power", "W", 4 }, { 0, 0x37, "power", "J/h", 7 },
		{ 0, 0x3F, "volume_flow", "m^3/h", 1 },
		{ 0, 0x40, "volume_flow", "m^3/min", -7 },
		{ 0, 0x4F, "volume_flow", "m^3/s", -2 },
		{ 0, 0x57, "mass_flow", "kg/h", 4 },
		{ 0, 0x5B, "flow_temperature", "°C", 0 },
		{ 0, 0x5C, "return_temperature", "°C", -3 },
		{ 0, 0x62, "temperature_difference", "K", -1 },
		{ 0, 0x67, "external_temperature", "°C", 0 },
		{ 0, 0x6B, "pressure", "bar", 0 }, { 0, 0x6E, "hca_units", "", 0 },
		{ 0, 0x71, "averaging_duration", "min", 0 },
		{ 0, 0x76, "actuality_duration", "h", 0 },
		{ 0, 0xFA, "bus_address", "", 0 },
		{ 0, 0x6F, "reserved", "", 0 },
		{ 0xFB, 0x00, "energy", "Wh", 5 },
		{ 0xFB, 0x01, "energy", "Wh", 6 },
		{ 0xFB, 0x09, "energy", "J", 9 },
		{ 0xFB, 0x11, "volume", "m^3", 3 },
		{ 0xFB, 0x19, "mass", "kg", 6 },
		{ 0xFB, 0x21, "volume", "ft^3", -1 },
		{ 0xFB, 0x29, "power", "W", 6 },
		{ 0xFB, 0x31, "power", "J/h", 9 },
		{ 0xFB, 0x5A, "flow_temperature", "°F", -1 },
		{ 0xFB, 0x76, "temperature_limit", "°C", -1 },
		{ 0xFB, 0x7B, "cumulative_max_power", "W", 0 },
		{ 0xFB, 0x40, "reserved", "", 0 },
		{ 0xFD, 0x02, "credit", "currency", -1 },
		{ 0xFD, 0x08, "access_number", "", 0 },
		{ 0xFD, 0x0E, "firmware_version", "", 0 },
		{ 0xFD, 0x17, "error_flags", "", 0 },
		{ 0xFD, 0x1C, "baud_rate", "Bd", 0 },
		{ 0xFD, 0x26, "storage_interval", "h", 0 },
		{ 0xFD, 0x2D, "duration_since_readout", "min", 0 },
		{ 0xFD, 0x3A, "dimensionless", "", 0 },
		{ 0xFD, 0x47, "voltage", "V", -2 },
		{ 0xFD, 0x5F, "current", "A", 3 },
		{ 0xFD, 0x6A, "duration_since_cumulation", "month", 0 },
		{ 0xFD, 0x6F, "battery_operating_time", "year", 0 },
		{ 0xFD, 0x74, "remaining_battery_life", "d", 0 },
		{ 0xFD, 0x7F, "reserved", "", 0 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct mbus_vif_info info;

		mbus_vif_lookup(c[i].table, c[i].code, &info);
		EXPECT_STREQ(c[i].quantity, info.quantity)
			TH_LOG("table %X code %02X", c[i].table, c[i].code);
		EXPECT_STREQ(c[i].unit, info.unit)
			TH_LOG("table %X code %02X", c[i].table, c[i].code);
		EXPECT_EQ(c[i].exp, info.exponent)
			TH_LOG("table %X code %02X", c[i].table, c[i].code);
	}
}

TEST(vife_combinations)
{
	static const struct rec_case c[] = {
		/* per-time units */
		{ "02 93 22 19 00", "volume", "m^3/h", "0.025", MBUS_VALUE_NUMBER },
		{ "02 86 2D 05 00", "energy", "Wh/m^3", "5000", MBUS_VALUE_NUMBER },
		/* multiplicative correction 10^(nnn-6) and 10^3 */
		{ "02 83 74 88 13", "energy", "Wh", "50.00", MBUS_VALUE_NUMBER },
		{ "02 83 7D 02 00", "energy", "Wh", "2000", MBUS_VALUE_NUMBER },
		/* chained: per hour, then times 10^-1 */
		{ "02 93 A2 75 0A 00", "volume", "m^3/h", "0.0010",
		  MBUS_VALUE_NUMBER },
		/* additive correction constant */
		{ "02 93 79 FB FF", "volume", "m^3", "-0.00005",
		  MBUS_VALUE_NUMBER },
		/* limit exceed count and duration */
		{ "02 AB 49 07 00", "power", "", "7", MBUS_VALUE_NUMBER },
		{ "02 AB 5A 03 00", "power", "h", "3", MBUS_VALUE_NUMBER },
		/* date of last end of upper limit exceed */
		{ "04 AB 4F 05 32 18 3C", "power", "", "2024-12-24T18:05:00",
		  MBUS_VALUE_DATETIME },
		/* extension tables with VIFEs */
		{ "02 FD C8 22 E2 08", "voltage", "V/h", "227.4",
		  MBUS_VALUE_NUMBER },
		{ "02 FB 82 74 10 27", "reactive_energy", "varh", "100000",
		  MBUS_VALUE_NUMBER },
		/* plain text unit after the VIFE chain, sent reversed */
		{ "02 FC 74 03 6D 70 72 D2 04", "plain_text", "rpm", "12.34",
		  MBUS_VALUE_NUMBER },
		{ "02 7C 03 6D 70 72 05 00", "plain_text", "rpm", "5",
		  MBUS_VALUE_NUMBER },
		/* manufacturer VIFE: the rest of the chain is not interpreted */
		{ "02 93 FF 22 4D 00", "volume", "m^3", "0.077",
		  MBUS_VALUE_NUMBER },
		/* manufacturer specific VIF: no scaling */
		{ "02 FF 22 4D 00", "manufacturer_specific", "", "77",
		  MBUS_VALUE_NUMBER },
		/* combinable extension 0xFC: next VIFE is from that table */
		{ "02 93 FC 22 4D 00", "volume", "m^3", "0.077",
		  MBUS_VALUE_NUMBER },
	};
	struct mbus_telegram t;

	CHECK(c);
	/* record errors from the slave */
	ASSERT_EQ(0, decode_rsp(0x78, "02 93 16 FF FF", &t, NULL));
	EXPECT_EQ(0x16, t.records[0].error);
	EXPECT_STREQ("error: data overflow", t.records[0].description);
	mbus_telegram_free(&t);
	ASSERT_EQ(0, decode_rsp(0x78, "02 93 3A 01 00", &t, NULL));
	EXPECT_EQ(-1, t.records[0].error);
	EXPECT_STREQ("uncorrected unit", t.records[0].description);
	mbus_telegram_free(&t);
}

TEST(special_difs)
{
	struct mbus_telegram t;

	/* idle fillers are skipped */
	ASSERT_EQ(0, decode_rsp(0x78, "2F 2F 01 13 05 2F", &t, NULL));
	EXPECT_EQ(1, t.n_records);
	EXPECT_FALSE(t.more_records);
	mbus_telegram_free(&t);
	/* 0x1F: manufacturer data, more telegrams follow */
	ASSERT_EQ(0, decode_rsp(0x78, "01 13 05 1F 01 02", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_TRUE(t.records[1].manufacturer_data);
	EXPECT_EQ(2, t.records[1].value.len);
	EXPECT_TRUE(t.more_records);
	mbus_telegram_free(&t);
	/* 0x0F with nothing after it */
	ASSERT_EQ(0, decode_rsp(0x78, "0F", &t, NULL));
	EXPECT_EQ(0, t.records[0].value.len);
	EXPECT_FALSE(t.more_records);
	mbus_telegram_free(&t);
}

struct err_case {
	uint8_t ci;
	const char *data;
	int ret;
	size_t pos;		/* frame offset; data start at 7 */
};

/* Header and frame level problems fail the telegram, at their byte. */
TEST(header_errors_name_the_byte)
{
	static const struct err_case c[] = {
		{ 0x72, "78 56 34 12 24 40 01", -ENODATA, 14 },
		{ 0x7A, "01 00", -ENODATA, 9 },
		{ 0x73, "78 56 34 12 01 00 05 2C 00 00", -ENODATA, 17 },
		{ 0x99, "00", -ENOTSUP, 6 },
		{ 0x52, "FF FF", -ENODATA, 9 },
		{ 0x52, "FF FF FF FF FF FF FF FF 00", -EBADMSG, 15 },
		{ 0xBB, "00", -EBADMSG, 7 },
		{ 0x70, "01 02", -EBADMSG, 8 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct mbus_telegram t;
		struct mbus_error err = { 0 };

		EXPECT_EQ(c[i].ret, decode_rsp(c[i].ci, c[i].data, &t, &err))
			TH_LOG("case %zu", i);
		EXPECT_EQ(c[i].pos, err.pos)
			TH_LOG("case %zu: %s", i, err.msg);
		EXPECT_NE(0, err.msg[0]);
		mbus_telegram_free(&t);
	}
}

/*
 * A record that cannot be read (its length is unknown or the data end
 * inside it) does not fail the telegram: the records before it stay,
 * and it keeps the rest as raw bytes with the byte and the reason.
 */
TEST(record_errors_name_the_byte)
{
	static const struct err_case c[] = {
		{ 0x78, "04 13 01 02", 0, 9 },		/* data cut */
		{ 0x78, "04", 0, 8 },			/* VIF missing */
		{ 0x78, "84", 0, 8 },			/* DIFE missing */
		{ 0x78, "04 93", 0, 9 },		/* VIFE missing */
		{ 0x78, "04 FD", 0, 9 },		/* extension code */
		{ 0x78, "0D 13", 0, 9 },		/* LVAR missing */
		{ 0x78, "0D 13 05 41", 0, 10 },		/* text cut */
		{ 0x78, "0D 13 FA 00", 0, 9 },		/* reserved LVAR */
		{ 0x78, "02 7C 05 41 42", 0, 10 },	/* plain text cut */
		{ 0x78, "3F 13 00", 0, 7 },		/* reserved DIF */
		{ 0x78, "7F 13 00", 0, 7 },		/* readout in RSP */
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct mbus_telegram t;
		struct mbus_error err = { 0 };
		char data[64], want[16];
		const struct mbus_record *r;

		/* a good record first: it must survive */
		snprintf(data, sizeof(data), "01 13 05 %s", c[i].data);
		ASSERT_EQ(0, decode_rsp(c[i].ci, data, &t, &err))
			TH_LOG("case %zu: %s", i, err.msg);
		ASSERT_EQ(2, t.n_records) TH_LOG("case %zu", i);
		EXPECT_STREQ("volume", t.records[0].quantity);
		r = &t.records[1];
		EXPECT_TRUE(r->undecodable) TH_LOG("case %zu", i);
		EXPECT_EQ(1, t.n_undecodable);
		EXPECT_EQ(MBUS_WARN_UNDECODABLE, r->warnings);
		EXPECT_EQ(10, r->pos) TH_LOG("case %zu", i);
		/* the raw bytes are the record's, to the end */
		EXPECT_EQ(t.frame.data_len - 3, r->value.len) TH_LOG("case %zu", i);
		snprintf(want, sizeof(want), "byte %zu:", c[i].pos + 3);
		EXPECT_EQ(0, strncmp(want, r->problem, strlen(want)))
			TH_LOG("case %zu: %s", i, r->problem);
		mbus_telegram_free(&t);
	}
}

/* Chains longer than the standard allows have a known length: read on. */
TEST(long_chains_are_read_with_a_warning)
{
	struct mbus_telegram t;
	char s[32];

	ASSERT_EQ(0, decode_rsp(0x78,
		"81 80 80 80 80 80 80 80 80 80 80 00 13 00 01 13 05", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_EQ(MBUS_WARN_MANY_DIFE, t.records[0].warnings);
	EXPECT_STREQ("0.005", vstr(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
	ASSERT_EQ(0, decode_rsp(0x78,
		"01 93 A2 A2 A2 A2 A2 A2 A2 A2 A2 A2 22 00 01 13 07", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_EQ(MBUS_WARN_MANY_VIFE, t.records[0].warnings);
	EXPECT_STREQ("0.007", vstr(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
}

TEST(msb_first_header_and_data)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x76,
		"12 34 56 78 40 24 01 07 55 00 00 00 04 13 00 00 30 39",
		&t, NULL));
	EXPECT_EQ(0x12345678, t.header.id);
	EXPECT_EQ(0x4024, t.header.manufacturer);
	EXPECT_TRUE(t.header.msb_first);
	EXPECT_STREQ("12.345", vstr(&t.records[0], s, sizeof(s)));
	mbus_telegram_free(&t);
}

TEST(fixed_structure)
{
	struct mbus_telegram t;
	char s[64];

	/* binary counters (status bit 7), historic (bit 6), water, l and m^3 */
	ASSERT_EQ(0, decode_rsp(0x73,
		"78 56 34 12 01 C0 E9 6C 10 00 00 00 20 00 00 00", &t, NULL));
	EXPECT_EQ(0x12345678, t.header.id);
	EXPECT_EQ(0x07, t.header.medium);
	ASSERT_EQ(2, t.n_records);
	EXPECT_EQ(1, t.records[0].storage);
	EXPECT_STREQ("volume", t.records[0].quantity);
	EXPECT_STREQ("0.016", vstr(&t.records[0], s, sizeof(s)));
	EXPECT_STREQ("32", vstr(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
	/* unit 0x3E: counter 2 is counter 1's quantity, historic */
	ASSERT_EQ(0, decode_rsp(0x73,
		"78 56 34 12 01 00 05 3E 00 01 00 00 00 02 00 00", &t, NULL));
	EXPECT_EQ(0, t.records[0].storage);
	EXPECT_EQ(1, t.records[1].storage);
	EXPECT_STREQ("energy", t.records[1].quantity);
	EXPECT_STREQ("200000", vstr(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
}

TEST(control_ci_fields)
{
	struct mbus_telegram t;
	uint8_t f[32];
	size_t n;

	n = long_frame(MBUS_C_SND_UD, 1, 0x50, "", f, sizeof(f));
	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse(f, n, &t, NULL));
	EXPECT_EQ(MBUS_CI_KIND_APP_RESET, t.ci.kind);
	EXPECT_FALSE(t.has_app_status);
	mbus_telegram_free(&t);

	ASSERT_EQ(0, decode_rsp(0x50, "10", &t, NULL));
	EXPECT_TRUE(t.has_app_status);
	EXPECT_EQ(0x10, t.app_status);
	mbus_telegram_free(&t);

	n = long_frame(MBUS_C_SND_UD, 1, 0xBD, "", f, sizeof(f));
	ASSERT_EQ(0, mbus_telegram_parse(f, n, &t, NULL));
	EXPECT_EQ(MBUS_CI_KIND_BAUD, t.ci.kind);
	EXPECT_EQ(9600, t.baud);
	EXPECT_EQ(0xB8, mbus_baud_ci(300));
	EXPECT_EQ(0, mbus_baud_ci(115200));
	mbus_telegram_free(&t);

	ASSERT_EQ(0, decode_rsp(0x70, "02", &t, NULL));
	EXPECT_EQ(MBUS_CI_KIND_APP_ERROR, t.ci.kind);
	EXPECT_EQ(2, t.app_status);
	mbus_telegram_free(&t);
}

TEST(snd_ud_data_and_actions)
{
	struct mbus_telegram t;
	uint8_t f[32];
	char s[16];
	size_t n;

	/* set primary address 8, then "add value" to a volume, readout all */
	n = long_frame(MBUS_C_SND_UD, 0xFE, 0x51, "01 7A 08 04 93 01 0A 00 00 00 7F",
		       f, sizeof(f));
	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse(f, n, &t, NULL));
	ASSERT_EQ(3, t.n_records);
	EXPECT_STREQ("bus_address", t.records[0].quantity);
	EXPECT_STREQ("8", vstr(&t.records[0], s, sizeof(s)));
	EXPECT_STREQ("action: add value", t.records[1].description);
	EXPECT_TRUE(t.records[2].global_readout);
	mbus_telegram_free(&t);
}

TEST(json_form)
{
	struct mbus_telegram t;
	struct json_object *j;
	const char *s;

	ASSERT_EQ(0, decode_rsp(0x72,
		"78 56 34 12 24 40 01 07 55 00 00 00 03 13 15 31 00 0D FD 11 02 62 61",
		&t, NULL));
	j = mbus_telegram_to_json(&t);
	ASSERT_NE(NULL, j);
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	EXPECT_NE(NULL, strstr(s, "\"id\":\"12345678\""));
	EXPECT_NE(NULL, strstr(s, "\"manufacturer\":\"PAD\""));
	EXPECT_NE(NULL, strstr(s, "\"medium\":\"water\""));
	EXPECT_NE(NULL, strstr(s, "\"value\":12.565"));
	EXPECT_NE(NULL, strstr(s, "\"value\":\"ab\""));
	json_object_put(j);
	mbus_telegram_free(&t);
}

TEST(value_double)
{
	struct mbus_value v = { .type = MBUS_VALUE_NUMBER, .magnitude = 12565,
				.exponent = -3 };

	EXPECT_EQ(12.565, mbus_value_double(&v));
	v.negative = true;
	v.exponent = 2;
	EXPECT_EQ(-1256500, mbus_value_double(&v));
	v.type = MBUS_VALUE_TEXT;
	EXPECT_TRUE(isnan(mbus_value_double(&v)));
}

TEST_HARNESS_MAIN
