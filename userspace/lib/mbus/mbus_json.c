// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mbus_json.h"
#include "mbus_security.h"

#define KEY(g, k) yajl_gen_string(g, (const unsigned char *)(k), sizeof(k) - 1)

static void str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void num_u(yajl_gen g, uint64_t v)
{
	char b[24];
	int n = 0;

	do {
		b[sizeof(b) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	yajl_gen_number(g, b + sizeof(b) - n, (size_t)n);
}

static void hex_byte(yajl_gen g, uint8_t b)
{
	static const char d[] = "0123456789ABCDEF";
	const unsigned char s[2] = { (unsigned char)d[b >> 4],
				     (unsigned char)d[b & 0xF] };

	yajl_gen_string(g, s, 2);
}

static void hex_array(yajl_gen g, const uint8_t *p, size_t n)
{
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		hex_byte(g, p[i]);
	yajl_gen_array_close(g);
}

static void hex_string(yajl_gen g, const uint8_t *p, size_t n)
{
	char buf[2 * MBUS_VALUE_MAX_BYTES + 1];
	struct mbus_value v = { .type = MBUS_VALUE_BINARY };

	if (n > MBUS_VALUE_MAX_BYTES)
		n = MBUS_VALUE_MAX_BYTES;
	memcpy(v.bytes, p, n);
	v.len = n;
	yajl_gen_string(g, (const unsigned char *)buf,
			(size_t)mbus_value_format(&v, buf, sizeof(buf)));
}

static void hex_text(yajl_gen g, unsigned int v, int digits)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "0x%0*X", digits, v);
	str(g, buf);
}

static void value(yajl_gen g, const struct mbus_value *v)
{
	char buf[2 * MBUS_VALUE_MAX_BYTES + 1];
	int n = mbus_value_format(v, buf, sizeof(buf));
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		yajl_gen_number(g, buf, len);
		return;
	case MBUS_VALUE_REAL:
		if (isfinite(mbus_value_double(v)))
			yajl_gen_number(g, buf, len);
		else
			yajl_gen_null(g);
		return;
	case MBUS_VALUE_NONE:
	case MBUS_VALUE_INVALID:
		yajl_gen_null(g);
		return;
	default:
		yajl_gen_string(g, (const unsigned char *)buf, len);
		return;
	}
}

static void record(yajl_gen g, const struct mbus_record *r)
{
	yajl_gen_map_open(g);
	KEY(g, "function");
	str(g, mbus_function_name(r->function));
	KEY(g, "storage");
	num_u(g, r->storage);
	KEY(g, "tariff");
	num_u(g, r->tariff);
	KEY(g, "subunit");
	num_u(g, r->subunit);
	KEY(g, "quantity");
	str(g, r->quantity);
	KEY(g, "unit");
	str(g, r->unit);
	KEY(g, "value");
	value(g, &r->value);
	if (r->warnings & MBUS_WARN_BCD_DIGIT) {
		KEY(g, "raw");
		hex_string(g, r->value.bytes, r->value.len);
	}
	if (r->text_order) {
		KEY(g, "text_order");
		str(g, r->text_order == MBUS_TEXT_AFTER_VIFE ? "after_vife" :
							       "before_vife");
	}
	if (r->warnings) {
		KEY(g, "warnings");
		yajl_gen_array_open(g);
		for (unsigned int i = 0; i < MBUS_WARN_COUNT; i++)
			if (r->warnings & 1u << i)
				str(g, mbus_warning_text(1u << i));
		yajl_gen_array_close(g);
	}
	if (r->undecodable) {
		KEY(g, "problem");
		str(g, r->problem);
	}
	if ((r->value.type == MBUS_VALUE_DATE ||
	     r->value.type == MBUS_VALUE_DATETIME ||
	     r->value.type == MBUS_VALUE_TIME) && r->value.dt.invalid) {
		KEY(g, "invalid");
		str(g, "date/time marked invalid");
	}
	KEY(g, "dif");
	hex_byte(g, r->dif);
	if (r->n_dife) {
		KEY(g, "dife");
		hex_array(g, r->dife, r->n_dife);
	}
	if (!r->manufacturer_data && !r->global_readout && !r->undecodable) {
		KEY(g, "vif");
		hex_byte(g, r->vif);
		if (r->n_vife) {
			KEY(g, "vife");
			hex_array(g, r->vife, r->n_vife);
		}
	}
	if (r->description[0]) {
		KEY(g, "description");
		str(g, r->description);
	}
	if (r->error >= 0) {
		KEY(g, "error");
		num_u(g, (unsigned int)r->error);
	}
	yajl_gen_map_close(g);
}

