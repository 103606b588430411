// SPDX-License-Identifier: GPL-2.0
/*
 * What real meters send that bends EN 13757-3, each as a telegram of the
 * kind the named family sends (frames written for the tests): the record
 * is read as the meter meant it when the rest of the telegram confirms
 * the reading, with a warning; nothing after it shifts or is lost.
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

/* Long header of a meter: ID 11223344, ELV, version 1, medium 1Bh (room). */
#define ROOM_HDR "44 33 22 11 96 15 01 1B 21 00 00 00 "

static const char *text_of(const struct mbus_record *r, char *buf, size_t n)
{
	return vstr(r, buf, n);
}

/*
 * Elvaco CMa10-style room sensor: the plain-text unit's length and text
 * come right after VIF FCh, before the VIFE (74h: 10^-2), and a normal
 * record follows. Read in the standard order, 03h would be a VIFE and
 * 48h ('H') a length of 72 bytes: the telegram would end inside it.
 */
TEST(plain_text_before_the_vife_chain)
{
	struct mbus_telegram t;
	struct json_object *j;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"02 FC 03 48 52 25 74 E8 03 "	/* 10.00 %RH */
		"02 65 D2 08",			/* 22.58 degC */
		&t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("plain_text", t.records[0].quantity);
	EXPECT_STREQ("%RH", t.records[0].unit);
	EXPECT_STREQ("10.00", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(MBUS_TEXT_BEFORE_VIFE, t.records[0].text_order);
	EXPECT_EQ(MBUS_WARN_TEXT_FIRST, t.records[0].warnings);
	EXPECT_STREQ("external_temperature", t.records[1].quantity);
	EXPECT_STREQ("22.58", text_of(&t.records[1], s, sizeof(s)));
	EXPECT_EQ(0, t.records[1].warnings);
	j = mbus_telegram_to_json(&t);
	EXPECT_NE(NULL, strstr(json_object_to_json_string(j),
			       "\"text_order\": \"before_vife\""));
	json_object_put(j);
	mbus_telegram_free(&t);
}

/*
 * The standard order (text after the VIFE chain), as Kamstrup and Sensus
 * style meters send it: chosen when both orders would read.
 */
TEST(plain_text_after_the_vife_chain)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"02 FC 74 03 6D 70 72 D2 04 "	/* 12.34 rpm */
		"01 FC 02 03 41 56 6B 07",	/* VIFE 02h, text "kVA" */
		&t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("rpm", t.records[0].unit);
	EXPECT_STREQ("12.34", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(MBUS_TEXT_AFTER_VIFE, t.records[0].text_order);
	EXPECT_EQ(0, t.records[0].warnings);
	EXPECT_STREQ("kVA", t.records[1].unit);
	EXPECT_EQ(MBUS_TEXT_AFTER_VIFE, t.records[1].text_order);
	mbus_telegram_free(&t);
}

/*
 * Three-phase DIN-rail electricity meter with an M-Bus module: the
 * digital input record written as 7Dh 1Bh, the 0xFD table's code
 * without the extension bit on the VIF. Read strictly, 1Bh would be the
 * data and the volume record after it would be shifted by one byte.
 */
TEST(lone_7d_with_its_code)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"01 7D 1B 05 "			/* digital inputs 0101b */
		"04 13 10 27 00 00",		/* 10.000 m^3 */
		&t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("digital_input", t.records[0].quantity);
	EXPECT_STREQ("5", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(MBUS_WARN_EXT_NO_BIT, t.records[0].warnings);
	EXPECT_STREQ("volume", t.records[1].quantity);
	EXPECT_STREQ("10.000", text_of(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
}

/* A lone 7Bh that really stands alone: reserved, and the rest reads. */
TEST(lone_7b_alone)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"02 7B 34 12 01 13 05", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("reserved", t.records[0].quantity);
	EXPECT_STREQ("4660", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(MBUS_WARN_EXT_ALONE, t.records[0].warnings);
	EXPECT_STREQ("0.005", text_of(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);
}

/*
 * Water meter whose per-hour VIFE (22h) carries the extension bit (A2h)
 * although the data follow: the chain ends early. Read strictly, the
 * first data byte becomes a VIFE and the next record breaks.
 */
TEST(vife_chain_ends_early)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"04 93 A2 10 27 00 00 "		/* 10.000 m^3/h */
		"01 13 05",			/* 0.005 m^3 */
		&t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("m^3/h", t.records[0].unit);
	EXPECT_STREQ("10.000", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(MBUS_WARN_VIFE_CUT, t.records[0].warnings);
	EXPECT_EQ(1, t.records[0].n_vife);
	EXPECT_STREQ("0.005", text_of(&t.records[1], s, sizeof(s)));
	EXPECT_EQ(0, t.records[1].warnings);
	mbus_telegram_free(&t);
}

/*
 * Heat meter (EN 1434 class, BCD registers): a flow temperature with Fh
 * as the minus sign (standard), an energy register of AAh bytes for "no
 * value yet" and a volume with an Eh error digit. The values stay, each
 * with a warning and its raw bytes.
 */
TEST(bcd_with_hex_digits)
{
	struct mbus_telegram t;
	struct json_object *j;
	const char *js;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"0A 5A 50 F1 "			/* -15.0 degC */
		"0C 06 AA AA AA AA "		/* blank energy */
		"0B 13 E1 23 00 "		/* error digit */
		"01 13 05",
		&t, NULL));
	ASSERT_EQ(4, t.n_records);
	EXPECT_STREQ("-15.0", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_EQ(0, t.records[0].warnings);
	EXPECT_EQ(MBUS_VALUE_NUMBER, t.records[1].value.type);
	EXPECT_EQ(MBUS_WARN_BCD_DIGIT, t.records[1].warnings);
	EXPECT_EQ(4, t.records[1].value.len);
	EXPECT_EQ(MBUS_WARN_BCD_DIGIT, t.records[2].warnings);
	/* E1 23 00: digits 0 0 2 3 E 1, read by place: 2301 + 140 - 40 */
	EXPECT_STREQ("2.441", text_of(&t.records[2], s, sizeof(s)));
	EXPECT_STREQ("0.005", text_of(&t.records[3], s, sizeof(s)));
	EXPECT_EQ(MBUS_WARN_BCD_DIGIT, t.warnings);
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js, "\"raw\":\"AAAAAAAA\""));
	EXPECT_NE(NULL, strstr(js, "\"raw\":\"E12300\""));
	EXPECT_NE(NULL, strstr(js, "BCD digit A..F"));
	EXPECT_EQ(NULL, strstr(js, "\"value\":null"));
	json_object_put(j);
	mbus_telegram_free(&t);
}

/* A date VIF with a BCD field: a number, with a warning. */
TEST(date_vif_with_wrong_data_field)
{
	struct mbus_telegram t;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x78, "0A 6C 31 12 01 13 05", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_EQ(MBUS_WARN_DATA_TYPE, t.records[0].warnings);
	EXPECT_STREQ("1231", text_of(&t.records[0], s, sizeof(s)));
	mbus_telegram_free(&t);
}

/*
 * Gas meter whose last record is cut off by a firmware bug: the records
 * before it stay, the rest is kept raw with the byte and the reason.
 */
TEST(undecodable_tail_is_kept)
{
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	struct json_object *j;
	const char *js;
	char s[64];

	ASSERT_EQ(0, decode_rsp(0x72, ROOM_HDR
		"0C 13 78 56 34 12 0D FD 11 F9 41 42", &t, &err));
	ASSERT_EQ(2, t.n_records);
	EXPECT_STREQ("12345.678", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_TRUE(t.records[1].undecodable);
	EXPECT_STREQ("0DFD11F94142", text_of(&t.records[1], s, sizeof(s)));
	EXPECT_NE(NULL, strstr(t.records[1].problem, "reserved LVAR 0xF9"));
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js, "\"undecodable_records\":1"));
	EXPECT_NE(NULL, strstr(js, "\"problem\":\"byte 28: record at offset 25: reserved LVAR 0xF9\""));
	json_object_put(j);
	mbus_telegram_free(&t);
}

