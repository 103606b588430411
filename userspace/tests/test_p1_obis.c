// SPDX-License-Identifier: GPL-2.0
/*
 * Names and units of every object the standards define: the catalogue is
 * consistent with lookups, and the objects the standards list (power
 * factors, e-MUCS demand, breaker and limiter, Swedish reactive per phase,
 * XS211 quadrants, apparent energy and eight tariffs, failures, sags and
 * swells, text) come out named, with their units.
 */
#include "kselftest_harness.h"
#include "test_p1_util.h"

static struct p1_obis id(unsigned int a, unsigned int b, unsigned int c,
			 unsigned int d, unsigned int e)
{
	return (struct p1_obis){ (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d,
				 (uint8_t)e, 255 };
}

/* Parse a catalogue code, with T -> @tariff and n -> @channel. */
static struct p1_obis from_code(const char *code, unsigned int tariff,
				unsigned int channel)
{
	unsigned int v[5] = { 0 };
	const char *p = code;

	for (int i = 0; i < 5; i++) {
		if (*p == 'T')
			v[i] = tariff, p++;
		else if (*p == 'n')
			v[i] = channel, p++;
		else
			v[i] = (unsigned int)strtoul(p, (char **)&p, 10);
		p++;
	}
	return id(v[0], v[1], v[2], v[3], v[4]);
}

TEST(catalogue_agrees_with_lookup)
{
	struct p1_obis_info c, l, d;
	size_t n;

	for (n = 0; p1_obis_catalogue(n, &c); n++) {
		bool tariff = strchr(c.code, 'T'), mbus = strchr(c.code, 'n');

		for (unsigned int k = tariff ? 1 : 0; k <= (tariff ? 63u : 0u); k++) {
			struct p1_obis o = from_code(c.code, k, 2);
			char want[48];

			ASSERT_TRUE(p1_obis_lookup(&o, &l)) TH_LOG("%s (%u)", c.code, k);
			snprintf(want, sizeof(want), "%s", c.name);
			if (tariff)
				snprintf(strchr(want, 'T'), sizeof(want) - (size_t)(strchr(want, 'T') - want),
					 "%u", k);
			EXPECT_STREQ(want, l.name);
			EXPECT_EQ(c.quantity, l.quantity);
			EXPECT_EQ(c.flags, l.flags);
			EXPECT_TRUE(c.unit == l.unit || !strcmp(c.unit, l.unit));
			EXPECT_EQ(mbus, !!(l.flags & P1_INFO_MBUS));
		}
		EXPECT_NE(0, c.label[0]);
		EXPECT_NE(NULL, c.source);
		/* in one topic a name has one key, a key one name; codes differ */
		for (size_t m = 0; m < n; m++) {
			ASSERT_TRUE(p1_obis_catalogue(m, &d));
			EXPECT_STRNE(c.code, d.code);
			if ((c.flags & P1_INFO_MBUS) != (d.flags & P1_INFO_MBUS))
				continue;
			if (!strcmp(c.name, d.name) || !strcmp(c.key, d.key)) {
				EXPECT_STREQ(c.name, d.name) TH_LOG("%s / %s", c.code, d.code);
				EXPECT_STREQ(c.key, d.key) TH_LOG("%s / %s", c.code, d.code);
			}
		}
	}
	EXPECT_LT(100, n);
}

struct named {
	struct p1_obis id;
	const char *name, *unit, *key;
};

TEST(standards_objects)
{
	static const struct named want[] = {
		/* power factors */
		{ { 1, 0, 13, 7, 0, 255 }, "power_factor", NULL, "power_factor" },
		{ { 1, 0, 33, 7, 0, 255 }, "power_factor_l1", NULL, "power_factor_l1" },
		{ { 1, 0, 53, 7, 0, 255 }, "power_factor_l2", NULL, "power_factor_l2" },
		{ { 1, 0, 73, 7, 0, 255 }, "power_factor_l3", NULL, "power_factor_l3" },
		{ { 1, 0, 84, 7, 0, 255 }, "power_factor_export", NULL, "power_factor_export" },
		{ { 1, 0, 14, 7, 0, 255 }, "frequency", "Hz", "frequency_hz" },
		/* Swedish reactive energy and power, per phase and quadrant */
		{ { 1, 0, 3, 8, 0, 255 }, "reactive_energy_import_total", "kvarh", "reactive_import_kvarh" },
		{ { 1, 0, 4, 8, 0, 255 }, "reactive_energy_export_total", "kvarh", "reactive_export_kvarh" },
		{ { 1, 0, 5, 7, 0, 255 }, "reactive_power_q1", "var", "reactive_power_q1_var" },
		{ { 1, 0, 8, 7, 0, 255 }, "reactive_power_q4", "var", "reactive_power_q4_var" },
		{ { 1, 0, 23, 7, 0, 255 }, "reactive_power_import_l1", "var", "reactive_power_l1_import_var" },
		{ { 1, 0, 64, 7, 0, 255 }, "reactive_power_export_l3", "var", "reactive_power_l3_export_var" },
		{ { 1, 0, 45, 7, 0, 255 }, "reactive_power_q1_l2", "var", "reactive_power_l2_q1_var" },
		/* XS211: four quadrants, apparent energy, eight tariffs */
		{ { 1, 0, 5, 8, 0, 255 }, "reactive_energy_q1_total", "kvarh", "reactive_q1_kvarh" },
		{ { 1, 0, 8, 8, 0, 255 }, "reactive_energy_q4_total", "kvarh", "reactive_q4_kvarh" },
		{ { 1, 0, 9, 8, 0, 255 }, "apparent_energy_import_total", "kVAh", "apparent_import_kvah" },
		{ { 1, 0, 10, 8, 0, 255 }, "apparent_energy_export_total", "kVAh", "apparent_export_kvah" },
		{ { 1, 0, 1, 8, 8, 255 }, "energy_import_tariff8", "kWh", "import_t8_kwh" },
		{ { 1, 0, 2, 8, 5, 255 }, "energy_export_tariff5", "kWh", "export_t5_kwh" },
		{ { 1, 0, 9, 7, 0, 255 }, "apparent_power_import", "VA", "apparent_power_import_va" },
		/* e-MUCS demand, breaker, limiter, fuse */
		{ { 1, 0, 1, 4, 0, 255 }, "average_demand", "W", "average_demand_w" },
		{ { 1, 0, 1, 6, 0, 255 }, "peak_demand_month", "W", "peak_demand_w" },
		{ { 0, 0, 98, 1, 0, 255 }, "peak_demand_history", NULL, "peak_demand_history" },
		{ { 0, 0, 96, 3, 10, 255 }, "breaker_state", NULL, "breaker_state" },
		{ { 0, 0, 17, 0, 0, 255 }, "limiter_threshold", NULL, "limiter_threshold" },
		{ { 1, 0, 31, 4, 0, 255 }, "fuse_threshold_l1", "A", "fuse_threshold_l1_a" },
		/* failures, sags, swells, messages */
		{ { 0, 0, 96, 7, 21, 255 }, "power_failures", NULL, "power_failures" },
		{ { 0, 0, 96, 7, 9, 255 }, "long_power_failures", NULL, "long_power_failures" },
		{ { 1, 0, 99, 97, 0, 255 }, "power_failure_log", NULL, "power_failure_log" },
		{ { 1, 0, 52, 32, 0, 255 }, "voltage_sags_l2", NULL, "voltage_sags_l2" },
		{ { 1, 0, 72, 36, 0, 255 }, "voltage_swells_l3", NULL, "voltage_swells_l3" },
		{ { 0, 0, 96, 13, 0, 255 }, "text_message", NULL, "text_message" },
		/* M-Bus on any channel 1..4 */
		{ { 0, 4, 24, 2, 1, 255 }, "mbus_reading", NULL, "value" },
		{ { 0, 1, 24, 3, 0, 255 }, "mbus_reading", NULL, "value" },
		/* EasyMeter: E = 255 for the current value */
		{ { 1, 0, 21, 7, 255, 255 }, "power_import_l1", "W", "power_l1_import_w" },
		{ { 1, 0, 16, 7, 0, 255 }, "power_net", "W", "power_net_w" },
	};
	struct p1_obis_info i;

	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		ASSERT_TRUE(p1_obis_lookup(&want[k].id, &i)) TH_LOG("%s", want[k].name);
		EXPECT_STREQ(want[k].name, i.name);
		EXPECT_STREQ(want[k].key, i.key);
		EXPECT_STREQ(want[k].unit ? want[k].unit : "(none)", i.unit ? i.unit : "(none)")
			TH_LOG("%s", want[k].name);
	}
}

