// SPDX-License-Identifier: GPL-2.0
/*
 * A whole telegram: link frame, CI field, header and data (variable or
 * fixed structure, or the short payloads of the control CI fields).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbus_data.h"
#include "mbus_security.h"
#include "mbus_vif.h"

void mbus_telegram_init(struct mbus_telegram *t)
{
	memset(t, 0, offsetof(struct mbus_telegram, plain));
}

void mbus_telegram_free(struct mbus_telegram *t)
{
	free(t->records);
	mbus_telegram_init(t);
}

/* Start afresh, keeping the record array for the next parse. */
static void restart(struct mbus_telegram *t)
{
	struct mbus_record *r = t->records;
	size_t cap = t->cap_records;

	memset(t, 0, offsetof(struct mbus_telegram, plain));
	t->records = r;
	t->cap_records = cap;
}

/* EN 1434-3 medium codes of the fixed structure, mapped to EN 13757-3. */
static uint8_t fixed_medium(unsigned int code)
{
	static const uint8_t map[16] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x0F, 0x03, 0x04, 0x06, 0x07, 0x08, 0x0F,
	};

	return map[code & 0xF];
}

static int add_fixed_counter(struct mbus_telegram *t, const uint8_t *p,
			     size_t pos, uint8_t unit, bool historic,
			     struct mbus_error *err)
{
	struct mbus_record *r;
	struct mbus_vif_info info;
	uint8_t tmp[4];

	if (t->n_records == t->cap_records) {
		size_t cap = t->cap_records + 2;

		r = realloc(t->records, cap * sizeof(*r));
		if (!r)
			return mbus_fail(err, -ENOMEM, pos, "out of memory");
		t->records = r;
		t->cap_records = cap;
	}
	r = &t->records[t->n_records++];
	memset(r, 0, offsetof(struct mbus_record, value));
	r->error = -1;
	r->pos = r->data_pos = pos;
	r->data_len = 4;
	r->end = pos + 4;
	r->storage = historic;
	mbus_fixed_unit(unit, &info);
	r->quantity = info.quantity;
	snprintf(r->unit, sizeof(r->unit), "%s", info.unit);
	for (int i = 0; i < 4; i++)
		tmp[i] = t->header.msb_first ? p[3 - i] : p[i];
	if (t->header.status & 0x80)
		mbus_value_int(&r->value, tmp, 4, false);
	else if (!mbus_value_bcd(&r->value, tmp, 4, false))
		r->warnings |= MBUS_WARN_BCD_DIGIT;
	r->value.exponent = info.exponent;
	/* units 00h and 01h: BCD time hhmmss and date DDMMYY */
	if ((unit == 0x00 || unit == 0x01) && !(t->header.status & 0x80) &&
	    !r->warnings) {
		struct mbus_datetime *dt = &r->value.dt;
		unsigned int a = (tmp[2] >> 4) * 10 + (tmp[2] & 0xF);
		unsigned int b = (tmp[1] >> 4) * 10 + (tmp[1] & 0xF);
		unsigned int c = (tmp[0] >> 4) * 10 + (tmp[0] & 0xF);

		memset(dt, 0, sizeof(*dt));
		if (unit == 0x00) {
			r->value.type = MBUS_VALUE_TIME;
			dt->hour = (uint8_t)a;
			dt->minute = (uint8_t)b;
			dt->second = (uint8_t)c;
			dt->invalid = a > 23 || b > 59 || c > 59;
		} else {
			r->value.type = MBUS_VALUE_DATE;
			dt->day = (uint8_t)a;
			dt->month = (uint8_t)b;
			dt->year = (uint16_t)(c <= 80 ? 2000 + c : 1900 + c);
			dt->invalid = a < 1 || a > 31 || b < 1 || b > 12;
		}
	}
	t->warnings |= r->warnings;
	return 0;
}

/*
 * Fixed structure after ID, access number and status: medium/unit (2),
 * counter 1 (4), counter 2 (4). Status bit 7: counters binary (else BCD);
 * bit 6: counters are historic values. The medium's four bits are the
 * top two bits of each medium/unit byte.
 */
static int parse_fixed(struct mbus_telegram *t, const uint8_t *d, size_t len,
		       size_t pos, struct mbus_error *err)
{
	bool historic = t->header.status & 0x40;
	uint8_t u1, u2;
	int ret;

	if (len < 10)
		return mbus_fail(err, -ENODATA, pos + len,
				 "truncated fixed data: %zu of 10 bytes", len);
	t->header.medium = fixed_medium((d[0] >> 6) | (d[1] >> 6) << 2);
	u1 = d[0] & 0x3F;
	u2 = d[1] & 0x3F;
	ret = add_fixed_counter(t, d + 2, pos + 2, u1, historic, err);
	if (ret)
		return ret;
	/* unit 0x3E: same unit as counter 1, historic value */
	if (u2 == 0x3E)
		return add_fixed_counter(t, d + 6, pos + 6, u1, true, err);
	return add_fixed_counter(t, d + 6, pos + 6, u2, historic, err);
}

/*
 * Records of a variable data structure, decrypting first if the
 * configuration field says so. @tpl: the transport layer from its CI on.
 */