/* Status byte of the header: every bit as text. */
TEST(status_bits_as_text)
{
	const char *txt[8];
	struct mbus_telegram t;
	struct json_object *j;
	const char *js;

	EXPECT_EQ(0, mbus_status_texts(0x00, txt));
	ASSERT_EQ(1, mbus_status_texts(0x01, txt));
	EXPECT_STREQ("application busy", txt[0]);
	ASSERT_EQ(1, mbus_status_texts(0x02, txt));
	EXPECT_STREQ("any application error", txt[0]);
	ASSERT_EQ(7, mbus_status_texts(0xFF, txt));
	EXPECT_STREQ("abnormal condition / alarm", txt[0]);
	EXPECT_STREQ("power low", txt[1]);
	EXPECT_STREQ("permanent error", txt[2]);
	EXPECT_STREQ("temporary error", txt[3]);
	EXPECT_STREQ("manufacturer specific bit 5", txt[4]);
	EXPECT_STREQ("manufacturer specific bit 7", txt[6]);

	ASSERT_EQ(0, decode_rsp(0x72,
		"44 33 22 11 96 15 01 07 21 26 00 00 01 13 05", &t, NULL));
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js,
		"\"status_text\":[\"any application error\",\"power low\",\"manufacturer specific bit 5\"]"));
	json_object_put(j);
	mbus_telegram_free(&t);
}

