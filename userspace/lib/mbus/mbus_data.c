// SPDX-License-Identifier: GPL-2.0
/*
 * Variable data records: DIF, DIFE, VIF, VIFE, (plain text unit), data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbus_data.h"
#include "mbus_vif.h"

static const int df_len[16] = {
	0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, -1, 6, -1,
};

int mbus_data_field_len(enum mbus_data_field df)
{
	return df_len[df & 0xF];
}

const char *mbus_function_name(enum mbus_function f)
{
	static const char *const names[4] = {
		"instantaneous", "maximum", "minimum", "error",
	};

	return names[f & 3];
}

/* Cursor over the application data with frame offsets for messages. */
struct cursor {
	const uint8_t *data;
	size_t len;
	size_t at;		/* index into data */
	size_t base;		/* frame offset of data[0] */
	size_t rec;		/* frame offset of the current record */
	struct mbus_error *err;
};

static int truncated(struct cursor *c, const char *what, size_t n)
{
	return mbus_fail(c->err, -ENODATA, c->base + c->at,
			 "record at offset %zu: %s needs %zu byte%s, %zu left",
			 c->rec, what, n, n == 1 ? "" : "s", c->len - c->at);
}

static int take(struct cursor *c, const char *what, size_t n,
		const uint8_t **p)
{
	if (c->len - c->at < n)
		return truncated(c, what, n);
	*p = c->data + c->at;
	c->at += n;
	return 0;
}

static void append(char *buf, size_t size, const char *sep, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, const char *sep, const char *fmt,
		   ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n && n + 1 < size)
		n += (size_t)snprintf(buf + n, size - n, "%s", sep);
	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* How the data of a record are to be read, after VIF and VIFEs. */
struct meaning {
	enum mbus_vif_kind kind;
	int exponent;
	bool is_date;		/* a date VIF or a "date of" VIFE */
	bool unsigned_value;
};

static int parse_dif(struct cursor *c, struct mbus_record *r)
{
	const uint8_t *p;
	uint8_t b;
	int ret;

	ret = take(c, "DIF", 1, &p);
	if (ret)
		return ret;
	r->dif = b = p[0];
	r->function = (enum mbus_function)(r->dif >> 4 & 3);
	r->storage = r->dif >> 6 & 1;
	while (b & MBUS_DIF_EXT) {
		unsigned int i = r->n_dife;

		if (i == MBUS_MAX_DIFE)
			return mbus_fail(c->err, -EBADMSG, c->base + c->at,
					 "record at offset %zu: more than %d DIFEs",
					 c->rec, MBUS_MAX_DIFE);
		ret = take(c, "DIFE", 1, &p);
		if (ret)
			return ret;
		r->dife[r->n_dife++] = b = p[0];
		r->storage |= (uint64_t)(b & MBUS_DIFE_STORAGE) << (1 + 4 * i);
		r->tariff |= (uint32_t)(b >> 4 & 3) << (2 * i);
		r->subunit |= (uint16_t)((b >> 6 & 1) << i);
	}
	return 0;
}

static void apply_vife(struct mbus_record *r, struct meaning *m, uint8_t v,
		       bool from_master)
{
	struct mbus_vife_info i;
	const char *name;

	mbus_vife_lookup(v, from_master, &i);
	switch (i.kind) {
	case MBUS_VIFE_ERROR:
		r->error = i.code;
		name = mbus_record_error_name(i.code);
		append(r->description, sizeof(r->description), "; ",
		       "error: %s", name ? name : "reserved");
		return;
	case MBUS_VIFE_ACTION:
		append(r->description, sizeof(r->description), "; ",
		       "action: %s", i.text);
		return;
	case MBUS_VIFE_UNIT:
		append(r->unit, sizeof(r->unit), "", "%s", i.unit_suffix);
		return;
	case MBUS_VIFE_SCALE:
		m->exponent += i.exp;
		return;
	case MBUS_VIFE_OFFSET:
		m->exponent += i.exp;
		break;
	case MBUS_VIFE_COUNT:
		snprintf(r->unit, sizeof(r->unit), "%s", "");
		m->exponent = 0;
		m->unsigned_value = true;
		break;
	case MBUS_VIFE_DURATION:
		snprintf(r->unit, sizeof(r->unit), "%s", i.unit_suffix);
		m->exponent = 0;
		m->unsigned_value = true;
		break;
	case MBUS_VIFE_DATE:
		snprintf(r->unit, sizeof(r->unit), "%s", "");
		m->is_date = true;
		break;
	default:
		break;
	}
	if (i.text)
		append(r->description, sizeof(r->description), "; ", "%s",
		       i.text);
}

static int parse_vif(struct cursor *c, struct mbus_record *r,
		     struct meaning *m, bool from_master)
{
	enum mbus_vif_table table = MBUS_VIF_TABLE_PRIMARY;
	struct mbus_vif_info info;
	bool ext, vendor = false, fc_next = false;
	const uint8_t *p;
	uint8_t code;
	int ret;

