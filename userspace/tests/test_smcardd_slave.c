// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd's M-Bus slave: what the RSP_UD carries for the configured
 * counters, analog and digital inputs and the time, decoded back with the
 * library's own parser; addressing and FCB through the slave model.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "smcardd/config.h"
#include "smcardd/slave.h"

static const char cfg_text[] =
	"[mbus.slave]\n"
	"id = 12345678\n"
	"manufacturer = OPT\n"
	"version = 3\n"
	"medium = electricity\n"
	"primary_address = 7\n"
	"[counter energy]\n"
	"unit = kWh\npulses_per_unit = 1000\ninitial = 100\n"
	"[counter water]\n"
	"unit = m3\nweight = 0.01\ndevice_class = water\n"
	"[analog pressure]\n"
	"channel = current2\ninput = 4 20\noutput = 0 10\nunit = bar\n"
	"[analog loop]\n"
	"channel = current2\n"
	"[analog odd]\n"
	"pin = 1\nunit = ppm\n"
	"[digital door]\n"
	"gpio = IO3\n"
	"[digital window]\n"
	"gpio = IO4\n";

/* the harness's TEST_F setjmp trips -Wclobbered at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"

#define EXPECT_NEAR(want, got, eps) \
	EXPECT_TRUE(fabs((double)(want) - (double)(got)) <= (eps))

/* 2026-03-01 12:34:56 UTC */
#define NOW ((time_t)1772368496)

struct slave_ctx {
	struct sd_config cfg;
	struct sd_slave s;
	struct mbus_telegram t;
	uint8_t reply[MBUS_MAX_FRAME];
	unsigned int ev;
};

/* small fixture: the harness keeps it on the stack around a fork */
FIXTURE(slave) {
	struct slave_ctx *c;
};

FIXTURE_SETUP(slave)
{
	self->c = calloc(1, sizeof(*self->c));
	ASSERT_NE(NULL, self->c);
	setenv("TZ", "UTC", 1);
	tzset();
	ASSERT_EQ(0, sd_config_parse_string(&self->c->cfg, cfg_text, "t"));
	ASSERT_EQ(0, sd_slave_init(&self->c->s, &self->c->cfg, 7));
	mbus_telegram_init(&self->c->t);
}

FIXTURE_TEARDOWN(slave)
{
	mbus_telegram_free(&self->c->t);
	sd_slave_free(&self->c->s);
	sd_config_free(&self->c->cfg);
	free(self->c);
}

static int request(FIXTURE_DATA(slave) *self, uint8_t c, uint8_t a)
{
	uint8_t f[8];
	int n = mbus_frame_build_short(f, sizeof(f), c, a);

	return sd_slave_handle(&self->c->s, f, (size_t)n, NOW, self->c->reply,
			       sizeof(self->c->reply), &self->c->ev);
}

/* REQ_UD2 to @a and decode the answer into self->c->t. */
static int read_ud2(FIXTURE_DATA(slave) *self, uint8_t c, uint8_t a)
{
	int n = request(self, c, a);

	if (n <= 0)
		return n ? n : -ENODATA;
	mbus_telegram_free(&self->c->t);
	mbus_telegram_init(&self->c->t);
	return mbus_telegram_parse(self->c->reply, (size_t)n, &self->c->t, NULL);
}

static void feed_all(FIXTURE_DATA(slave) *self)
{
	sd_slave_update(&self->c->s, "counter/energy", 101.234, "kWh", false);
	sd_slave_update(&self->c->s, "counter/water", 12.34, "m3", false);
	sd_slave_update(&self->c->s, "analog/pressure", 5.0, "bar", false);
	sd_slave_update(&self->c->s, "analog/loop", 12.0, "mA", false);
	sd_slave_update(&self->c->s, "analog/odd", 415.5, "ppm", false);
	sd_slave_update(&self->c->s, "digital/door", 1, NULL, false);
	sd_slave_update(&self->c->s, "digital/window", 0, NULL, false);
}

TEST_F(slave, header_is_the_configured_identity)
{
	char man[4];

	feed_all(self);
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2, 7));
	EXPECT_EQ(MBUS_C_RSP_UD, self->c->t.frame.c);
	EXPECT_EQ(7, self->c->t.frame.a);
	EXPECT_EQ(0x72, self->c->t.frame.ci);
	EXPECT_EQ(0x12345678u, self->c->t.header.id);
	EXPECT_EQ(3, self->c->t.header.version);
	EXPECT_EQ(0x02, self->c->t.header.medium);
	EXPECT_EQ(0, self->c->t.header.status);
	mbus_manufacturer_code(self->c->t.header.manufacturer, man);
	EXPECT_STREQ("OPT", man);
}

