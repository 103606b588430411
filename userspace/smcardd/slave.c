// SPDX-License-Identifier: GPL-2.0
/* smcardd as an M-Bus slave: the telegram's content and its encoding. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbus.h"
#include "slave.h"

/* A configured unit as an M-Bus quantity: value x factor is in @mbus_unit. */
struct unit_map {
	const char *unit;
	const char *quantity;
	const char *mbus_unit;
	double factor;
};

static const struct unit_map units[] = {
	{ "Wh", "energy", "Wh", 1 },
	{ "kWh", "energy", "Wh", 1e3 },
	{ "MWh", "energy", "Wh", 1e6 },
	{ "J", "energy", "J", 1 },
	{ "kJ", "energy", "J", 1e3 },
	{ "MJ", "energy", "J", 1e6 },
	{ "GJ", "energy", "J", 1e9 },
	{ "m3", "volume", "m^3", 1 },
	{ "m³", "volume", "m^3", 1 },
	{ "L", "volume", "m^3", 1e-3 },
	{ "l", "volume", "m^3", 1e-3 },
	{ "kg", "mass", "kg", 1 },
	{ "t", "mass", "kg", 1e3 },
	{ "W", "power", "W", 1 },
	{ "kW", "power", "W", 1e3 },
	{ "MW", "power", "W", 1e6 },
	{ "m3/h", "volume_flow", "m^3/h", 1 },
	{ "m³/h", "volume_flow", "m^3/h", 1 },
	{ "L/h", "volume_flow", "m^3/h", 1e-3 },
	{ "l/h", "volume_flow", "m^3/h", 1e-3 },
	{ "°C", "external_temperature", "°C", 1 },
	{ "K", "temperature_difference", "K", 1 },
	{ "bar", "pressure", "bar", 1 },
	{ "mbar", "pressure", "bar", 1e-3 },
	{ "Pa", "pressure", "bar", 1e-5 },
	{ "kPa", "pressure", "bar", 1e-2 },
	{ "MPa", "pressure", "bar", 10 },
	{ "V", "voltage", "V", 1 },
	{ "mV", "voltage", "V", 1e-3 },
	{ "kV", "voltage", "V", 1e3 },
	{ "A", "current", "A", 1 },
	{ "mA", "current", "A", 1e-3 },
	{ "uA", "current", "A", 1e-6 },
	{ "µA", "current", "A", 1e-6 },
};

#define EXP_MIN	(-12)
#define EXP_MAX	9

static bool integral(double v, int exp)
{
	double q = v / pow(10, exp);

	return fabs(q - nearbyint(q)) <= 1e-6 * fmax(1, fabs(q));
}

int sd_slave_encoding(const char *unit, double resolution, double initial,
		      struct sd_slave_item *it)
{
	const struct unit_map *u = NULL;
	uint8_t vif[2];
	int best = EXP_MAX + 1, n = 0, target;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			u = &units[i];
	it->real = false;
	it->factor = 1;
	it->exp = 0;
	if (!u) {
		it->real = true;
		if (unit[0]) {
			it->vif[0] = MBUS_VIF_PLAIN_TEXT;
			it->vif_len = 1;
		} else {	/* dimensionless */
			it->vif[0] = MBUS_VIF_TABLE_FD;
			it->vif[1] = 0x3A;
			it->vif_len = 2;
		}
		return -ENOENT;
	}
	it->factor = u->factor;
	if (resolution > 0) {
		/* the largest exponent that keeps weight and start exact */
		double r = resolution * u->factor;

		target = (int)floor(log10(r) + 1e-9);
		for (int e = target; e >= EXP_MIN; e--)
			if (integral(r, e) && integral(initial * u->factor, e) &&
			    mbus_vif_find(u->quantity, u->mbus_unit, e, vif) > 0) {
				best = e;
				break;
			}
	} else {
		target = (int)floor(log10(u->factor * 1e-3) + 1e-9);
		for (int e = target; e >= EXP_MIN; e--)
			if (mbus_vif_find(u->quantity, u->mbus_unit, e, vif) > 0) {
				best = e;
				break;
			}
	}
	if (best > EXP_MAX)	/* nothing fine enough: the finest there is */
		for (int e = EXP_MIN; e <= EXP_MAX && best > EXP_MAX; e++)
			if (mbus_vif_find(u->quantity, u->mbus_unit, e, vif) > 0)
				best = e;
	if (best > EXP_MAX)
		return -ENOENT;
	n = mbus_vif_find(u->quantity, u->mbus_unit, best, it->vif);
	it->vif_len = (uint8_t)n;
	it->exp = best;
	return 0;
}

