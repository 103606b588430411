// SPDX-License-Identifier: GPL-2.0
/*
 * Everything a P1 telegram says, as smcardd publishes it: each object the
 * lib/p1 catalogue names under its key in normalised units (energies kWh,
 * powers W, reactive var, apparent VA), timestamps as ISO 8601 UTC,
 * hex text as text, states by name; M-Bus sub-devices and profile buffers
 * on sub-topics of their own. Beside each value, the Home Assistant entity
 * that shows it: device_class, state_class and unit from the object's
 * quantity, entity_category "diagnostic" for what describes the meter
 * rather than the energy.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "p1_publish.h"

/* FNV-1a, to tell whether the set of entities changed. */
static uint64_t fnv_part(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	return fnv_part(h, s) * 0x100000001b3ull;
}

/* snprintf(dst, size, "%s", src) without the cost of a format. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* snprintf(dst, size, "%s%s", a, b) likewise. */
static void join(char *dst, size_t size, const char *a, const char *b)
{
	size_t n = strlen(a);

	copy(dst, size, a);
	if (n < size - 1)
		copy(dst + n, size - n, b);
}

static size_t split(const char *list, char out[][64])
{
	size_t n = 0;

	while (*list && n < SD_P1_PATTERNS) {
		size_t len;

		list += strspn(list, " \t,");
		len = strcspn(list, " \t,");
		if (!len)
			break;
		if (len < 64) {
			memcpy(out[n], list, len);
			out[n++][len] = '\0';
		}
		list += len;
	}
	return n;
}

void sd_p1_filter_init(struct sd_p1_filter *f, const struct sd_p1 *c)
{
	memset(f, 0, sizeof(*f));
	f->ninclude = split(c->include, f->include);
	f->nexclude = split(c->exclude, f->exclude);
}

static bool any_match(const char (*pat)[64], size_t n, const char *name,
		      const char *key, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if ((name && !fnmatch(pat[i], name, 0)) ||
		    (key && !fnmatch(pat[i], key, 0)) ||
		    (code && !fnmatch(pat[i], code, 0)))
			return true;
	return false;
}

bool sd_p1_wanted(const struct sd_p1_filter *f, const char *name,
		  const char *key, const char *code)
{
	if (!f)
		return true;
	if (f->ninclude && !any_match(f->include, f->ninclude, name, key, code))
		return false;
	return !any_match(f->exclude, f->nexclude, name, key, code);
}

void sd_p1_pub_free(struct sd_p1_pub *pub)
{
	for (size_t i = 0; i < pub->nmsg; i++)
		json_object_put(pub->msg[i].payload);
	free(pub->ent);
	memset(pub, 0, sizeof(*pub));
}

static struct json_object *msg(struct sd_p1_pub *pub, const char *sub)
{
	for (size_t i = 0; i < pub->nmsg; i++)
		if (!strcmp(pub->msg[i].sub, sub))
			return pub->msg[i].payload;
	if (pub->nmsg == SD_P1_MSGS)
		return NULL;
	copy(pub->msg[pub->nmsg].sub, sizeof(pub->msg[0].sub), sub);
	pub->msg[pub->nmsg].payload = json_object_new_object();
	return pub->msg[pub->nmsg++].payload;
}

/* What Home Assistant makes of a value. */
struct kind {
	const char *unit, *device_class, *state_class, *options;
	bool diagnostic;
};

