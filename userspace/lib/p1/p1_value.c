// SPDX-License-Identifier: GPL-2.0
/*
 * Give the groups of an object a meaning: a value with its unit, an
 * optional leading timestamp, text sent as hex octets, and profile buffers
 * (power failure log, e-MUCS monthly peaks, DSMR 2.2/3 gas) turned into
 * entries with times and units. What had to be forgiven is noted on the
 * telegram, the value is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p1.h"

/* Durations meters write when they do not know one: 2^31 - 1, 2^32 - 1. */
#define UNKNOWN_S1	2147483647.0
#define UNKNOWN_S2	4294967295.0

static int oom(struct p1_error *err, const struct p1_object *o)
{
	err->pos = o->pos;
	err->line = o->line;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -ENOMEM;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool is_obis(const char *s)
{
	size_t colons = 0, dots = 0, dashes = 0;

	for (; *s; s++) {
		if (*s == ':')
			colons++;
		else if (*s == '.')
			dots++;
		else if (*s == '-')
			dashes++;
		else if (*s < '0' || *s > '9')
			return false;
	}
	return colons == 1 && dashes == 1 && dots == 2;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the UTF-8 sequence at @s (@n bytes left), 0 if not valid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 :
		     s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

long p1_hex_text(const char *hex, char *out, size_t size)
{
	size_t n = strlen(hex), len = 0;

	if (!n || n % 2 || n / 2 >= size)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[len++] = (char)(hi << 4 | lo);
	}
	/* some meters pad with NUL octets */
	while (len && !out[len - 1])
		len--;
	out[len] = '\0';
	if (!len)
		return -1;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)out[i];
		size_t k;

		if (c >= 0x20 && c < 0x7f) {
			i++;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			i++;
		} else if ((k = utf8_len((unsigned char *)out + i, len - i))) {
			i += k;
		} else {
			return -1;
		}
	}
	return (long)len;
}

/* Decoded hex text of @o, kept in the telegram's text arena. */
static int decode_hex(struct p1_telegram *t, struct p1_object *o,
		      struct p1_error *err)
{
	size_t need = strlen(o->text) / 2 + 1;

	if (!t->text) {
		/* every decoded text is at most half its source: the copy fits */
		t->text = malloc(t->len + 1);
		if (!t->text)
			return oom(err, o);
	}
	if (t->text_len + need > t->len + 1)
		return 0;
	if (p1_hex_text(o->text, t->text + t->text_len, need) < 0)
		return 0;
	o->decoded = t->text + t->text_len;
	t->text_len += strlen(o->decoded) + 1;
	return 0;
}

static bool time_shaped(const struct p1_group *g, bool allow_bare)
{
	size_t n = strlen(g->text);

	return !g->unit && (n == 13 || (allow_bare && n == 12));
}

/* Decode @g as a time into @tm, noting what had to be forgiven. */
static int take_time(struct p1_telegram *t, size_t oi, size_t entry,
		     const struct p1_group *g, bool allow_bare,
		     struct p1_time *tm)
{
	const char *remark;
	unsigned int r;

	if (!time_shaped(g, allow_bare) ||
	    p1_time_decode(t->tz, g->text, strlen(g->text), tm))
		return 0;
	r = tm->remarks;
	remark = p1_time_remark(r);
	if (!remark)
		return 1;
	bool warn = !(r & (P1_TIME_NO_VALUE | P1_TIME_AMBIGUOUS));
	int ret = entry == P1_NOTE_OBJECT ?
		  p1_note_add(t, oi, entry, warn, "%s: time %s: %s",
			      t->objs[oi].code, g->text, remark) :
		  p1_note_add(t, oi, entry, warn, "%s entry %zu: time %s: %s",
			      t->objs[oi].code, entry + 1, g->text, remark);

	return ret ? -ENOMEM : 1;
}

