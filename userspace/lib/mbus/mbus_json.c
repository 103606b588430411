// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mbus_json.h"
#include "mbus_security.h"

/* Keys are string constants and each is added once: no copy, no lookup. */
static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
					     JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static struct json_object *hex_string(const uint8_t *p, size_t n)
{
	char buf[2 * MBUS_MAX_FRAME + 1];
	struct mbus_value v = { .type = MBUS_VALUE_BINARY };

	if (n > MBUS_VALUE_MAX_BYTES)
		n = MBUS_VALUE_MAX_BYTES;
	memcpy(v.bytes, p, n);
	v.len = n;
	mbus_value_format(&v, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *hex_byte(uint8_t b)
{
	static const char d[] = "0123456789ABCDEF";
	char s[3] = { d[b >> 4], d[b & 0xF], 0 };

	return json_object_new_string_len(s, 2);
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

	int n = mbus_value_format(v, buf, sizeof(buf));

	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		if (v->exponent == 0 && (v->negative || v->magnitude <= INT64_MAX))
			return json_object_new_int64(v->negative ?
				-(int64_t)(v->magnitude - 1) - 1 :
				(int64_t)v->magnitude);
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
		return json_object_new_string_len(buf, n < (int)sizeof(buf) ?
						       n : (int)sizeof(buf) - 1);
	}
}

static struct json_object *warnings_json(unsigned int w)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < MBUS_WARN_COUNT; i++)
		if (w & 1u << i)
			json_object_array_add(a,
				json_object_new_string(mbus_warning_text(1u << i)));
	return a;
}

struct json_object *mbus_record_to_json(const struct mbus_record *r)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add(o, "function", json_object_new_string(mbus_function_name(r->function)));
	add(o, "storage", json_object_new_int64((int64_t)r->storage));
	add(o, "tariff", json_object_new_int64(r->tariff));
	add(o, "subunit", json_object_new_int(r->subunit));
	add(o, "quantity", json_object_new_string(r->quantity));
	add(o, "unit", json_object_new_string(r->unit));
	add(o, "value", mbus_value_to_json(&r->value));
	if (r->warnings & MBUS_WARN_BCD_DIGIT)
		add(o, "raw", hex_string(r->value.bytes, r->value.len));
	if (r->text_order)
		add(o, "text_order", json_object_new_string(
			    r->text_order == MBUS_TEXT_AFTER_VIFE ?
			    "after_vife" : "before_vife"));
	if (r->warnings)
		add(o, "warnings", warnings_json(r->warnings));
	if (r->undecodable)
		add(o, "problem", json_object_new_string(r->problem));
	if ((r->value.type == MBUS_VALUE_DATE ||
	     r->value.type == MBUS_VALUE_DATETIME ||
	     r->value.type == MBUS_VALUE_TIME) && r->value.dt.invalid)
		add(o, "invalid", json_object_new_string("date/time marked invalid"));
	add(o, "dif", hex_byte(r->dif));
	if (r->n_dife)
		add(o, "dife", hex_array(r->dife, r->n_dife));
	if (!r->manufacturer_data && !r->global_readout && !r->undecodable) {
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

static struct json_object *status_text(uint8_t s)
{
	struct json_object *a = json_object_new_array();
	const char *t[8];
	size_t n = mbus_status_texts(s, t);

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(t[i]));
	return a;
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
	add(o, "status_text", status_text(h->status));
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

static struct json_object *security_json(const struct mbus_telegram *t)
{
	const struct mbus_security *s = &t->sec;
	struct json_object *o = json_object_new_object();
	char buf[8];

	snprintf(buf, sizeof(buf), "0x%04X", s->cf);
	add(o, "configuration_field", json_object_new_string(buf));
	add(o, "mode", json_object_new_int(s->mode));
	add(o, "name", json_object_new_string(mbus_security_mode_name(s->mode)));
	add(o, "encrypted_blocks", json_object_new_int(s->blocks));
	if (s->mode == 7)
		add(o, "cfe", hex_byte(s->cfe));
	add(o, "decrypted", json_object_new_boolean(s->decrypted));
	if (s->mac_checked)
		add(o, "mac_checked", json_object_new_boolean(true));
	if (s->error) {
		add(o, "error", json_object_new_string(s->msg));
		/* the encrypted bytes, as sent: nothing is lost */
		if (s->enc_pos >= t->frame.data_pos &&
		    s->enc_pos - t->frame.data_pos + s->enc_len <= t->frame.data_len)
			add(o, "raw", hex_string(t->frame.data + (s->enc_pos -
							t->frame.data_pos),
						 s->enc_len));
	} else if (!s->decrypted) {
		add(o, "note", json_object_new_string(
			    "the data read as plain records: an old signature, not a security mode"));
	}
	return o;
}

static struct json_object *afl_json(const struct mbus_afl *a)
{
	struct json_object *o = json_object_new_object();
	char buf[8];

	snprintf(buf, sizeof(buf), "0x%04X", a->fcl);
	add(o, "fcl", json_object_new_string(buf));
	if (a->fcl & MBUS_AFL_FCL_MCLP)
		add(o, "mcl", hex_byte(a->mcl));
	if (a->fcl & MBUS_AFL_FCL_MCRP)
		add(o, "message_counter", json_object_new_int64(a->mcr));
	if (a->mac_len)
		add(o, "mac", hex_string(a->mac, a->mac_len));
	return o;
}

static struct json_object *app_error_json(const struct mbus_telegram *t)
{
	struct json_object *o = json_object_new_object();
	uint8_t code = t->has_app_status ? t->app_status : 0;

	add(o, "code", json_object_new_int(code));
	add(o, "text", json_object_new_string(mbus_app_error_text(code)));
	add(o, "code_sent", json_object_new_boolean(t->has_app_status));
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
		if (t->afl.present)
			add(o, "afl", afl_json(&t->afl));
		if (t->sec.mode || t->sec.error)
			add(o, "security", security_json(t));
		recs = json_object_new_array();
		for (size_t i = 0; i < t->n_records; i++)
			json_object_array_add(recs,
					      mbus_record_to_json(&t->records[i]));
		add(o, "records", recs);
		add(o, "more_records", json_object_new_boolean(t->more_records));
		if (t->n_undecodable)
			add(o, "undecodable_records",
			    json_object_new_int((int)t->n_undecodable));
		break;
	case MBUS_CI_KIND_SELECT:
		mbus_secaddr_format(&t->select, sa);
		add(o, "select", json_object_new_string(sa));
		break;
	case MBUS_CI_KIND_BAUD:
		add(o, "baud", json_object_new_int((int)t->baud));
		break;
	case MBUS_CI_KIND_APP_ERROR:
		if (t->has_app_status)
			add(o, "app_status", json_object_new_int(t->app_status));
		add(o, "app_error", app_error_json(t));
		break;
	case MBUS_CI_KIND_ALARM:
		if (t->has_app_status) {
			add(o, "app_status", json_object_new_int(t->app_status));
			add(o, "alarm_text", status_text(t->app_status));
		}
		break;
	default:
		if (t->has_app_status)
			add(o, "app_status", json_object_new_int(t->app_status));
		break;
	}
	return o;
}
