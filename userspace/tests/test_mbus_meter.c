// SPDX-License-Identifier: GPL-2.0
/* The slave model: replies per EN 13757-2/-3 to each master request. */
#include <errno.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

FIXTURE(meter) {
	struct mbus_meter m;
	struct mbus_record_spec recs[50];
	uint8_t reply[MBUS_MAX_FRAME];
	unsigned int ev;
};

FIXTURE_SETUP(meter)
{
	memset(&self->m, 0, sizeof(self->m));
	for (size_t i = 0; i < 50; i++) {
		ASSERT_EQ(0, mbus_record_spec_number(&self->recs[i], "volume",
						     "m^3", -3, MBUS_DF_BCD8,
						     (int64_t)i));
		self->recs[i].storage = i;
	}
	self->m.primary = 5;
	self->m.addr = (struct mbus_secaddr){ 0x12345678, 0x2C2D, 0x1B, 0x07 };
	self->m.records = self->recs;
	self->m.n_records = 3;
	mbus_meter_reset(&self->m);
}

FIXTURE_TEARDOWN(meter)
{
}

static int req(struct __test_metadata *_metadata, FIXTURE_DATA(meter) *self,
	       uint8_t c, uint8_t a)
{
	uint8_t f[8];
	int n = mbus_frame_build_short(f, sizeof(f), c, a);

	return mbus_meter_handle(&self->m, f, (size_t)n, self->reply,
				 sizeof(self->reply), &self->ev);
}

static int snd(struct __test_metadata *_metadata, FIXTURE_DATA(meter) *self,
	       uint8_t a, uint8_t ci, const char *data)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = long_frame(MBUS_C_SND_UD, a, ci, data, f, sizeof(f));

	return mbus_meter_handle(&self->m, f, n, self->reply,
				 sizeof(self->reply), &self->ev);
}

static int select_sa(FIXTURE_DATA(meter) *self, const char *pattern)
{
	struct mbus_secaddr sa;
	uint8_t f[32];
	int n;

	if (mbus_secaddr_parse(pattern, &sa))
		return -EINVAL;
	n = mbus_build_select(f, sizeof(f), MBUS_C_SND_UD, &sa);
	return mbus_meter_handle(&self->m, f, (size_t)n, self->reply,
				 sizeof(self->reply), &self->ev);
}

/* Parse the last reply as a telegram. */
static void parse_reply(struct __test_metadata *_metadata,
			FIXTURE_DATA(meter) *self, int n, struct mbus_telegram *t)
{
	ASSERT_LT(0, n);
	mbus_telegram_init(t);
	ASSERT_EQ(0, mbus_telegram_parse(self->reply, (size_t)n, t, NULL));
}

TEST_F(meter, snd_nke_acks)
{
	EXPECT_EQ(1, req(_metadata, self, MBUS_C_SND_NKE, 5));
	EXPECT_EQ(0xE5, self->reply[0]);
	EXPECT_EQ(0, req(_metadata, self, MBUS_C_SND_NKE, 6));
	EXPECT_EQ(1, req(_metadata, self, MBUS_C_SND_NKE, 0xFE));
	EXPECT_EQ(0, req(_metadata, self, MBUS_C_SND_NKE, 0xFF));
	/* not selected: 0xFD is somebody else */
	EXPECT_EQ(0, req(_metadata, self, MBUS_C_SND_NKE, 0xFD));
}

TEST_F(meter, req_ud2_answers_records)
{
	struct mbus_telegram t;
	int n = req(_metadata, self, 0x7B, 5);

	parse_reply(_metadata, self, n, &t);
	EXPECT_EQ(MBUS_C_RSP_UD, t.frame.c);
	EXPECT_EQ(5, t.frame.a);
	EXPECT_EQ(0x72, t.frame.ci);
	EXPECT_EQ(0x12345678, t.header.id);
	EXPECT_EQ(0x07, t.header.medium);
	EXPECT_EQ(3, t.n_records);
	EXPECT_FALSE(t.more_records);
	EXPECT_TRUE(self->ev & MBUS_METER_EV_READ);
	mbus_telegram_free(&t);
}

