// SPDX-License-Identifier: GPL-2.0
/*
 * Variant detection from the header and the objects: DSMR 2.2, 3, 4.x,
 * 5.x, e-MUCS, Smarty, Swedish, EasyMeter Q3D, Hungarian, with the
 * version where the telegram says it; anything else still decodes.
 */
#include "kselftest_harness.h"
#include "test_p1_util.h"

static void expect(struct __test_metadata *_metadata, const char *fixture,
		   enum p1_variant variant, const char *version)
{
	struct p1_telegram t;
	struct p1_error err;

	ASSERT_EQ(0, parse_str(fixture, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ(p1_variant_name(variant), p1_variant_name(t.variant));
	EXPECT_STREQ(version, t.version);
	for (size_t i = 0; i < t.nnotes; i++)
		EXPECT_EQ(NULL, strstr(t.notes[i].msg, "no known variant"));
	p1_telegram_free(&t);
}

TEST(every_fixture)
{
	expect(_metadata, fixture_dsmr22, P1_VARIANT_DSMR22, "2.2");
	expect(_metadata, fixture_dsmr3, P1_VARIANT_DSMR3, "3.0");
	expect(_metadata, fixture_dsmr4, P1_VARIANT_DSMR4, "4.2");
	expect(_metadata, fixture_dsmr5, P1_VARIANT_DSMR5, "5.0");
	expect(_metadata, fixture_emucs, P1_VARIANT_EMUCS, "50217");
	expect(_metadata, fixture_smarty, P1_VARIANT_SMARTY, "5.0");
	expect(_metadata, fixture_swedish, P1_VARIANT_SWEDISH, "");
	expect(_metadata, fixture_easymeter, P1_VARIANT_EASYMETER, "3.04");
	expect(_metadata, fixture_hungarian, P1_VARIANT_HUNGARIAN, "");
}

TEST(names)
{
	static const char *const want[] = {
		"unknown", "dsmr2.2", "dsmr3", "dsmr4", "dsmr5", "e-mucs",
		"swedish", "smarty", "easymeter-q3d", "hungarian",
	};

	for (int v = P1_VARIANT_UNKNOWN; v <= P1_VARIANT_HUNGARIAN; v++)
		EXPECT_STREQ(want[v], p1_variant_name((enum p1_variant)v));
}

/* The header alone names Fluvius (e-MUCS) and EasyMeter meters. */
TEST(by_header)
{
	expect(_metadata, "/FLU5\\253769484_A\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n!\r\n",
	       P1_VARIANT_EMUCS, "");
	expect(_metadata, "/ESY5Q3DA1004 V3.02\r\n\r\n1-0:1.8.0*255(00000001.0*kWh)\r\n!\r\n",
	       P1_VARIANT_EASYMETER, "3.02");
}

/* DSMR 4.0 says 40; an XS211 without version object is Swedish. */
TEST(by_objects)
{
	expect(_metadata, "/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(40)\r\n1-0:1.8.1(000001.000*kWh)\r\n!\r\n",
	       P1_VARIANT_DSMR4, "4.0");
	expect(_metadata, "/SAG5\\XS211\r\n\r\n1-0:1.8.0(00000001.000*kWh)\r\n"
			  "1-0:1.8.1(00000001.000*kWh)\r\n1-0:3.8.0(00000001.000*kvarh)\r\n!\r\n",
	       P1_VARIANT_SWEDISH, "");
}

TEST(unknown_header_decodes_generically)
{
	static const char tg[] =
		"/XYZ5 ACME-9000\r\n\r\n"
		"0-0:1.0.0(210701120000S)\r\n"
		"1-0:1.7.0(01.500*kW)\r\n"
		"1-0:32.7.0(230.1*V)\r\n"
		"1-0:13.7.0(0.95)\r\n"
		"9-9:99.99.99(what)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;
	bool noted = false;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(P1_VARIANT_UNKNOWN, t.variant);
	EXPECT_EQ(5, t.nobjs);
	o = p1_find(&t, "1-0:13.7.0");
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(o->known);
	EXPECT_STREQ("power_factor", o->info.name);
	EXPECT_NEAR(0.95, o->number, 1e-9);
	EXPECT_EQ(1625133600, p1_find(&t, "0-0:1.0.0")->time.utc);
	EXPECT_STREQ("what", p1_find(&t, "9-9:99.99.99")->text);
	for (size_t i = 0; i < t.nnotes; i++)
		noted |= t.notes[i].obj == P1_NOTE_TELEGRAM && !t.notes[i].warning &&
			 strstr(t.notes[i].msg, "decoded generically");
	EXPECT_TRUE(noted);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