	ret = take(c, "VIF", 1, &p);
	if (ret)
		return ret;
	r->vif = code = p[0];
	ext = code & MBUS_VIF_EXT;
	if ((code & 0x7F) == MBUS_VIF_TABLE_FB ||
	    (code & 0x7F) == MBUS_VIF_TABLE_FD) {
		table = (code & 0x7F) == MBUS_VIF_TABLE_FB ?
			MBUS_VIF_TABLE_EXT_FB : MBUS_VIF_TABLE_EXT_FD;
		ret = take(c, "extended VIF", 1, &p);
		if (ret)
			return ret;
		r->vife[r->n_vife++] = code = p[0];
		ext = code & MBUS_VIF_EXT;
	}
	mbus_vif_lookup(table, code, &info);
	snprintf(r->quantity, sizeof(r->quantity), "%s", info.quantity);
	snprintf(r->unit, sizeof(r->unit), "%s", info.unit);
	m->kind = info.kind;
	m->exponent = info.exponent;
	m->is_date = info.kind == MBUS_VK_DATE || info.kind == MBUS_VK_DATETIME;
	m->unsigned_value = info.kind == MBUS_VK_UNSIGNED ||
			    info.kind == MBUS_VK_FLAGS;
	vendor = info.kind == MBUS_VK_MANUFACTURER;

	while (ext) {
		if (r->n_vife == MBUS_MAX_VIFE + (table ? 1 : 0))
			return mbus_fail(c->err, -EBADMSG, c->base + c->at,
					 "record at offset %zu: more than %d VIFEs",
					 c->rec, MBUS_MAX_VIFE);
		ret = take(c, "VIFE", 1, &p);
		if (ret)
			return ret;
		r->vife[r->n_vife++] = code = p[0];
		ext = code & MBUS_VIF_EXT;
		if (vendor)
			continue;
		if (fc_next) {
			append(r->description, sizeof(r->description), "; ",
			       "extended VIFE 0x%02X", code & 0x7F);
			fc_next = false;
			continue;
		}
		if ((code & 0x7F) == 0x7C)
			fc_next = true;
		else if ((code & 0x7F) == 0x7F)
			vendor = true;
		apply_vife(r, m, code, from_master);
	}

	if (info.kind == MBUS_VK_PLAIN_TEXT) {
		struct mbus_value text;

		ret = take(c, "plain text VIF length", 1, &p);
		if (ret)
			return ret;
		code = p[0];
		ret = take(c, "plain text VIF", code, &p);
		if (ret)
			return ret;
		/* sent last character first, like LVAR text */
		mbus_value_text(&text, p, code);
		code = (uint8_t)(text.len < sizeof(r->unit) ?
				 text.len : sizeof(r->unit) - 1);
		memcpy(r->unit, text.bytes, code);
		r->unit[code] = 0;
	}
	return 0;
}

