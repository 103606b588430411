// SPDX-License-Identifier: GPL-2.0
/*
 * Variable data records: DIF, DIFE, VIF, VIFE, (plain text unit), data.
 *
 * Real meters bend EN 13757-3 in a few known ways. Where a record can be
 * read in more than one way (a plain-text unit before or after the VIFE
 * chain, a 7Bh/7Dh VIF without the extension bit, a VIFE chain whose last
 * extension bit runs into the data), the reading that leaves a consistent
 * record stream after it wins, and the record says which it was. The
 * common path reads each record once: the other readings are tried only
 * when a record is ambiguous or the next one does not parse.
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
	struct mbus_error *err;	/* NULL while trying a reading */
	bool from_master;
	bool msb_first;
};

/* One way to read a record. */
struct reading {
	bool text_first;	/* plain-text unit before the VIFE chain */
	bool ext_taken;		/* lone 7Bh/7Dh: the next byte is its code */
	int vife_cut;		/* >= 0: the chain ends after this many VIFEs */
};

static const struct reading standard = { .vife_cut = -1 };

/* What made a record ambiguous. */
#define AMB_TEXT	0x1
#define AMB_EXT		0x2

static const char *const warning_texts[MBUS_WARN_COUNT] = {
	"BCD digit A..F (an error or blank marker of the meter): value read digit by digit",
	"plain-text unit sent before the VIFE chain",
	"7Bh/7Dh without the extension bit: the next byte read as its extension code",
	"7Bh/7Dh without the extension bit and without a code: reserved VIF",
	"VIFE chain ran into the data: the last extension bit was ignored",
	"more than 10 DIFEs: the extra DIFEs are ignored",
	"more than 10 VIFEs: the extra VIFEs are ignored",
	"data field does not suit the VIF: read as a number",
	"record cannot be decoded: raw bytes kept",
};

const char *mbus_warning_text(unsigned int bit)
{
	for (unsigned int i = 0; i < MBUS_WARN_COUNT; i++)
		if (bit == 1u << i)
			return warning_texts[i];
	return NULL;
}

static int truncated(struct cursor *c, const char *what, size_t n)
{
	if (!c->err)
		return -ENODATA;
	return mbus_fail(c->err, -ENODATA, c->base + c->at,
			 "record at offset %zu: %s needs %zu byte%s, %zu left",
			 c->rec, what, n, n == 1 ? "" : "s", c->len - c->at);
}