TEST_F(slave, records_have_the_right_dif_vif_and_values)
{
	const struct mbus_record *r;

	feed_all(self);
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2, 7));
	ASSERT_EQ(7, self->c->t.n_records);
	r = self->c->t.records;
	/* 1000 imp/kWh: Wh resolution, VIF 03, 32-bit integer */
	EXPECT_EQ(0x04, r[0].dif);
	EXPECT_EQ(0x03, r[0].vif);
	EXPECT_STREQ("energy", r[0].quantity);
	EXPECT_STREQ("Wh", r[0].unit);
	EXPECT_NEAR(101234.0, mbus_value_double(&r[0].value), 1e-6);
	EXPECT_EQ(0, r[0].subunit);
	/* 0.01 m3 per pulse: VIF 14 (10^-2 m3), subunit 1 (DIFE 0x40) */
	EXPECT_EQ(0x84, r[1].dif);
	EXPECT_EQ(0x40, r[1].dife[0]);
	EXPECT_EQ(0x14, r[1].vif);
	EXPECT_STREQ("volume", r[1].quantity);
	EXPECT_EQ(1, r[1].subunit);
	EXPECT_NEAR(12.34, mbus_value_double(&r[1].value), 1e-9);
	/* 5 bar in mbar: VIF 68 */
	EXPECT_EQ(0x68, r[2].vif);
	EXPECT_STREQ("pressure", r[2].quantity);
	EXPECT_NEAR(5.0, mbus_value_double(&r[2].value), 1e-9);
	EXPECT_EQ(0, r[2].subunit);
	/* 12 mA in uA: VIF FD 56 */
	EXPECT_EQ(0xFD, r[3].vif);
	EXPECT_EQ(0x56, r[3].vife[0] & 0x7F);
	EXPECT_STREQ("current", r[3].quantity);
	EXPECT_NEAR(0.012, mbus_value_double(&r[3].value), 1e-12);
	EXPECT_EQ(1, r[3].subunit);
	/* ppm has no VIF: real32 with a plain-text unit */
	EXPECT_EQ(0x85, r[4].dif);
	EXPECT_EQ(0x7C, r[4].vif & 0x7F);
	EXPECT_STREQ("ppm", r[4].unit);
	EXPECT_NEAR(415.5, mbus_value_double(&r[4].value), 1e-3);
	/* digital inputs: one byte, door (bit 0) active */
	EXPECT_EQ(0x01, r[5].dif);
	EXPECT_STREQ("digital_input", r[5].quantity);
	EXPECT_EQ(1u, r[5].value.magnitude);
	/* the time, type F */
	EXPECT_EQ(0x04, r[6].dif);
	EXPECT_EQ(0x6D, r[6].vif);
	EXPECT_EQ(2026, r[6].value.dt.year);
	EXPECT_EQ(3, r[6].value.dt.month);
	EXPECT_EQ(1, r[6].value.dt.day);
	EXPECT_EQ(12, r[6].value.dt.hour);
	EXPECT_EQ(34, r[6].value.dt.minute);
	EXPECT_FALSE(self->c->t.more_records);
}

TEST_F(slave, missing_and_faulty_readings_are_flagged)
{
	feed_all(self);
	sd_slave_update(&self->c->s, "analog/loop", 2.1, "mA", true);
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2, 7));
	EXPECT_EQ(SD_SLAVE_STATUS_TEMP_ERROR, self->c->t.header.status);
	EXPECT_EQ(MBUS_FUNC_INSTANTANEOUS, self->c->t.records[2].function);
	EXPECT_EQ(MBUS_FUNC_ERROR, self->c->t.records[3].function);
	EXPECT_NEAR(0.0021, mbus_value_double(&self->c->t.records[3].value), 1e-12);
}

TEST_F(slave, nothing_read_yet)
{
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2, 7));
	EXPECT_EQ(SD_SLAVE_STATUS_TEMP_ERROR, self->c->t.header.status);
	for (size_t i = 0; i < 6; i++) {
		EXPECT_EQ(MBUS_FUNC_ERROR, self->c->t.records[i].function);
	}
	EXPECT_EQ(MBUS_FUNC_INSTANTANEOUS, self->c->t.records[6].function);
}

TEST_F(slave, unknown_readings_are_ignored)
{
	EXPECT_FALSE(sd_slave_update(&self->c->s, "counter/nope", 1, "kWh", false));
	EXPECT_TRUE(sd_slave_update(&self->c->s, "counter/energy", 1, "kWh", false));
}

