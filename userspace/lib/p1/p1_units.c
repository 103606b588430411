// SPDX-License-Identifier: GPL-2.0
/* Numbers and units as they appear in P1 groups: "(001.193*kW)". */
#include <math.h>
#include <stddef.h>
#include <strings.h>

#include "p1.h"

enum dim { ENERGY, POWER, VOLTAGE, CURRENT, VOLUME, HEAT, RENERGY, RPOWER,
	   APOWER, AENERGY, FREQUENCY, TIME };

static const struct unit {
	const char *name;
	enum dim dim;
	double factor;		/* to the first unit of the dimension, its base */
} units[] = {
	{ "kWh", ENERGY, 1 },
	{ "Wh", ENERGY, 1e-3 },
	{ "MWh", ENERGY, 1e3 },
	{ "W", POWER, 1 },
	{ "kW", POWER, 1e3 },
	{ "MW", POWER, 1e6 },
	{ "V", VOLTAGE, 1 },
	{ "A", CURRENT, 1 },
	{ "m3", VOLUME, 1 },
	{ "dm3", VOLUME, 1e-3 },
	{ "l", VOLUME, 1e-3 },
	{ "GJ", HEAT, 1 },
	{ "MJ", HEAT, 1e-3 },
	{ "kvarh", RENERGY, 1 },
	{ "varh", RENERGY, 1e-3 },
	{ "var", RPOWER, 1 },
	{ "kvar", RPOWER, 1e3 },
	{ "VA", APOWER, 1 },
	{ "kVA", APOWER, 1e3 },
	{ "kVAh", AENERGY, 1 },
	{ "VAh", AENERGY, 1e-3 },
	{ "Hz", FREQUENCY, 1 },
	{ "s", TIME, 1 },
};

/*
 * Units compare without case ("KWH", "kWh"), except where case is all that
 * tells them apart: "MWh" is not "mWh". No P1 meter sends milli-units, so
 * the mega reading wins.
 */
static const struct unit *lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(units[i].name, name))
			return &units[i];
	return NULL;
}

const char *p1_unit_canonical(const char *unit)
{
	const struct unit *u = unit ? lookup(unit) : NULL;

	return u ? u->name : NULL;
}

const char *p1_unit_base(const char *unit)
{
	const struct unit *u = unit ? lookup(unit) : NULL;

	if (!u)
		return NULL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].dim == u->dim)
			return units[i].name;
	return NULL;
}

int p1_unit_convert(double value, const char *unit, const char *want,
		    double *out)
{
	const struct unit *from = unit ? lookup(unit) : NULL;
	const struct unit *to = lookup(want);

	if (!from || !to || from->dim != to->dim)
		return -1;
	*out = value * from->factor / to->factor;
	return 0;
}

int p1_number_parse(const char *s, double *out)
{
	uint64_t mant = 0;
	unsigned int sig = 0, ndec = 0, any = 0;
	bool neg = false, dot = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		any++;
		if (mant || *s != '0')
			sig++;
		ndec += dot;
		/* beyond 18 digits it is an identifier, not a reading */
		if (sig > 18 || ndec > 18)
			return -1;
		mant = mant * 10 + (uint64_t)(*s - '0');
	}
	if (!any)
		return -1;
	*out = (neg ? -1.0 : 1.0) * (double)mant / pow(10, ndec);
	return 0;
}
