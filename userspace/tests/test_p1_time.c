// SPDX-License-Identifier: GPL-2.0
/*
 * P1 timestamps as local time of the meter's country, from the tz
 * database: the Netherlands, Belgium, Sweden (CET) and Ireland (GMT/IST,
 * negative daylight saving in tzdata) across both clock changes of 2021;
 * the S/W flag only picks the repeated autumn hour, a contradicting flag
 * is a warning; the meters' "no time" values decode to nothing.
 */
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"

static struct p1_tz *zone(struct __test_metadata *_metadata, const char *name)
{
	struct p1_error err;
	struct p1_tz *tz = NULL;

	EXPECT_EQ(0, p1_tz_load(name, &tz, &err)) TH_LOG("%s: %s", name, err.msg);
	return tz;
}

/* Decode @s in @tz: UTC seconds, or -1 if it is no time, -2 not a stamp. */
static int64_t ts(const struct p1_tz *tz, const char *s, unsigned int *remarks,
		  int32_t *offset)
{
	struct p1_time tm;

	if (p1_time_decode(tz, s, strlen(s), &tm))
		return -2;
	if (remarks)
		*remarks = tm.remarks;
	if (offset)
		*offset = tm.offset;
	return tm.state == P1_TIME_OK ? tm.utc : -1;
}

struct change {
	const char *stamp;
	int64_t utc;
	int32_t offset;
	unsigned int remarks;
};

static void check(struct __test_metadata *_metadata, const char *name,
		  const struct change *c, size_t n)
{
	struct p1_tz *tz = zone(_metadata, name);

	ASSERT_NE(NULL, tz);
	for (size_t i = 0; i < n; i++) {
		unsigned int remarks = 99;
		int32_t offset = 99;

		EXPECT_EQ(c[i].utc, ts(tz, c[i].stamp, &remarks, &offset)) {
			TH_LOG("%s %s", name, c[i].stamp);
		}
		EXPECT_EQ(c[i].offset, offset) TH_LOG("%s %s", name, c[i].stamp);
		EXPECT_EQ(c[i].remarks, remarks) TH_LOG("%s %s", name, c[i].stamp);
	}
	p1_tz_free(tz);
}

/* 2021-03-28 01:00 UTC and 2021-10-31 01:00 UTC: the EU changes. */
static const struct change cet[] = {
	/* spring: 02:00 CET becomes 03:00 CEST */
	{ "210328013000W", 1616891400, 3600, 0 },	/* 00:30 UTC */
	{ "210328033000S", 1616895000, 7200, 0 },	/* 01:30 UTC */
	{ "210328015959W", 1616893199, 3600, 0 },
	{ "210328030000S", 1616893200, 7200, 0 },
	/* the skipped hour: read on the clock before, remarked */
	{ "210328023000", 1616895000, 3600, P1_TIME_GAP },
	/* autumn: 03:00 CEST becomes 02:00 CET, 02:xx happens twice */
	{ "211031023000S", 1635640200, 7200, 0 },	/* 00:30 UTC */
	{ "211031023000W", 1635643800, 3600, 0 },	/* 01:30 UTC */
	{ "211031023000", 1635643800, 3600, P1_TIME_AMBIGUOUS },
	{ "211031013000S", 1635636600, 7200, 0 },
	{ "211031033000W", 1635647400, 3600, 0 },
	/* a flag the date contradicts changes nothing, and is remarked */
	{ "210701120000W", 1625133600, 7200, P1_TIME_CONTRADICTS },
	{ "210101120000S", 1609498800, 3600, P1_TIME_CONTRADICTS },
	{ "211031033000S", 1635647400, 3600, P1_TIME_CONTRADICTS },
	{ "210701120000S", 1625133600, 7200, 0 },
	{ "210101120000W", 1609498800, 3600, 0 },
	{ "210701120000", 1625133600, 7200, 0 },
	{ "210701120000s", 1625133600, 7200, 0 },
};

TEST(netherlands)
{
	check(_metadata, "Europe/Amsterdam", cet, sizeof(cet) / sizeof(cet[0]));
}

TEST(belgium)
{
	check(_metadata, "Europe/Brussels", cet, sizeof(cet) / sizeof(cet[0]));
}

TEST(sweden)
{
	check(_metadata, "Europe/Stockholm", cet, sizeof(cet) / sizeof(cet[0]));
}

