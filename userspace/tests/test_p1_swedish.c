// SPDX-License-Identifier: GPL-2.0
/* The Swedish P1 companion standard (Sagemcom XS211 and friends). */
#include "kselftest_harness.h"
#include "test_p1_util.h"

TEST(xs211)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	ASSERT_EQ(0, parse_str(fixture_swedish, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(P1_VARIANT_SWEDISH, t.variant);
	EXPECT_TRUE(t.crc_ok);
	EXPECT_STREQ("kvarh", obj_unit(&t, "1-0:4.8.0"));
	p1_summarize(&t, &s);
	EXPECT_NEAR(6678.394, s.import_kwh, 1e-9);
	EXPECT_NEAR(0, s.export_kwh, 0);
	EXPECT_TRUE(isnan(s.import_tariff_kwh[0]));
	EXPECT_NEAR(21.988, s.reactive_import_kvarh, 1e-9);
	EXPECT_NEAR(1020.971, s.reactive_export_kvarh, 1e-9);
	EXPECT_NEAR(1727, s.power_import_w, 1e-9);
	EXPECT_NEAR(309, s.reactive_export_var, 1e-9);
	EXPECT_NEAR(240.3, s.voltage_v[0], 1e-9);
	EXPECT_NEAR(241.3, s.voltage_v[2], 1e-9);
	EXPECT_NEAR(4.2, s.current_a[0], 1e-9);
	EXPECT_NEAR(350, s.phase_import_w[1], 1e-9);
	EXPECT_NEAR(0.161, obj_number(&t, "1-0:44.7.0"), 1e-9);
	EXPECT_EQ(1613583619, s.time);		/* 2021-02-17 18:40:19 CET */
	p1_telegram_free(&t);
}

TEST(units_any_case)
{
	static const char tg[] =
		"/ABC5 units\r\n\r\n"
		"1-0:1.8.0(00000012.500*KWH)\r\n"
		"1-0:2.8.0(00000100.000*wh)\r\n"
		"1-0:1.7.0(0001.500*KW)\r\n"
		"1-0:32.7.0(230.0*v)\r\n"
		"1-0:31.7.0(001.0*a)\r\n"
		"1-0:3.8.0(00000001.000*KVARH)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("kWh", obj_unit(&t, "1-0:1.8.0"));
	EXPECT_STREQ("Wh", obj_unit(&t, "1-0:2.8.0"));
	p1_summarize(&t, &s);
	EXPECT_NEAR(12.5, s.import_kwh, 1e-9);
	EXPECT_NEAR(0.1, s.export_kwh, 1e-9);
	EXPECT_NEAR(1500, s.power_import_w, 1e-9);
	EXPECT_NEAR(230, s.voltage_v[0], 1e-9);
	EXPECT_NEAR(1, s.current_a[0], 1e-9);
	EXPECT_NEAR(1, s.reactive_import_kvarh, 1e-9);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
