// SPDX-License-Identifier: GPL-2.0
/*
 * Normalised view of a telegram: energies in kWh, powers in W, whatever
 * unit the meter used, so consumers need not know the variants.
 */
#include <math.h>
#include <string.h>

#include "p1.h"

/* Value of @code converted to @want, or NAN. */
static double get(const struct p1_telegram *t, const char *code,
		  const char *want)
{
	const struct p1_object *o = p1_find(t, code);
	double v;

	if (!o || o->kind != P1_KIND_NUMBER)
		return NAN;
	if (!want)
		return o->number;
	if (!o->unit || p1_unit_convert(o->number, o->unit, want, &v))
		return NAN;
	return v;
}

static void energies(const struct p1_telegram *t, struct p1_summary *s)
{
	/* the codes as written, not formatted for every telegram */
	static const char *const import[P1_TARIFFS] = {
		"1-0:1.8.1", "1-0:1.8.2", "1-0:1.8.3", "1-0:1.8.4",
		"1-0:1.8.5", "1-0:1.8.6", "1-0:1.8.7", "1-0:1.8.8",
	};
	static const char *const export[P1_TARIFFS] = {
		"1-0:2.8.1", "1-0:2.8.2", "1-0:2.8.3", "1-0:2.8.4",
		"1-0:2.8.5", "1-0:2.8.6", "1-0:2.8.7", "1-0:2.8.8",
	};
	double sum_in = NAN, sum_out = NAN;

	for (int i = 0; i < P1_TARIFFS; i++) {
		s->import_tariff_kwh[i] = get(t, import[i], "kWh");
		s->export_tariff_kwh[i] = get(t, export[i], "kWh");
		if (!isnan(s->import_tariff_kwh[i]))
			sum_in = (isnan(sum_in) ? 0 : sum_in) +
				 s->import_tariff_kwh[i];
		if (!isnan(s->export_tariff_kwh[i]))
			sum_out = (isnan(sum_out) ? 0 : sum_out) +
				  s->export_tariff_kwh[i];
	}
	/* a meter's own total wins over the sum of its registers */
	s->import_kwh = get(t, "1-0:1.8.0", "kWh");
	if (isnan(s->import_kwh))
		s->import_kwh = sum_in;
	s->export_kwh = get(t, "1-0:2.8.0", "kWh");
	if (isnan(s->export_kwh))
		s->export_kwh = sum_out;
	s->reactive_import_kvarh = get(t, "1-0:3.8.0", "kvarh");
	s->reactive_export_kvarh = get(t, "1-0:4.8.0", "kvarh");
}

static void phases(const struct p1_telegram *t, struct p1_summary *s)
{
	/* L1, L2, L3: voltage, current, import and export power */
	static const char *const code[3][4] = {
		{ "1-0:32.7.0", "1-0:31.7.0", "1-0:21.7.0", "1-0:22.7.0" },
		{ "1-0:52.7.0", "1-0:51.7.0", "1-0:41.7.0", "1-0:42.7.0" },
		{ "1-0:72.7.0", "1-0:71.7.0", "1-0:61.7.0", "1-0:62.7.0" },
	};

	for (int i = 0; i < 3; i++) {
		s->voltage_v[i] = get(t, code[i][0], "V");
		s->current_a[i] = get(t, code[i][1], "A");
		s->phase_import_w[i] = get(t, code[i][2], "W");
		s->phase_export_w[i] = get(t, code[i][3], "W");
	}
}

static struct p1_mbus_device *mbus_slot(struct p1_summary *s,
					unsigned int channel)
{
	for (size_t i = 0; i < s->nmbus; i++)
		if (s->mbus[i].channel == channel)
			return &s->mbus[i];
	if (s->nmbus == P1_MBUS_MAX)
		return NULL;
	s->mbus[s->nmbus] = (struct p1_mbus_device){
		.channel = channel,
		.value = NAN,
		.valve = NAN,
	};
	return &s->mbus[s->nmbus++];
}

static void mbus(const struct p1_telegram *t, struct p1_summary *s)
{
	for (size_t i = 0; i < t->nobjs; i++) {
		const struct p1_object *o = &t->objs[i];
		struct p1_mbus_device *d;

		if (!o->known || !(o->info.flags & P1_INFO_MBUS))
			continue;
		d = mbus_slot(s, o->id.b);
		if (!d)
			continue;
		if (o->id.c == 96) {
			d->id = o->text;
		} else if (o->id.d == 1 || o->id.d == 4) {
			/* device type and valve state are one byte each */
			if (o->kind != P1_KIND_NUMBER || o->number < 0 || o->number > 255)
				continue;
			if (o->id.d == 1)
				d->type = (unsigned int)o->number;
			else
				d->valve = o->number;
		} else if (o->kind == P1_KIND_NUMBER) {
			d->value = o->number;
			d->unit = o->unit;
			d->code = o->code;
			d->time = o->time;
		}
	}
}

void p1_summarize(const struct p1_telegram *t, struct p1_summary *s)
{
	const struct p1_object *o;

	memset(s, 0, sizeof(*s));
	o = p1_find(t, "0-0:1.0.0");
	if (o && o->time.state == P1_TIME_OK) {
		s->has_time = true;
		s->time = o->time.utc;
	}
	energies(t, s);
	s->tariff = get(t, "0-0:96.14.0", NULL);
	s->power_import_w = get(t, "1-0:1.7.0", "W");
	s->power_export_w = get(t, "1-0:2.7.0", "W");
	s->reactive_import_var = get(t, "1-0:3.7.0", "var");
	s->reactive_export_var = get(t, "1-0:4.7.0", "var");
	phases(t, s);
	s->demand_w = get(t, "1-0:1.4.0", "W");
	s->peak_demand_w = get(t, "1-0:1.6.0", "W");
	o = p1_find(t, "1-0:1.6.0");
	if (o && o->time.state == P1_TIME_OK) {
		s->has_peak_time = true;
		s->peak_time = o->time.utc;
	}
	s->breaker = get(t, "0-0:96.3.10", NULL);
	s->limiter_w = get(t, "0-0:17.0.0", "W");
	mbus(t, s);
}