TEST(builtin_cet_rule)
{
	for (size_t i = 0; i < sizeof(cet) / sizeof(cet[0]); i++) {
		unsigned int remarks = 99;

		EXPECT_EQ(cet[i].utc, ts(NULL, cet[i].stamp, &remarks, NULL));
		EXPECT_EQ(cet[i].remarks, remarks);
	}
}

/*
 * Ireland changes at the same instants, from GMT to IST (UTC+1) and back.
 * tzdata marks winter as the daylight-saving time there: S must still
 * mean the summer offset.
 */
TEST(ireland)
{
	static const struct change ie[] = {
		{ "210328003000W", 1616891400, 0, 0 },		/* 00:30 UTC */
		{ "210328023000S", 1616895000, 3600, 0 },	/* 01:30 UTC */
		{ "210328013000", 1616895000, 0, P1_TIME_GAP },
		{ "211031013000S", 1635640200, 3600, 0 },	/* 00:30 UTC */
		{ "211031013000W", 1635643800, 0, 0 },		/* 01:30 UTC */
		{ "211031013000", 1635643800, 0, P1_TIME_AMBIGUOUS },
		{ "210701120000S", 1625137200, 3600, 0 },	/* 11:00 UTC */
		{ "210101120000W", 1609502400, 0, 0 },		/* 12:00 UTC */
		{ "210701120000W", 1625137200, 3600, P1_TIME_CONTRADICTS },
		{ "210101120000S", 1609502400, 0, P1_TIME_CONTRADICTS },
		/* beyond the file's transitions, its footer rule */
		{ "400701120000S", 2224753200LL, 3600, 0 },
		{ "400115120000W", 2210241600LL, 0, 0 },
	};

	check(_metadata, "Europe/Dublin", ie, sizeof(ie) / sizeof(ie[0]));
}

/* What an Irish meter's clock says, read with the default zone: an hour off. */
TEST(ireland_read_as_amsterdam_is_an_hour_off)
{
	struct p1_tz *ie = zone(_metadata, "Europe/Dublin");
	struct p1_tz *nl = zone(_metadata, "Europe/Amsterdam");

	EXPECT_EQ(3600, ts(ie, "210701120000S", NULL, NULL) -
			ts(nl, "210701120000S", NULL, NULL));
	p1_tz_free(ie);
	p1_tz_free(nl);
}

TEST(no_time_values)
{
	static const char *const none[] = {
		"000101000000W", "000101000006W", "700101000000W", "700101010000W",
		"000000000000W", "000000000000S", "000000000000",
	};
	unsigned int remarks = 99;

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		EXPECT_EQ(-1, ts(NULL, none[i], &remarks, NULL)) TH_LOG("%s", none[i]);
		EXPECT_EQ(P1_TIME_NO_VALUE, remarks) TH_LOG("%s", none[i]);
	}
	/* digits that are no date: Kaifa's 632525252525W, February 30 */
	EXPECT_EQ(-1, ts(NULL, "632525252525W", &remarks, NULL));
	EXPECT_EQ(P1_TIME_INVALID, remarks);
	EXPECT_EQ(-1, ts(NULL, "210230120000W", &remarks, NULL));
	EXPECT_EQ(P1_TIME_INVALID, remarks);
	EXPECT_EQ(-1, ts(NULL, "211301120000W", &remarks, NULL));
	/* 2070 is a time, not a no-time value: only 1970-01-01's day is */
	EXPECT_LT(0, ts(NULL, "700102000000W", NULL, NULL));
}

TEST(not_timestamps)
{
	EXPECT_EQ(-2, ts(NULL, "210101120000X", NULL, NULL));
	EXPECT_EQ(-2, ts(NULL, "2101011200", NULL, NULL));
	EXPECT_EQ(-2, ts(NULL, "21010112000aW", NULL, NULL));
	EXPECT_EQ(-2, ts(NULL, "2101011200000W", NULL, NULL));
}