static void reversed(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

/* Fixed-size data, interpreted as the VIF says. */
static void decode_fixed(struct mbus_record *r, const struct meaning *m,
			 const uint8_t *p, size_t n)
{
	enum mbus_data_field df = (enum mbus_data_field)(r->dif & 0xF);
	struct mbus_value *v = &r->value;
	bool plain = m->kind == MBUS_VK_NUMBER ||
		     m->kind == MBUS_VK_PLAIN_TEXT;

	if (m->is_date && df == MBUS_DF_INT16) {
		v->type = MBUS_VALUE_DATE;
		mbus_decode_type_g(&v->dt, p);
		return;
	}
	if (m->is_date && (df == MBUS_DF_INT32 || df == MBUS_DF_INT48)) {
		v->type = MBUS_VALUE_DATETIME;
		if (df == MBUS_DF_INT32)
			mbus_decode_type_f(&v->dt, p);
		else
			mbus_decode_type_i(&v->dt, p);
		return;
	}
	if (m->is_date && df == MBUS_DF_INT24) {
		v->type = MBUS_VALUE_TIME;
		mbus_decode_type_j(&v->dt, p);
		return;
	}
	if (df == MBUS_DF_REAL32) {
		mbus_value_real32(v, p);
	} else if (df >= MBUS_DF_BCD2) {
		mbus_value_bcd(v, p, n, plain && !m->unsigned_value);
	} else {
		mbus_value_int(v, p, n, !m->unsigned_value &&
					m->kind != MBUS_VK_FLAGS);
	}
	v->exponent = plain ? m->exponent : 0;
}

static int decode_lvar(struct cursor *c, struct mbus_record *r,
		       const struct meaning *m)
{
	struct mbus_value *v = &r->value;
	bool plain = m->kind == MBUS_VK_NUMBER;
	const uint8_t *p = NULL;
	uint8_t l;
	size_t n;
	int ret;

	ret = take(c, "LVAR", 1, &p);
	if (ret)
		return ret;
	r->lvar = l = p[0];
	if (l <= 0xBF)
		n = l;
	else if (l >= 0xC0 && l <= 0xC9)
		n = l - 0xC0u;
	else if (l >= 0xD0 && l <= 0xD9)
		n = l - 0xD0u;
	else if (l >= 0xE0 && l <= 0xEF)
		n = l - 0xE0u;
	else if (l >= 0xF0 && l <= 0xF4)
		n = 4u * (l - 0xECu);
	else if (l == 0xF5)
		n = 48;
	else if (l == 0xF6)
		n = 64;
	else
		return mbus_fail(c->err, -EBADMSG, c->base + c->at - 1,
				 "record at offset %zu: reserved LVAR 0x%02X",
				 c->rec, l);
	r->data_pos = c->base + c->at;
	ret = take(c, "variable length data", n, &p);
	if (ret)
		return ret;
	r->data_len = n;
	if (l <= 0xBF) {
		mbus_value_text(v, p, n);
	} else if (l <= 0xD9) {
		if (mbus_value_bcd(v, p, n, false)) {
			v->negative = l >= 0xD0 && v->magnitude;
			v->exponent = plain ? m->exponent : 0;
		}
	} else if (n <= 8) {
		mbus_value_int(v, p, n, false);
		v->exponent = plain ? m->exponent : 0;
	} else {
		mbus_value_bytes(v, MBUS_VALUE_BINARY, p, n);
	}
	return 0;
}

static int parse_data(struct cursor *c, struct mbus_record *r,
		      const struct meaning *m, bool msb_first)
{
	enum mbus_data_field df = (enum mbus_data_field)(r->dif & 0xF);
	uint8_t tmp[8];
	const uint8_t *p = NULL;
	int n = df_len[df];
	int ret;

	if (df == MBUS_DF_LVAR)
		return decode_lvar(c, r, m);
	r->data_pos = c->base + c->at;
	r->data_len = (size_t)n;
	if (n == 0) {
		r->value.type = MBUS_VALUE_NONE;
		return 0;
	}
	ret = take(c, "data field", (size_t)n, &p);
	if (ret)
		return ret;
	if (msb_first) {
		reversed(tmp, p, (size_t)n);
		p = tmp;
	}
	decode_fixed(r, m, p, (size_t)n);
	return 0;
}

static struct mbus_record *new_record(struct mbus_telegram *t)
{
	struct mbus_record *r;

	if (t->n_records == t->cap_records) {
		size_t cap = t->cap_records ? 2 * t->cap_records : 16;

		r = realloc(t->records, cap * sizeof(*r));
		if (!r)
			return NULL;
		t->records = r;
		t->cap_records = cap;
	}
	r = &t->records[t->n_records];
	memset(r, 0, sizeof(*r));
	r->error = -1;
	return r;
}

/* DIF 0x0F / 0x1F: everything up to the end belongs to the vendor. */
static void vendor_data(struct cursor *c, struct mbus_record *r)
{
	snprintf(r->quantity, sizeof(r->quantity), "manufacturer_specific");
	r->manufacturer_data = true;
	r->data_pos = c->base + c->at;
	r->data_len = c->len - c->at;
	mbus_value_bytes(&r->value, MBUS_VALUE_BINARY, c->data + c->at,
			 c->len - c->at);
	c->at = c->len;
}

int mbus_records_parse(const uint8_t *data, size_t len, size_t pos,
		       bool from_master, bool msb_first,
		       struct mbus_telegram *t, struct mbus_error *err)
{
	struct cursor c = { .data = data, .len = len, .base = pos, .err = err };

	while (c.at < c.len) {
		struct mbus_record *r;
		struct meaning m = { 0 };
		uint8_t dif = data[c.at];
		int ret;

		if (dif == MBUS_DIF_IDLE) {
			c.at++;
			continue;
		}
		if ((dif & 0x0F) == 0x0F && dif != MBUS_DIF_MANUFACTURER &&
		    dif != MBUS_DIF_MORE_RECORDS &&
		    !(dif == MBUS_DIF_GLOBAL_READOUT && from_master))
			return mbus_fail(err, -EBADMSG, pos + c.at,
					 "reserved DIF 0x%02X", dif);
		r = new_record(t);
		if (!r)
			return mbus_fail(err, -ENOMEM, pos + c.at,
					 "out of memory");
		c.rec = r->pos = pos + c.at;
		r->dif = dif;
		if (dif == MBUS_DIF_MANUFACTURER ||
		    dif == MBUS_DIF_MORE_RECORDS) {
			c.at++;
			vendor_data(&c, r);
			t->more_records = dif == MBUS_DIF_MORE_RECORDS;
			t->n_records++;
			break;
		}
		if (dif == MBUS_DIF_GLOBAL_READOUT) {
			c.at++;
			r->global_readout = true;
			snprintf(r->quantity, sizeof(r->quantity),
				 "global_readout");
			t->n_records++;
			continue;
		}
		ret = parse_dif(&c, r);
		if (!ret)
			ret = parse_vif(&c, r, &m, from_master);
		if (!ret)
			ret = parse_data(&c, r, &m, msb_first);
		if (ret)
			return ret;
		t->n_records++;
	}
	return 0;
}