static void status_text(yajl_gen g, uint8_t s)
{
	const char *t[8];
	size_t n = mbus_status_texts(s, t);

	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		str(g, t[i]);
	yajl_gen_array_close(g);
}

static void status_flags(yajl_gen g, uint8_t s)
{
	static const char *const app[4] = {
		NULL, "application_busy", "application_error", "abnormal",
	};

	yajl_gen_array_open(g);
	if (app[s & MBUS_STATUS_APP_MASK])
		str(g, app[s & 3]);
	if (s & MBUS_STATUS_POWER_LOW)
		str(g, "power_low");
	if (s & MBUS_STATUS_PERMANENT)
		str(g, "permanent_error");
	if (s & MBUS_STATUS_TEMPORARY)
		str(g, "temporary_error");
	if (s & 0xE0)
		str(g, "manufacturer_specific");
	yajl_gen_array_close(g);
}

static void header(yajl_gen g, const struct mbus_header *h)
{
	char buf[16];

	yajl_gen_map_open(g);
	if (h->type == MBUS_HEADER_LONG || h->type == MBUS_HEADER_FIXED) {
		snprintf(buf, sizeof(buf), "%08X", (unsigned int)h->id);
		KEY(g, "id");
		str(g, buf);
	}
	if (h->type == MBUS_HEADER_LONG) {
		mbus_manufacturer_code(h->manufacturer, buf);
		KEY(g, "manufacturer");
		str(g, buf);
		KEY(g, "version");
		num_u(g, h->version);
	}
	if (h->type == MBUS_HEADER_LONG || h->type == MBUS_HEADER_FIXED) {
		KEY(g, "medium");
		str(g, mbus_medium_name(h->medium));
		KEY(g, "medium_code");
		num_u(g, h->medium);
	}
	KEY(g, "access_number");
	num_u(g, h->access_number);
	KEY(g, "status");
	num_u(g, h->status);
	KEY(g, "status_flags");
	status_flags(g, h->status);
	KEY(g, "status_text");
	status_text(g, h->status);
	if (h->type != MBUS_HEADER_FIXED) {
		KEY(g, "signature");
		num_u(g, h->signature);
	}
	yajl_gen_map_close(g);
}

static void frame(yajl_gen g, const struct mbus_telegram *t)
{
	static const char *const types[] = { "ack", "short", "control", "long" };
	const struct mbus_frame *f = &t->frame;
	const char *name;

	yajl_gen_map_open(g);
	KEY(g, "type");
	str(g, types[f->type]);
	if (f->type != MBUS_FRAME_ACK) {
		KEY(g, "c");
		hex_text(g, f->c, 2);
		name = mbus_c_name(f->c);
		if (name) {
			KEY(g, "c_name");
			str(g, name);
		}
		KEY(g, "a");
		num_u(g, f->a);
	}
	if (f->type == MBUS_FRAME_CONTROL || f->type == MBUS_FRAME_LONG) {
		KEY(g, "ci");
		hex_text(g, f->ci, 2);
		if (t->ci.name) {
			KEY(g, "ci_name");
			str(g, t->ci.name);
		}
	}
	yajl_gen_map_close(g);
}

static void security(yajl_gen g, const struct mbus_telegram *t)
{
	const struct mbus_security *s = &t->sec;

	yajl_gen_map_open(g);
	KEY(g, "configuration_field");
	hex_text(g, s->cf, 4);
	KEY(g, "mode");
	num_u(g, s->mode);
	KEY(g, "name");
	str(g, mbus_security_mode_name(s->mode));
	KEY(g, "encrypted_blocks");
	num_u(g, s->blocks);
	if (s->mode == 7) {
		KEY(g, "cfe");
		hex_byte(g, s->cfe);
	}
	KEY(g, "decrypted");
	yajl_gen_bool(g, s->decrypted);
	if (s->mac_checked) {
		KEY(g, "mac_checked");
		yajl_gen_bool(g, 1);
	}
	if (s->error) {
		KEY(g, "error");
		str(g, s->msg);
		/* the encrypted bytes, as sent: nothing is lost */
		if (s->enc_pos >= t->frame.data_pos &&
		    s->enc_pos - t->frame.data_pos + s->enc_len <=
			    t->frame.data_len) {
			KEY(g, "raw");
			hex_string(g, t->frame.data + (s->enc_pos -
						       t->frame.data_pos),
				   s->enc_len);
		}
	} else if (!s->decrypted) {
		KEY(g, "note");
		str(g, "the data read as plain records: an old signature, not a security mode");
	}
	yajl_gen_map_close(g);
}

