// SPDX-License-Identifier: GPL-2.0
/*
 * Profile objects as entries with times and units: the DSMR 2.2/3 gas
 * buffer (its reading on the next line), the power failure log and the
 * e-MUCS monthly peaks.
 */
#include "kselftest_harness.h"
#include "test_p1_util.h"

TEST(dsmr3_gas_hourly_value)
{
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;
	const struct p1_entry *e;

	ASSERT_EQ(0, parse_str(fixture_dsmr3, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "0-1:24.3.0");
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("mbus_reading", o->info.name);
	EXPECT_EQ(P1_KIND_NUMBER, o->kind);
	ASSERT_EQ(1, o->nentries);
	e = p1_object_entry(&t, o, 0);
	/* no flag: 2009-02-12 16:00 is winter time, 15:00 UTC */
	EXPECT_EQ(P1_TIME_OK, e->time.state);
	EXPECT_EQ(1234450800, e->time.utc);
	EXPECT_EQ(3600, e->time.offset);
	EXPECT_TRUE(e->has_value);
	EXPECT_NEAR(1.001, e->value, 1e-9);
	EXPECT_STREQ("m3", e->unit);
	p1_telegram_free(&t);
}

/* Several hourly values: each an hour after the one before. */
TEST(gas_buffer_of_three)
{
	static const char tg[] =
		"/ISk5\\2MT382-1004\r\n\r\n"
		"1-0:1.7.0(001.19*kW)\r\n"
		"0-1:24.3.0(090212160000)(00)(60)(3)(0-1:24.2.1)(m3)\r\n"
		"(00001.001)(00001.101)(00001.201)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "0-1:24.3.0");
	ASSERT_NE(NULL, o);
	ASSERT_EQ(3, o->nentries);
	for (size_t i = 0; i < 3; i++) {
		const struct p1_entry *e = p1_object_entry(&t, o, i);

		EXPECT_EQ(1234450800 + 3600 * (int64_t)i, e->time.utc);
		EXPECT_NEAR(1.001 + 0.1 * (double)i, e->value, 1e-9);
		EXPECT_STREQ("m3", e->unit);
	}
	EXPECT_NEAR(1.201, o->number, 1e-9);	/* the latest is the reading */
	p1_telegram_free(&t);
}

TEST(power_failure_log)
{
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;
	const struct p1_entry *e;

	ASSERT_EQ(0, parse_str(fixture_dsmr5, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "1-0:99.97.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_KIND_PROFILE, o->kind);
	ASSERT_EQ(2, o->nentries);
	e = p1_object_entry(&t, o, 0);
	EXPECT_EQ(1291818255, e->time.utc);	/* 2010-12-08 15:24:15 CET */
	EXPECT_NEAR(240, e->value, 0);
	EXPECT_STREQ("s", e->unit);
	EXPECT_EQ(P1_TIME_ABSENT, e->start.state);
	e = p1_object_entry(&t, o, 1);
	EXPECT_EQ(1291817404, e->time.utc);
	EXPECT_NEAR(301, e->value, 0);
	EXPECT_NULL(p1_object_entry(&t, o, 2));
	p1_telegram_free(&t);
}

TEST(emucs_monthly_peaks)
{
	static const int64_t start[3] = { 1588284000, 1585692000, 1583017200 };
	static const int64_t peak[3] = { 1587662738, 1583407299, 1581303261 };
	static const double kw[3] = { 3.695, 5.98, 4.318 };
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(fixture_emucs, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "0-0:98.1.0");
	ASSERT_NE(NULL, o);
	ASSERT_EQ(3, o->nentries);
	for (size_t i = 0; i < 3; i++) {
		const struct p1_entry *e = p1_object_entry(&t, o, i);

		EXPECT_EQ(P1_TIME_OK, e->start.state);
		EXPECT_EQ(start[i], e->start.utc) TH_LOG("entry %zu", i);
		EXPECT_EQ(peak[i], e->time.utc) TH_LOG("entry %zu", i);
		EXPECT_NEAR(kw[i], e->value, 1e-9);
		EXPECT_STREQ("kW", e->unit);
	}
	p1_telegram_free(&t);
}

/* An empty buffer, and one whose count disagrees with its groups. */
TEST(odd_buffers)
{
	static const char tg[] =
		"/XYZ5 x\r\n\r\n"
		"1-0:99.97.0(0)(0-0:96.7.19)\r\n"
		"0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(200501000000S)(200423192538S)(03.695*kW)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "1-0:99.97.0");
	EXPECT_EQ(P1_KIND_PROFILE, o->kind);
	EXPECT_EQ(0, o->nentries);
	/* 2 entries announced, 3 groups: not a buffer we can read, kept */
	o = p1_find(&t, "0-0:98.1.0");
	EXPECT_NE(P1_KIND_PROFILE, o->kind);
	EXPECT_EQ(6, o->ngroups);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
