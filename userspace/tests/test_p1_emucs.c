// SPDX-License-Identifier: GPL-2.0
/* Belgian e-MUCS H: demand, monthly peaks, breaker, limiter, M-Bus water. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

TEST(emucs)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;
	const struct p1_object *o;
	const struct p1_group *g;

	ASSERT_EQ(0, parse_str(fixture_emucs, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(P1_VARIANT_EMUCS, t.variant);
	EXPECT_STREQ("50217", t.version);
	EXPECT_TRUE(t.crc_ok);

	o = p1_find(&t, "1-0:1.6.0");
	ASSERT_NE(NULL, o);
	EXPECT_NEAR(2.589, o->number, 1e-9);
	EXPECT_STREQ("kW", o->unit);
	EXPECT_EQ(P1_TIME_OK, o->time.state);
	EXPECT_EQ(1589024758, o->time.utc);		/* 2020-05-09 13:45:58 CEST */

	o = p1_find(&t, "0-0:98.1.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_KIND_PROFILE, o->kind);
	EXPECT_EQ(3, o->count);
	EXPECT_EQ(2, o->nids);
	EXPECT_EQ(3, o->entry_width);
	g = p1_object_group(&t, o, 1 + 2 + 3 * 1 + 2);
	ASSERT_NE(NULL, g);
	EXPECT_STREQ("05.980", g->text);
	EXPECT_STREQ("kW", g->unit);

	p1_summarize(&t, &s);
	EXPECT_NEAR(15.792, s.import_kwh, 1e-9);
	EXPECT_NEAR(0.011, s.export_kwh, 1e-9);
	EXPECT_NEAR(2351, s.demand_w, 1e-9);
	EXPECT_NEAR(2589, s.peak_demand_w, 1e-9);
	EXPECT_TRUE(s.has_peak_time);
	EXPECT_NEAR(1, s.breaker, 0);
	EXPECT_NEAR(999900, s.limiter_w, 1e-6);
	EXPECT_NEAR(234.7, s.voltage_v[2], 1e-9);
	ASSERT_EQ(2, s.nmbus);
	EXPECT_EQ(1, s.mbus[0].channel);
	EXPECT_NEAR(112.384, s.mbus[0].value, 1e-9);	/* 0-1:24.2.3 gas */
	EXPECT_EQ(7, s.mbus[1].type);
	EXPECT_STREQ("water", p1_mbus_type_name(s.mbus[1].type));
	EXPECT_NEAR(872.234, s.mbus[1].value, 1e-9);
	p1_telegram_free(&t);
}

TEST(heat_meter_in_gj)
{
	static const char tg[] =
		"/FLU5\\heat\r\n\r\n"
		"0-0:96.1.4(50217)\r\n"
		"0-3:24.1.0(004)\r\n"
		"0-3:24.2.1(200512134558S)(0012.345*GJ)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	p1_summarize(&t, &s);
	ASSERT_EQ(1, s.nmbus);
	EXPECT_EQ(3, s.mbus[0].channel);
	EXPECT_STREQ("heat", p1_mbus_type_name(s.mbus[0].type));
	EXPECT_STREQ("GJ", s.mbus[0].unit);
	EXPECT_NEAR(12.345, s.mbus[0].value, 1e-9);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
