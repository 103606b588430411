// SPDX-License-Identifier: GPL-2.0
/* smcardd [p1]: timezone (checked against the tz database), include, exclude. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "smcardd/config.h"
#include "smcardd/p1_publish.h"

static bool error_has(const struct sd_config *c, const char *msg)
{
	for (size_t i = 0; i < c->nerrors; i++)
		if (strstr(c->errors[i], msg))
			return true;
	return false;
}

TEST(defaults)
{
	struct sd_config c;

	ASSERT_EQ(0, sd_config_parse_string(&c, "[p1]\ndevice = /dev/ttySIM2\n", "t"));
	EXPECT_STREQ("Europe/Amsterdam", c.p1.timezone);
	EXPECT_STREQ("", c.p1.include);
	EXPECT_STREQ("", c.p1.exclude);
	sd_config_free(&c);
}

TEST(timezone_and_lists)
{
	struct sd_config c;
	struct sd_p1_filter f;

	ASSERT_EQ(0, sd_config_parse_string(&c,
		"[p1]\n"
		"device = /dev/ttySIM2\n"
		"timezone = Europe/Dublin\n"
		"include = import_* export_*, voltage_l1_v 1-0:31.7.0\n"
		"exclude = *_t?_kwh\n", "t")) {
		for (size_t i = 0; i < c.nerrors; i++)
			TH_LOG("%s", c.errors[i]);
	}
	EXPECT_STREQ("Europe/Dublin", c.p1.timezone);
	sd_p1_filter_init(&f, &c.p1);
	ASSERT_EQ(4, f.ninclude);
	EXPECT_STREQ("import_*", f.include[0]);
	EXPECT_STREQ("voltage_l1_v", f.include[2]);
	EXPECT_STREQ("1-0:31.7.0", f.include[3]);
	ASSERT_EQ(1, f.nexclude);
	EXPECT_TRUE(sd_p1_wanted(&f, "energy_import_total", "import_kwh", "1-0:1.8.0"));
	EXPECT_FALSE(sd_p1_wanted(&f, "energy_import_tariff1", "import_t1_kwh", "1-0:1.8.1"));
	EXPECT_TRUE(sd_p1_wanted(&f, "current_l1", "current_l1_a", "1-0:31.7.0"));
	EXPECT_FALSE(sd_p1_wanted(&f, "current_l2", "current_l2_a", "1-0:51.7.0"));
	sd_config_free(&c);

	/* a POSIX rule where the tz database is missing */
	ASSERT_EQ(0, sd_config_parse_string(&c,
		"[p1]\ndevice = /x\ntimezone = CET-1CEST,M3.5.0,M10.5.0/3\n", "t"));
	sd_config_free(&c);
}

TEST(errors_with_lines)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "[p1]\ndevice = /x\ntimezone = Europe/Amsterdm\n",
		  "t:3: bad timezone: unknown time zone 'Europe/Amsterdm'" },
		{ "[p1]\ndevice = /x\n\ntimezone = ../../etc/passwd\n",
		  "t:4: bad timezone: '../../etc/passwd' is neither an IANA time zone name" },
		{ "[p1]\ndevice = /x\ntimezone = Mars/Olympus_Mons\n", "t:3: bad timezone" },
		{ "[p1]\ndevice = /x\ninclude = a\ninclude = b\n", "t:4: 'include' is already set at line 3" },
		{ "[p1]\ndevice = /x\ninclude = a b c d e f g h i j k l m n o p q r s t u v w x y z "
		  "aa bb cc dd ee ff gg\n", "t:3: more than 32 patterns" },
		{ "[p1]\ndevice = /x\nexclude = "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		  "t:3: pattern 'aaaaaaaaaaaaaaaaaaaa...' is longer than 63 characters" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sd_config c;

		EXPECT_EQ(-EINVAL, sd_config_parse_string(&c, bad[i].text, "t"));
		EXPECT_TRUE(error_has(&c, bad[i].msg)) {
			TH_LOG("want '%s'", bad[i].msg);
			for (size_t j = 0; j < c.nerrors; j++)
				TH_LOG("  got '%s'", c.errors[j]);
		}
		sd_config_free(&c);
	}
}

TEST_HARNESS_MAIN
