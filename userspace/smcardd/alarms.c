// SPDX-License-Identifier: GPL-2.0
/* Alarm conditions of analog inputs and their threshold window. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alarms.h"

static const char *const names[SD_ALARM_N] = {
	"under_range", "low", "high", "over_range",
};

/* NAMUR NE43 in mA, and the 0-10 V input's over-range in V */
#define NE43_LOW_TRIP	3.6
#define NE43_LOW_CLEAR	3.8
#define NE43_HIGH_TRIP	21.0
#define NE43_HIGH_CLEAR	20.5
#define VOLT_HIGH_TRIP	10.0
#define VOLT_HIGH_CLEAR	9.9

const char *sd_alarm_name(enum sd_alarm a)
{
	return a < SD_ALARM_N ? names[a] : "?";
}

int sd_alarm_parse(const char *name)
{
	for (int i = 0; i < SD_ALARM_N; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* The input (mA or V) at which section @a shows @v: sd_analog_apply^-1 */
static int to_input(const struct sd_analog *a, double v, double *in)
{
	double den = a->has_map ? a->map[3] - a->map[1] : a->scale;

	if (den == 0)
		return -1;
	if (a->has_map)
		*in = a->map[0] + (v - a->map[1]) * (a->map[2] - a->map[0]) / den;
	else
		*in = (v - a->offset) / den;
	return 0;
}

static void add(struct sd_alarm_set *s, enum sd_alarm al, bool above,
		double trip, double clear)
{
	s->c[s->n++] = (struct sd_alarm_cond){
		.alarm = al, .above = above, .trip = trip, .clear = clear,
	};
}

int sd_alarm_setup(struct sd_alarm_set *s, const struct sd_analog *a,
		   bool current, double scale, double offset, char *err,
		   size_t err_size)
{
	/* input (mA or V) -> raw code */
	double unit = current ? 1 : 1000;
	double lo_t, lo_c, hi_t, hi_c;
	bool up;

	memset(s, 0, sizeof(*s));
	if (scale == 0) {
		snprintf(err, err_size, "the channel's scale is 0");
		return -1;
	}
#define CODE(in) ((in) * unit / scale - offset)
	/* a falling mapping (or scale) turns a high alarm into a low input */
	up = (a->has_map ? (a->map[3] - a->map[1]) / (a->map[2] - a->map[0]) : a->scale) > 0;
	up = up == (scale > 0);
	if (a->range_alarm && current) {
		add(s, SD_ALARM_UNDER_RANGE, scale < 0, CODE(NE43_LOW_TRIP), CODE(NE43_LOW_CLEAR));
		add(s, SD_ALARM_OVER_RANGE, scale > 0, CODE(NE43_HIGH_TRIP), CODE(NE43_HIGH_CLEAR));
	} else if (a->range_alarm) {
		add(s, SD_ALARM_OVER_RANGE, scale > 0, CODE(VOLT_HIGH_TRIP), CODE(VOLT_HIGH_CLEAR));
	}
	if (a->has_alarm_low) {
		if (to_input(a, a->alarm_low, &lo_t) ||
		    to_input(a, a->alarm_low + a->alarm_hysteresis, &lo_c))
			goto flat;
		add(s, SD_ALARM_LOW, !up, CODE(lo_t), CODE(lo_c));
	}
	if (a->has_alarm_high) {
		if (to_input(a, a->alarm_high, &hi_t) ||
		    to_input(a, a->alarm_high - a->alarm_hysteresis, &hi_c))
			goto flat;
		add(s, SD_ALARM_HIGH, up, CODE(hi_t), CODE(hi_c));
	}
#undef CODE
	return 0;
flat:
	snprintf(err, err_size, "scale 0 or a flat input/output mapping: no input gives an alarm value");
	return -1;
}

static bool trips(const struct sd_alarm_cond *c, double code)
{
	return c->above ? code > c->trip : code < c->trip;
}

static bool clears(const struct sd_alarm_cond *c, double code)
{
	return c->above ? code <= c->clear : code >= c->clear;
}

unsigned int sd_alarm_eval(struct sd_alarm_set *s, double code)
{
	unsigned int changed = 0;

	for (int i = 0; i < s->n; i++) {
		struct sd_alarm_cond *c = &s->c[i];

		if (c->active ? clears(c, code) : trips(c, code)) {
			c->active = !c->active;
			changed |= 1u << c->alarm;
		}
	}
	return changed;
}

/*
 * Where condition @c changes next, as an integer threshold of the event
 * it waits for: rising (code > *at) or falling (code < *at).
 */
static void next_change(const struct sd_alarm_cond *c, bool *rising, long *at)
{
	double p = c->active ? c->clear : c->trip;

	/* an inactive upward condition and an active downward one wait for a rise */
	*rising = c->above != c->active;
	if (*rising)	/* code > trip; code >= clear */
		*at = c->active ? (long)ceil(p) - 1 : (long)floor(p);
	else		/* code < trip; code <= clear */
		*at = c->active ? (long)floor(p) + 1 : (long)ceil(p);
}

void sd_alarm_window(const struct sd_alarm_set *s, bool *has_rise, long *rise,
		     bool *has_fall, long *fall)
{
	*has_rise = *has_fall = false;
	for (int i = 0; i < s->n; i++) {
		bool rising;
		long at;

		next_change(&s->c[i], &rising, &at);
		if (rising && (!*has_rise || at < *rise)) {
			*rise = at;
			*has_rise = true;
		} else if (!rising && (!*has_fall || at > *fall)) {
			*fall = at;
			*has_fall = true;
		}
	}
}

unsigned int sd_alarm_event(struct sd_alarm_set *s, bool rising)
{
	unsigned int changed = 0;
	bool has_rise, has_fall, r;
	long rise, fall, at;

	sd_alarm_window(s, &has_rise, &rise, &has_fall, &fall);
	if (rising ? !has_rise : !has_fall)
		return 0;
	for (int i = 0; i < s->n; i++) {
		next_change(&s->c[i], &r, &at);
		if (r == rising && at == (rising ? rise : fall)) {
			s->c[i].active = !s->c[i].active;
			changed |= 1u << s->c[i].alarm;
		}
	}
	return changed;
}

unsigned int sd_alarm_follow(struct sd_alarm_set *s, double code, bool rising)
{
	unsigned int changed = 0;

	for (int i = 0; i < s->n; i++) {
		struct sd_alarm_cond *c = &s->c[i];

		/* a rise trips upward conditions and clears downward ones */
		if (c->above != c->active ? !rising : rising)
			continue;
		if (c->active ? clears(c, code) : trips(c, code)) {
			c->active = !c->active;
			changed |= 1u << c->alarm;
		}
	}
	return changed;
}

unsigned int sd_alarm_active(const struct sd_alarm_set *s)
{
	unsigned int m = 0;

	for (int i = 0; i < s->n; i++)
		if (s->c[i].active)
			m |= 1u << s->c[i].alarm;
	return m;
}