static void take_value(struct p1_object *o, const char *text,
		       const char *unit)
{
	const char *canon = unit ? p1_unit_canonical(unit) : NULL;

	o->text = text;
	o->unit = canon ? canon : unit;
	if (!*text && !unit) {
		o->kind = P1_KIND_EMPTY;
		return;
	}
	if ((unit || (o->known && (o->info.flags & P1_INFO_NUMBER))) &&
	    !p1_number_parse(text, &o->number)) {
		o->kind = P1_KIND_NUMBER;
		return;
	}
	o->kind = P1_KIND_TEXT;
}

static struct p1_entry *add_entry(struct p1_telegram *t, struct p1_object *o)
{
	struct p1_entry *e;

	if (t->nentries == t->entries_cap) {
		size_t cap = t->entries_cap ? t->entries_cap * 2 : 16;

		e = realloc(t->entries, cap * sizeof(*e));
		if (!e)
			return NULL;
		t->entries = e;
		t->entries_cap = cap;
	}
	if (!o->nentries)
		o->first_entry = t->nentries;
	o->nentries++;
	e = &t->entries[t->nentries++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void entry_value(struct p1_entry *e, const struct p1_group *g,
			const char *unit)
{
	const char *canon = unit ? p1_unit_canonical(unit) : NULL;

	e->text = g->text;
	e->unit = canon ? canon : unit;
	e->has_value = !p1_number_parse(g->text, &e->value);
}

/* Entries of a "(count)(id)...(entry)..." buffer, @w groups each. */
static int profile_entries(struct p1_telegram *t, size_t oi,
			   const struct p1_group *g, struct p1_error *err)
{
	struct p1_object *o = &t->objs[oi];

	for (size_t i = 0; i < o->count; i++) {
		const struct p1_group *eg = g + 1 + o->nids + i * o->entry_width;
		struct p1_entry *e = add_entry(t, o);
		size_t ntimes = 0;
		int ret;

		if (!e)
			return oom(err, o);
		for (size_t k = 0; k < o->entry_width; k++) {
			struct p1_time tm;

			ret = time_shaped(&eg[k], false) ?
			      take_time(t, oi, i, &eg[k], false, &tm) : 0;
			if (ret < 0)
				return oom(err, o);
			if (ret) {
				/* (start)(time): e-MUCS peaks; else one time */
				if (ntimes++)
					e->start = e->time;
				e->time = tm;
				continue;
			}
			entry_value(e, &eg[k], eg[k].unit);
		}
		if (e->has_value && e->unit && !strcmp(e->unit, "s") &&
		    (e->value == UNKNOWN_S1 || e->value == UNKNOWN_S2)) {
			e->has_value = false;
			if (p1_note_add(t, oi, i, false, "%s entry %zu: duration %s s: the meter's value for unknown: null",
					o->code, i + 1, e->text))
				return oom(err, o);
		}
	}
	return 0;
}

/* "(count)(id)[(id)](entry)...": a profile generic buffer. */
static int take_profile(struct p1_telegram *t, size_t oi, bool *taken,
			struct p1_error *err)
{
	struct p1_object *o = &t->objs[oi];
	const struct p1_group *g = &t->groups[o->first_group];
	double count;
	size_t nids = 0, rest;

	*taken = false;
	if (o->ngroups < 2 || g[0].unit || !all_digits(g[0].text) ||
	    p1_number_parse(g[0].text, &count))
		return 0;
	while (1 + nids < o->ngroups && !g[1 + nids].unit &&
	       is_obis(g[1 + nids].text))
		nids++;
	if (!nids)
		return 0;
	rest = o->ngroups - 1 - nids;
	if (count > 1000 || (count == 0 && rest) ||
	    (count > 0 && rest % (size_t)count))
		return 0;
	*taken = true;
	o->kind = P1_KIND_PROFILE;
	o->count = (size_t)count;
	o->nids = nids;
	o->entry_width = count > 0 ? rest / (size_t)count : 0;
	o->text = g[0].text;
	o->number = count;
	return profile_entries(t, oi, g, err);
}

/*
 * DSMR 2.2/3 gas: (time)(status)(period min)(n)(0-n:24.2.1)(unit), then
 * the n hourly values, the reading in its own group on the next line.
 */
static int gas_profile(struct p1_telegram *t, size_t oi, struct p1_error *err)
{
	struct p1_object *o = &t->objs[oi];
	const struct p1_group *g = &t->groups[o->first_group];
	size_t n = o->ngroups;
	const char *unit = g[n - 1].unit ? g[n - 1].unit : g[5].text;
	double period, nvals;
	int ret;

	ret = take_time(t, oi, P1_NOTE_OBJECT, &g[0], true, &o->time);
	if (ret < 0)
		return oom(err, o);
	if (ret)
		o->time_text = g[0].text;
	take_value(o, g[n - 1].text, unit);
	if (p1_number_parse(g[2].text, &period) || p1_number_parse(g[3].text, &nvals) ||
	    nvals < 1 || nvals != (double)(n - 6) || period > 1440)
		return 0;
	o->count = (size_t)nvals;
	o->nids = 1;
	o->entry_width = 1;
	for (size_t i = 0; i < o->count; i++) {
		struct p1_entry *e = add_entry(t, o);

		if (!e)
			return oom(err, o);
		e->time = o->time;
		if (e->time.state == P1_TIME_OK)
			e->time.utc += (int64_t)(i * period * 60);
		entry_value(e, &g[6 + i], unit);
	}
	return 0;
}

static int check_value(struct p1_telegram *t, size_t oi, struct p1_error *err)
{
	struct p1_object *o = &t->objs[oi];
	double v;
	int ret = 0;

	if (!o->known || o->kind != P1_KIND_NUMBER)
		return 0;
	if (o->info.unit && o->unit &&
	    p1_unit_convert(1, o->unit, o->info.unit, &v))
		ret = p1_note_add(t, oi, P1_NOTE_OBJECT, true,
				  "%s: unit %s where %s is expected: kept as sent",
				  o->code, o->unit, o->info.unit);
	else if (o->info.quantity == P1_Q_POWER_FACTOR &&
		 (o->number < -1 || o->number > 1))
		ret = p1_note_add(t, oi, P1_NOTE_OBJECT, true,
				  "%s: power factor %s is outside -1 .. 1",
				  o->code, o->text);
	return ret ? oom(err, o) : 0;
}

int p1_object_interpret(struct p1_telegram *t, struct p1_object *o,
			struct p1_error *err)
{
	const struct p1_group *g = &t->groups[o->first_group];
	size_t n = o->ngroups, oi = (size_t)(o - t->objs);
	bool taken;
	int ret;

	o->known = p1_obis_lookup(&o->id, &o->info);
	if (!n) {
		o->kind = P1_KIND_EMPTY;
		o->text = "";
		return 0;
	}
	if (o->id.c == 24 && o->id.d == 3 && o->id.e == 0 && n >= 7)
		return gas_profile(t, oi, err);

	ret = take_profile(t, oi, &taken, err);
	if (ret || taken)
		return ret;

	if (time_shaped(&g[0], false)) {
		ret = take_time(t, oi, P1_NOTE_OBJECT, &g[0], false, &o->time);
		if (ret < 0)
			return oom(err, o);
		if (ret) {
			o->time_text = g[0].text;
			if (n == 1) {
				/* the object is the time: 0-0:1.0.0 */
				o->kind = P1_KIND_TEXT;
				o->text = g[0].text;
				return 0;
			}
		}
	}
	take_value(o, g[n - 1].text, g[n - 1].unit);
	if (o->kind == P1_KIND_TEXT && o->known &&
	    (o->info.flags & P1_INFO_HEXTEXT)) {
		ret = decode_hex(t, o, err);
		if (ret)
			return ret;
	}
	return check_value(t, oi, err);
}
