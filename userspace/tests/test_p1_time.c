// SPDX-License-Identifier: GPL-2.0
/* P1 timestamps: S/W flags, EU DST rules for flagless stamps, formatting. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

static int64_t ts(const char *s)
{
	int64_t t = -1;

	if (p1_time_parse(s, strlen(s), &t))
		return -1;
	return t;
}

TEST(summer_and_winter_flags)
{
	/* 2021-07-01 12:00 CEST = 10:00 UTC; 2021-01-01 12:00 CET = 11:00 UTC */
	EXPECT_EQ(1625133600, ts("210701120000S"));
	EXPECT_EQ(1609498800, ts("210101120000W"));
	EXPECT_EQ(1625133600, ts("210701120000s"));
}

TEST(autumn_hour_repeats)
{
	/* 2021-10-31: 02:30 happens twice; the flag tells which */
	EXPECT_EQ(1635640200, ts("211031023000S"));	/* 00:30 UTC */
	EXPECT_EQ(1635643800, ts("211031023000W"));	/* 01:30 UTC */
	/* without a flag the later (winter) one is taken */
	EXPECT_EQ(1635643800, ts("211031023000"));
}

TEST(flagless_follows_eu_rules)
{
	/* 2021-03-28 is the switch: 01:30 CET, 03:30 CEST */
	EXPECT_EQ(1616891400, ts("210328013000"));	/* 00:30 UTC */
	EXPECT_EQ(1616895000, ts("210328033000"));	/* 01:30 UTC */
	EXPECT_EQ(1625133600, ts("210701120000"));
}

TEST(rejects)
{
	EXPECT_EQ(-1, ts("211301120000W"));
	EXPECT_EQ(-1, ts("210101250000W"));
	EXPECT_EQ(-1, ts("210101120000X"));
	EXPECT_EQ(-1, ts("2101011200"));
	EXPECT_EQ(-1, ts("21010112000aW"));
}

TEST(format_round_trip)
{
	char buf[14], iso[21];

	for (int64_t t = 1609459200; t < 1640995200; t += 3599) {
		p1_time_format(t, buf);
		ASSERT_EQ(t, ts(buf)) TH_LOG("%s", buf);
	}
	p1_time_format(1625133600, buf);
	EXPECT_STREQ("210701120000S", buf);
	p1_time_iso(1625133600, iso);
	EXPECT_STREQ("2021-07-01T10:00:00Z", iso);
}

TEST_HARNESS_MAIN
