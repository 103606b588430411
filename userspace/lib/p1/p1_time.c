// SPDX-License-Identifier: GPL-2.0
/*
 * P1 timestamps: local CET/CEST "YYMMDDhhmmssX" <-> UTC. Done with plain
 * calendar arithmetic so the result does not depend on the TZ of the host.
 */
#include <stdio.h>

#include "p1.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, unsigned int m, unsigned int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned int yoe = (unsigned int)(y - era * 400);
	unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned int *m,
			    unsigned int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned int doe = (unsigned int)(z - era * 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

/* UTC second at which the last Sunday of @month of @year starts, 01:00. */
static int64_t last_sunday_0100(int year, unsigned int month)
{
	int64_t last = days_from_civil(year, month, 31);
	/* 1970-01-01 was a Thursday: weekday 0 = Sunday is (days + 4) % 7 */
	int64_t wday = ((last + 4) % 7 + 7) % 7;

	return (last - wday) * 86400 + 3600;
}

bool p1_time_is_summer(int64_t utc)
{
	int y;
	unsigned int m, d;
	int64_t days = utc >= 0 ? utc / 86400 : (utc - 86399) / 86400;

	civil_from_days(days, &y, &m, &d);
	return utc >= last_sunday_0100(y, 3) && utc < last_sunday_0100(y, 10);
}

static int digits(const char *s, size_t n, unsigned int *out)
{
	unsigned int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int p1_time_parse(const char *s, size_t len, int64_t *utc)
{
	unsigned int yy, mo, dd, hh, mi, ss;
	int64_t local;
	char flag = 0;

	if (len == 13)
		flag = s[12];
	else if (len != 12)
		return -1;
	if (flag && flag != 'S' && flag != 'W' && flag != 's' && flag != 'w')
		return -1;
	if (digits(s, 2, &yy) || digits(s + 2, 2, &mo) ||
	    digits(s + 4, 2, &dd) || digits(s + 6, 2, &hh) ||
	    digits(s + 8, 2, &mi) || digits(s + 10, 2, &ss))
		return -1;
	if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 ||
	    ss > 60)
		return -1;
	local = days_from_civil(2000 + (int)yy, mo, dd) * 86400 +
		hh * 3600 + mi * 60 + ss;
	if (flag == 'S' || flag == 's')
		*utc = local - 7200;
	else if (flag)
		*utc = local - 3600;
	else if (p1_time_is_summer(local - 3600) &&
		 p1_time_is_summer(local - 7200))
		*utc = local - 7200;
	else
		/* winter time, also for the repeated autumn hour */
		*utc = local - 3600;
	return 0;
}

static void split(int64_t t, int *y, unsigned int *mo, unsigned int *d,
		  unsigned int *h, unsigned int *mi, unsigned int *s)
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	unsigned int sec = (unsigned int)(t - days * 86400);

	civil_from_days(days, y, mo, d);
	*h = sec / 3600;
	*mi = sec / 60 % 60;
	*s = sec % 60;
}

void p1_time_format(int64_t utc, char buf[14])
{
	bool summer = p1_time_is_summer(utc);
	int y;
	unsigned int mo, d, h, mi, s;

	split(utc + (summer ? 7200 : 3600), &y, &mo, &d, &h, &mi, &s);
	snprintf(buf, 14, "%02u%02u%02u%02u%02u%02u%c",
		 (unsigned int)(y % 100), mo % 100, d % 100, h % 100,
		 mi % 100, s % 100, summer ? 'S' : 'W');
}

void p1_time_iso(int64_t utc, char buf[21])
{
	int y;
	unsigned int mo, d, h, mi, s;

	split(utc, &y, &mo, &d, &h, &mi, &s);
	snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned int)y % 10000,
		 mo % 100, d % 100, h % 100, mi % 100, s % 100);
}
