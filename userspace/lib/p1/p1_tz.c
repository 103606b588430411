// SPDX-License-Identifier: GPL-2.0
/*
 * Time zones from the system's tz database: the UTC offset in force at any
 * instant, for one named zone, without touching the process's own zone.
 *
 * Why the TZif files (RFC 8536) are read here: glibc converts only in the
 * process-wide zone (TZ and tzset(): global state that other threads of a
 * program share), and GLib's GTimeZone, which reads the same files, gets
 * the POSIX rule in their footer wrong when daylight saving is negative as
 * tzdata has it for Europe/Dublin ("IST-1GMT0,M10.5.0,M3.5.0/1"): from
 * 2038 on it puts Irish winter at UTC+2 (GLib 2.74). A file holds the
 * transitions up to 2037 and that rule for everything after; both are
 * small to read.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p1.h"
#include "p1_civil.h"

#define TZ_MAX_FILE	(1 << 20)
#define TZ_MAX_TIMES	(1 << 16)
#define TZ_LIMIT	((int64_t)1 << 40)	/* seconds: +-34,000 years */

enum rule_kind {
	RULE_JULIAN1,		/* Jn: day 1..365, February 29 never counted */
	RULE_JULIAN0,		/* n: day 0..365 */
	RULE_MONTH,		/* Mm.w.d: weekday d of week w (5: last) of month m */
};

struct rule_date {
	enum rule_kind kind;
	int day;
	int month, week, wday;
	int32_t time;		/* local seconds after midnight, may exceed a day */
};

struct tz_rule {
	int32_t std_off, dst_off;	/* seconds east of UTC */
	bool has_dst;
	struct rule_date start, end;	/* start of daylight time, its end */
};

struct p1_tz {
	char name[64];
	size_t ntimes;
	int64_t *times;		/* transitions, UTC, ascending */
	uint8_t *types;		/* local time type from each transition on */
	size_t ntypes;
	int32_t *offs;		/* offset of each type */
	bool has_rule;		/* footer rule, for times after the last transition */
	struct tz_rule rule;
};

/* NULL zone: what NL, BE, LU and SE keep, and the EU has ruled since 1996. */
static const struct p1_tz builtin_cet = {
	.name = "CET-1CEST,M3.5.0,M10.5.0/3",
	.has_rule = true,
	.rule = {
		.std_off = 3600,
		.dst_off = 7200,
		.has_dst = true,
		.start = { .kind = RULE_MONTH, .month = 3, .week = 5, .time = 7200 },
		.end = { .kind = RULE_MONTH, .month = 10, .week = 5, .time = 10800 },
	},
};

