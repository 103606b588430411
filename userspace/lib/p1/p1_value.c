// SPDX-License-Identifier: GPL-2.0
/*
 * Give the groups of an object a meaning: a value with its unit, an
 * optional leading timestamp, DSMR 2.2/3 gas readings, and profile
 * buffers (power failure log, e-MUCS monthly peaks).
 */
#include <errno.h>
#include <string.h>

#include "p1.h"

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

static bool take_time(struct p1_object *o, const struct p1_group *g,
		      bool allow_bare)
{
	size_t n = strlen(g->text);

	if (g->unit || (n != 13 && !(allow_bare && n == 12)))
		return false;
	if (p1_time_parse(g->text, n, &o->time))
		return false;
	o->has_time = true;
	o->time_text = g->text;
	return true;
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
	if ((unit || p1_obis_unitless_number(&o->id)) &&
	    !p1_number_parse(text, &o->number)) {
		o->kind = P1_KIND_NUMBER;
		return;
	}
	o->kind = P1_KIND_TEXT;
}

/* "(count)(id)[(id)](entry)...": a profile generic buffer. */
static bool take_profile(struct p1_telegram *t, struct p1_object *o)
{
	const struct p1_group *g = &t->groups[o->first_group];
	double count;
	size_t nids = 0, rest;

	if (o->ngroups < 2 || g[0].unit || !all_digits(g[0].text) ||
	    p1_number_parse(g[0].text, &count))
		return false;
	while (1 + nids < o->ngroups && !g[1 + nids].unit &&
	       is_obis(g[1 + nids].text))
		nids++;
	if (!nids)
		return false;
	rest = o->ngroups - 1 - nids;
	if (count > 1000 || (count == 0 && rest) ||
	    (count > 0 && rest % (size_t)count))
		return false;
	o->kind = P1_KIND_PROFILE;
	o->count = (size_t)count;
	o->nids = nids;
	o->entry_width = count > 0 ? rest / (size_t)count : 0;
	o->text = g[0].text;
	o->number = count;
	return true;
}

int p1_object_interpret(struct p1_telegram *t, struct p1_object *o,
			struct p1_error *err)
{
	const struct p1_group *g = &t->groups[o->first_group];
	size_t n = o->ngroups;

	if (!n) {
		o->kind = P1_KIND_EMPTY;
		o->text = "";
		return 0;
	}

	/*
	 * DSMR 2.2/3 gas: (time)(status)(period)(1)(0-n:24.2.x)(unit), and
	 * the reading in its own group on the next line.
	 */
	if (o->id.c == 24 && o->id.d == 3 && o->id.e == 0 && n >= 7) {
		take_time(o, &g[0], true);
		take_value(o, g[n - 1].text, g[n - 1].unit ? g[n - 1].unit :
			   g[5].text);
		return 0;
	}

	if (take_profile(t, o))
		return 0;

	if (n >= 2)
		take_time(o, &g[0], false);
	else if (take_time(o, &g[0], false)) {
		o->kind = P1_KIND_TEXT;
		o->text = g[0].text;
		return 0;
	}
	take_value(o, g[n - 1].text, g[n - 1].unit);
	return 0;
}