int sd_slave_medium(const char *s, uint8_t *medium)
{
	char *end;
	unsigned long v;

	for (unsigned int m = 0; m < 256; m++)
		if (!strcmp(s, mbus_medium_name((uint8_t)m)) &&
		    strcmp(s, "reserved")) {
			*medium = (uint8_t)m;
			return 0;
		}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > 255)
		return -EINVAL;
	*medium = (uint8_t)v;
	return 0;
}

static int parse_id(const char *s, uint32_t *id)
{
	size_t n = strlen(s);

	if (n < 1 || n > 8)
		return -EINVAL;
	*id = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		*id = *id << 4 | (uint32_t)(s[i] - '0');
	}
	return 0;
}

/* Next entry of a comma/space separated list into @tok; NULL at the end. */
static const char *next_token(const char *p, char *tok, size_t size)
{
	size_t n;

	while (*p == ',' || isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	n = strcspn(p, ", \t");
	snprintf(tok, size, "%.*s", (int)n, p);
	return p + n;
}

static bool source_exists(const struct sd_config *c, const char *key)
{
	const char *slash = strchr(key, '/');
	size_t i;

	if (!slash)
		return false;
	if (!strncmp(key, "counter/", 8)) {
		for (i = 0; i < c->ncounter; i++)
			if (!strcmp(c->counter[i].name, slash + 1))
				return true;
	} else if (!strncmp(key, "analog/", 7)) {
		for (i = 0; i < c->nanalog; i++)
			if (!strcmp(c->analog[i].name, slash + 1))
				return true;
	} else if (!strncmp(key, "digital/", 8)) {
		for (i = 0; i < c->ndigital; i++)
			if (!strcmp(c->digital[i].name, slash + 1))
				return true;
	}
	return false;
}

int sd_slave_check(const struct sd_config *c, char *err, size_t size)
{
	const struct sd_mbus_slave *s = &c->mbus_slave;
	char tok[SD_NAME_MAX + 16];
	const char *p;
	uint16_t man;
	uint32_t id;
	uint8_t med;

	if (!s->id[0] || parse_id(s->id, &id)) {
		snprintf(err, size, "'id' must be the identification number, 1 to 8 decimal digits, e.g. id = 12345678");
		return -EINVAL;
	}
	if (mbus_manufacturer_id(s->manufacturer, &man)) {
		snprintf(err, size, "'manufacturer' must be three letters A..Z, e.g. OPT");
		return -EINVAL;
	}
	if (sd_slave_medium(s->medium, &med)) {
		snprintf(err, size, "unknown medium '%s'; a number 0..255 or a name such as electricity, gas, water, heat_outlet, other",
			 s->medium);
		return -EINVAL;
	}
	for (p = s->report; (p = next_token(p, tok, sizeof(tok)));) {
		if (!strcmp(tok, "time") || source_exists(c, tok))
			continue;
		snprintf(err, size, "report: '%s' is neither 'time' nor a configured counter/NAME, analog/NAME or digital/NAME",
			 tok);
		return -EINVAL;
	}
	return 0;
}

static int add_item(struct sd_slave *s, enum sd_slave_kind kind,
		    const char *name, uint16_t subunit)
{
	struct sd_slave_item *n = realloc(s->items, (s->n_items + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->items = n;
	n = &s->items[s->n_items++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->subunit = subunit;
	if (kind == SD_SLAVE_COUNTER)
		snprintf(n->key, sizeof(n->key), "counter/%s", name);
	else if (kind == SD_SLAVE_ANALOG)
		snprintf(n->key, sizeof(n->key), "analog/%s", name);
	else if (kind == SD_SLAVE_DIGITAL)
		snprintf(n->key, sizeof(n->key), "digital/%s", name);
	else
		snprintf(n->key, sizeof(n->key), "time");
	return 0;
}

static bool wanted(const char *report, const char *key)
{
	char tok[SD_NAME_MAX + 16];
	const char *p = report;

	if (!report[0])
		return true;
	while ((p = next_token(p, tok, sizeof(tok))))
		if (!strcmp(tok, key))
			return true;
	return false;
}

int sd_slave_init(struct sd_slave *s, const struct sd_config *c,
		  uint8_t primary)
{
	const struct sd_mbus_slave *cs = &c->mbus_slave;
	char key[SD_NAME_MAX + 16];
	uint16_t sub = 0;
	size_t i, nrec = 0;
	int ret = 0;
	bool digital = false, have_time;

	memset(s, 0, sizeof(*s));
	if (parse_id(cs->id, &s->meter.addr.id) ||
	    mbus_manufacturer_id(cs->manufacturer, &s->meter.addr.manufacturer) ||
	    sd_slave_medium(cs->medium, &s->meter.addr.medium))
		return -EINVAL;
	s->meter.addr.version = (uint8_t)cs->version;
	s->meter.primary = primary;
	for (i = 0; i < c->ncounter && !ret; i++) {
		const struct sd_counter *k = &c->counter[i];
		struct sd_slave_item *it;

		snprintf(key, sizeof(key), "counter/%s", k->name);
		if (!wanted(cs->report, key))
			continue;
		ret = add_item(s, SD_SLAVE_COUNTER, k->name, sub++);
		if (ret)
			break;
		it = &s->items[s->n_items - 1];
		snprintf(it->unit, sizeof(it->unit), "%s", k->unit);
		it->resolution = k->weight;
		it->initial = k->initial;
		sd_slave_encoding(it->unit, it->resolution, it->initial, it);
		nrec++;
	}
	for (i = 0, sub = 0; i < c->nanalog && !ret; i++) {
		const struct sd_analog *a = &c->analog[i];
		struct sd_slave_item *it;

		snprintf(key, sizeof(key), "analog/%s", a->name);
		if (!wanted(cs->report, key))
			continue;
		ret = add_item(s, SD_SLAVE_ANALOG, a->name, sub++);
		if (ret)
			break;
		it = &s->items[s->n_items - 1];
		if (a->unit[0])
			snprintf(it->unit, sizeof(it->unit), "%s", a->unit);
		else if (!strncmp(a->channel, "current", 7))
			snprintf(it->unit, sizeof(it->unit), "mA");
		else if (!strncmp(a->channel, "voltage", 7))
			snprintf(it->unit, sizeof(it->unit), "V");
		sd_slave_encoding(it->unit, 0, 0, it);
		nrec++;
	}
	for (i = 0, sub = 0; i < c->ndigital && !ret; i++) {
		snprintf(key, sizeof(key), "digital/%s", c->digital[i].name);
		if (!wanted(cs->report, key))
			continue;
		ret = add_item(s, SD_SLAVE_DIGITAL, c->digital[i].name, sub++);
		digital = true;
	}
	if (sub > 32)
		ret = -EINVAL;	/* one 32-bit record at most */
	have_time = wanted(cs->report, "time");
	if (!ret && have_time)
		ret = add_item(s, SD_SLAVE_TIME, "time", 0);
	if (!ret) {
		s->n_recs = nrec + digital + have_time;
		s->recs = calloc(s->n_recs ? s->n_recs : 1, sizeof(*s->recs));
		if (!s->recs)
			ret = -ENOMEM;
	}
	if (ret) {
		sd_slave_free(s);
		return ret;
	}
	s->meter.records = s->recs;
	s->meter.n_records = s->n_recs;
	mbus_meter_reset(&s->meter);
	return 0;
}

void sd_slave_free(struct sd_slave *s)
{
	free(s->items);
	free(s->recs);
	memset(s, 0, sizeof(*s));
}

bool sd_slave_update(struct sd_slave *s, const char *key, double value,
		     const char *unit, bool fault)
{
	for (size_t i = 0; i < s->n_items; i++) {
		struct sd_slave_item *it = &s->items[i];

		if (strcmp(it->key, key))
			continue;
		/* an analog input without a configured unit: take the reading's */
		if (it->kind == SD_SLAVE_ANALOG && !it->unit[0] && unit && unit[0]) {
			snprintf(it->unit, sizeof(it->unit), "%s", unit);
			sd_slave_encoding(it->unit, 0, 0, it);
		}
		it->value = value;
		it->fault = fault;
		it->valid = isfinite(value);
		return true;
	}
	return false;
}

/* A number record for @it's current value. */
static int number_record(const struct sd_slave_item *it,
			 struct mbus_record_spec *r)
{
	double v = it->valid ? it->value : 0, scaled;
	uint64_t mag;

	r->subunit = it->subunit;
	r->function = it->valid && !it->fault ? MBUS_FUNC_INSTANTANEOUS :
						MBUS_FUNC_ERROR;
	memcpy(r->vif, it->vif, sizeof(it->vif));
	r->vif_len = it->vif_len;
	r->plain_unit = it->real && it->unit[0] ? it->unit : NULL;
	if (it->real) {
		r->df = MBUS_DF_REAL32;
		r->value.type = MBUS_VALUE_REAL;
		r->value.real = v;
		return 0;
	}
	scaled = nearbyint(v * it->factor / pow(10, it->exp));
	if (!(fabs(scaled) < 9.2e18))
		return -ERANGE;
	mag = (uint64_t)fabs(scaled);
	r->value.type = MBUS_VALUE_NUMBER;
	r->value.negative = scaled < 0;
	r->value.magnitude = mag;
	r->df = mag <= INT32_MAX ? MBUS_DF_INT32 :
		mag < (UINT64_C(1) << 47) ? MBUS_DF_INT48 : MBUS_DF_INT64;
	return 0;
}

int sd_slave_refresh(struct sd_slave *s, time_t now)
{
	struct mbus_record_spec *r = s->recs;
	uint32_t bits = 0;
	size_t ndig = 0;
	bool dig_ok = true, trouble = false, has_time = false;
	int ret;

	for (size_t i = 0; i < s->n_items; i++) {
		const struct sd_slave_item *it = &s->items[i];

		if (it->kind != SD_SLAVE_TIME && (!it->valid || it->fault))
			trouble = true;
		if (it->kind == SD_SLAVE_DIGITAL) {
			if (it->valid && it->value != 0)
				bits |= UINT32_C(1) << ndig;
			dig_ok &= it->valid;
			ndig++;
			continue;
		}
		if (it->kind == SD_SLAVE_TIME) {
			has_time = true;
			continue;
		}
		memset(r, 0, sizeof(*r));
		ret = number_record(it, r);
		if (ret)
			return ret;
		r++;
	}
	if (ndig) {
		memset(r, 0, sizeof(*r));
		r->function = dig_ok ? MBUS_FUNC_INSTANTANEOUS : MBUS_FUNC_ERROR;
		r->vif[0] = MBUS_VIF_TABLE_FD;
		r->vif[1] = 0x1B;	/* digital input (binary) */
		r->vif_len = 2;
		r->df = ndig <= 8 ? MBUS_DF_INT8 : ndig <= 16 ? MBUS_DF_INT16 :
							      MBUS_DF_INT32;
		r->value.type = MBUS_VALUE_NUMBER;
		r->value.magnitude = bits;
		r++;
	}
	if (has_time) {
		struct tm tm;

		memset(r, 0, sizeof(*r));
		localtime_r(&now, &tm);
		r->vif[0] = MBUS_VIF_DATETIME;
		r->vif_len = 1;
		r->df = MBUS_DF_INT32;
		r->value.type = MBUS_VALUE_DATETIME;
		r->value.dt.year = (uint16_t)(tm.tm_year + 1900);
		r->value.dt.month = (uint8_t)(tm.tm_mon + 1);
		r->value.dt.day = (uint8_t)tm.tm_mday;
		r->value.dt.hour = (uint8_t)tm.tm_hour;
		r->value.dt.minute = (uint8_t)tm.tm_min;
		r->value.dt.second = (uint8_t)tm.tm_sec;
		r->value.dt.summer_time = tm.tm_isdst > 0;
		/* a clock that was never set: type F cannot say 1970 anyway */
		r->value.dt.invalid = tm.tm_year < 100;
		r++;
	}
	s->meter.status = trouble ? SD_SLAVE_STATUS_TEMP_ERROR : 0;
	return 0;
}

int sd_slave_handle(struct sd_slave *s, const uint8_t *req, size_t len,
		    time_t now, uint8_t *reply, size_t size,
		    unsigned int *events)
{
	int ret = sd_slave_refresh(s, now);

	if (events)
		*events = 0;
	if (ret)
		return ret;
	return mbus_meter_handle(&s->meter, req, len, reply, size, events);
}