static int variable_data(struct mbus_telegram *t, const uint8_t *tpl,
			 size_t tpl_len, const uint8_t *d, size_t len,
			 size_t pos, const uint8_t *key, struct mbus_error *err)
{
	size_t skip = 0;
	int ret, dec = 0;

	if (!t->ci.from_master && t->header.type != MBUS_HEADER_NONE &&
	    mbus_cf_mode(t->header.signature)) {
		t->sec.cf = t->header.signature;
		dec = mbus_decrypt(t, tpl, tpl_len, d, len, pos, key, &skip);
		if (dec == -ENOTSUP && t->sec.mode != 7) {
			/*
			 * Old meters wrote a signature here that was never a
			 * security mode: if the data read as records, they are
			 * not encrypted.
			 */
			struct mbus_telegram probe;

			mbus_telegram_init(&probe);
			ret = mbus_records_parse(d, len, pos, false,
						 t->header.msb_first, &probe, NULL);
			if (!ret && !probe.n_undecodable) {
				mbus_telegram_free(&probe);
				t->sec.error = 0;
				t->sec.msg[0] = 0;
				return mbus_records_parse(d, len, pos, false,
							  t->header.msb_first,
							  t, err);
			}
			mbus_telegram_free(&probe);
		}
		if (dec) {
			mbus_fail(err, dec, t->sec.enc_pos, "%s", t->sec.msg);
			/* what follows the encrypted part is still readable */
			skip = t->sec.enc_len + (t->sec.mode == 7);
			if (dec == -ENOTSUP || skip > len)
				return dec;
			ret = mbus_records_parse(d + skip, len - skip, pos + skip,
						 false, t->header.msb_first, t,
						 NULL);
			return ret ? ret : dec;
		}
		ret = mbus_records_parse(t->plain, t->sec.enc_len,
					 t->sec.enc_pos, false,
					 t->header.msb_first, t, err);
		if (ret)
			return ret;
		d += skip;
		len -= skip;
		pos += skip;
	}
	return mbus_records_parse(d, len, pos, t->ci.from_master,
				  t->header.msb_first, t, err);
}

int mbus_app_parse(const struct mbus_frame *f, const uint8_t *key,
		   struct mbus_telegram *t, struct mbus_error *err)
{
	size_t pos = f->data_pos, len = f->data_len;
	const uint8_t *d = f->data, *tpl;
	uint8_t ci = f->ci;
	int ret;

	if (ci == MBUS_CI_AFL) {
		ret = mbus_afl_parse(d, len, pos, &t->afl, err);
		if (ret < 0)
			return ret;
		if ((size_t)ret >= len)
			return mbus_fail(err, -ENODATA, pos + len,
					 "AFL without the transport layer after it");
		ci = d[ret];
		d += ret + 1;
		len -= (size_t)ret + 1;
		pos += (size_t)ret + 1;
	}
	tpl = d - 1;
	if (mbus_ci_lookup(ci, &t->ci))
		return mbus_fail(err, -ENOTSUP, pos - 1,
				 "CI field 0x%02X not supported", ci);
	ret = mbus_header_parse(ci, d, len, pos, &t->header, err);
	if (ret < 0)
		return ret;
	d += ret;
	len -= (size_t)ret;
	pos += (size_t)ret;

	switch (t->ci.kind) {
	case MBUS_CI_KIND_VARIABLE:
		return variable_data(t, tpl, len + (size_t)ret + 1, d, len, pos,
				     key, err);
	case MBUS_CI_KIND_FIXED:
		return parse_fixed(t, d, len, pos, err);
	case MBUS_CI_KIND_SELECT:
		if (len != MBUS_SECADDR_LEN)
			return mbus_fail(err, len < 8 ? -ENODATA : -EBADMSG,
					 pos + (len < 8 ? len : 8),
					 "selection needs 8 address bytes, got %zu",
					 len);
		mbus_secaddr_decode(d, &t->select);
		return 0;
	case MBUS_CI_KIND_BAUD:
		t->baud = mbus_ci_baud(ci);
		break;
	default:
		if (len) {
			t->has_app_status = true;
			t->app_status = d[0];
		}
		len = len > 1 ? len - 1 : 0;
		pos++;
		break;
	}
	if (len)
		return mbus_fail(err, -EBADMSG, pos,
				 "%zu unexpected byte%s after %s", len,
				 len == 1 ? "" : "s", t->ci.name);
	return 0;
}

int mbus_telegram_parse_key(const uint8_t *buf, size_t len,
			    const uint8_t key[16], struct mbus_telegram *t,
			    struct mbus_error *err)
{
	int n;

	restart(t);
	n = mbus_frame_parse(buf, len, &t->frame, err);
	if (n < 0)
		return n;
	if ((size_t)n != len)
		return mbus_fail(err, -EBADMSG, (size_t)n,
				 "%zu bytes after the end of the frame",
				 len - (size_t)n);
	if (t->frame.type != MBUS_FRAME_LONG &&
	    t->frame.type != MBUS_FRAME_CONTROL)
		return 0;
	return mbus_app_parse(&t->frame, key, t, err);
}

int mbus_telegram_parse(const uint8_t *buf, size_t len,
			struct mbus_telegram *t, struct mbus_error *err)
{
	return mbus_telegram_parse_key(buf, len, NULL, t, err);
}
