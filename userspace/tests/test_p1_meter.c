// SPDX-License-Identifier: GPL-2.0
/* The emulator's meter model and telegram writer, read back by the parser. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

static void read_back(struct __test_metadata *_metadata,
		      const struct p1_meter *m, struct p1_summary *s,
		      enum p1_variant want)
{
	char buf[4096];
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
		for (int k = 0; k < 3; k++) {
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