TEST(not_defined)
{
	static const struct p1_obis none[] = {
		{ 1, 0, 21, 8, 0, 255 },	/* per phase energy: no P1 standard */
		{ 1, 0, 1, 8, 64, 255 },	/* tariff beyond 63 */
		{ 1, 0, 1, 7, 1, 255 },		/* instantaneous values have no tariff */
		{ 0, 5, 24, 2, 1, 255 },	/* M-Bus channels are 1..4 */
		{ 0, 0, 24, 2, 1, 255 },
		{ 1, 1, 1, 8, 0, 255 },
		{ 1, 0, 11, 7, 0, 255 },	/* current of "any phase" */
	};
	struct p1_obis_info i;
	char buf[48];

	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		EXPECT_FALSE(p1_obis_lookup(&none[k], &i)) TH_LOG("%u-%u:%u.%u.%u", none[k].a,
			none[k].b, none[k].c, none[k].d, none[k].e);
		EXPECT_NULL(p1_obis_name(&none[k], buf));
	}
}

/* Every object of every fixture is named; its unit is the expected one. */
TEST(fixtures_fully_named)
{
	const char *const fixtures[] = {
		fixture_dsmr22, fixture_dsmr3, fixture_dsmr4, fixture_dsmr5,
		fixture_emucs, fixture_smarty, fixture_swedish, fixture_easymeter,
		fixture_hungarian,
	};

	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct p1_telegram t;
		struct p1_error err;

		ASSERT_EQ(0, parse_str(fixtures[f], &t, &err)) TH_LOG("%s", err.msg);
		for (size_t i = 0; i < t.nobjs; i++) {
			const struct p1_object *o = &t.objs[i];
			double v;

			EXPECT_TRUE(o->known) TH_LOG("fixture %zu: %s", f, o->code);
			if (o->known && o->info.unit && o->kind == P1_KIND_NUMBER)
				EXPECT_EQ(0, p1_unit_convert(1, o->unit, o->info.unit, &v))
					TH_LOG("%s: %s vs %s", o->code, o->unit, o->info.unit);
		}
		p1_telegram_free(&t);
	}
}

