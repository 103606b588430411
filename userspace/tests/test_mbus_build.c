// SPDX-License-Identifier: GPL-2.0
/* Records and RSP_UD telegrams built by the library parse back the same. */
#include <errno.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

static struct mbus_record_spec number(const char *q, const char *u, int exp,
				      enum mbus_data_field df, int64_t raw)
{
	struct mbus_record_spec s = { 0 };

	if (mbus_record_spec_number(&s, q, u, exp, df, raw))
		abort();
	return s;
}

static int parse_one(const struct mbus_record_spec *s, struct mbus_telegram *t,
		     char *out, size_t size)
{
	uint8_t rec[300], f[MBUS_MAX_FRAME];
	int n = mbus_record_encode(s, rec, sizeof(rec));

	if (n < 0)
		return n;
	n = mbus_frame_build_long(f, sizeof(f), MBUS_C_RSP_UD, 1, 0x78, rec,
				  (size_t)n);
	if (n < 0)
		return n;
	mbus_telegram_init(t);
	n = mbus_telegram_parse(f, (size_t)n, t, NULL);
	if (!n && t->n_records == 1)
		mbus_value_format(&t->records[0].value, out, size);
	return n;
}

TEST(vif_find)
{
	uint8_t v[2];

	ASSERT_EQ(1, mbus_vif_find("energy", "Wh", 3, v));
	EXPECT_EQ(0x06, v[0]);
	ASSERT_EQ(1, mbus_vif_find("volume", "m^3", -3, v));
	EXPECT_EQ(0x13, v[0]);
	ASSERT_EQ(2, mbus_vif_find("voltage", "V", -1, v));
	EXPECT_EQ(0xFD, v[0]);
	EXPECT_EQ(0x48, v[1]);
	ASSERT_EQ(2, mbus_vif_find("energy", "Wh", 6, v));
	EXPECT_EQ(0xFB, v[0]);
	EXPECT_EQ(0x01, v[1]);
	EXPECT_EQ(-ENOENT, mbus_vif_find("energy", "Wh", 12, v));
}

struct num_case {
	enum mbus_data_field df;
	int64_t raw;
	const char *text;
};

TEST(numbers_every_data_field)
{
	static const struct num_case c[] = {
		{ MBUS_DF_INT8, -128, "-128000" }, { MBUS_DF_INT8, 127, "127000" },
		{ MBUS_DF_INT16, -32768, "-32768000" },
		{ MBUS_DF_INT24, 8388607, "8388607000" },
		{ MBUS_DF_INT32, -2147483647 - 1, "-2147483648000" },
		{ MBUS_DF_INT48, 140737488355327, "140737488355327000" },
		{ MBUS_DF_INT64, -9223372036854775807 - 1,
		  "-9223372036854775808000" },
		{ MBUS_DF_BCD2, 99, "99000" }, { MBUS_DF_BCD4, -999, "-999000" },
		{ MBUS_DF_BCD6, 123456, "123456000" },
		{ MBUS_DF_BCD8, -1234567, "-1234567000" },
		{ MBUS_DF_BCD12, 999999999999, "999999999999000" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct mbus_record_spec s = number("energy", "Wh", 3, c[i].df,
						   c[i].raw);
		struct mbus_telegram t;
		char out[64];

		ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)))
			TH_LOG("case %zu", i);
		EXPECT_STREQ(c[i].text, out) TH_LOG("case %zu", i);
		EXPECT_EQ(c[i].df, t.records[0].dif & 0xF);
		mbus_telegram_free(&t);
	}
}