/* CI 70h: every error code as text, also without the byte. */
TEST(application_errors)
{
	struct mbus_telegram t;
	struct json_object *j;
	const char *js;

	EXPECT_STREQ("unspecified error", mbus_app_error_text(0));
	EXPECT_STREQ("unimplemented CI field", mbus_app_error_text(1));
	EXPECT_STREQ("application too busy for handling the readout request",
		     mbus_app_error_text(8));
	EXPECT_STREQ("too many readouts", mbus_app_error_text(9));
	EXPECT_STREQ("reserved", mbus_app_error_text(0x42));

	ASSERT_EQ(0, decode_rsp(0x70, "08", &t, NULL));
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js,
		"\"app_error\":{\"code\":8,\"text\":\"application too busy for handling the readout request\",\"code_sent\":true}"));
	json_object_put(j);
	mbus_telegram_free(&t);

	/* a CI 70h frame without the status byte: unspecified error */
	ASSERT_EQ(0, decode_rsp(0x70, "", &t, NULL));
	EXPECT_FALSE(t.has_app_status);
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js,
		"\"app_error\":{\"code\":0,\"text\":\"unspecified error\",\"code_sent\":false}"));
	json_object_put(j);
	mbus_telegram_free(&t);

	/* CI 71h alarm: the bits as text */
	ASSERT_EQ(0, decode_rsp(0x71, "03", &t, NULL));
	j = mbus_telegram_to_json(&t);
	js = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	EXPECT_NE(NULL, strstr(js, "\"alarm_text\":[\"abnormal condition / alarm\"]"));
	json_object_put(j);
	mbus_telegram_free(&t);
}

