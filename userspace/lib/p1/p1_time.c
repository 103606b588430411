// SPDX-License-Identifier: GPL-2.0
/*
 * P1 timestamps "YYMMDDhhmmssX": local time of the meter's zone <-> UTC.
 *
 * The zone's rules decide; the flag X (S summer, W winter) only picks one
 * of the two instants of the hour that repeats when clocks go back. Summer
 * is the larger of a zone's offsets, not tzdata's isdst bit: Ireland's
 * zone keeps Irish Standard Time (UTC+1) as its standard time and winter
 * as "negative daylight saving", so isdst is set in winter there.
 */
#include <stdio.h>

#include "p1.h"
#include "p1_civil.h"

/* Whether offset @off at @utc is the summer one of its year in @tz. */
static bool summer_offset(const struct p1_tz *tz, int64_t utc, int32_t off)
{
	int64_t y;
	unsigned int m, d;
	int32_t jan, jul;

	p1_civil_from_days(p1_day_of(utc), &y, &m, &d);
	jan = p1_tz_offset(tz, p1_days_from_civil(y, 1, 15) * 86400);
	jul = p1_tz_offset(tz, p1_days_from_civil(y, 7, 15) * 86400);
	return off > (jan < jul ? jan : jul);
}

bool p1_time_is_summer(const struct p1_tz *tz, int64_t utc)
{
	return summer_offset(tz, utc, p1_tz_offset(tz, utc));
}

/*
 * The offsets under which local time @local exists, the larger first:
 * none in the hour skipped in spring, two in the hour repeated in autumn.
 * No zone changes its clocks twice within two days.
 */
static int candidates(const struct p1_tz *tz, int64_t local, int32_t c[2])
{
	int32_t a = p1_tz_offset(tz, local - 86400);
	int32_t b = p1_tz_offset(tz, local + 86400);
	int n = 0;

	if (p1_tz_offset(tz, local - a) == a)
		c[n++] = a;
	if (b != a && p1_tz_offset(tz, local - b) == b)
		c[n++] = b;
	if (n == 2 && c[0] < c[1]) {
		int32_t t = c[0];

		c[0] = c[1];
		c[1] = t;
	}
	return n;
}

static void resolve(const struct p1_tz *tz, int64_t local, char flag,
		    struct p1_time *tm)
{
	int32_t c[2], off, before, after;

	switch (candidates(tz, local, c)) {
	case 2:
		if (flag == 'S') {
			off = c[0];
		} else {
			off = c[1];
			if (!flag)
				tm->remarks |= P1_TIME_AMBIGUOUS;
		}
		break;
	case 1:
		off = c[0];
		if (flag && (flag == 'S') != summer_offset(tz, local - off, off))
			tm->remarks |= P1_TIME_CONTRADICTS;
		break;
	default:
		before = p1_tz_offset(tz, local - 86400);
		after = p1_tz_offset(tz, local + 86400);
		if (flag == 'S')
			off = before > after ? before : after;
		else if (flag == 'W')
			off = before < after ? before : after;
		else
			off = before;
		tm->remarks |= P1_TIME_GAP;
		break;
	}
	tm->utc = local - off;
	tm->offset = off;
}

static unsigned int two(const char *s)
{
	return (unsigned int)(s[0] - '0') * 10 + (unsigned int)(s[1] - '0');
}

int p1_time_decode(const struct p1_tz *tz, const char *s, size_t len,
		   struct p1_time *tm)
{
	unsigned int yy, mo, dd, hh, mi, ss;
	bool zeros = true;
	char flag = 0;

	*tm = (struct p1_time){ .state = P1_TIME_ABSENT };
	if (len == 13) {
		flag = s[12] & ~0x20;	/* upper case */
		if (flag != 'S' && flag != 'W')
			return -1;
	} else if (len != 12) {
		return -1;
	}
	for (size_t i = 0; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		zeros &= s[i] == '0';
	}
	yy = two(s);
	mo = two(s + 2);
	dd = two(s + 4);
	hh = two(s + 6);
	mi = two(s + 8);
	ss = two(s + 10);

	tm->state = P1_TIME_NONE;
	/* an unset clock: all zeros, 2000-01-01 or the Unix epoch's day */
	if (zeros || (mo == 1 && dd == 1 && (yy == 0 || yy == 70))) {
		tm->remarks = P1_TIME_NO_VALUE;
		return 0;
	}
	if (mo < 1 || mo > 12 || dd < 1 || dd > p1_month_days(2000 + yy, mo) ||
	    hh > 23 || mi > 59 || ss > 59) {
		tm->remarks = P1_TIME_INVALID;
		return 0;
	}
	tm->state = P1_TIME_OK;
	resolve(tz, p1_days_from_civil(2000 + yy, mo, dd) * 86400 +
		    hh * 3600 + mi * 60 + ss, flag, tm);
	return 0;
}

const char *p1_time_remark(unsigned int remarks)
{
	if (remarks & P1_TIME_NO_VALUE)
		return "the meter's value for no time: null";
	if (remarks & P1_TIME_INVALID)
		return "not a date and time: null";
	if (remarks & P1_TIME_CONTRADICTS)
		return "the S/W flag contradicts the date: the time zone's rule is used";
	if (remarks & P1_TIME_AMBIGUOUS)
		return "hour repeated at the change to winter time and no S/W flag: read as winter time";
	if (remarks & P1_TIME_GAP)
		return "an hour the change to summer time skips: read on the clock before the change";
	return NULL;
}

static void split(int64_t t, int64_t *y, unsigned int *mo, unsigned int *d,
		  unsigned int *h, unsigned int *mi, unsigned int *s)
{
	int64_t days = p1_day_of(t);
	unsigned int sec = (unsigned int)(t - days * 86400);

	p1_civil_from_days(days, y, mo, d);
	*h = sec / 3600;
	*mi = sec / 60 % 60;
	*s = sec % 60;
}

void p1_time_format(const struct p1_tz *tz, int64_t utc, char buf[14])
{
	int32_t off = p1_tz_offset(tz, utc);
	int64_t y;
	unsigned int mo, d, h, mi, s;

	split(utc + off, &y, &mo, &d, &h, &mi, &s);
	snprintf(buf, 14, "%02u%02u%02u%02u%02u%02u%c",
		 (unsigned int)(((y % 100) + 100) % 100), mo % 100, d % 100,
		 h % 100, mi % 100, s % 100,
		 summer_offset(tz, utc, off) ? 'S' : 'W');
}

void p1_time_iso(int64_t utc, char buf[21])
{
	int64_t y;
	unsigned int mo, d, h, mi, s;

	split(utc, &y, &mo, &d, &h, &mi, &s);
	snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned int)(((y % 10000) + 10000) % 10000), mo % 100,
		 d % 100, h % 100, mi % 100, s % 100);
}

void p1_time_offset(int32_t offset, char buf[7])
{
	unsigned int a = (unsigned int)(offset < 0 ? -(int64_t)offset : offset);

	snprintf(buf, 7, "%c%02u:%02u", offset < 0 ? '-' : '+',
		 a / 3600 % 100, a / 60 % 60);
}
