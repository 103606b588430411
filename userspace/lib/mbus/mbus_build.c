// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "mbus_build.h"
#include "mbus_vif.h"

struct out {
	uint8_t *p;
	size_t size, n;
	int err;
};

static void put(struct out *o, uint8_t b)
{
	if (o->n < o->size)
		o->p[o->n] = b;
	else
		o->err = -ENOSPC;
	o->n++;
}

static int encode_dif(const struct mbus_record_spec *s, struct out *o)
{
	uint64_t storage = s->storage >> 1;
	uint32_t tariff = s->tariff;
	uint16_t subunit = s->subunit;
	uint8_t dif = (uint8_t)((s->df & 0xF) | (s->function & 3) << 4 |
				(s->storage & 1) << 6);
	uint8_t dife[MBUS_MAX_DIFE];
	int n = 0;

	while (storage || tariff || subunit) {
		if (n == MBUS_MAX_DIFE)
			return -EINVAL;
		dife[n++] = (uint8_t)((storage & 0xF) | (tariff & 3) << 4 |
				      (subunit & 1) << 6);
		storage >>= 4;
		tariff >>= 2;
		subunit >>= 1;
	}
	put(o, n ? (uint8_t)(dif | MBUS_DIF_EXT) : dif);
	for (int i = 0; i < n; i++)
		put(o, i + 1 < n ? (uint8_t)(dife[i] | MBUS_DIFE_EXT) : dife[i]);
	return 0;
}

static int encode_vif(const struct mbus_record_spec *s, struct out *o,
		      struct mbus_vif_info *info)
{
	enum mbus_vif_table table = MBUS_VIF_TABLE_PRIMARY;
	uint8_t code;

	if (!s->vif_len || s->vif_len > sizeof(s->vif))
		return -EINVAL;
	code = s->vif[0];
	if ((code & 0x7F) == MBUS_VIF_TABLE_FB ||
	    (code & 0x7F) == MBUS_VIF_TABLE_FD) {
		if (s->vif_len < 2)
			return -EINVAL;
		table = (code & 0x7F) == MBUS_VIF_TABLE_FB ?
			MBUS_VIF_TABLE_EXT_FB : MBUS_VIF_TABLE_EXT_FD;
		code = s->vif[1];
	}
	mbus_vif_lookup(table, code, info);
	/* extension bits follow from the length, whatever the caller set */
	for (unsigned int i = 0; i < s->vif_len; i++) {
		uint8_t b = s->vif[i] & 0x7F;

		put(o, i + 1 < s->vif_len ? (uint8_t)(b | MBUS_VIF_EXT) : b);
	}
	if (info->kind == MBUS_VK_PLAIN_TEXT) {
		size_t len = s->plain_unit ? strlen(s->plain_unit) : 0;

		if (len > 0xFF)
			return -EINVAL;
		put(o, (uint8_t)len);
		for (size_t i = len; i-- > 0;)
			put(o, (uint8_t)s->plain_unit[i]);
	}
	return 0;
}

static int encode_int(const struct mbus_value *v, size_t n, bool is_unsigned,
		      struct out *o)
{
	uint64_t u = v->magnitude;
	unsigned int bits = 8 * (unsigned int)n;

	if (v->negative && u) {
		if (is_unsigned || (bits < 64 && u > UINT64_C(1) << (bits - 1)) ||
		    (bits == 64 && u > UINT64_C(1) << 63))
			return -ERANGE;
		u = ~u + 1;
	} else if (bits < 64 &&
		   u >= (is_unsigned ? UINT64_C(1) << bits :
				       UINT64_C(1) << (bits - 1))) {
		return -ERANGE;
	} else if (bits == 64 && !is_unsigned && u >> 63) {
		return -ERANGE;
	}
	for (size_t i = 0; i < n; i++)
		put(o, (uint8_t)(u >> (8 * i)));
	return 0;
}

