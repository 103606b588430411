// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the hex capture parser. */
#include <stdint.h>

#include "kselftest_harness.h"
#include "hexdump.h"

TEST(spaced_bytes)
{
	uint8_t buf[8];
	size_t pos;

	ASSERT_EQ(3, smcard_hex_parse("10 5b\nFE", buf, sizeof(buf), &pos));
	EXPECT_EQ(0x10, buf[0]);
	EXPECT_EQ(0x5b, buf[1]);
	EXPECT_EQ(0xfe, buf[2]);
}

TEST(prefixed_and_packed)
{
	uint8_t buf[8];
	size_t pos;

	ASSERT_EQ(4, smcard_hex_parse("0x68,0x03 0316", buf, sizeof(buf), &pos));
	EXPECT_EQ(0x16, buf[3]);
}

TEST(bad_digit_position)
{
	uint8_t buf[8];
	size_t pos = 0;

	ASSERT_EQ(-1, smcard_hex_parse("10 5g", buf, sizeof(buf), &pos));
	EXPECT_EQ(3, pos);
}

TEST(odd_digit_count)
{
	uint8_t buf[8];
	size_t pos = 0;

	ASSERT_EQ(-1, smcard_hex_parse("10 5", buf, sizeof(buf), &pos));
	EXPECT_EQ(3, pos);
}

TEST(overflow)
{
	uint8_t buf[2];
	size_t pos = 0;

	ASSERT_EQ(-1, smcard_hex_parse("01 02 03", buf, sizeof(buf), &pos));
	EXPECT_EQ(6, pos);
}

TEST_HARNESS_MAIN