TEST_F(slave, fcb_repeat_gives_the_same_telegram)
{
	uint8_t first[MBUS_MAX_FRAME];
	int n1, n2;

	feed_all(self);
	n1 = request(self, MBUS_C_REQ_UD2 | MBUS_C_FCV | MBUS_C_FCB, 7);
	ASSERT_GT(n1, 0);
	memcpy(first, self->c->reply, (size_t)n1);
	sd_slave_update(&self->c->s, "counter/energy", 200, "kWh", false);
	/* same FCB: the master lost our answer; it gets it again */
	n2 = request(self, MBUS_C_REQ_UD2 | MBUS_C_FCV | MBUS_C_FCB, 7);
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(first, self->c->reply, (size_t)n1));
	/* toggled FCB: a new telegram with the new value */
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2 | MBUS_C_FCV, 7));
	EXPECT_NEAR(200000.0, mbus_value_double(&self->c->t.records[0].value), 1e-6);
	EXPECT_NE(first[15], self->c->reply[15]);	/* access number */
}

TEST_F(slave, snd_nke_and_addressing)
{
	EXPECT_EQ(1, request(self, MBUS_C_SND_NKE, 7));
	EXPECT_EQ(MBUS_ACK, self->c->reply[0]);
	EXPECT_EQ(0, request(self, MBUS_C_SND_NKE, 8));
	EXPECT_EQ(0, request(self, MBUS_C_REQ_UD2, 8));
	EXPECT_GT(request(self, MBUS_C_REQ_UD2, MBUS_ADDR_BROADCAST), 0);
	EXPECT_EQ(0, request(self, MBUS_C_SND_NKE, MBUS_ADDR_BROADCAST_NR));
}

static int select_sa(FIXTURE_DATA(slave) *self, const char *pattern)
{
	struct mbus_secaddr sa;
	uint8_t f[32];
	int n;

	if (mbus_secaddr_parse(pattern, &sa))
		return -EINVAL;
	n = mbus_build_select(f, sizeof(f), MBUS_C_SND_UD, &sa);
	return sd_slave_handle(&self->c->s, f, (size_t)n, NOW, self->c->reply,
			       sizeof(self->c->reply), &self->c->ev);
}

TEST_F(slave, secondary_selection_with_wildcards)
{
	char pattern[MBUS_SECADDR_STRLEN];
	uint16_t man;

	ASSERT_EQ(0, mbus_manufacturer_id("OPT", &man));
	/* other ID: silence, not selected */
	EXPECT_EQ(0, select_sa(self, "12345679"));
	EXPECT_EQ(0, request(self, MBUS_C_REQ_UD2, MBUS_ADDR_SELECTED));
	/* ID with wildcards and the full address */
	EXPECT_EQ(1, select_sa(self, "1234FFFF"));
	snprintf(pattern, sizeof(pattern), "12345678%02X%02X0302", man & 0xFF,
		 man >> 8);
	EXPECT_EQ(1, select_sa(self, pattern));
	ASSERT_EQ(0, read_ud2(self, MBUS_C_REQ_UD2, MBUS_ADDR_SELECTED));
	EXPECT_EQ(0x12345678u, self->c->t.header.id);
	/* wrong medium: deselected, no answer */
	snprintf(pattern, sizeof(pattern), "12345678%02X%02X0307", man & 0xFF,
		 man >> 8);
	EXPECT_EQ(0, select_sa(self, pattern));
	EXPECT_EQ(0, request(self, MBUS_C_REQ_UD2, MBUS_ADDR_SELECTED));
	/* SND_NKE to FD deselects */
	EXPECT_EQ(1, select_sa(self, "FFFFFFFF"));
	EXPECT_EQ(1, request(self, MBUS_C_SND_NKE, MBUS_ADDR_SELECTED));
	EXPECT_EQ(0, request(self, MBUS_C_REQ_UD2, MBUS_ADDR_SELECTED));
}

TEST_F(slave, set_primary_address_and_baud)
{
	uint8_t f[32];
	int n = mbus_build_set_primary(f, sizeof(f), MBUS_C_SND_UD, 7, 42);

	ASSERT_GT(n, 0);
	EXPECT_EQ(1, sd_slave_handle(&self->c->s, f, (size_t)n, NOW, self->c->reply,
				     sizeof(self->c->reply), &self->c->ev));
	EXPECT_TRUE(self->c->ev & MBUS_METER_EV_ADDRESS);
	EXPECT_EQ(42, self->c->s.meter.primary);
	EXPECT_EQ(0, request(self, MBUS_C_REQ_UD2, 7));
	EXPECT_GT(request(self, MBUS_C_REQ_UD2, 42), 0);
	n = mbus_frame_build_long(f, sizeof(f), MBUS_C_SND_UD, 42, 0xBD, NULL, 0);
	EXPECT_EQ(1, sd_slave_handle(&self->c->s, f, (size_t)n, NOW, self->c->reply,
				     sizeof(self->c->reply), &self->c->ev));
	EXPECT_TRUE(self->c->ev & MBUS_METER_EV_BAUD);
	EXPECT_EQ(9600u, self->c->s.meter.baud);
	n = mbus_frame_build_long(f, sizeof(f), MBUS_C_SND_UD, 42, 0x50, NULL, 0);
	EXPECT_EQ(1, sd_slave_handle(&self->c->s, f, (size_t)n, NOW, self->c->reply,
				     sizeof(self->c->reply), &self->c->ev));
	EXPECT_TRUE(self->c->ev & MBUS_METER_EV_RESET);
}

