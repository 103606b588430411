// SPDX-License-Identifier: GPL-2.0
/* M-Bus link layer: frame parse/build, FCB, secondary addresses. */
#include <errno.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

TEST(single_char)
{
	uint8_t b[1] = { 0xE5 };
	struct mbus_frame f;

	ASSERT_EQ(1, mbus_frame_parse(b, 1, &f, NULL));
	EXPECT_EQ(MBUS_FRAME_ACK, f.type);
}

TEST(short_frame_snd_nke)
{
	uint8_t b[8], out[8];
	struct mbus_frame f;
	size_t n = hex("10 40 05 45 16", b, sizeof(b));

	ASSERT_EQ(5, mbus_frame_parse(b, n, &f, NULL));
	EXPECT_EQ(MBUS_FRAME_SHORT, f.type);
	EXPECT_EQ(0x40, f.c);
	EXPECT_EQ(5, f.a);
	EXPECT_STREQ("SND_NKE", mbus_c_name(f.c));
	ASSERT_EQ(5, mbus_frame_build_short(out, sizeof(out), 0x40, 5));
	EXPECT_EQ(0, memcmp(b, out, 5));
}

TEST(control_frame)
{
	uint8_t b[16];
	struct mbus_frame f;
	/* application reset to address 1 */
	size_t n = hex("68 03 03 68 53 01 50 A4 16", b, sizeof(b));

	ASSERT_EQ(9, mbus_frame_parse(b, n, &f, NULL));
	EXPECT_EQ(MBUS_FRAME_CONTROL, f.type);
	EXPECT_EQ(0x50, f.ci);
	EXPECT_EQ(0, f.data_len);
	EXPECT_STREQ("SND_UD", mbus_c_name(f.c));
}

TEST(long_frame_roundtrip)
{
	uint8_t data[MBUS_MAX_DATA], out[MBUS_MAX_FRAME];
	struct mbus_frame f;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	ASSERT_EQ(MBUS_MAX_FRAME,
		  mbus_frame_build_long(out, sizeof(out), 0x08, 3, 0x72, data,
					sizeof(data)));
	EXPECT_EQ(255, out[1]);
	ASSERT_EQ(MBUS_MAX_FRAME, mbus_frame_parse(out, MBUS_MAX_FRAME, &f, NULL));
	EXPECT_EQ(MBUS_FRAME_LONG, f.type);
	EXPECT_EQ(sizeof(data), f.data_len);
	EXPECT_EQ(7, f.data_pos);
	EXPECT_EQ(0, memcmp(data, f.data, sizeof(data)));
	EXPECT_EQ(-ENOSPC, mbus_frame_build_long(out, 20, 0x08, 3, 0x72, data,
						 sizeof(data)));
}

TEST(oversized_data_rejected)
{
	uint8_t data[MBUS_MAX_DATA + 1] = { 0 }, out[MBUS_MAX_FRAME + 8];

	EXPECT_EQ(-EINVAL, mbus_frame_build_long(out, sizeof(out), 0x08, 3,
						 0x72, data, sizeof(data)));
}

struct bad_case {
	const char *hex;
	int ret;
	size_t pos;
};

TEST(errors_name_the_byte)
{
	static const struct bad_case cases[] = {
		{ "", -ENODATA, 0 },
		{ "00", -EBADMSG, 0 },
		{ "10 40 05", -ENODATA, 3 },
		{ "10 40 05 46 16", -EBADMSG, 3 },	/* checksum */
		{ "10 40 05 45 17", -EBADMSG, 4 },	/* stop byte */
		{ "68 03 04 68", -EBADMSG, 2 },		/* L differ */
		{ "68 03 03 69", -EBADMSG, 3 },		/* second start */
		{ "68 02 02 68 08 01 72", -EBADMSG, 1 },	/* L < 3 */
		{ "68 05 05 68 08 01 72 00", -ENODATA, 8 },
		{ "68 03 03 68 53 01 50 A4", -ENODATA, 8 },
		{ "68 03 03 68 53 01 50 A5 16", -EBADMSG, 7 },
		{ "68 03 03 68 53 01 50 A4 15", -EBADMSG, 8 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[16];
		struct mbus_frame f;
		struct mbus_error err = { 0 };
		size_t n = hex(cases[i].hex, b, sizeof(b));

		EXPECT_EQ(cases[i].ret, mbus_frame_parse(b, n, &f, &err))
			TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].pos, err.pos) TH_LOG("case %zu: %s", i,
							err.msg);
		EXPECT_NE(0, err.msg[0]);
	}
}

TEST(trailing_bytes)
{
	uint8_t b[8];
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	size_t n = hex("10 40 05 45 16 E5", b, sizeof(b));

	mbus_telegram_init(&t);
	EXPECT_EQ(-EBADMSG, mbus_telegram_parse(b, n, &t, &err));
	EXPECT_EQ(5, err.pos);
	mbus_telegram_free(&t);
}