static int __attribute__((format(printf, 3, 4)))
fail(struct p1_error *err, int ret, const char *fmt, ...)
{
	va_list ap;

	err->pos = 0;
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

/* --- POSIX TZ strings ----------------------------------------------------- */

static const char *tz_abbr(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		for (p++; *p && *p != '>'; p++)
			if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-')
				return NULL;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *tz_num(const char *p, int max_digits, int *out)
{
	int v = 0, n = 0;

	while (isdigit((unsigned char)*p) && n < max_digits) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (!n || isdigit((unsigned char)*p))
		return NULL;
	*out = v;
	return p;
}

/* [+-]h[hh][:mm[:ss]] in seconds; hours up to @max_h. */
static const char *tz_hms(const char *p, int max_h, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	p = tz_num(p, 3, &h);
	if (!p || h > max_h)
		return NULL;
	if (*p == ':') {
		p = tz_num(p + 1, 2, &m);
		if (!p || m > 59)
			return NULL;
		if (*p == ':') {
			p = tz_num(p + 1, 2, &s);
			if (!p || s > 59)
				return NULL;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *tz_date(const char *p, struct rule_date *d)
{
	memset(d, 0, sizeof(*d));
	if (*p == 'J') {
		d->kind = RULE_JULIAN1;
		p = tz_num(p + 1, 3, &d->day);
		if (!p || d->day < 1 || d->day > 365)
			return NULL;
	} else if (*p == 'M') {
		d->kind = RULE_MONTH;
		p = tz_num(p + 1, 2, &d->month);
		if (!p || d->month < 1 || d->month > 12 || *p != '.')
			return NULL;
		p = tz_num(p + 1, 1, &d->week);
		if (!p || d->week < 1 || d->week > 5 || *p != '.')
			return NULL;
		p = tz_num(p + 1, 1, &d->wday);
		if (!p || d->wday > 6)
			return NULL;
	} else {
		d->kind = RULE_JULIAN0;
		p = tz_num(p, 3, &d->day);
		if (!p || d->day > 365)
			return NULL;
	}
	d->time = 7200;
	if (*p == '/')
		p = tz_hms(p + 1, 167, &d->time);	/* RFC 8536 extension */
	return p;
}

/* "std offset [dst [offset],start[/time],end[/time]]" */
static int parse_posix(const char *s, struct tz_rule *r)
{
	const char *p = tz_abbr(s);
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!p || !(p = tz_hms(p, 24, &off)))
		return -1;
	r->std_off = -off;		/* POSIX counts west of Greenwich */
	if (!*p)
		return 0;
	p = tz_abbr(p);
	if (!p)
		return -1;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p && *p != ',') {
		p = tz_hms(p, 24, &off);
		if (!p)
			return -1;
		r->dst_off = -off;
	}
	/* without a rule POSIX leaves the dates to the implementation */
	if (*p != ',' || !(p = tz_date(p + 1, &r->start)) || *p != ',' ||
	    !(p = tz_date(p + 1, &r->end)) || *p)
		return -1;
	return 0;
}

/* Local seconds (counted as if UTC) at which @d happens in @year. */
static int64_t rule_local(int64_t year, const struct rule_date *d)
{
	int64_t first, yday;
	int wday, mday;

	switch (d->kind) {
	case RULE_JULIAN1:
		yday = d->day - 1 + (p1_leap(year) && d->day >= 60);
		break;
	case RULE_JULIAN0:
		yday = d->day;
		break;
	default:
		first = p1_days_from_civil(year, (unsigned int)d->month, 1);
		/* 1970-01-01 was a Thursday */
		wday = (int)(((first + 4) % 7 + 7) % 7);
		mday = 1 + (d->wday - wday + 7) % 7 + (d->week - 1) * 7;
		while (mday > (int)p1_month_days(year, (unsigned int)d->month))
			mday -= 7;
		return (first + mday - 1) * 86400 + d->time;
	}
	return (p1_days_from_civil(year, 1, 1) + yday) * 86400 + d->time;
}

static int32_t rule_offset(const struct tz_rule *r, int64_t utc)
{
	int64_t y, start, end;
	unsigned int m, d;

	if (!r->has_dst)
		return r->std_off;
	p1_civil_from_days(p1_day_of(utc + r->std_off), &y, &m, &d);
	/* the start is given on standard time, the end on daylight time */
	start = rule_local(y, &r->start) - r->std_off;
	end = rule_local(y, &r->end) - r->dst_off;
	if (start < end)
		return utc >= start && utc < end ? r->dst_off : r->std_off;
	/* southern hemisphere, and Ireland's negative daylight saving */
	return utc >= end && utc < start ? r->std_off : r->dst_off;
}

/* --- TZif ----------------------------------------------------------------- */

struct tzif_hdr {
	uint8_t version;
	uint32_t isut, isstd, leap, time, type, chars;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool read_hdr(const uint8_t *p, size_t len, struct tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return false;
	h->version = p[4];
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	return h->isut <= 256 && h->isstd <= 256 && h->leap <= 1000 &&
	       h->time <= TZ_MAX_TIMES && h->type <= 256 && h->chars <= 65536;
}

static size_t block_len(const struct tzif_hdr *h, size_t tsize)
{
	return h->time * (tsize + 1) + h->type * 6 + h->chars +
	       h->leap * (tsize + 4) + h->isstd + h->isut;
}

void p1_tz_free(struct p1_tz *tz)
{
	if (!tz)
		return;
	free(tz->times);
	free(tz->types);
	free(tz->offs);
	free(tz);
}

static int tz_new(const char *name, struct p1_tz **out, struct p1_error *err)
{
	struct p1_tz *tz = calloc(1, sizeof(*tz));

	if (!tz)
		return fail(err, -ENOMEM, "out of memory");
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	*out = tz;
	return 0;
}

int p1_tz_from_tzif(const char *name, const void *data, size_t len,
		    struct p1_tz **out, struct p1_error *err)
{
	const uint8_t *p = data;
	struct tzif_hdr h;
	struct p1_tz *tz = NULL;
	size_t off = 44, tsize = 4, i;
	int ret;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (!read_hdr(p, len, &h))
		return fail(err, -EINVAL, "%s: not a TZif file", name);
	if (h.version >= '2') {
		off += block_len(&h, 4);
		if (off > len || !read_hdr(p + off, len - off, &h))
			return fail(err, -EINVAL, "%s: TZif file cut short", name);
		off += 44;
		tsize = 8;
	}
	if (h.leap)
		return fail(err, -EINVAL, "%s: zones counting leap seconds (right/...) are not supported",
			    name);
	if (!h.type || !h.chars || (h.isstd && h.isstd != h.type) ||
	    (h.isut && h.isut != h.type))
		return fail(err, -EINVAL, "%s: inconsistent TZif header", name);
	if (block_len(&h, tsize) > len - off)
		return fail(err, -EINVAL, "%s: TZif file cut short", name);

	ret = tz_new(name, &tz, err);
	if (ret)
		return ret;
	tz->ntimes = h.time;
	tz->ntypes = h.type;
	tz->times = malloc((h.time ? h.time : 1) * sizeof(*tz->times));
	tz->types = malloc(h.time ? h.time : 1);
	tz->offs = malloc(h.type * sizeof(*tz->offs));
	if (!tz->times || !tz->types || !tz->offs) {
		p1_tz_free(tz);
		return fail(err, -ENOMEM, "out of memory");
	}
	for (i = 0; i < h.time; i++, off += tsize) {
		tz->times[i] = tsize == 8 ? be64(p + off) : (int32_t)be32(p + off);
		if (i && tz->times[i] <= tz->times[i - 1])
			goto bad;
	}
	for (i = 0; i < h.time; i++, off++) {
		tz->types[i] = p[off];
		if (tz->types[i] >= h.type)
			goto bad;
	}
	for (i = 0; i < h.type; i++, off += 6) {
		int32_t o = (int32_t)be32(p + off);

		/* RFC 8536: more than a day either way is not a real zone */
		if (o < -89999 || o > 93599 || p[off + 4] > 1 || p[off + 5] >= h.chars)
			goto bad;
		tz->offs[i] = o;
	}
	off += h.chars + h.isstd + h.isut;
	if (tsize == 8 && off < len) {
		const char *s = (const char *)p + off + 1;
		const char *nl = off + 1 < len ? memchr(s, '\n', len - off - 1) : NULL;
		char rule[128];

		if (p[off] != '\n' || !nl || (size_t)(nl - s) >= sizeof(rule))
			goto bad;
		memcpy(rule, s, (size_t)(nl - s));
		rule[nl - s] = '\0';
		if (rule[0]) {
			if (parse_posix(rule, &tz->rule)) {
				p1_tz_free(tz);
				return fail(err, -EINVAL, "%s: TZif footer '%s' is not a POSIX TZ rule",
					    name, rule);
			}
			tz->has_rule = true;
		}
	}
	*out = tz;
	return 0;
bad:
	p1_tz_free(tz);
	return fail(err, -EINVAL, "%s: malformed TZif data", name);
}

/* Zone names as in tzdata: "Europe/Dublin", "Etc/GMT+1", "UTC". */
static bool iana_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= sizeof(((struct p1_tz *)0)->name) || s[0] == '/' ||
	    s[n - 1] == '/' || strstr(s, "//"))
		return false;
	for (const char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p))
			return false;
		/* no "." or ".." components: '.' is not accepted at all */
	}
	return true;
}

