// SPDX-License-Identifier: GPL-2.0
/*
 * Time zones read from the system's tz database, checked against glibc's
 * own reading of the same files (TZ + localtime_r: process-wide state, fine
 * in a test), over every year P1 timestamps can name and beyond; POSIX TZ
 * strings; and files that are not time zones.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"

/* Compare p1_tz_offset() with glibc at many instants from 1990 to 2110. */
static void against_glibc(struct __test_metadata *_metadata, const char *zone)
{
	struct p1_error err;
	struct p1_tz *tz;
	int bad = 0;

	ASSERT_EQ(0, p1_tz_load(zone, &tz, &err)) TH_LOG("%s", err.msg);
	setenv("TZ", zone, 1);
	tzset();
	/* 5.3 days apart: every weekday, both sides of each change */
	for (int64_t t = 631152000; t < 4417977600LL; t += 457931) {
		for (int d = -3601; d <= 3601; d += 3601) {
			time_t tt = (time_t)(t + d);
			struct tm tm;

			localtime_r(&tt, &tm);
			if (p1_tz_offset(tz, t + d) != tm.tm_gmtoff && bad++ < 5)
				TH_LOG("%s at %lld: %d, glibc %ld", zone,
				       (long long)(t + d), p1_tz_offset(tz, t + d),
				       tm.tm_gmtoff);
		}
	}
	EXPECT_EQ(0, bad);
	p1_tz_free(tz);
}

TEST(zones_of_p1_countries_as_glibc_reads_them)
{
	static const char *const zones[] = {
		"Europe/Amsterdam", "Europe/Brussels", "Europe/Luxembourg",
		"Europe/Stockholm", "Europe/Dublin", "Europe/Budapest",
		"Europe/Berlin", "Europe/London", "Europe/Lisbon",
		"America/New_York", "Australia/Sydney", "Pacific/Chatham",
		"Asia/Kolkata", "UTC",
	};

	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		against_glibc(_metadata, zones[i]);
}

/*
 * tzdata gives Ireland negative daylight saving: Irish Standard Time
 * (UTC+1) is standard, winter GMT the "daylight" time. After the file's
 * last transition (2037) the footer rule "IST-1GMT0,M10.5.0,M3.5.0/1"
 * must keep winter at UTC+0 (GLib 2.74 gets UTC+2 there).
 */
TEST(dublin_negative_dst_beyond_2037)
{
	struct p1_error err;
	struct p1_tz *tz;

	ASSERT_EQ(0, p1_tz_load("Europe/Dublin", &tz, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, p1_tz_offset(tz, 1609459200));	/* 2021-01-01 */
	EXPECT_EQ(3600, p1_tz_offset(tz, 1625097600));	/* 2021-07-01 */
	EXPECT_EQ(0, p1_tz_offset(tz, 2208988800LL));	/* 2040-01-01 */
	EXPECT_EQ(3600, p1_tz_offset(tz, 2224627200LL));	/* 2040-07-01 */
	EXPECT_EQ(0, p1_tz_offset(tz, 4102444800LL));	/* 2100-01-01 */
	p1_tz_free(tz);
}

TEST(posix_strings)
{
	struct p1_error err;
	struct p1_tz *tz;

	/* the built-in rule, spelled out */
	ASSERT_EQ(0, p1_tz_load("CET-1CEST,M3.5.0,M10.5.0/3", &tz, &err)) TH_LOG("%s", err.msg);
	for (int64_t t = 946684800; t < 4102444800LL; t += 86400 * 3 + 1234) {
		ASSERT_EQ(p1_tz_offset(NULL, t), p1_tz_offset(tz, t)) {
			TH_LOG("at %lld", (long long)t);
		}
	}
	p1_tz_free(tz);

	/* southern hemisphere, Julian days, quoted names, explicit times */
	ASSERT_EQ(0, p1_tz_load("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", &tz, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(39600, p1_tz_offset(tz, 1609459200));	/* January: summer */
	EXPECT_EQ(37800, p1_tz_offset(tz, 1625097600));	/* July */
	p1_tz_free(tz);
	ASSERT_EQ(0, p1_tz_load("XXX3YYY,J60/1,300", &tz, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(-10800, p1_tz_offset(tz, 1609459200));
	EXPECT_EQ(-7200, p1_tz_offset(tz, 1625097600));
	p1_tz_free(tz);
	ASSERT_EQ(0, p1_tz_load("UTC0", &tz, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, p1_tz_offset(tz, 1625097600));
	p1_tz_free(tz);
}

TEST(names_that_are_no_zone)
{
	static const char *const bad[] = {
		"", "Europe/Amsterdm", "../../etc/passwd", "/etc/localtime",
		"Europe//Amsterdam", "Europe", "CET-1CEST", "CET-1CEST,M13.5.0,M10.5.0",
		"Europe/Amsterdam\n", "right/Europe/Amsterdam",
	};
	struct p1_error err;
	struct p1_tz *tz;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = p1_tz_load(bad[i], &tz, &err);

		EXPECT_NE(0, ret) TH_LOG("'%s' accepted", bad[i]);
		EXPECT_NULL(tz);
		EXPECT_NE(0, err.msg[0]);
	}
	EXPECT_EQ(-ENOENT, p1_tz_load("Europe/Amsterdm", &tz, &err));
	EXPECT_NE(NULL, strstr(err.msg, "unknown time zone 'Europe/Amsterdm'")) TH_LOG("%s", err.msg);
}

/* TZif data cut anywhere, or with a byte changed, is refused or read sanely. */
TEST(damaged_files)
{
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Dublin", "rb");
	static uint8_t buf[8192];
	struct p1_error err;
	struct p1_tz *tz;
	size_t n;

	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ASSERT_GT(n, 100);
	ASSERT_EQ(0, p1_tz_from_tzif("Dublin", buf, n, &tz, &err)) TH_LOG("%s", err.msg);
	p1_tz_free(tz);
	for (size_t cut = 0; cut < n - 1; cut++) {
		/* the footer is optional: cutting right before it is a valid file */
		if (p1_tz_from_tzif("cut", buf, cut, &tz, &err) == 0) {
			EXPECT_NE(NULL, tz);
			(void)p1_tz_offset(tz, 2208988800LL);
			p1_tz_free(tz);
		}
	}
	for (size_t i = 0; i < n; i += 7) {
		uint8_t keep = buf[i];

		buf[i] ^= 0x5a;
		if (p1_tz_from_tzif("flip", buf, n, &tz, &err) == 0) {
			for (int64_t t = -(1LL << 42); t < (1LL << 42); t += 1LL << 37)
				(void)p1_tz_offset(tz, t);
			p1_tz_free(tz);
		}
		buf[i] = keep;
	}
	EXPECT_EQ(-EINVAL, p1_tz_from_tzif("text", "TZ", 2, &tz, &err));
}

TEST_HARNESS_MAIN
