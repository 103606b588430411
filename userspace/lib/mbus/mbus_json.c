// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>

#include "mbus_json.h"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *hex_byte(uint8_t b)
{
	char s[3];

	snprintf(s, sizeof(s), "%02X", b);
	return json_object_new_string(s);
}

static struct json_object *hex_array(const uint8_t *p, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, hex_byte(p[i]));
	return a;
}

struct json_object *mbus_value_to_json(const struct mbus_value *v)
{
	char buf[2 * MBUS_VALUE_MAX_BYTES + 1];
	double d;

	mbus_value_format(v, buf, sizeof(buf));
	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		return json_object_new_double_s(mbus_value_double(v), buf);
	case MBUS_VALUE_REAL:
		d = mbus_value_double(v);
		if (!isfinite(d))
			return NULL;
		return json_object_new_double_s(d, buf);
	case MBUS_VALUE_NONE:
	case MBUS_VALUE_INVALID:
		return NULL;
	default:
		return json_object_new_string(buf);
	}
}

struct json_object *mbus_record_to_json(const struct mbus_record *r)
{
	struct json_object *o = json_object_new_object();
	char buf[2 * MBUS_VALUE_MAX_BYTES + 1];

	if (!o)
		return NULL;
	add(o, "function", json_object_new_string(mbus_function_name(r->function)));
	add(o, "storage", json_object_new_int64((int64_t)r->storage));
	add(o, "tariff", json_object_new_int64(r->tariff));
	add(o, "subunit", json_object_new_int(r->subunit));
	add(o, "quantity", json_object_new_string(r->quantity));
	add(o, "unit", json_object_new_string(r->unit));
	add(o, "value", mbus_value_to_json(&r->value));
	if (r->value.type == MBUS_VALUE_INVALID) {
		mbus_value_format(&r->value, buf, sizeof(buf));
		add(o, "raw", json_object_new_string(buf));
		add(o, "invalid", json_object_new_string("non-decimal BCD digit"));
	}
	if ((r->value.type == MBUS_VALUE_DATE ||
	     r->value.type == MBUS_VALUE_DATETIME ||
	     r->value.type == MBUS_VALUE_TIME) && r->value.dt.invalid)
		add(o, "invalid", json_object_new_string("date/time marked invalid"));
	add(o, "dif", hex_byte(r->dif));
	if (r->n_dife)
		add(o, "dife", hex_array(r->dife, r->n_dife));
	if (!r->manufacturer_data && !r->global_readout) {
		add(o, "vif", hex_byte(r->vif));
		if (r->n_vife)
			add(o, "vife", hex_array(r->vife, r->n_vife));
	}
	if (r->description[0])
		add(o, "description", json_object_new_string(r->description));
	if (r->error >= 0)
		add(o, "error", json_object_new_int(r->error));
	return o;
}

static struct json_object *status_flags(uint8_t s)
{
	static const char *const app[4] = {
		NULL, "application_busy", "application_error", "abnormal",
	};
	struct json_object *a = json_object_new_array();

	if (app[s & MBUS_STATUS_APP_MASK])
		json_object_array_add(a, json_object_new_string(app[s & 3]));
	if (s & MBUS_STATUS_POWER_LOW)
		json_object_array_add(a, json_object_new_string("power_low"));
	if (s & MBUS_STATUS_PERMANENT)
		json_object_array_add(a, json_object_new_string("permanent_error"));
	if (s & MBUS_STATUS_TEMPORARY)
		json_object_array_add(a, json_object_new_string("temporary_error"));
	if (s & 0xE0)
		json_object_array_add(a, json_object_new_string("manufacturer_specific"));
	return a;
}

static struct json_object *header_json(const struct mbus_header *h)
{
	struct json_object *o = json_object_new_object();
	char buf[16];

	if (h->type == MBUS_HEADER_LONG || h->type == MBUS_HEADER_FIXED) {
		snprintf(buf, sizeof(buf), "%08X", (unsigned int)h->id);
		add(o, "id", json_object_new_string(buf));
	}
	if (h->type == MBUS_HEADER_LONG) {
		mbus_manufacturer_code(h->manufacturer, buf);
		add(o, "manufacturer", json_object_new_string(buf));
		add(o, "version", json_object_new_int(h->version));
	}
	if (h->type == MBUS_HEADER_LONG || h->type == MBUS_HEADER_FIXED) {
		add(o, "medium", json_object_new_string(mbus_medium_name(h->medium)));
		add(o, "medium_code", json_object_new_int(h->medium));
	}
	add(o, "access_number", json_object_new_int(h->access_number));
	add(o, "status", json_object_new_int(h->status));
	add(o, "status_flags", status_flags(h->status));
	if (h->type != MBUS_HEADER_FIXED)
		add(o, "signature", json_object_new_int(h->signature));
	return o;
}

static struct json_object *frame_json(const struct mbus_telegram *t)
{
	static const char *const types[] = { "ack", "short", "control", "long" };
	const struct mbus_frame *f = &t->frame;
	struct json_object *o = json_object_new_object();
	const char *name;
	char buf[8];

	add(o, "type", json_object_new_string(types[f->type]));
	if (f->type == MBUS_FRAME_ACK)
		return o;
	snprintf(buf, sizeof(buf), "0x%02X", f->c);
	add(o, "c", json_object_new_string(buf));
	name = mbus_c_name(f->c);
	if (name)
		add(o, "c_name", json_object_new_string(name));
	add(o, "a", json_object_new_int(f->a));
	if (f->type == MBUS_FRAME_SHORT)
		return o;
	snprintf(buf, sizeof(buf), "0x%02X", f->ci);
	add(o, "ci", json_object_new_string(buf));
	if (t->ci.name)
		add(o, "ci_name", json_object_new_string(t->ci.name));
	return o;
}

struct json_object *mbus_telegram_to_json(const struct mbus_telegram *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *recs;
	char sa[MBUS_SECADDR_STRLEN];

	if (!o)
		return NULL;
	add(o, "frame", frame_json(t));
	switch (t->ci.kind) {
	case MBUS_CI_KIND_VARIABLE:
	case MBUS_CI_KIND_FIXED:
		if (t->header.type != MBUS_HEADER_NONE)
			add(o, "header", header_json(&t->header));
		recs = json_object_new_array();
		for (size_t i = 0; i < t->n_records; i++)
			json_object_array_add(recs,
					      mbus_record_to_json(&t->records[i]));
		add(o, "records", recs);
		add(o, "more_records", json_object_new_boolean(t->more_records));
		break;
	case MBUS_CI_KIND_SELECT:
		mbus_secaddr_format(&t->select, sa);
		add(o, "select", json_object_new_string(sa));
		break;
	case MBUS_CI_KIND_BAUD:
		add(o, "baud", json_object_new_int((int)t->baud));
		break;
	default:
		if (t->has_app_status)
			add(o, "app_status", json_object_new_int(t->app_status));
		break;
	}
	return o;
}
