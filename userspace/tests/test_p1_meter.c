// SPDX-License-Identifier: GPL-2.0
/* The emulator's meter model and telegram writer, read back by the parser. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

static void read_back(struct __test_metadata *_metadata,
		      const struct p1_meter *m, struct p1_summary *s,
		      enum p1_variant want)
{
	char buf[8192];
	struct p1_telegram t;
	struct p1_error err;
	long n = p1_meter_telegram(m, buf, sizeof(buf));

	ASSERT_GT(n, 0);
	ASSERT_EQ(0, p1_parse(buf, (size_t)n, 0, NULL, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(t.crc_ok);
	EXPECT_EQ(want, t.variant);
	p1_summarize(&t, s);
	p1_telegram_free(&t);
}

/* Energy registers move by the power the telegrams showed, times time. */
static void energy_follows_power(struct __test_metadata *_metadata,
				 enum p1_meter_flavour flavour,
				 enum p1_variant variant)
{
	struct p1_meter m;
	struct p1_summary s, first;
	double wh = 0;

	/* midday in June: solar makes the net power change sign now and then */
	p1_meter_init(&m, flavour, 42, 1718274000, NULL);
	read_back(_metadata, &m, &first, variant);
	for (int i = 0; i < 1800; i++) {
		read_back(_metadata, &m, &s, variant);
		wh += (s.power_import_w - s.power_export_w) / 3600.0;
		for (unsigned int k = 0; k < m.phases; k++) {
			EXPECT_GT(s.voltage_v[k], 200);
			EXPECT_LT(s.voltage_v[k], 260);
		}
		p1_meter_step(&m, 1.0);
	}
	read_back(_metadata, &m, &s, variant);
	EXPECT_NEAR(wh / 1000.0, (s.import_kwh - first.import_kwh) -
		    (s.export_kwh - first.export_kwh), 0.003);
	EXPECT_GE(s.import_kwh, first.import_kwh);
	EXPECT_GE(s.export_kwh, first.export_kwh);
	EXPECT_EQ(1718274000 + 1800, s.time);
}

TEST(swedish_energy_follows_power)
{
	energy_follows_power(_metadata, P1_METER_SWEDISH, P1_VARIANT_SWEDISH);
}

TEST(dsmr5_energy_follows_power)
{
	energy_follows_power(_metadata, P1_METER_DSMR5, P1_VARIANT_DSMR5);
}

TEST(xs211_energy_follows_power)
{
	energy_follows_power(_metadata, P1_METER_XS211, P1_VARIANT_SWEDISH);
}

TEST(xs211_3ph_energy_follows_power)
{
	energy_follows_power(_metadata, P1_METER_XS211_3PH, P1_VARIANT_SWEDISH);
}

/* The XS211 datasheet's measurements, as objects of its telegram. */
static const char *const xs211_objects[] = {
	"0-0:1.0.0", "0-0:96.1.1", "1-0:1.8.0", "1-0:1.8.1", "1-0:1.8.2",
	"1-0:1.8.3", "1-0:1.8.4", "1-0:1.8.5", "1-0:1.8.6", "1-0:1.8.7",
	"1-0:1.8.8", "1-0:2.8.0", "1-0:2.8.1", "1-0:2.8.2", "1-0:2.8.3",
	"1-0:2.8.4", "1-0:2.8.5", "1-0:2.8.6", "1-0:2.8.7", "1-0:2.8.8",
	"1-0:3.8.0", "1-0:4.8.0", "1-0:5.8.0", "1-0:6.8.0", "1-0:7.8.0",
	"1-0:8.8.0", "1-0:9.8.0", "1-0:10.8.0", "0-0:96.14.0", "1-0:1.7.0",
	"1-0:2.7.0", "1-0:3.7.0", "1-0:4.7.0", "1-0:9.7.0", "1-0:10.7.0",
	"1-0:1.4.0", "1-0:1.6.0", "0-0:96.3.10", "0-0:96.7.21", "0-0:96.7.9",
	"1-0:99.97.0",
};
/* C and D of the per-phase objects, L1 */
static const int phase_c[] = { 21, 22, 23, 24, 32, 31, 32, 32 };
static const int phase_d[] = { 7, 7, 7, 7, 7, 7, 32, 36 };

