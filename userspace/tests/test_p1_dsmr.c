// SPDX-License-Identifier: GPL-2.0
/* DSMR 2.2, 4.2 and 5.0.2 telegrams as the P1 companion standards lay them out. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

TEST(dsmr5)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(fixture_dsmr5, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("ISk5\\2MT382-1000", t.header);
	EXPECT_EQ(P1_VARIANT_DSMR5, t.variant);
	EXPECT_STREQ("5.0", t.version);
	EXPECT_TRUE(t.has_crc);
	EXPECT_TRUE(t.crc_ok);
	EXPECT_EQ(35, t.nobjs);

	EXPECT_NEAR(123456.789, obj_number(&t, "1-0:1.8.1"), 1e-9);
	EXPECT_STREQ("kWh", obj_unit(&t, "1-0:1.8.1"));
	EXPECT_NEAR(1.193, obj_number(&t, "1-0:1.7.0"), 1e-9);
	EXPECT_NEAR(2, obj_number(&t, "0-0:96.14.0"), 0);
	EXPECT_NEAR(4, obj_number(&t, "0-0:96.7.21"), 0);

	/* 2010-12-09 11:30:20 CET = 10:30:20 UTC */
	o = p1_find(&t, "0-0:1.0.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_TIME_OK, o->time.state);
	EXPECT_EQ(1291890620, o->time.utc);

	/* identifiers stay text, leading zeros and all */
	o = p1_find(&t, "0-0:96.1.1");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_KIND_TEXT, o->kind);
	EXPECT_STREQ("4B384547303034303436333935353037", o->text);

	o = p1_find(&t, "1-0:99.97.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_KIND_PROFILE, o->kind);
	EXPECT_EQ(2, o->count);
	EXPECT_EQ(1, o->nids);
	EXPECT_EQ(2, o->entry_width);

	o = p1_find(&t, "0-1:24.2.1");
	ASSERT_NE(NULL, o);
	EXPECT_NEAR(12785.123, o->number, 1e-9);
	EXPECT_STREQ("m3", o->unit);
	EXPECT_EQ(1291890300, o->time.utc);

	p1_summarize(&t, &s);
	EXPECT_NEAR(246913.578, s.import_kwh, 1e-6);
	EXPECT_NEAR(1193, s.power_import_w, 1e-9);
	EXPECT_NEAR(220.2, s.voltage_v[1], 1e-9);
	EXPECT_NEAR(3, s.current_a[2], 1e-9);
	EXPECT_NEAR(6666, s.phase_export_w[2], 1e-9);
	ASSERT_EQ(1, s.nmbus);
	EXPECT_EQ(3, s.mbus[0].type);
	EXPECT_STREQ("gas", p1_mbus_type_name(s.mbus[0].type));
	EXPECT_NEAR(12785.123, s.mbus[0].value, 1e-9);
	p1_telegram_free(&t);
}

TEST(dsmr4)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	ASSERT_EQ(0, parse_str(fixture_dsmr4, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(P1_VARIANT_DSMR4, t.variant);
	EXPECT_STREQ("4.2", t.version);
	EXPECT_TRUE(t.crc_ok);
	p1_summarize(&t, &s);
	EXPECT_NEAR(517.034, s.import_kwh, 1e-9);
	EXPECT_NEAR(306.946, s.import_tariff_kwh[0], 1e-9);
	EXPECT_NEAR(2793, s.power_import_w, 1e-9);
	EXPECT_NEAR(854, s.phase_import_w[0], 1e-9);
	EXPECT_TRUE(isnan(s.voltage_v[0]));
	EXPECT_NEAR(671.79, s.mbus[0].value, 1e-9);
	p1_telegram_free(&t);
}

TEST(dsmr22_gas_on_next_line)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(fixture_dsmr22, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(P1_VARIANT_DSMR22, t.variant);
	EXPECT_FALSE(t.has_crc);
	EXPECT_NEAR(0.30, obj_number(&t, "1-0:1.7.0"), 1e-9);
	EXPECT_NEAR(1, obj_number(&t, "0-0:96.3.10"), 0);

	o = p1_find(&t, "0-1:24.3.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(7, o->ngroups);
	EXPECT_EQ(P1_KIND_NUMBER, o->kind);
	EXPECT_NEAR(124.477, o->number, 1e-9);
	EXPECT_STREQ("m3", o->unit);
	/* no DST flag: 2012-10-30 14:00 is winter time, 13:00 UTC */
	EXPECT_EQ(P1_TIME_OK, o->time.state);
	EXPECT_EQ(1351602000, o->time.utc);

	p1_summarize(&t, &s);
	EXPECT_NEAR(110.539, s.import_kwh, 1e-9);
	EXPECT_NEAR(999000, s.limiter_w, 1e-6);
	EXPECT_NEAR(124.477, s.mbus[0].value, 1e-9);
	p1_telegram_free(&t);
}

TEST(lf_only_line_ends)
{
	char buf[2048];
	struct p1_telegram t;
	struct p1_error err;
	size_t n = 0;

	/* strip every CR and give the result the CRC it now needs */
	for (const char *p = fixture_dsmr4; *p && *p != '!'; p++)
		if (*p != '\r')
			buf[n++] = *p;
	buf[n++] = '!';
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%04X\n",
			      p1_crc16(0, buf, n));
	ASSERT_EQ(0, p1_parse(buf, n, 0, NULL, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(t.crc_ok);
	EXPECT_NEAR(210.088, obj_number(&t, "1-0:1.8.2"), 1e-9);
	p1_telegram_free(&t);
}

TEST(unknown_objects_kept)
{
	static const char tg[] =
		"/XYZ5 test\r\n\r\n"
		"1-0:1.8.1(000001.000*kWh)\r\n"
		"0-0:96.99.42(hello)\r\n"
		"1-1:200.7.0(012.5*Hz)\r\n"
		"0-0:96.99.43(a)(b)(c)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(4, t.nobjs);
	o = p1_find(&t, "0-0:96.99.42");
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("hello", o->text);
	EXPECT_FALSE(o->known);
	o = p1_find(&t, "1-1:200.7.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_KIND_NUMBER, o->kind);
	EXPECT_STREQ("Hz", o->unit);
	o = p1_find(&t, "0-0:96.99.43");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(3, o->ngroups);
	EXPECT_STREQ("b", p1_object_group(&t, o, 1)->text);
	p1_telegram_free(&t);
}

/* A sub-device type out of the one-byte range is unknown, not undefined. */
TEST(mbus_type_out_of_range)
{
	static const char tg[] =
		"/XYZ5 test\r\n\r\n"
		"0-1:24.1.0(03033303133303037)\r\n"
		"0-2:24.1.0(-7)\r\n"
		"0-3:24.1.0(007)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	p1_summarize(&t, &s);
	ASSERT_EQ(3, s.nmbus);
	EXPECT_EQ(0, s.mbus[0].type);
	EXPECT_EQ(0, s.mbus[1].type);
	EXPECT_EQ(7, s.mbus[2].type);
	p1_telegram_free(&t);
}

TEST(malformed_line_position)
{
	static const char tg[] =
		"/XYZ5 test\r\n\r\n"
		"1-0:1.8.1(000001.000*kWh)\r\n"
		"1-0:1.8.2(000002.000*kWh\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;

	ASSERT_EQ(-EINVAL, parse_str(tg, &t, &err));
	EXPECT_EQ(4, err.line);
	EXPECT_EQ(strstr(tg, "(000002") - tg, err.pos);
	EXPECT_NE(NULL, strstr(err.msg, "not closed")) TH_LOG("%s", err.msg);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