static inline int take(struct cursor *c, const char *what, size_t n,
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

/* Copy or append a short static string (units), truncating. */
static void put(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static void cat(char *dst, size_t size, const char *s)
{
	size_t n = strlen(dst);

	put(dst + n, size - n, s);
}

/* How the data of a record are to be read, after VIF and VIFEs. */
struct meaning {
	enum mbus_vif_kind kind;
	int exponent;
	bool is_date;		/* a date VIF or a "date of" VIFE */
	bool unsigned_value;
};

static void init_record(struct mbus_record *r, size_t pos)
{
	r->pos = r->data_pos = r->end = pos;
	r->data_len = 0;
	r->dif = 0;
	r->n_dife = 0;
	r->vif = 0;
	r->n_vife = 0;
	r->lvar = 0;
	r->text_order = MBUS_TEXT_NONE;
	r->function = MBUS_FUNC_INSTANTANEOUS;
	r->storage = 0;
	r->tariff = 0;
	r->subunit = 0;
	r->manufacturer_data = false;
	r->global_readout = false;
	r->undecodable = false;
	r->error = -1;
	r->warnings = 0;
	r->quantity = "";
	r->unit[0] = 0;
	r->description[0] = 0;
	r->problem[0] = 0;
	r->value.type = MBUS_VALUE_NONE;
	r->value.len = 0;
}

static int parse_dif(struct cursor *c, struct mbus_record *r)
{
	const uint8_t *p = NULL;
	uint8_t b;
	int ret;

	ret = take(c, "DIF", 1, &p);
	if (ret)
		return ret;
	r->dif = b = p[0];
	r->function = (enum mbus_function)(r->dif >> 4 & 3);
	r->storage = r->dif >> 6 & 1;
	for (unsigned int i = 0; b & MBUS_DIF_EXT; i++) {
		ret = take(c, "DIFE", 1, &p);
		if (ret)
			return ret;
		b = p[0];
		if (i >= MBUS_MAX_DIFE) {
			r->warnings |= MBUS_WARN_MANY_DIFE;
			continue;
		}
		r->dife[r->n_dife++] = b;
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
		cat(r->unit, sizeof(r->unit), i.unit_suffix);
		return;
	case MBUS_VIFE_SCALE:
		m->exponent += i.exp;
		return;
	case MBUS_VIFE_OFFSET:
		m->exponent += i.exp;
		break;
	case MBUS_VIFE_COUNT:
		r->unit[0] = 0;
		m->exponent = 0;
		m->unsigned_value = true;
		break;
	case MBUS_VIFE_DURATION:
		put(r->unit, sizeof(r->unit), i.unit_suffix);
		m->exponent = 0;
		m->unsigned_value = true;
		break;
	case MBUS_VIFE_DATE:
		r->unit[0] = 0;
		m->is_date = true;
		break;
	default:
		break;
	}
	if (i.text)
		append(r->description, sizeof(r->description), "; ", "%s",
		       i.text);
}

/* Length byte and text of a plain-text unit, sent last character first. */
static int plain_text(struct cursor *c, struct mbus_record *r)
{
	const uint8_t *p = NULL;
	size_t len, n;
	int ret;

	ret = take(c, "plain text VIF length", 1, &p);
	if (ret)
		return ret;
	len = p[0];
	ret = take(c, "plain text VIF", len, &p);
	if (ret)
		return ret;
	n = len < sizeof(r->unit) ? len : sizeof(r->unit) - 1;
	for (size_t i = 0; i < n; i++)
		r->unit[i] = (char)p[len - 1 - i];
	r->unit[n] = 0;
	return 0;
}

static int parse_vif(struct cursor *c, struct mbus_record *r,
		     struct meaning *m, const struct reading *rd,
		     unsigned int *amb)
{
	enum mbus_vif_table table = MBUS_VIF_TABLE_PRIMARY;
	struct mbus_vif_info info;
	bool ext, vendor = false, fc_next = false, text = false;
	const uint8_t *p = NULL;
	unsigned int chain = 0;
	uint8_t code;
	int ret;

	ret = take(c, "VIF", 1, &p);
	if (ret)
		return ret;
	r->vif = code = p[0];
	ext = code & MBUS_VIF_EXT;
	if ((code & 0x7F) == MBUS_VIF_TABLE_FB ||
	    (code & 0x7F) == MBUS_VIF_TABLE_FD) {
		if (!ext) {
			*amb |= AMB_EXT;
			r->warnings |= rd->ext_taken ? MBUS_WARN_EXT_NO_BIT :
						       MBUS_WARN_EXT_ALONE;
		}
		if (ext || rd->ext_taken) {
			table = (code & 0x7F) == MBUS_VIF_TABLE_FB ?
				MBUS_VIF_TABLE_EXT_FB : MBUS_VIF_TABLE_EXT_FD;
			ret = take(c, "extended VIF", 1, &p);
			if (ret)
				return ret;
			r->vife[r->n_vife++] = code = p[0];
			ext = code & MBUS_VIF_EXT;
		}
	}
	if (table == MBUS_VIF_TABLE_PRIMARY &&
	    (code & 0x7F) >= MBUS_VIF_TABLE_FB && (code & 0x7F) != 0x7C &&
	    (code & 0x7F) != 0x7E && (code & 0x7F) != 0x7F) {
		/* a lone 7Bh/7Dh: nothing of the extension table follows */
		info = (struct mbus_vif_info){ "reserved", "", 0,
					      MBUS_VK_RESERVED };
	} else {
		mbus_vif_lookup(table, code, &info);
	}
	r->quantity = info.quantity;
	put(r->unit, sizeof(r->unit), info.unit);
	m->kind = info.kind;
	m->exponent = info.exponent;
	m->is_date = info.kind == MBUS_VK_DATE || info.kind == MBUS_VK_DATETIME;
	m->unsigned_value = info.kind == MBUS_VK_UNSIGNED ||
			    info.kind == MBUS_VK_FLAGS;
	vendor = info.kind == MBUS_VK_MANUFACTURER;
	text = info.kind == MBUS_VK_PLAIN_TEXT;
	if (text) {
		r->text_order = MBUS_TEXT_AFTER_VIFE;
		if (ext) {
			*amb |= AMB_TEXT;
			if (rd->text_first) {
				r->text_order = MBUS_TEXT_BEFORE_VIFE;
				r->warnings |= MBUS_WARN_TEXT_FIRST;
				ret = plain_text(c, r);
				if (ret)
					return ret;
			}
		}
	}

	while (ext) {
		if (rd->vife_cut >= 0 && chain == (unsigned int)rd->vife_cut) {
			r->warnings |= MBUS_WARN_VIFE_CUT;
			break;
		}
		ret = take(c, "VIFE", 1, &p);
		if (ret)
			return ret;
		chain++;
		code = p[0];
		ext = code & MBUS_VIF_EXT;
		if (r->n_vife == MBUS_MAX_VIFE + (table ? 1 : 0)) {
			r->warnings |= MBUS_WARN_MANY_VIFE;
			continue;
		}
		r->vife[r->n_vife++] = code;
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
		apply_vife(r, m, code, c->from_master);
	}

	if (text && r->text_order == MBUS_TEXT_AFTER_VIFE)
		return plain_text(c, r);
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

	if (m->is_date) {
		switch (df) {
		case MBUS_DF_INT16:
			v->type = MBUS_VALUE_DATE;
			mbus_decode_type_g(&v->dt, p);
			return;
		case MBUS_DF_INT32:
		case MBUS_DF_INT48:
			v->type = MBUS_VALUE_DATETIME;
			if (df == MBUS_DF_INT32)
				mbus_decode_type_f(&v->dt, p);
			else
				mbus_decode_type_i(&v->dt, p);
			return;
		case MBUS_DF_INT24:
			v->type = MBUS_VALUE_TIME;
			mbus_decode_type_j(&v->dt, p);
			return;
		default:
			r->warnings |= MBUS_WARN_DATA_TYPE;
			break;
		}
	}
	if (df == MBUS_DF_REAL32) {
		mbus_value_real32(v, p);
	} else if (df >= MBUS_DF_BCD2) {
		if (!mbus_value_bcd(v, p, n, plain && !m->unsigned_value))
			r->warnings |= MBUS_WARN_BCD_DIGIT;
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
	else if (!c->err)
		return -EBADMSG;
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
		if (!mbus_value_bcd(v, p, n, false))
			r->warnings |= MBUS_WARN_BCD_DIGIT;
		v->negative = l >= 0xD0 && v->magnitude;
		v->exponent = plain ? m->exponent : 0;
	} else if (n <= 8) {
		mbus_value_int(v, p, n, false);
		v->exponent = plain ? m->exponent : 0;
	} else {
		mbus_value_bytes(v, MBUS_VALUE_BINARY, p, n);
	}
	return 0;
}

static int parse_data(struct cursor *c, struct mbus_record *r,
		      const struct meaning *m)
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
	if (c->msb_first) {
		reversed(tmp, p, (size_t)n);
		p = tmp;
	}
	decode_fixed(r, m, p, (size_t)n);
	return 0;
}

/* DIFs that a record cannot start with (length unknown). */
static bool reserved_dif(const struct cursor *c, uint8_t dif)
{
	return (dif & 0x0F) == 0x0F && dif != MBUS_DIF_MANUFACTURER &&
	       dif != MBUS_DIF_MORE_RECORDS && dif != MBUS_DIF_IDLE &&
	       !(dif == MBUS_DIF_GLOBAL_READOUT && c->from_master);
}

/* One ordinary record (DIF ... data) at the cursor, read as @rd says. */
static int read_record(struct cursor *c, struct mbus_record *r,
		       const struct reading *rd, unsigned int *amb)
{
	struct meaning m = { 0 };
	int ret;

	c->rec = c->base + c->at;
	init_record(r, c->rec);
	*amb = 0;
	if (reserved_dif(c, c->data[c->at])) {
		if (!c->err)
			return -EBADMSG;
		return mbus_fail(c->err, -EBADMSG, c->rec,
				 "reserved DIF 0x%02X", c->data[c->at]);
	}
	ret = parse_dif(c, r);
	if (!ret)
		ret = parse_vif(c, r, &m, rd, amb);
	if (!ret)
		ret = parse_data(c, r, &m);
	r->end = c->base + c->at;
	return ret;
}

/*
 * Does the data from @at on read as records to the end? Each record is
 * read as the standard says, or, when that fails, in one of its other
 * readings, without looking further ahead.
 */
static bool rest_reads(const struct cursor *from, size_t at)
{
	static const struct reading others[] = {
		{ .ext_taken = true, .vife_cut = -1 },
		{ .text_first = true, .vife_cut = -1 },
		{ .ext_taken = true, .text_first = true, .vife_cut = -1 },
	};
	struct cursor c = *from;
	struct mbus_record r;
	unsigned int amb;

	c.err = NULL;
	c.at = at;
	while (c.at < c.len) {
		uint8_t dif = c.data[c.at];
		size_t start = c.at;
		size_t k = 0;

		if (dif == MBUS_DIF_IDLE || (dif == MBUS_DIF_GLOBAL_READOUT &&
					     c.from_master)) {
			c.at++;
			continue;
		}
		if (dif == MBUS_DIF_MANUFACTURER || dif == MBUS_DIF_MORE_RECORDS)
			return true;
		if (read_record(&c, &r, &standard, &amb) == 0)
			continue;
		for (; k < sizeof(others) / sizeof(others[0]); k++) {
			c.at = start;
			if (read_record(&c, &r, &others[k], &amb) == 0)
				break;
		}
		if (k == sizeof(others) / sizeof(others[0]))
			return false;
	}
	return true;
}

/*
 * Read the record at @c->at in the first of its readings that leaves the
 * rest of the telegram readable. @amb says which choices the record
 * offers; @cuts adds readings with the VIFE chain cut short (after a
 * failure). Returns 0 with @r and the cursor after it, or -1 if no
 * reading fits (cursor unchanged).
 */
static int resolve(struct cursor *c, struct mbus_record *r, unsigned int amb,
		   unsigned int cuts)
{
	struct reading rd[4 + MBUS_MAX_VIFE];
	size_t n = 0, start = c->at;
	struct mbus_error *err = c->err;
	unsigned int a;
	int first_ok = -1;

	for (int e = 1; e >= 0; e--) {
		if (e && !(amb & AMB_EXT))
			continue;
		for (int t = 0; t <= 1; t++) {
			if (t && !(amb & AMB_TEXT))
				continue;
			rd[n++] = (struct reading){ .ext_taken = e, .text_first = t,
						    .vife_cut = -1 };
		}
	}
	for (unsigned int k = 0; k < cuts && n < sizeof(rd) / sizeof(rd[0]); k++)
		rd[n++] = (struct reading){ .vife_cut = (int)k };

	c->err = NULL;
	for (size_t i = 0; i < n; i++) {
		c->at = start;
		if (read_record(c, r, &rd[i], &a))
			continue;
		if (first_ok < 0 && rd[i].vife_cut < 0)
			first_ok = (int)i;
		if (rest_reads(c, c->at)) {
			c->err = err;
			return 0;
		}
	}
	c->err = err;
	c->at = start;
	if (first_ok < 0 || cuts)
		return -1;
	/* nothing confirms a reading: the first that reads at all */
	read_record(c, r, &rd[first_ok], &a);
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
	return &t->records[t->n_records];
}

/* DIF 0x0F / 0x1F: everything up to the end belongs to the vendor. */
static void vendor_data(struct cursor *c, struct mbus_record *r)
{
	r->quantity = "manufacturer_specific";
	r->manufacturer_data = true;
	r->data_pos = c->base + c->at;
	r->data_len = c->len - c->at;
	mbus_value_bytes(&r->value, MBUS_VALUE_BINARY, c->data + c->at,
			 c->len - c->at);
	c->at = c->len;
	r->end = c->base + c->at;
}

/* The rest from @r->pos on cannot be read: keep it raw, say why. */
static void undecodable(struct cursor *c, struct mbus_record *r,
			const struct mbus_error *why)
{
	size_t at = r->pos - c->base;

	init_record(r, r->pos);
	r->dif = c->data[at];
	r->undecodable = true;
	r->warnings = MBUS_WARN_UNDECODABLE;
	r->quantity = "undecodable";
	r->data_pos = r->pos;
	r->data_len = c->len - at;
	mbus_value_bytes(&r->value, MBUS_VALUE_BINARY, c->data + at,
			 c->len - at);
	snprintf(r->problem, sizeof(r->problem), "byte %zu: %.96s", why->pos,
		 why->msg);
	c->at = c->len;
	r->end = c->base + c->at;
}

static void added(struct mbus_telegram *t, struct mbus_record *r)
{
	t->warnings |= r->warnings;
	t->n_undecodable += r->undecodable;
	t->n_records++;
}

int mbus_records_parse(const uint8_t *data, size_t len, size_t pos,
		       bool from_master, bool msb_first,
		       struct mbus_telegram *t, struct mbus_error *err)
{
	struct cursor c = { .data = data, .len = len, .base = pos,
			    .from_master = from_master, .msb_first = msb_first };
	size_t prev_at = 0, prev_idx = 0;
	bool have_prev = false;
	/* filled by the reader that fails: not cleared per record */
	struct mbus_error why;

	why.pos = 0;
	why.msg[0] = 0;
	while (c.at < c.len) {
		struct mbus_record *r;
		uint8_t dif = data[c.at];
		unsigned int amb = 0;
		size_t start = c.at;

		if (dif == MBUS_DIF_IDLE) {
			c.at++;
			continue;
		}
		r = new_record(t);
		if (!r)
			return mbus_fail(err, -ENOMEM, pos + c.at,
					 "out of memory");
		if (dif == MBUS_DIF_MANUFACTURER ||
		    dif == MBUS_DIF_MORE_RECORDS) {
			init_record(r, pos + c.at);
			r->dif = dif;
			c.at++;
			vendor_data(&c, r);
			t->more_records = dif == MBUS_DIF_MORE_RECORDS;
			added(t, r);
			break;
		}
		if (dif == MBUS_DIF_GLOBAL_READOUT && from_master) {
			init_record(r, pos + c.at);
			r->dif = dif;
			c.at++;
			r->global_readout = true;
			r->quantity = "global_readout";
			r->end = pos + c.at;
			added(t, r);
			have_prev = false;
			continue;
		}
		c.err = &why;
		if (read_record(&c, r, &standard, &amb) == 0) {
			if (amb) {
				c.at = start;
				resolve(&c, r, amb, 0);
			}
			prev_at = start;
			prev_idx = t->n_records;
			have_prev = true;
			added(t, r);
			continue;
		}
		/* this record does not read: another reading of it, or of
		 * the one before (whose VIFE chain may have run on)? */
		c.at = start;
		if (resolve(&c, r, AMB_EXT | AMB_TEXT, MBUS_MAX_VIFE) == 0) {
			prev_at = start;
			prev_idx = t->n_records;
			have_prev = true;
			added(t, r);
			continue;
		}
		if (have_prev && !t->records[prev_idx].warnings) {
			struct mbus_record redo;

			c.at = prev_at;
			if (resolve(&c, &redo, AMB_EXT | AMB_TEXT,
				    MBUS_MAX_VIFE) == 0) {
				t->records[prev_idx] = redo;
				t->warnings |= redo.warnings;
				have_prev = false;
				continue;
			}
		}
		c.at = start;
		undecodable(&c, r, &why);
		added(t, r);
	}
	return 0;
}