static void object_set(struct __test_metadata *_metadata,
		       enum p1_meter_flavour flavour, unsigned int phases)
{
	size_t n = sizeof(xs211_objects) / sizeof(xs211_objects[0]);
	struct p1_telegram t;
	struct p1_error err;
	struct p1_meter m;
	char buf[8192], code[24];
	long len;

	p1_meter_init(&m, flavour, 5, 1718274000, NULL);
	len = p1_meter_telegram(&m, buf, sizeof(buf));
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, p1_parse(buf, (size_t)len, 0, NULL, &t, &err)) TH_LOG("%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		EXPECT_NE(NULL, p1_find(&t, xs211_objects[i])) {
			TH_LOG("%s", xs211_objects[i]);
		}
	}
	for (unsigned int ph = 0; ph < 3; ph++) {
		for (size_t i = 0; i < sizeof(phase_c) / sizeof(phase_c[0]); i++) {
			snprintf(code, sizeof(code), "1-0:%d.%d.0",
				 phase_c[i] + 20 * (int)ph, phase_d[i]);
			EXPECT_EQ(ph < phases, p1_find(&t, code) != NULL) {
				TH_LOG("%s", code);
			}
		}
		n += ph < phases ? sizeof(phase_c) / sizeof(phase_c[0]) : 0;
	}
	/* that much and nothing else, every object named */
	EXPECT_EQ(n, t.nobjs);
	for (size_t i = 0; i < t.nobjs; i++) {
		EXPECT_TRUE(t.objs[i].known) {
			TH_LOG("%s", t.objs[i].code);
		}
	}
	EXPECT_EQ(0, t.nnotes);
	p1_telegram_free(&t);
}

TEST(xs211_single_phase_object_set)
{
	object_set(_metadata, P1_METER_XS211, 1);
}

TEST(xs211_three_phase_object_set)
{
	object_set(_metadata, P1_METER_XS211_3PH, 3);
}

static double num(const struct p1_telegram *t, const char *code)
{
	return obj_number(t, code);
}

/*
 * Registers agree with each other as a meter's do: reactive import is
 * QI + QII, export QIII + QIV; the total is the sum of the tariffs; the
 * apparent energy is at least the active energy, and all only grow.
 */
TEST(xs211_registers_agree)
{
	struct p1_telegram a, b;
	struct p1_error err;
	struct p1_meter m;
	char buf[8192];
	long len;
	double tariffs = 0;

	p1_meter_init(&m, P1_METER_XS211_3PH, 11, 1718260000, NULL);
	len = p1_meter_telegram(&m, buf, sizeof(buf));
	ASSERT_EQ(0, p1_parse(buf, (size_t)len, 0, NULL, &a, &err)) TH_LOG("%s", err.msg);
	for (int i = 0; i < 7200; i++)
		p1_meter_step(&m, 1.0);
	len = p1_meter_telegram(&m, buf, sizeof(buf));
	ASSERT_EQ(0, p1_parse(buf, (size_t)len, 0, NULL, &b, &err)) TH_LOG("%s", err.msg);

	EXPECT_NEAR(num(&b, "1-0:5.8.0") + num(&b, "1-0:6.8.0"), num(&b, "1-0:3.8.0"), 0.002);
	EXPECT_NEAR(num(&b, "1-0:7.8.0") + num(&b, "1-0:8.8.0"), num(&b, "1-0:4.8.0"), 0.002);
	for (int k = 1; k <= 8; k++) {
		char code[24];

		snprintf(code, sizeof(code), "1-0:1.8.%d", k);
		tariffs += num(&b, code);
		EXPECT_GE(num(&b, code), num(&a, code));
	}
	EXPECT_NEAR(tariffs, num(&b, "1-0:1.8.0"), 0.005);
	EXPECT_GE(num(&b, "1-0:9.8.0") - num(&a, "1-0:9.8.0"),
		  num(&b, "1-0:1.8.0") - num(&a, "1-0:1.8.0") - 0.002);
	EXPECT_GT(num(&b, "1-0:9.8.0") + num(&b, "1-0:10.8.0"),
		  num(&a, "1-0:9.8.0") + num(&a, "1-0:10.8.0"));
	/* two hours of load raise the month's peak or leave it */
	EXPECT_GE(num(&b, "1-0:1.6.0"), 0);
	EXPECT_GT(num(&b, "1-0:1.4.0"), 0);
	p1_telegram_free(&a);
	p1_telegram_free(&b);
}