static int encode_bcd(const struct mbus_value *v, size_t n, struct out *o)
{
	uint64_t u = v->magnitude;
	bool neg = v->negative && u;
	uint8_t b[8];

	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)(u % 10 | (u / 10 % 10) << 4);
		u /= 100;
	}
	if (u || (neg && b[n - 1] >> 4))
		return -ERANGE;
	if (neg)
		b[n - 1] |= 0xF0;
	for (size_t i = 0; i < n; i++)
		put(o, b[i]);
	return 0;
}

static int encode_lvar(const struct mbus_value *v, struct out *o)
{
	uint8_t tmp[8];

	switch (v->type) {
	case MBUS_VALUE_TEXT:
		if (v->len > 0xBF)
			return -ERANGE;
		put(o, (uint8_t)v->len);
		for (size_t i = v->len; i-- > 0;)
			put(o, v->bytes[i]);
		return 0;
	case MBUS_VALUE_BINARY:
		if (v->len > 15)
			return -ERANGE;
		put(o, (uint8_t)(0xE0 + v->len));
		for (size_t i = 0; i < v->len; i++)
			put(o, v->bytes[i]);
		return 0;
	case MBUS_VALUE_NUMBER: {
		/* shortest BCD that holds the value */
		size_t n = 1;
		uint64_t u = v->magnitude;

		while (u >= 100 && n < 8) {
			u /= 100;
			n++;
		}
		put(o, (uint8_t)((v->negative && v->magnitude ? 0xD0 : 0xC0) + n));
		struct out t = { tmp, sizeof(tmp), 0, 0 };
		struct mbus_value pos = *v;

		pos.negative = false;
		if (encode_bcd(&pos, n, &t) || t.err)
			return -ERANGE;
		for (size_t i = 0; i < n; i++)
			put(o, tmp[i]);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int encode_data(const struct mbus_record_spec *s,
		       const struct mbus_vif_info *info, struct out *o)
{
	const struct mbus_value *v = &s->value;
	int n = mbus_data_field_len(s->df);
	bool is_unsigned = info->kind == MBUS_VK_UNSIGNED ||
			   info->kind == MBUS_VK_FLAGS;
	uint8_t b[6];

	switch (s->df) {
	case MBUS_DF_NONE:
	case MBUS_DF_SELECT:
		return 0;
	case MBUS_DF_LVAR:
		return encode_lvar(v, o);
	case MBUS_DF_SPECIAL:
		return -EINVAL;
	default:
		break;
	}
	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		if (s->df >= MBUS_DF_BCD2)
			return encode_bcd(v, (size_t)n, o);
		if (s->df == MBUS_DF_REAL32)
			return -EINVAL;
		return encode_int(v, (size_t)n, is_unsigned, o);
	case MBUS_VALUE_REAL: {
		float f = (float)v->real;
		uint32_t u;

		if (s->df != MBUS_DF_REAL32)
			return -EINVAL;
		memcpy(&u, &f, sizeof(u));
		for (int i = 0; i < 4; i++)
			put(o, (uint8_t)(u >> (8 * i)));
		return 0;
	}
	case MBUS_VALUE_DATE:
		if (s->df != MBUS_DF_INT16)
			return -EINVAL;
		mbus_encode_type_g(&v->dt, b);
		break;
	case MBUS_VALUE_DATETIME:
		if (s->df == MBUS_DF_INT32)
			mbus_encode_type_f(&v->dt, b);
		else if (s->df == MBUS_DF_INT48)
			mbus_encode_type_i(&v->dt, b);
		else
			return -EINVAL;
		break;
	case MBUS_VALUE_TIME:
		if (s->df != MBUS_DF_INT24)
			return -EINVAL;
		mbus_encode_type_j(&v->dt, b);
		break;
	default:
		return -EINVAL;
	}
	for (int i = 0; i < n; i++)
		put(o, b[i]);
	return 0;
}

int mbus_record_encode(const struct mbus_record_spec *s, uint8_t *out,
		       size_t size)
{
	struct out o = { out, size, 0, 0 };
	struct mbus_vif_info info;
	int ret;

	ret = encode_dif(s, &o);
	if (!ret)
		ret = encode_vif(s, &o, &info);
	if (!ret)
		ret = encode_data(s, &info, &o);
	if (ret)
		return ret;
	return o.err ? o.err : (int)o.n;
}

int mbus_vif_find(const char *quantity, const char *unit, int exp,
		  uint8_t vif[2])
{
	static const enum mbus_vif_table tables[] = {
		MBUS_VIF_TABLE_PRIMARY, MBUS_VIF_TABLE_EXT_FB,
		MBUS_VIF_TABLE_EXT_FD,
	};

	for (size_t t = 0; t < 3; t++) {
		for (unsigned int code = 0; code < 0x7B; code++) {
			struct mbus_vif_info info;

			mbus_vif_lookup(tables[t], (uint8_t)code, &info);
			if (info.kind == MBUS_VK_RESERVED ||
			    info.exponent != exp ||
			    strcmp(info.quantity, quantity) ||
			    strcmp(info.unit, unit))
				continue;
			if (tables[t] == MBUS_VIF_TABLE_PRIMARY) {
				vif[0] = (uint8_t)code;
				return 1;
			}
			vif[0] = (uint8_t)(tables[t] == MBUS_VIF_TABLE_EXT_FB ?
					   0xFB : 0xFD);
			vif[1] = (uint8_t)code;
			return 2;
		}
	}
	return -ENOENT;
}

int mbus_record_spec_number(struct mbus_record_spec *s, const char *quantity,
			    const char *unit, int exp,
			    enum mbus_data_field df, int64_t raw)
{
	int n = mbus_vif_find(quantity, unit, exp, s->vif);

	if (n < 0)
		return n;
	if (mbus_data_field_len(df) <= 0 || df == MBUS_DF_REAL32)
		return -EINVAL;
	s->vif_len = (uint8_t)n;
	s->df = df;
	memset(&s->value, 0, sizeof(s->value));
	s->value.type = MBUS_VALUE_NUMBER;
	s->value.negative = raw < 0;
	s->value.magnitude = raw < 0 ? 0 - (uint64_t)raw : (uint64_t)raw;
	return 0;
}

int mbus_build_rsp_ud(uint8_t *out, size_t size, uint8_t c, uint8_t a,
		      const struct mbus_header *h,
		      const struct mbus_record_spec *recs, size_t n,
		      size_t *next)
{
	uint8_t data[MBUS_MAX_DATA];
	struct mbus_header lh = *h;
	size_t len, i = *next;
	int ret;

	lh.type = MBUS_HEADER_LONG;
	ret = mbus_header_build(&lh, data, sizeof(data));
	if (ret < 0)
		return ret;
	len = (size_t)ret;
	for (; i < n; i++) {
		/* keep one byte for the 0x1F that announces more records */
		size_t room = sizeof(data) - len - 1;

		ret = mbus_record_encode(&recs[i], data + len, room);
		if (ret == -ENOSPC) {
			if (i + 1 == n) {
				ret = mbus_record_encode(&recs[i], data + len,
							 room + 1);
				if (ret >= 0) {
					len += (size_t)ret;
					i++;
					break;
				}
			}
			if (i == *next)
				return -EMSGSIZE;
			break;
		}
		if (ret < 0)
			return ret;
		len += (size_t)ret;
	}
	if (i < n)
		data[len++] = MBUS_DIF_MORE_RECORDS;
	*next = i;
	return mbus_frame_build_long(out, size, c, a, MBUS_CI_RSP_LONG, data,
				     len);
}

int mbus_build_set_primary(uint8_t *out, size_t size, uint8_t c, uint8_t a,
			   uint8_t new_addr)
{
	const uint8_t data[3] = { MBUS_DF_INT8, MBUS_VIF_BUS_ADDRESS, new_addr };

	return mbus_frame_build_long(out, size, c, a, MBUS_CI_DATA_SEND, data,
				     sizeof(data));
}