static void afl(yajl_gen g, const struct mbus_afl *a)
{
	yajl_gen_map_open(g);
	KEY(g, "fcl");
	hex_text(g, a->fcl, 4);
	if (a->fcl & MBUS_AFL_FCL_MCLP) {
		KEY(g, "mcl");
		hex_byte(g, a->mcl);
	}
	if (a->fcl & MBUS_AFL_FCL_MCRP) {
		KEY(g, "message_counter");
		num_u(g, a->mcr);
	}
	if (a->mac_len) {
		KEY(g, "mac");
		hex_string(g, a->mac, a->mac_len);
	}
	yajl_gen_map_close(g);
}

int mbus_telegram_json_gen(yajl_gen g, const struct mbus_telegram *t)
{
	char sa[MBUS_SECADDR_STRLEN];

	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -EIO;
	KEY(g, "frame");
	frame(g, t);
	switch (t->ci.kind) {
	case MBUS_CI_KIND_VARIABLE:
	case MBUS_CI_KIND_FIXED:
		if (t->header.type != MBUS_HEADER_NONE) {
			KEY(g, "header");
			header(g, &t->header);
		}
		if (t->afl.present) {
			KEY(g, "afl");
			afl(g, &t->afl);
		}
		if (t->sec.mode || t->sec.error) {
			KEY(g, "security");
			security(g, t);
		}
		KEY(g, "records");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < t->n_records; i++)
			record(g, &t->records[i]);
		yajl_gen_array_close(g);
		KEY(g, "more_records");
		yajl_gen_bool(g, t->more_records);
		if (t->n_undecodable) {
			KEY(g, "undecodable_records");
			num_u(g, t->n_undecodable);
		}
		break;
	case MBUS_CI_KIND_SELECT:
		mbus_secaddr_format(&t->select, sa);
		KEY(g, "select");
		str(g, sa);
		break;
	case MBUS_CI_KIND_BAUD:
		KEY(g, "baud");
		num_u(g, t->baud);
		break;
	case MBUS_CI_KIND_APP_ERROR:
		if (t->has_app_status) {
			KEY(g, "app_status");
			num_u(g, t->app_status);
		}
		KEY(g, "app_error");
		yajl_gen_map_open(g);
		KEY(g, "code");
		num_u(g, t->has_app_status ? t->app_status : 0);
		KEY(g, "text");
		str(g, mbus_app_error_text(t->has_app_status ?
					   t->app_status : 0));
		KEY(g, "code_sent");
		yajl_gen_bool(g, t->has_app_status);
		yajl_gen_map_close(g);
		break;
	case MBUS_CI_KIND_ALARM:
		if (t->has_app_status) {
			KEY(g, "app_status");
			num_u(g, t->app_status);
			KEY(g, "alarm_text");
			status_text(g, t->app_status);
		}
		break;
	default:
		if (t->has_app_status) {
			KEY(g, "app_status");
			num_u(g, t->app_status);
		}
		break;
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -EIO;
}

/* The json-c object of what @write generates. */
static struct json_object *parsed(void (*write)(yajl_gen, const void *),
				  const void *arg)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	struct json_object *j = NULL;
	const unsigned char *buf;
	size_t len;

	if (!g)
		return NULL;
	write(g, arg);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		j = json_tokener_parse((const char *)buf);
	yajl_gen_free(g);
	return j;
}

static void write_telegram(yajl_gen g, const void *t)
{
	mbus_telegram_json_gen(g, t);
}

static void write_record(yajl_gen g, const void *r)
{
	record(g, r);
}

static void write_value(yajl_gen g, const void *v)
{
	/* a bare value is no document for every parser: wrap it */
	yajl_gen_array_open(g);
	value(g, v);
	yajl_gen_array_close(g);
}

struct json_object *mbus_telegram_to_json(const struct mbus_telegram *t)
{
	return parsed(write_telegram, t);
}

struct json_object *mbus_record_to_json(const struct mbus_record *r)
{
	return parsed(write_record, r);
}

struct json_object *mbus_value_to_json(const struct mbus_value *v)
{
	struct json_object *a = parsed(write_value, v), *e;

	if (!a)
		return NULL;
	e = json_object_get(json_object_array_get_idx(a, 0));
	json_object_put(a);
	return e;
}