TEST_F(meter, fcb_repeat_and_toggle)
{
	uint8_t first[MBUS_MAX_FRAME];
	int n1, n2;

	n1 = req(_metadata, self, 0x7B, 5);
	ASSERT_LT(0, n1);
	memcpy(first, self->reply, (size_t)n1);
	/* same FCB: the master lost the answer, the same telegram again */
	n2 = req(_metadata, self, 0x7B, 5);
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(first, self->reply, (size_t)n1));
	EXPECT_FALSE(self->ev & MBUS_METER_EV_READ);
	/* toggled FCB: a new telegram with the next access number */
	n2 = req(_metadata, self, 0x5B, 5);
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(first[15] + 1, self->reply[15]);
	/* FCV clear (C = 0x4B): never a repeat */
	n2 = req(_metadata, self, 0x4B, 5);
	ASSERT_LT(0, n2);
	EXPECT_EQ(first[15] + 2, self->reply[15]);
	n2 = req(_metadata, self, 0x4B, 5);
	EXPECT_EQ(first[15] + 3, self->reply[15]);
}

TEST_F(meter, snd_ud_between_reads_is_not_a_repeat)
{
	int n;

	ASSERT_LT(0, req(_metadata, self, 0x7B, 5));
	/* SND_UD with FCB 0, then REQ_UD2 with FCB 1 again: a new read */
	n = snd(_metadata, self, 5, 0x51, "");
	EXPECT_EQ(1, n);
	n = req(_metadata, self, 0x7B, 5);
	ASSERT_LT(0, n);
	EXPECT_TRUE(self->ev & MBUS_METER_EV_READ);
}

TEST_F(meter, multi_telegram)
{
	struct mbus_telegram last;
	uint8_t c = 0x7B;
	size_t seen = 0;
	int frames = 0;
	bool more = true;

	self->m.n_records = 50;
	req(_metadata, self, MBUS_C_SND_NKE, 5);
	while (more) {
		struct mbus_telegram t;
		int n = req(_metadata, self, c, 5);

		parse_reply(_metadata, self, n, &t);
		/* a lost answer is repeated, not skipped */
		ASSERT_EQ(n, req(_metadata, self, c, 5));
		for (size_t i = 0; i < t.n_records; i++) {
			if (t.records[i].manufacturer_data)
				continue;
			EXPECT_EQ(seen, t.records[i].storage);
			seen++;
		}
		more = t.more_records;
		mbus_telegram_free(&t);
		c ^= MBUS_C_FCB;
		frames++;
	}
	EXPECT_EQ(50, seen);
	EXPECT_LT(1, frames);
	/* the next toggle starts over */
	parse_reply(_metadata, self, req(_metadata, self, c, 5), &last);
	EXPECT_EQ(0, last.records[0].storage);
	mbus_telegram_free(&last);
}

TEST_F(meter, snd_nke_restarts_multi_telegram)
{
	struct mbus_telegram t;

	self->m.n_records = 50;
	ASSERT_LT(0, req(_metadata, self, 0x7B, 5));
	req(_metadata, self, MBUS_C_SND_NKE, 5);
	parse_reply(_metadata, self, req(_metadata, self, 0x5B, 5), &t);
	EXPECT_EQ(0, t.records[0].storage);
	mbus_telegram_free(&t);
}

TEST_F(meter, secondary_selection)
{
	struct mbus_telegram t;

	/* pads to manufacturer 0x20FF: no match, no answer */
	EXPECT_EQ(0, select_sa(self, "1234567820"));
	EXPECT_EQ(0, select_sa(self, "12345678FFFF1B06"));
	EXPECT_FALSE(self->m.selected);
	EXPECT_EQ(0, req(_metadata, self, 0x7B, 0xFD));
	EXPECT_EQ(1, select_sa(self, "1FFFFF78"));
	EXPECT_TRUE(self->m.selected);
	EXPECT_TRUE(self->ev & MBUS_METER_EV_SELECT);
	parse_reply(_metadata, self, req(_metadata, self, 0x7B, 0xFD), &t);
	EXPECT_EQ(0x12345678, t.header.id);
	mbus_telegram_free(&t);
	EXPECT_EQ(1, select_sa(self, "12345678FFFF1B07"));
	EXPECT_EQ(1, select_sa(self, "FFFFFFFF2D2CFFFF"));
	/* a non-matching selection deselects */
	EXPECT_EQ(0, select_sa(self, "FFFFFFFF2E2CFFFF"));
	EXPECT_FALSE(self->m.selected);
	/* SND_NKE to 0xFD deselects the selected meter */
	EXPECT_EQ(1, select_sa(self, "12345678"));
	EXPECT_EQ(1, req(_metadata, self, MBUS_C_SND_NKE, 0xFD));
	EXPECT_FALSE(self->m.selected);
	EXPECT_EQ(0, req(_metadata, self, 0x7B, 0xFD));
}