static int entity(struct sd_p1_pub *pub, const char *base, const char *sub,
		  const char *object, const char *name, const char *key,
		  const struct kind *k)
{
	struct sd_entity *e;

	/* the state topic is BASE/SUB: hashed as written, not truncated */
	pub->signature = fnv(fnv(fnv_part(fnv_part(pub->signature, base), "/"), sub), object);
	if (pub->hash_only)
		return 0;
	if (pub->nent == pub->cap) {
		size_t cap = pub->cap ? pub->cap * 2 : 64;

		e = realloc(pub->ent, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		pub->ent = e;
		pub->cap = cap;
	}
	e = &pub->ent[pub->nent++];
	memset(e, 0, sizeof(*e));
	copy(e->component, sizeof(e->component), "sensor");
	copy(e->object_id, sizeof(e->object_id), object);
	snprintf(e->name, sizeof(e->name), "P1 %s", name);
	snprintf(e->state_topic, sizeof(e->state_topic), "%s/%s", base, sub);
	copy(e->key, sizeof(e->key), key);
	copy(e->unit, sizeof(e->unit), k->unit ? sd_ha_unit(k->unit) : "");
	copy(e->device_class, sizeof(e->device_class), k->device_class ? k->device_class : "");
	copy(e->state_class, sizeof(e->state_class), k->state_class ? k->state_class : "");
	if (k->diagnostic)
		copy(e->entity_category, sizeof(e->entity_category), "diagnostic");
	if (k->options)
		copy(e->options, sizeof(e->options), k->options);
	/* Home Assistant keeps at most 255 characters of a state */
	if (!strcmp(key, "text_message") || !strcmp(key, "text_message_code"))
		snprintf(e->value_template, sizeof(e->value_template),
			 "{{ value_json.%s[:255] }}", key);
	return 0;
}

/* Classes from the catalogue's quantity and flags. */
static struct kind kind_of(const struct p1_obis_info *info, const char *unit)
{
	struct kind k = { .unit = unit, .diagnostic = info->flags & P1_INFO_DIAGNOSTIC };
	bool total = info->flags & P1_INFO_TOTAL;

	switch (info->quantity) {
	case P1_Q_ENERGY:
		k.device_class = "energy";
		break;
	case P1_Q_POWER:
		k.device_class = "power";
		break;
	case P1_Q_REACTIVE_POWER:
		k.device_class = "reactive_power";
		break;
	case P1_Q_APPARENT_POWER:
		k.device_class = "apparent_power";
		break;
	case P1_Q_VOLTAGE:
		k.device_class = "voltage";
		break;
	case P1_Q_CURRENT:
		k.device_class = "current";
		break;
	case P1_Q_POWER_FACTOR:
		k.device_class = "power_factor";
		break;
	case P1_Q_FREQUENCY:
		k.device_class = "frequency";
		break;
	case P1_Q_DURATION:
		k.device_class = "duration";
		break;
	case P1_Q_TIMESTAMP:
		k.device_class = "timestamp";
		return k;
	default:
		break;
	}
	if (unit && !strcmp(unit, "W") && !k.device_class)
		k.device_class = "power";
	if (unit && !strcmp(unit, "VA") && !k.device_class)
		k.device_class = "apparent_power";
	if (unit && !strcmp(unit, "A") && !k.device_class)
		k.device_class = "current";
	if (info->flags & P1_INFO_STATE || (!unit && info->quantity == P1_Q_NONE))
		return k;
	k.state_class = total ? "total_increasing" : "measurement";
	return k;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* A reading with a unit, converted to the catalogue's; false if it cannot. */
static bool normalised(const struct p1_object *o, const char *want, double *v)
{
	if (o->kind != P1_KIND_NUMBER)
		return false;
	if (!want) {
		*v = o->number;
		return true;
	}
	return o->unit && !p1_unit_convert(o->number, o->unit, want, v);
}

/* @key: a time, shown as entity @object ("p1_KEY" when NULL). */
static int add_time(struct sd_p1_pub *pub, const char *base,
		    struct json_object *j, const char *sub, const char *key,
		    const char *object, const char *name, const struct p1_time *tm)
{
	static const struct kind ts = { .device_class = "timestamp", .diagnostic = true };
	char id[96];

	p1_json_add_time(j, key, NULL, tm);
	join(id, sizeof(id), "p1_", key);
	return entity(pub, base, sub, object ? object : id, name, key, &ts);
}

/* One object of the main topic. */
static int main_object(const struct p1_object *o, const char *base,
		       struct json_object *j, struct sd_p1_pub *pub)
{
	const struct p1_obis_info *info = &o->info;
	char key[64], object[96], label[96];
	const char *unit = info->unit;
	struct kind k;
	double v;
	int ret;

	copy(key, sizeof(key), info->key);
	switch (info->quantity) {
	case P1_Q_TIMESTAMP:
		return add_time(pub, base, j, "p1", key, NULL, info->label, &o->time);
	case P1_Q_THRESHOLD:
		/* kW, kVA or A as the meter writes it: in W, VA or A */
		unit = o->unit ? p1_unit_base(o->unit) : NULL;
		if (!unit)
			return 0;
		snprintf(key, sizeof(key), "%s_%s", info->key, unit);
		lower(key + strlen(info->key));
		break;
	default:
		break;
	}
	if (!strcmp(info->name, "version"))
		return 0;	/* published as "version", read by the variant */
	if (info->flags & P1_INFO_STATE && o->kind == P1_KIND_NUMBER &&
	    !strcmp(info->name, "breaker_state") && p1_breaker_state_name(o->number)) {
		sd_json_str(j, key, p1_breaker_state_name(o->number));
		k = (struct kind){ .device_class = "enum",
				   .options = "disconnected,connected,ready_for_reconnection" };
	} else if (normalised(o, unit, &v)) {
		/* a power factor beyond 1 is a meter's "no value" (noted) */
		if (info->quantity == P1_Q_POWER_FACTOR && fabs(v) > 1)
			json_object_object_add(j, key, NULL);
		else
			sd_json_num(j, key, v);
		k = kind_of(info, unit);
	} else if (o->kind == P1_KIND_TEXT || o->kind == P1_KIND_EMPTY) {
		if (unit)
			return 0;	/* a number that is not one: noted by lib/p1 */
		sd_json_str(j, key, o->decoded ? o->decoded : o->text);
		k = (struct kind){ .diagnostic = info->flags & P1_INFO_DIAGNOSTIC };
	} else {
		return 0;
	}
	join(object, sizeof(object), "p1_", key);
	ret = entity(pub, base, "p1", object, info->label, key, &k);
	if (ret || o->time.state == P1_TIME_ABSENT)
		return ret;
	/* its own time: the e-MUCS peak's moment */
	join(key, sizeof(key), info->name, "_time");
	join(label, sizeof(label), info->label, " time");
	return add_time(pub, base, j, "p1", key, NULL, label, &o->time);
}

/* Unknown objects still go out, as sent: "obis_1_1_200_7_0": {value, unit}. */
static void unknown_object(const struct p1_object *o, struct json_object *j)
{
	struct json_object *v;
	char key[48];

	if (o->kind != P1_KIND_NUMBER)
		return;
	snprintf(key, sizeof(key), "obis_%u_%u_%u_%u_%u", o->id.a, o->id.b,
		 o->id.c, o->id.d, o->id.e);
	v = json_object_new_object();
	sd_json_num(v, "value", o->number);
	if (o->unit)
		sd_json_str(v, "unit", o->unit);
	json_object_object_add(j, key, v);
}

/* Derived: the variant, its version, totals from the tariff registers. */
static int derived(const struct p1_telegram *t, const struct p1_summary *s,
		   const struct sd_p1_filter *f, const char *base,
		   struct json_object *j, struct sd_p1_pub *pub)
{
	static const struct kind diag = { .diagnostic = true };
	static const struct p1_obis ids[2] = { { 1, 0, 1, 8, 0, 255 },
					       { 1, 0, 2, 8, 0, 255 } };
	const double *sums[2];
	int ret = 0;

	if (sd_p1_wanted(f, "variant", "variant", NULL)) {
		sd_json_str(j, "variant", p1_variant_name(t->variant));
		ret |= entity(pub, base, "p1", "p1_variant", "P1 variant", "variant", &diag);
	}
	if (t->version[0] && sd_p1_wanted(f, "version", "version", "1-3:0.2.8")) {
		sd_json_str(j, "version", t->version);
		ret |= entity(pub, base, "p1", "p1_version", "P1 version", "version", &diag);
	}
	sums[0] = &s->import_kwh;
	sums[1] = &s->export_kwh;
	for (int i = 0; i < 2; i++) {
		struct p1_obis_info info;
		char object[96];
		struct kind k;

		p1_obis_lookup(&ids[i], &info);
		if (isnan(*sums[i]) || json_object_object_get_ex(j, info.key, NULL) ||
		    !sd_p1_wanted(f, info.name, info.key, info.code))
			continue;
		sd_json_num(j, info.key, *sums[i]);
		k = kind_of(&info, info.unit);
		join(object, sizeof(object), "p1_", info.key);
		ret |= entity(pub, base, "p1", object, info.label, info.key, &k);
	}
	return ret ? -ENOMEM : 0;
}

static struct kind mbus_kind(const struct p1_mbus_device *d, const char **unit)
{
	struct kind k = { .state_class = "total_increasing" };
	const char *medium = p1_mbus_type_name(d->type);

	*unit = d->unit;
	if (!d->unit)
		return k;
	if (!strcmp(d->unit, "m3") && medium && !strcmp(medium, "gas"))
		k.device_class = "gas";
	else if (!strcmp(d->unit, "m3") && medium && strstr(medium, "water"))
		k.device_class = "water";
	else if (p1_unit_base(d->unit) && !strcmp(p1_unit_base(d->unit), "kWh"))
		k.device_class = "energy";
	else if (!strcmp(d->unit, "GJ"))
		k.device_class = "energy";
	k.unit = *unit;
	return k;
}

/* BASE/p1/mbusN: the sub-device, stamped with the time of its reading. */
static int mbus_device(const struct p1_telegram *t, const struct p1_mbus_device *d,
		       const struct sd_p1_filter *f, const char *base,
		       struct sd_p1_pub *pub)
{
	static const struct kind diag = { .diagnostic = true };
	const char *medium = p1_mbus_type_name(d->type), *unit;
	struct json_object *j;
	char sub[32], object[96], name[96];
	struct kind k;
	int ret = 0;

	snprintf(sub, sizeof(sub), "p1/mbus%u", d->channel);
	if (!sd_p1_wanted(f, sub + 3, NULL, NULL))
		return 0;
	j = msg(pub, sub);
	if (!j)
		return -ENOMEM;
	if (d->time.state == P1_TIME_OK)
		p1_json_add_time(j, "time", "utc_offset", &d->time);
	json_object_object_add(j, "channel", json_object_new_int((int)d->channel));
	if (d->type) {
		sd_json_num(j, "device_type", d->type);
		if (medium)
			sd_json_str(j, "medium", medium);
	}
	if (d->id) {
		const struct p1_object *o = NULL;

		for (size_t i = 0; i < t->nobjs && !o; i++)
			if (t->objs[i].text == d->id)
				o = &t->objs[i];
		sd_json_str(j, "equipment_id", o && o->decoded ? o->decoded : d->id);
		snprintf(object, sizeof(object), "p1_mbus%u_equipment_id", d->channel);
		snprintf(name, sizeof(name), "M-Bus %u equipment identifier", d->channel);
		ret |= entity(pub, base, sub, object, name, "equipment_id", &diag);
	}
	if (!isnan(d->valve)) {
		sd_json_num(j, "valve_state", d->valve);
		snprintf(object, sizeof(object), "p1_mbus%u_valve_state", d->channel);
		snprintf(name, sizeof(name), "M-Bus %u valve", d->channel);
		ret |= entity(pub, base, sub, object, name, "valve_state", &diag);
	}
	if (!isnan(d->value)) {
		k = mbus_kind(d, &unit);
		sd_json_num(j, "value", d->value);
		if (unit)
			sd_json_str(j, "unit", unit);
		snprintf(object, sizeof(object), "p1_mbus%u_value", d->channel);
		snprintf(name, sizeof(name), "%s (M-Bus %u)", medium ? medium : "meter",
			 d->channel);
		ret |= entity(pub, base, sub, object, name, "value", &k);
	}
	return ret ? -ENOMEM : 0;
}

/* BASE/p1/KEY of a profile buffer: its entries, and the latest one flat. */
static int profile(const struct p1_telegram *t, const struct p1_object *o,
		   const char *base, struct sd_p1_pub *pub)
{
	const struct p1_entry *last = NULL;
	struct json_object *j, *arr;
	const char *unit = NULL;
	char sub[64], object[96], name[96];
	int ret;

	snprintf(sub, sizeof(sub), "p1/%s", o->info.key);
	j = msg(pub, sub);
	if (!j)
		return -ENOMEM;
	arr = json_object_new_array();
	for (size_t i = 0; i < o->nentries; i++) {
		const struct p1_entry *e = p1_object_entry(t, o, i);
		struct json_object *x = json_object_new_object();
		const char *base_unit = e->unit ? p1_unit_base(e->unit) : NULL;
		double v;

		if (e->start.state != P1_TIME_ABSENT)
			p1_json_add_time(x, "start", NULL, &e->start);
		p1_json_add_time(x, "time", "utc_offset", &e->time);
		if (e->has_value && base_unit &&
		    !p1_unit_convert(e->value, e->unit, base_unit, &v)) {
			sd_json_num(x, "value", v);
			unit = base_unit;
		} else if (e->has_value) {
			sd_json_num(x, "value", e->value);
		} else {
			json_object_object_add(x, "value", NULL);
		}
		json_object_array_add(arr, x);
		if (e->time.state == P1_TIME_OK &&
		    (!last || last->time.state != P1_TIME_OK || e->time.utc > last->time.utc))
			last = e;
	}
	json_object_object_add(j, "count", json_object_new_int64((int64_t)o->count));
	if (unit)
		sd_json_str(j, "unit", unit);
	json_object_object_add(j, "entries", arr);
	if (!last)
		return 0;
	snprintf(object, sizeof(object), "p1_%s_last_time", o->info.key);
	snprintf(name, sizeof(name), "%s: latest", o->info.label);
	ret = add_time(pub, base, j, sub, "last_time", object, name, &last->time);
	if (ret || !last->has_value)
		return ret;
	if (last->start.state != P1_TIME_ABSENT)
		p1_json_add_time(j, "last_start", NULL, &last->start);
	{
		struct kind k = kind_of(&o->info, unit);
		double v = last->value;

		if (unit)
			p1_unit_convert(last->value, last->unit, unit, &v);
		k.state_class = "measurement";
		sd_json_num(j, "last_value", v);
		snprintf(object, sizeof(object), "p1_%s_last_value", o->info.key);
		snprintf(name, sizeof(name), "%s: latest value", o->info.label);
		return entity(pub, base, sub, object, name, "last_value", &k);
	}
}

static int build(const struct p1_telegram *t, const struct sd_p1_filter *f,
		 const char *base, bool hash_only, struct sd_p1_pub *pub)
{
	struct json_object *j;
	struct p1_summary s;
	int ret = 0;

	memset(pub, 0, sizeof(*pub));
	pub->signature = 0xcbf29ce484222325ull;
	pub->hash_only = hash_only;
	j = msg(pub, "p1");
	if (!j)
		return -ENOMEM;
	for (size_t i = 0; i < t->nobjs && !ret; i++) {
		const struct p1_object *o = &t->objs[i];

		if (!o->known) {
			unknown_object(o, j);
			continue;
		}
		if ((o->info.flags & P1_INFO_MBUS) ||
		    !sd_p1_wanted(f, o->info.name, o->info.key, o->code))
			continue;
		if (o->info.flags & P1_INFO_PROFILE)
			ret = profile(t, o, base, pub);
		else
			ret = main_object(o, base, j, pub);
	}
	p1_summarize(t, &s);
	if (!ret)
		ret = derived(t, &s, f, base, j, pub);
	for (size_t i = 0; i < s.nmbus && !ret; i++)
		ret = mbus_device(t, &s.mbus[i], f, base, pub);
	return ret;
}

int sd_p1_build(const struct p1_telegram *t, const struct sd_p1_filter *f,
		const char *base, struct sd_p1_pub *pub)
{
	return build(t, f, base, false, pub);
}

int sd_p1_build_known(const struct p1_telegram *t, const struct sd_p1_filter *f,
		      const char *base, uint64_t known, struct sd_p1_pub *pub)
{
	int ret = build(t, f, base, true, pub);

	if (ret || pub->signature == known)
		return ret;
	/* a new set of entities (the first telegram, a meter that changed) */
	sd_p1_pub_free(pub);
	return build(t, f, base, false, pub);
}