/* Every unit code of the EN 1434-3 fixed structure. */
TEST(fixed_structure_units)
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
		{ 0x38, 0x38, "temperature", "°C", -3 },
		{ 0x39, 0x39, "hca_units", "", 0 },
		{ 0x3A, 0x3D, "reserved", "", 0 },
		{ 0x3F, 0x3F, "dimensionless", "", 0 },
	};

	for (size_t k = 0; k < sizeof(ranges) / sizeof(ranges[0]); k++) {
		for (unsigned int u = ranges[k].first; u <= ranges[k].last; u++) {
			struct mbus_vif_info i;

			mbus_fixed_unit((uint8_t)u, &i);
			EXPECT_STREQ(ranges[k].quantity, i.quantity) TH_LOG("unit %02X", u);
			EXPECT_STREQ(ranges[k].unit, i.unit) TH_LOG("unit %02X", u);
			if (strcmp(i.quantity, "reserved"))
				EXPECT_EQ(ranges[k].exp + (int)(u - ranges[k].first),
					  i.exponent) TH_LOG("unit %02X", u);
		}
	}
}

/*
 * Fixed structure of an old heat meter (EN 1434-3, CI 73h): counter 1 a
 * BCD time of day (unit 00h), counter 2 the date (01h), then with the
 * medium codes of mode 2 (Ah..Eh, the second set of media).
 */
TEST(fixed_structure_time_date_and_media)
{
	struct mbus_telegram t;
	char s[64];

	/* medium 4 (heat): 00b in byte 1 top bits, 01b in byte 2 */
	ASSERT_EQ(0, decode_rsp(0x73,
		"45 23 01 00 07 00 00 41 56 34 12 00 24 12 31 00", &t, NULL));
	ASSERT_EQ(2, t.n_records);
	EXPECT_EQ(0x04, t.header.medium);
	EXPECT_STREQ("time", t.records[0].quantity);
	EXPECT_EQ(MBUS_VALUE_TIME, t.records[0].value.type);
	EXPECT_STREQ("12:34:56", text_of(&t.records[0], s, sizeof(s)));
	EXPECT_STREQ("date", t.records[1].quantity);
	EXPECT_STREQ("2024-12-31", text_of(&t.records[1], s, sizeof(s)));
	mbus_telegram_free(&t);

	for (unsigned int m = 0; m < 16; m++) {
		static const uint8_t want[16] = {
			0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
			0x08, 0x0F, 0x03, 0x04, 0x06, 0x07, 0x08, 0x0F,
		};
		char data[80];

		snprintf(data, sizeof(data),
			 "45 23 01 00 07 00 %02X %02X 00 00 00 00 00 00 00 00",
			 (m & 3) << 6 | 0x05, (m >> 2) << 6 | 0x05);
		ASSERT_EQ(0, decode_rsp(0x73, data, &t, NULL));
		EXPECT_EQ(want[m], t.header.medium) TH_LOG("medium code %X", m);
		mbus_telegram_free(&t);
	}
}

/* The medium table reaches the last codes EN 13757-3 assigns. */
TEST(medium_names)
{
	EXPECT_STREQ("water", mbus_medium_name(0x07));
	EXPECT_STREQ("heat_cost_allocator", mbus_medium_name(0x08));
	EXPECT_STREQ("breaker", mbus_medium_name(0x20));
	EXPECT_STREQ("radio_converter_meter", mbus_medium_name(0x37));
	EXPECT_STREQ("bus_converter_meter", mbus_medium_name(0x38));
	EXPECT_STREQ("reserved", mbus_medium_name(0x39));
	EXPECT_STREQ("reserved", mbus_medium_name(0xFF));
}

/* A telegram reused for parse after parse keeps its record array. */
TEST(reused_telegram_needs_no_allocation)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = long_frame(MBUS_C_RSP_UD, 1, 0x78,
			      "01 13 05 01 13 06 01 13 07", f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_record *first;

	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse(f, n, &t, NULL));
	first = t.records;
	for (int i = 0; i < 100; i++) {
		ASSERT_EQ(0, mbus_telegram_parse(f, n, &t, NULL));
		ASSERT_EQ(3, t.n_records);
	}
	EXPECT_EQ(first, t.records);
	mbus_telegram_free(&t);
}

TEST_HARNESS_MAIN