TEST(out_of_range)
{
	struct mbus_record_spec s;
	uint8_t b[32];

	s = number("energy", "Wh", 3, MBUS_DF_INT8, 128);
	EXPECT_EQ(-ERANGE, mbus_record_encode(&s, b, sizeof(b)));
	s = number("energy", "Wh", 3, MBUS_DF_INT8, -129);
	EXPECT_EQ(-ERANGE, mbus_record_encode(&s, b, sizeof(b)));
	s = number("energy", "Wh", 3, MBUS_DF_BCD2, 100);
	EXPECT_EQ(-ERANGE, mbus_record_encode(&s, b, sizeof(b)));
	/* a minus sign takes the top digit of negative BCD */
	s = number("energy", "Wh", 3, MBUS_DF_BCD4, -1000);
	EXPECT_EQ(-ERANGE, mbus_record_encode(&s, b, sizeof(b)));
	s = number("energy", "Wh", 3, MBUS_DF_INT32, 1);
	EXPECT_EQ(-ENOSPC, mbus_record_encode(&s, b, 3));
	s.storage = UINT64_C(1) << 42;
	EXPECT_EQ(-EINVAL, mbus_record_encode(&s, b, sizeof(b)));
}

TEST(storage_tariff_subunit_function)
{
	struct mbus_record_spec s = number("volume", "m^3", -3, MBUS_DF_INT32, 42);
	struct mbus_telegram t;
	char out[32];

	s.storage = (UINT64_C(1) << 41) - 1;
	s.tariff = 5;
	s.subunit = 3;
	s.function = MBUS_FUNC_MINIMUM;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_EQ(s.storage, t.records[0].storage);
	EXPECT_EQ(5, t.records[0].tariff);
	EXPECT_EQ(3, t.records[0].subunit);
	EXPECT_EQ(MBUS_FUNC_MINIMUM, t.records[0].function);
	EXPECT_STREQ("0.042", out);
	mbus_telegram_free(&t);
}

TEST(other_value_types)
{
	struct mbus_record_spec s = { .df = MBUS_DF_REAL32, .vif = { 0x2B },
				      .vif_len = 1 };
	struct mbus_telegram t;
	char out[64];

	s.value.type = MBUS_VALUE_REAL;
	s.value.real = -12.5;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("-12.5", out);
	mbus_telegram_free(&t);

	s = (struct mbus_record_spec){ .df = MBUS_DF_INT32, .vif = { 0x6D },
				       .vif_len = 1 };
	s.value.type = MBUS_VALUE_DATETIME;
	s.value.dt = (struct mbus_datetime){ 2025, 1, 31, 7, 45, 0, false, false };
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("2025-01-31T07:45:00", out);
	mbus_telegram_free(&t);

	s.df = MBUS_DF_INT48;
	s.value.dt.second = 30;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("2025-01-31T07:45:30", out);
	mbus_telegram_free(&t);

	s = (struct mbus_record_spec){ .df = MBUS_DF_INT16, .vif = { 0x6C },
				       .vif_len = 1 };
	s.value.type = MBUS_VALUE_DATE;
	s.value.dt = (struct mbus_datetime){ .year = 2030, .month = 6, .day = 1 };
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("2030-06-01", out);
	mbus_telegram_free(&t);

	s = (struct mbus_record_spec){ .df = MBUS_DF_LVAR, .vif = { 0xFD, 0x11 },
				       .vif_len = 2 };
	s.value.type = MBUS_VALUE_TEXT;
	memcpy(s.value.bytes, "Building 7", 10);
	s.value.len = 10;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("Building 7", out);
	EXPECT_STREQ("customer", t.records[0].quantity);
	mbus_telegram_free(&t);

	s = number("volume", "m^3", -3, MBUS_DF_INT8, 0);
	s.df = MBUS_DF_LVAR;
	s.value.magnitude = 12345678;
	s.value.negative = true;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("-12345.678", out);
	mbus_telegram_free(&t);

	s = (struct mbus_record_spec){ .df = MBUS_DF_INT16, .vif = { 0x7C },
				       .vif_len = 1, .plain_unit = "pulses" };
	s.value.type = MBUS_VALUE_NUMBER;
	s.value.magnitude = 300;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("pulses", t.records[0].unit);
	EXPECT_STREQ("300", out);
	mbus_telegram_free(&t);

	/* VIF with VIFEs: extension bits are set by the encoder */
	s = (struct mbus_record_spec){ .df = MBUS_DF_INT16,
				       .vif = { 0x13, 0x22 }, .vif_len = 2 };
	s.value.type = MBUS_VALUE_NUMBER;
	s.value.magnitude = 7;
	ASSERT_EQ(0, parse_one(&s, &t, out, sizeof(out)));
	EXPECT_STREQ("m^3/h", t.records[0].unit);
	mbus_telegram_free(&t);
}

