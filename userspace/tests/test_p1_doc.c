// SPDX-License-Identifier: GPL-2.0
/*
 * The table of objects in Documentation/userspace/p1.rst is the catalogue:
 * one row per entry, in order, with its OBIS code, name, unit and MQTT key,
 * and nothing else. Run from userspace/, as make check does.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"

#define DOC "../Documentation/userspace/p1.rst"

/* Split a csv-table row '   "a", "b", ...' into up to 5 fields. */
static int fields(char *line, char *f[5])
{
	int n = 0;
	char *p = line;

	while (n < 5 && (p = strchr(p, '"'))) {
		char *end = strchr(p + 1, '"');

		if (!end)
			return -1;
		*end = '\0';
		f[n++] = p + 1;
		p = end + 1;
	}
	return n;
}

TEST(object_table_matches_catalogue)
{
	FILE *f = fopen(DOC, "r");
	char line[512], mqtt[96], *col[5];
	struct p1_obis_info info;
	bool in_table = false;
	size_t n = 0;

	ASSERT_NE(NULL, f) TH_LOG("%s: run from userspace/", DOC);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, ".. csv-table:: Objects the decoder names")) {
			in_table = true;
			continue;
		}
		if (!in_table || strncmp(line, "   \"", 4))
			continue;
		if (strstr(line, ":header:"))
			continue;
		ASSERT_EQ(5, fields(line, col)) TH_LOG("%s", line);
		ASSERT_TRUE(p1_obis_catalogue(n, &info)) TH_LOG("extra row %s", col[0]);
		EXPECT_STREQ(info.code, col[0]);
		EXPECT_STREQ(info.name, col[1]);
		if (info.unit)
			EXPECT_STREQ(info.unit, col[2]) TH_LOG("%s", info.code);
		snprintf(mqtt, sizeof(mqtt), "%s", col[3]);
		EXPECT_NE(NULL, strstr(mqtt, info.key)) TH_LOG("%s: %s", info.code, mqtt);
		EXPECT_NE(NULL, strstr(mqtt, info.flags & P1_INFO_MBUS ? "p1/mbusN: " : "p1"));
		EXPECT_STREQ(info.source, col[4]);
		n++;
	}
	fclose(f);
	EXPECT_TRUE(in_table);
	EXPECT_FALSE(p1_obis_catalogue(n, &info)) TH_LOG("row %zu (%s) missing: "
		"regenerate with smcardctl p1 objects --rst", n, info.code);
}

TEST_HARNESS_MAIN