TEST(hex_text)
{
	char buf[64];

	EXPECT_EQ(13, p1_hex_text("48656C6C6F2C20776F726C6421", buf, sizeof(buf)));
	EXPECT_STREQ("Hello, world!", buf);
	EXPECT_EQ(6, p1_hex_text("4772C3BC6E21", buf, sizeof(buf)));	/* UTF-8 */
	EXPECT_STREQ("Grün!", buf);
	EXPECT_EQ(2, p1_hex_text("4F4B0000", buf, sizeof(buf)));		/* NUL padding */
	EXPECT_EQ(-1, p1_hex_text("", buf, sizeof(buf)));
	EXPECT_EQ(-1, p1_hex_text("414", buf, sizeof(buf)));
	EXPECT_EQ(-1, p1_hex_text("41GG", buf, sizeof(buf)));
	EXPECT_EQ(-1, p1_hex_text("0000", buf, sizeof(buf)));
	EXPECT_EQ(-1, p1_hex_text("4101", buf, sizeof(buf)));		/* control byte */
	EXPECT_EQ(-1, p1_hex_text("41C3", buf, sizeof(buf)));		/* cut UTF-8 */
	EXPECT_EQ(-1, p1_hex_text("414243", buf, 3));			/* no room */
}

TEST(text_objects_decoded)
{
	struct p1_telegram t;
	struct p1_error err;

	ASSERT_EQ(0, parse_str(fixture_dsmr3, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("Hello, world!", p1_find(&t, "0-0:96.13.0")->decoded);
	EXPECT_STREQ("012345678", p1_find(&t, "0-0:96.13.1")->decoded);
	EXPECT_STREQ("K8EG004046395507", p1_find(&t, "0-0:96.1.1")->decoded);
	EXPECT_STREQ("4B384547303034303436333935353037", p1_find(&t, "0-0:96.1.1")->text);
	EXPECT_STREQ("2222ABCD123456789", p1_find(&t, "0-1:96.1.0")->decoded);
	p1_telegram_free(&t);

	/* DSMR 5's 0-0:96.13.0 and Hungary's NUL-padded device name */
	ASSERT_EQ(0, parse_str(fixture_dsmr5, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("0123456789:;<=>?", p1_find(&t, "0-0:96.13.0")->decoded);
	p1_telegram_free(&t);
	ASSERT_EQ(0, parse_str(fixture_hungarian, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("AUX1030302759988", p1_find(&t, "0-0:42.0.0")->decoded);
	EXPECT_NULL(p1_find(&t, "0-0:96.1.0")->decoded);	/* not hex text */
	p1_telegram_free(&t);
}

TEST(power_factor_out_of_range_noted)
{
	struct p1_telegram t;
	struct p1_error err;
	bool noted = false;

	ASSERT_EQ(0, parse_str(fixture_hungarian, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_NEAR(-0.95, obj_number(&t, "1-0:73.7.0"), 1e-9);
	for (size_t i = 0; i < t.nnotes; i++)
		noted |= t.notes[i].warning && strstr(t.notes[i].msg, "1-0:33.7.0") &&
			 strstr(t.notes[i].msg, "outside");
	EXPECT_TRUE(noted);
	p1_telegram_free(&t);
}

TEST(wrong_unit_noted_and_kept)
{
	static const char tg[] = "/XYZ5 x\r\n\r\n1-0:1.8.1(000001.000*kW)\r\n!\r\n";
	struct p1_telegram t;
	struct p1_error err;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_NEAR(1, obj_number(&t, "1-0:1.8.1"), 0);
	EXPECT_STREQ("kW", obj_unit(&t, "1-0:1.8.1"));
	ASSERT_LE(1, t.nnotes);
	EXPECT_NE(NULL, strstr(t.notes[0].msg, "where kWh is expected")) TH_LOG("%s", t.notes[0].msg);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