TEST(format_round_trip)
{
	static const char *const zones[] = { "Europe/Amsterdam", "Europe/Dublin",
					     "Europe/Stockholm" };
	char buf[14], iso[21], off[7];

	for (size_t z = 0; z < 3; z++) {
		struct p1_tz *tz = zone(_metadata, zones[z]);

		for (int64_t t = 1609459200; t < 1640995200; t += 3599) {
			p1_time_format(tz, t, buf);
			ASSERT_EQ(t, ts(tz, buf, NULL, NULL)) TH_LOG("%s %s", zones[z], buf);
		}
		p1_tz_free(tz);
	}
	p1_time_format(NULL, 1625133600, buf);
	EXPECT_STREQ("210701120000S", buf);
	p1_time_iso(1625133600, iso);
	EXPECT_STREQ("2021-07-01T10:00:00Z", iso);
	p1_time_offset(7200, off);
	EXPECT_STREQ("+02:00", off);
	p1_time_offset(-12600, off);
	EXPECT_STREQ("-03:30", off);
}

static const char *object_note(const struct p1_telegram *t, const char *code)
{
	for (size_t i = 0; i < t->nnotes; i++)
		if (t->notes[i].obj != P1_NOTE_TELEGRAM &&
		    !strcmp(t->objs[t->notes[i].obj].code, code))
			return t->notes[i].msg;
	return NULL;
}

/*
 * A Belgian meter whose peak carries the flag of "now", not of its date:
 * the time stays right and the telegram says why. Entries without a time
 * come out as null, noted.
 */
TEST(telegram_warnings_and_nulls)
{
	static const char tg[] =
		"/FLU5\\253769484_A\r\n\r\n"
		"0-0:96.1.4(50217)\r\n"
		"0-0:1.0.0(201110120000W)\r\n"
		"1-0:1.6.0(200509134558W)(02.589*kW)\r\n"
		"0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(201001000000S)(632525252525W)(00.000*kW)"
		"(200901000000S)(200915193000S)(03.100*kW)\r\n"
		"1-0:99.97.0(1)(0-0:96.7.19)(000101000006W)(2147483647*s)\r\n"
		"!\r\n";
	struct p1_telegram t;
	struct p1_error err;
	const struct p1_object *o;
	const struct p1_entry *e;
	struct json_object *j, *x;
	const char *note;

	ASSERT_EQ(0, parse_str(tg, &t, &err)) TH_LOG("%s", err.msg);
	o = p1_find(&t, "1-0:1.6.0");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(P1_TIME_OK, o->time.state);
	EXPECT_EQ(1589024758, o->time.utc);		/* 13:45:58 CEST */
	EXPECT_EQ(7200, o->time.offset);
	note = object_note(&t, "1-0:1.6.0");
	ASSERT_NE(NULL, note);
	EXPECT_NE(NULL, strstr(note, "contradicts")) TH_LOG("%s", note);

	o = p1_find(&t, "0-0:98.1.0");
	ASSERT_NE(NULL, o);
	ASSERT_EQ(2, o->nentries);
	e = p1_object_entry(&t, o, 0);
	EXPECT_EQ(P1_TIME_OK, e->start.state);
	EXPECT_EQ(P1_TIME_NONE, e->time.state);
	EXPECT_EQ(P1_TIME_INVALID, e->time.remarks);
	e = p1_object_entry(&t, o, 1);
	EXPECT_EQ(1600191000, e->time.utc);		/* 2020-09-15 19:30 CEST */
	EXPECT_NEAR(3.1, e->value, 1e-9);
	EXPECT_STREQ("kW", e->unit);

	o = p1_find(&t, "1-0:99.97.0");
	ASSERT_NE(NULL, o);
	e = p1_object_entry(&t, o, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(P1_TIME_NONE, e->time.state);
	EXPECT_FALSE(e->has_value);

	j = p1_to_json(&t);
	ASSERT_NE(NULL, j);
	ASSERT_TRUE(json_object_object_get_ex(j, "notes", &x));
	EXPECT_LE(4, json_object_array_length(x));
	x = json_object_array_get_idx(json_object_object_get(j, "objects"), 3);
	x = json_object_array_get_idx(json_object_object_get(x, "entries"), 0);
	ASSERT_TRUE(json_object_object_get_ex(x, "time", &x));
	EXPECT_NULL(x);
	x = json_object_array_get_idx(json_object_object_get(j, "objects"), 2);
	EXPECT_STREQ("2020-05-09T11:45:58Z", json_object_get_string(
		json_object_object_get(x, "timestamp")));
	EXPECT_STREQ("+02:00", json_object_get_string(
		json_object_object_get(x, "utc_offset")));
	json_object_put(j);
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