TEST(rsp_ud_multi_telegram)
{
	struct mbus_record_spec recs[60];
	struct mbus_header h = { .id = 0x12345678, .manufacturer = 0x2C2D,
				 .version = 1, .medium = 0x04 };
	size_t next = 0, seen = 0;
	int frames = 0;

	for (size_t i = 0; i < 60; i++) {
		recs[i] = number("energy", "Wh", 3, MBUS_DF_INT32, (int64_t)i);
		recs[i].storage = i;
	}
	while (next < 60) {
		uint8_t f[MBUS_MAX_FRAME];
		struct mbus_telegram t;
		size_t before = next;
		int n = mbus_build_rsp_ud(f, sizeof(f), MBUS_C_RSP_UD, 5, &h,
					  recs, 60, &next);

		ASSERT_LT(0, n);
		ASSERT_LT(before, next);
		frames++;
		mbus_telegram_init(&t);
		ASSERT_EQ(0, mbus_telegram_parse(f, (size_t)n, &t, NULL));
		EXPECT_EQ(0x12345678, t.header.id);
		EXPECT_EQ(next < 60, t.more_records);
		for (size_t i = 0; i < t.n_records; i++) {
			if (t.records[i].manufacturer_data)
				continue;
			EXPECT_EQ(seen, t.records[i].storage);
			EXPECT_EQ(seen, t.records[i].value.magnitude / 1);
			seen++;
		}
		mbus_telegram_free(&t);
	}
	EXPECT_EQ(60, seen);
	EXPECT_LT(1, frames);
}

TEST(rsp_ud_exact_fit)
{
	/* 12 header bytes + 40 records of 6 bytes = 252: no 0x1F needed */
	struct mbus_record_spec recs[40];
	struct mbus_header h = { 0 };
	uint8_t f[MBUS_MAX_FRAME];
	size_t next = 0;

	for (size_t i = 0; i < 40; i++)
		recs[i] = number("volume", "m^3", -3, MBUS_DF_INT32, 1);
	ASSERT_EQ(MBUS_MAX_FRAME, mbus_build_rsp_ud(f, sizeof(f), MBUS_C_RSP_UD,
						    1, &h, recs, 40, &next));
	EXPECT_EQ(40, next);
}

TEST(rsp_ud_record_too_big)
{
	struct mbus_record_spec s = { .df = MBUS_DF_LVAR, .vif = { 0xFD, 0x11 },
				      .vif_len = 2 };
	struct mbus_header h = { 0 };
	uint8_t f[MBUS_MAX_FRAME];
	size_t next = 0;

	s.value.type = MBUS_VALUE_TEXT;
	memset(s.value.bytes, 'x', 0xBF);
	s.value.len = 0xBF;
	ASSERT_LT(0, mbus_build_rsp_ud(f, sizeof(f), MBUS_C_RSP_UD, 1, &h, &s, 1,
				       &next));
	s.plain_unit = NULL;
	s.value.len = 0xC0;
	next = 0;
	EXPECT_EQ(-ERANGE, mbus_build_rsp_ud(f, sizeof(f), MBUS_C_RSP_UD, 1, &h,
					     &s, 1, &next));
}

TEST(set_primary_frame)
{
	uint8_t f[16], want[16];
	size_t n = hex("68 06 06 68 53 FE 51 01 7A 08 25 16", want, sizeof(want));

	ASSERT_EQ((int)n, mbus_build_set_primary(f, sizeof(f), MBUS_C_SND_UD,
						 0xFE, 8));
	EXPECT_EQ(0, memcmp(want, f, n));
}

TEST_HARNESS_MAIN