/* Many counters: the records span telegrams, each announcing the next. */
TEST(multi_telegram)
{
	char *text = malloc(16384);
	struct sd_config cfg;
	struct sd_slave s;
	struct mbus_telegram t;
	uint8_t f[8], reply[MBUS_MAX_FRAME];
	size_t len = 0, total = 0;
	unsigned int ev, tele = 0;
	bool fcb = true;

	ASSERT_NE(NULL, text);
	len += (size_t)sprintf(text + len, "[mbus.slave]\nid = 1\n");
	for (int i = 0; i < 40; i++)
		len += (size_t)sprintf(text + len,
				       "[counter c%d]\nunit = pulses\nweight = 1\n", i);
	ASSERT_EQ(0, sd_config_parse_string(&cfg, text, "t"));
	free(text);
	ASSERT_EQ(0, sd_slave_init(&s, &cfg, 1));
	for (int i = 0; i < 40; i++) {
		char key[32];

		snprintf(key, sizeof(key), "counter/c%d", i);
		sd_slave_update(&s, key, 1000 + i, "pulses", false);
	}
	do {
		int n;

		mbus_frame_build_short(f, sizeof(f), mbus_fcb_c(
			&(struct mbus_fcb){ fcb }, MBUS_C_REQ_UD2), 1);
		n = sd_slave_handle(&s, f, 5, NOW, reply, sizeof(reply), &ev);
		ASSERT_GT(n, 0);
		mbus_telegram_init(&t);
		ASSERT_EQ(0, mbus_telegram_parse(reply, (size_t)n, &t, NULL));
		for (size_t i = 0; i < t.n_records; i++) {
			if (t.records[i].manufacturer_data ||
			    t.records[i].vif == 0x6D)	/* the time, last */
				continue;
			EXPECT_NEAR(1000.0 + (double)total,
				    mbus_value_double(&t.records[i].value), 1e-3);
			EXPECT_STREQ("pulses", t.records[i].unit);
			total++;
		}
		tele++;
		fcb = !fcb;
		if (!t.more_records) {
			mbus_telegram_free(&t);
			break;
		}
		mbus_telegram_free(&t);
	} while (tele < 10);
	EXPECT_EQ(40u, total);
	EXPECT_GE(tele, 2u);
	sd_slave_free(&s);
	sd_config_free(&cfg);
}

TEST(encoding_keeps_the_pulse_weight_exact)
{
	struct sd_slave_item it;

	memset(&it, 0, sizeof(it));
	ASSERT_EQ(0, sd_slave_encoding("kWh", 0.25, 0, &it));
	EXPECT_EQ(1, it.exp);		/* 250 Wh = 25 x 10 Wh */
	EXPECT_EQ(0x04, it.vif[0]);
	ASSERT_EQ(0, sd_slave_encoding("kWh", 1, 0.5, &it));
	EXPECT_EQ(2, it.exp);		/* 500 Wh start: 100 Wh steps */
	ASSERT_EQ(0, sd_slave_encoding("L", 1, 0, &it));
	EXPECT_EQ(-3, it.exp);		/* litres: VIF 13 */
	EXPECT_EQ(0x13, it.vif[0]);
	ASSERT_EQ(0, sd_slave_encoding("MWh", 1, 0, &it));
	EXPECT_EQ(6, it.exp);		/* MWh: VIF FB 01 */
	EXPECT_EQ(2, it.vif_len);
	ASSERT_EQ(0, sd_slave_encoding("°C", 0, 0, &it));
	EXPECT_EQ(-3, it.exp);
	EXPECT_EQ(0x64, it.vif[0]);
	ASSERT_EQ(0, sd_slave_encoding("V", 0, 0, &it));
	EXPECT_EQ(-3, it.exp);
	EXPECT_EQ(-ENOENT, sd_slave_encoding("imp", 1, 0, &it));
	EXPECT_TRUE(it.real);
}

TEST(medium_names_and_numbers)
{
	uint8_t m;

	EXPECT_EQ(0, sd_slave_medium("water", &m));
	EXPECT_EQ(7, m);
	EXPECT_EQ(0, sd_slave_medium("0x1B", &m));
	EXPECT_EQ(0x1B, m);
	EXPECT_EQ(-EINVAL, sd_slave_medium("reserved", &m));
	EXPECT_EQ(-EINVAL, sd_slave_medium("256", &m));
}

TEST_HARNESS_MAIN