TEST_F(meter, set_primary_address)
{
	uint8_t f[16];
	int n = mbus_build_set_primary(f, sizeof(f), MBUS_C_SND_UD, 5, 42);

	ASSERT_EQ(1, mbus_meter_handle(&self->m, f, (size_t)n, self->reply,
				       sizeof(self->reply), &self->ev));
	EXPECT_EQ(42, self->m.primary);
	EXPECT_TRUE(self->ev & MBUS_METER_EV_ADDRESS);
	EXPECT_EQ(0, req(_metadata, self, 0x7B, 5));
	EXPECT_LT(0, req(_metadata, self, 0x7B, 42));
	/* out of range addresses are ignored, still acknowledged */
	EXPECT_EQ(1, snd(_metadata, self, 42, 0x51, "01 7A FB"));
	EXPECT_EQ(42, self->m.primary);
	/* through secondary addressing */
	EXPECT_EQ(1, select_sa(self, "12345678"));
	EXPECT_EQ(1, snd(_metadata, self, 0xFD, 0x51, "01 7A 07"));
	EXPECT_EQ(7, self->m.primary);
}

TEST_F(meter, write_identification)
{
	EXPECT_EQ(1, snd(_metadata, self, 5, 0x51, "0C 79 21 43 65 87"));
	EXPECT_EQ(0x87654321, self->m.addr.id);
	EXPECT_TRUE(self->ev & MBUS_METER_EV_ID);
}

TEST_F(meter, app_reset_and_baud)
{
	struct mbus_telegram t;

	self->m.n_records = 50;
	ASSERT_LT(0, req(_metadata, self, 0x7B, 5));
	EXPECT_EQ(1, snd(_metadata, self, 5, 0x50, ""));
	EXPECT_TRUE(self->ev & MBUS_METER_EV_RESET);
	parse_reply(_metadata, self, req(_metadata, self, 0x5B, 5), &t);
	EXPECT_EQ(0, t.records[0].storage);
	mbus_telegram_free(&t);

	EXPECT_EQ(1, snd(_metadata, self, 5, 0xBD, ""));
	EXPECT_TRUE(self->ev & MBUS_METER_EV_BAUD);
	EXPECT_EQ(9600, self->m.baud);
	/* broadcast without reply: executed, silent */
	EXPECT_EQ(0, snd(_metadata, self, 0xFF, 0xB8, ""));
	EXPECT_EQ(300, self->m.baud);
}

TEST_F(meter, bad_frames_get_no_reply)
{
	uint8_t f[8] = { 0x10, 0x7B, 0x05, 0x81, 0x16 };

	EXPECT_EQ(0, mbus_meter_handle(&self->m, f, 5, self->reply,
				       sizeof(self->reply), &self->ev));
	f[3] = 0x80;
	EXPECT_EQ(0, mbus_meter_handle(&self->m, f, 4, self->reply,
				       sizeof(self->reply), &self->ev));
	/* a slave's own answer on the bus is not a request */
	EXPECT_EQ(0, req(_metadata, self, MBUS_C_RSP_UD, 5));
	f[0] = 0xE5;
	EXPECT_EQ(0, mbus_meter_handle(&self->m, f, 1, self->reply,
				       sizeof(self->reply), &self->ev));
}

TEST_F(meter, reply_buffer_too_small)
{
	uint8_t f[8], small[10];
	int n = mbus_frame_build_short(f, sizeof(f), 0x7B, 5);

	EXPECT_EQ(-ENOSPC, mbus_meter_handle(&self->m, f, (size_t)n, small,
					     sizeof(small), NULL));
}

TEST_HARNESS_MAIN