static int from_posix(const char *name, struct p1_tz **out,
		      struct p1_error *err)
{
	struct tz_rule r;
	int ret;

	if (parse_posix(name, &r))
		return -1;
	ret = tz_new(name, out, err);
	if (ret)
		return ret;
	(*out)->has_rule = true;
	(*out)->rule = r;
	return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EISDIR;
	} else if (st.st_size > TZ_MAX_FILE) {
		ret = -EFBIG;
	} else {
		*data = malloc((size_t)st.st_size + 1);
		if (!*data) {
			ret = -ENOMEM;
		} else {
			n = read(fd, *data, (size_t)st.st_size);
			if (n < 0) {
				ret = -errno;
				free(*data);
			} else {
				*len = (size_t)n;
			}
		}
	}
	close(fd);
	return ret;
}

int p1_tz_load(const char *name, struct p1_tz **out, struct p1_error *err)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	uint8_t *data = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (!name || !*name)
		return fail(err, -EINVAL, "empty time zone name");
	if (!iana_name(name)) {
		ret = from_posix(name, out, err);
		if (ret < 0 && ret != -1)
			return ret;
		return ret ? fail(err, -EINVAL, "'%s' is neither an IANA time zone name (Europe/Amsterdam) nor a POSIX TZ string",
				  name) : 0;
	}
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = read_file(path, &data, &len);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		/* "UTC0", "EST5" and the like need no file */
		ret = from_posix(name, out, err);
		if (ret == -1)
			return fail(err, -ENOENT, "unknown time zone '%s': no %s", name, path);
		return ret;
	}
	if (ret == -EISDIR)
		return fail(err, -EINVAL, "%s is not a time zone file", path);
	if (ret)
		return fail(err, ret, "cannot read %s: %s", path, strerror(-ret));
	ret = p1_tz_from_tzif(name, data, len, out, err);
	free(data);
	return ret;
}

const char *p1_tz_name(const struct p1_tz *tz)
{
	return (tz ? tz : &builtin_cet)->name;
}

int32_t p1_tz_offset(const struct p1_tz *tz, int64_t utc)
{
	size_t lo, hi;

	if (!tz)
		tz = &builtin_cet;
	if (utc > TZ_LIMIT)
		utc = TZ_LIMIT;
	else if (utc < -TZ_LIMIT)
		utc = -TZ_LIMIT;
	if (!tz->ntimes)
		return tz->has_rule || !tz->ntypes ? rule_offset(&tz->rule, utc) :
						     tz->offs[0];
	/* RFC 8536: type 0 holds before the first transition */
	if (utc < tz->times[0])
		return tz->offs[0];
	if (utc >= tz->times[tz->ntimes - 1] && tz->has_rule)
		return rule_offset(&tz->rule, utc);
	/* the last transition at or before @utc */
	lo = 0;
	hi = tz->ntimes;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->times[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[tz->types[lo]];
}