TEST(fcb_sequence)
{
	struct mbus_fcb s;

	mbus_fcb_reset(&s);
	EXPECT_EQ(0x7B, mbus_fcb_c(&s, MBUS_C_REQ_UD2));
	/* a timeout repeats the same FCB */
	EXPECT_EQ(0x7B, mbus_fcb_c(&s, MBUS_C_REQ_UD2));
	mbus_fcb_done(&s);
	EXPECT_EQ(0x5B, mbus_fcb_c(&s, MBUS_C_REQ_UD2));
	mbus_fcb_done(&s);
	EXPECT_EQ(0x73, mbus_fcb_c(&s, MBUS_C_SND_UD));
	EXPECT_STREQ("REQ_UD2", mbus_c_name(0x7B));
	EXPECT_STREQ("RSP_UD", mbus_c_name(0x18));
	EXPECT_EQ(NULL, mbus_c_name(0x01));
}

TEST(manufacturer_codes)
{
	char s[4];
	uint16_t m;

	EXPECT_TRUE(mbus_manufacturer_code(0x2C2D, s));
	EXPECT_STREQ("KAM", s);
	EXPECT_TRUE(mbus_manufacturer_code(0x4024, s));
	EXPECT_STREQ("PAD", s);
	ASSERT_EQ(0, mbus_manufacturer_id("els", &m));
	EXPECT_EQ(0x1593, m);
	EXPECT_FALSE(mbus_manufacturer_code(0x0000, s));
	EXPECT_STREQ("???", s);
	EXPECT_EQ(-EINVAL, mbus_manufacturer_id("AB1", &m));
	EXPECT_EQ(-EINVAL, mbus_manufacturer_id("ABCD", &m));
}

TEST(secondary_address_text)
{
	struct mbus_secaddr sa;
	char s[MBUS_SECADDR_STRLEN];

	ASSERT_EQ(0, mbus_secaddr_parse("1234567824400107", &sa));
	EXPECT_EQ(0x12345678, sa.id);
	EXPECT_EQ(0x4024, sa.manufacturer);
	EXPECT_EQ(1, sa.version);
	EXPECT_EQ(7, sa.medium);
	mbus_secaddr_format(&sa, s);
	EXPECT_STREQ("1234567824400107", s);
	ASSERT_EQ(0, mbus_secaddr_parse("12", &sa));
	mbus_secaddr_format(&sa, s);
	EXPECT_STREQ("12FFFFFFFFFFFFFF", s);
	EXPECT_EQ(-EINVAL, mbus_secaddr_parse("12345678244001070", &sa));
	EXPECT_EQ(-EINVAL, mbus_secaddr_parse("1234x", &sa));
}

TEST(secondary_wildcards)
{
	struct mbus_secaddr meter = { 0x12345678, 0x2C2D, 0x1B, 0x04 };
	struct mbus_secaddr p = MBUS_SECADDR_WILDCARD;

	EXPECT_TRUE(mbus_secaddr_match(&p, &meter));
	p.id = 0x1FFFFFFF;
	EXPECT_TRUE(mbus_secaddr_match(&p, &meter));
	p.id = 0x2FFFFFFF;
	EXPECT_FALSE(mbus_secaddr_match(&p, &meter));
	p.id = 0xFFFFFF78;
	EXPECT_TRUE(mbus_secaddr_match(&p, &meter));
	p.id = 0xFFFFFFFF;
	p.manufacturer = 0x2C2E;
	EXPECT_FALSE(mbus_secaddr_match(&p, &meter));
	p.manufacturer = 0xFFFF;
	p.version = 0x1B;
	p.medium = 0x07;
	EXPECT_FALSE(mbus_secaddr_match(&p, &meter));
	p.medium = 0x04;
	EXPECT_TRUE(mbus_secaddr_match(&p, &meter));
}

TEST(select_frame)
{
	struct mbus_secaddr sa = { 0x1234FFFF, 0xFFFF, 0xFF, 0x07 };
	uint8_t out[32], want[32];
	struct mbus_telegram t;
	size_t n = hex("68 0B 0B 68 53 FD 52 FF FF 34 12 FF FF FF 07 EA 16",
		       want, sizeof(want));

	ASSERT_EQ((int)n, mbus_build_select(out, sizeof(out), MBUS_C_SND_UD, &sa));
	EXPECT_EQ(0, memcmp(want, out, n));
	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse(out, n, &t, NULL));
	EXPECT_EQ(MBUS_CI_KIND_SELECT, t.ci.kind);
	EXPECT_EQ(sa.id, t.select.id);
	EXPECT_EQ(sa.medium, t.select.medium);
	mbus_telegram_free(&t);
}

TEST_HARNESS_MAIN