/* Over a year the XS211's time-of-use table uses all eight registers. */
TEST(xs211_eight_tariffs_in_a_year)
{
	struct p1_meter m;
	bool used[9] = { false };

	p1_meter_init(&m, P1_METER_XS211, 1, 1704067200, NULL);
	for (int h = 0; h < 365 * 24; h += 5) {
		m.now = 1704067200 + (int64_t)h * 3600;
		used[p1_meter_tariff(&m)] = true;
	}
	for (int k = 1; k <= 8; k++) {
		EXPECT_TRUE(used[k]) {
			TH_LOG("tariff %d", k);
		}
	}
}

/* An Irish meter writes Irish local time; read in its zone it is right. */
TEST(meter_clock_in_its_zone)
{
	struct p1_tz *ie;
	struct p1_error err;
	struct p1_telegram t;
	struct p1_meter m;
	struct p1_summary s;
	char buf[8192];
	long len;

	ASSERT_EQ(0, p1_tz_load("Europe/Dublin", &ie, &err)) TH_LOG("%s", err.msg);
	for (int64_t now = 1616890000; now < 1616900000; now += 1800) {
		p1_meter_init(&m, P1_METER_XS211, 1, now, ie);
		len = p1_meter_telegram(&m, buf, sizeof(buf));
		ASSERT_EQ(0, p1_parse(buf, (size_t)len, 0, ie, &t, &err)) TH_LOG("%s", err.msg);
		p1_summarize(&t, &s);
		EXPECT_EQ(now, s.time);
		EXPECT_EQ(0, t.nnotes);
		p1_telegram_free(&t);
	}
	p1_tz_free(ie);
}

TEST(same_seed_same_telegrams)
{
	struct p1_meter a, b;
	char ta[4096], tb[4096];

	p1_meter_init(&a, P1_METER_DSMR5, 7, 1700000000, NULL);
	p1_meter_init(&b, P1_METER_DSMR5, 7, 1700000000, NULL);
	for (int i = 0; i < 10; i++) {
		p1_meter_step(&a, 1.0);
		p1_meter_step(&b, 1.0);
	}
	ASSERT_GT(p1_meter_telegram(&a, ta, sizeof(ta)), 0);
	ASSERT_GT(p1_meter_telegram(&b, tb, sizeof(tb)), 0);
	EXPECT_STREQ(ta, tb);
}

TEST(gas_every_five_minutes)
{
	struct p1_meter m;
	struct p1_summary s0, s;

	p1_meter_init(&m, P1_METER_DSMR5, 3, 1700000000, NULL);
	read_back(_metadata, &m, &s0, P1_VARIANT_DSMR5);
	ASSERT_EQ(1, s0.nmbus);
	EXPECT_EQ(0, s0.mbus[0].time.utc % 300);
	for (int i = 0; i < 900; i++)
		p1_meter_step(&m, 1.0);
	read_back(_metadata, &m, &s, P1_VARIANT_DSMR5);
	EXPECT_EQ(s0.mbus[0].time.utc + 900, s.mbus[0].time.utc);
	EXPECT_GE(s.mbus[0].value, s0.mbus[0].value);
}

TEST(too_small_buffer)
{
	struct p1_meter m;
	char buf[100];

	p1_meter_init(&m, P1_METER_SWEDISH, 1, 1700000000, NULL);
	EXPECT_EQ(-ENOSPC, p1_meter_telegram(&m, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
