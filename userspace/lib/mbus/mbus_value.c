// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbus_value.h"

static void clear(struct mbus_value *v, enum mbus_value_type type)
{
	v->type = type;
	v->magnitude = 0;
	v->negative = false;
	v->exponent = 0;
	v->real = 0;
	v->len = 0;
	v->bytes[0] = 0;
	memset(&v->dt, 0, sizeof(v->dt));
}

void mbus_value_int(struct mbus_value *v, const uint8_t *p, size_t len,
		    bool is_signed)
{
	uint64_t u = 0;

	clear(v, MBUS_VALUE_NUMBER);
	if (len > 8)
		len = 8;
	for (size_t i = len; i-- > 0;)
		u = u << 8 | p[i];
	if (is_signed && len && (p[len - 1] & 0x80)) {
		/* two's complement of the len-byte value, without overflow */
		if (len < 8)
			u |= ~UINT64_C(0) << (8 * len);
		v->negative = true;
		v->magnitude = ~u + 1;
	} else {
		v->magnitude = u;
	}
}

bool mbus_value_bcd(struct mbus_value *v, const uint8_t *p, size_t len,
		    bool negative_allowed)
{
	uint64_t u = 0;
	bool neg = false, decimal = true;

	clear(v, MBUS_VALUE_NUMBER);
	for (size_t i = len; i-- > 0;) {
		unsigned int hi = p[i] >> 4, lo = p[i] & 0xF;

		if (i == len - 1 && hi == 0xF && negative_allowed) {
			neg = true;
			hi = 0;
		}
		if (hi > 9 || lo > 9)
			decimal = false;
		u = u * 100 + hi * 10 + lo;
	}
	v->magnitude = u;
	v->negative = neg && u;
	if (!decimal) {
		len = len < MBUS_VALUE_MAX_BYTES ? len : MBUS_VALUE_MAX_BYTES;
		memcpy(v->bytes, p, len);
		v->len = len;
	}
	return decimal;
}

void mbus_value_real32(struct mbus_value *v, const uint8_t *p)
{
	uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	float f;

	clear(v, MBUS_VALUE_REAL);
	memcpy(&f, &u, sizeof(f));
	v->real = f;
}

void mbus_value_bytes(struct mbus_value *v, enum mbus_value_type type,
		      const uint8_t *p, size_t len)
{
	clear(v, type);
	if (len > MBUS_VALUE_MAX_BYTES)
		len = MBUS_VALUE_MAX_BYTES;
	memcpy(v->bytes, p, len);
	v->bytes[len] = 0;
	v->len = len;
}

void mbus_value_text(struct mbus_value *v, const uint8_t *p, size_t len)
{
	clear(v, MBUS_VALUE_TEXT);
	if (len > MBUS_VALUE_MAX_BYTES)
		len = MBUS_VALUE_MAX_BYTES;
	for (size_t i = 0; i < len; i++)
		v->bytes[i] = p[len - 1 - i];
	v->bytes[len] = 0;
	v->len = len;
}

/* Two-digit years without a century: EN 13757-3 maps 0..80 to 20xx. */
static uint16_t full_year(unsigned int y)
{
	return (uint16_t)(y <= 80 ? 2000 + y : 1900 + y);
}

static void check_date(struct mbus_datetime *dt, unsigned int y)
{
	if (y > 99 || dt->day < 1 || dt->day > 31 || dt->month < 1 ||
	    dt->month > 12)
		dt->invalid = true;
}

static void check_time(struct mbus_datetime *dt)
{
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 59)
		dt->invalid = true;
}

void mbus_decode_type_g(struct mbus_datetime *dt, const uint8_t p[2])
{
	unsigned int y = (p[0] >> 5) | (p[1] >> 4) << 3;

	memset(dt, 0, sizeof(*dt));
	dt->day = p[0] & 0x1F;
	dt->month = p[1] & 0x0F;
	dt->year = full_year(y);
	check_date(dt, y);
}

void mbus_encode_type_g(const struct mbus_datetime *dt, uint8_t p[2])
{
	unsigned int y = dt->year % 100;

	p[0] = (uint8_t)((dt->day & 0x1F) | (y & 7) << 5);
	p[1] = (uint8_t)((dt->month & 0x0F) | (y >> 3) << 4);
}

void mbus_decode_type_f(struct mbus_datetime *dt, const uint8_t p[4])
{
	unsigned int y = (p[2] >> 5) | (p[3] >> 4) << 3;
	unsigned int hy = p[1] >> 5 & 3;

	memset(dt, 0, sizeof(*dt));
	dt->minute = p[0] & 0x3F;
	dt->invalid = p[0] & 0x80;
	dt->hour = p[1] & 0x1F;
	dt->summer_time = p[1] & 0x80;
	dt->day = p[2] & 0x1F;
	dt->month = p[3] & 0x0F;
	dt->year = hy ? (uint16_t)(1900 + 100 * hy + y) : full_year(y);
	check_date(dt, y);
	check_time(dt);
}

void mbus_encode_type_f(const struct mbus_datetime *dt, uint8_t p[4])
{
	unsigned int y = dt->year % 100;
	unsigned int hy = dt->year >= 1900 ? (dt->year - 1900) / 100 & 3 : 0;

	p[0] = (uint8_t)((dt->minute & 0x3F) | (dt->invalid ? 0x80 : 0));
	p[1] = (uint8_t)((dt->hour & 0x1F) | hy << 5 |
			 (dt->summer_time ? 0x80 : 0));
	p[2] = (uint8_t)((dt->day & 0x1F) | (y & 7) << 5);
	p[3] = (uint8_t)((dt->month & 0x0F) | (y >> 3) << 4);
}

void mbus_decode_type_i(struct mbus_datetime *dt, const uint8_t p[6])
{
	unsigned int y = (p[3] >> 5) | (p[4] >> 4) << 3;

	memset(dt, 0, sizeof(*dt));
	dt->second = p[0] & 0x3F;
	dt->minute = p[1] & 0x3F;
	dt->invalid = p[1] & 0x80;
	dt->hour = p[2] & 0x1F;
	dt->day = p[3] & 0x1F;
	dt->month = p[4] & 0x0F;
	dt->summer_time = p[5] & 0x40;
	dt->year = full_year(y);
	check_date(dt, y);
	check_time(dt);
}

void mbus_encode_type_i(const struct mbus_datetime *dt, uint8_t p[6])
{
	unsigned int y = dt->year % 100;

	p[0] = (uint8_t)(dt->second & 0x3F);
	p[1] = (uint8_t)((dt->minute & 0x3F) | (dt->invalid ? 0x80 : 0));
	p[2] = (uint8_t)(dt->hour & 0x1F);
	p[3] = (uint8_t)((dt->day & 0x1F) | (y & 7) << 5);
	p[4] = (uint8_t)((dt->month & 0x0F) | (y >> 3) << 4);
	p[5] = dt->summer_time ? 0x40 : 0;
}

void mbus_decode_type_j(struct mbus_datetime *dt, const uint8_t p[3])
{
	memset(dt, 0, sizeof(*dt));
	dt->second = p[0] & 0x3F;
	dt->minute = p[1] & 0x3F;
	dt->hour = p[2] & 0x1F;
	check_time(dt);
}

void mbus_encode_type_j(const struct mbus_datetime *dt, uint8_t p[3])
{
	p[0] = (uint8_t)(dt->second & 0x3F);
	p[1] = (uint8_t)(dt->minute & 0x3F);
	p[2] = (uint8_t)(dt->hour & 0x1F);
}

bool mbus_value_is_numeric(const struct mbus_value *v)
{
	return v->type == MBUS_VALUE_NUMBER || v->type == MBUS_VALUE_REAL;
}

/* Powers of ten that a double holds exactly. */
static const double exact_pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

double mbus_value_double(const struct mbus_value *v)
{
	char buf[64];
	double d;

	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		/*
		 * One IEEE operation on two exact operands is correctly
		 * rounded; otherwise via the exact decimal text.
		 */
		if (v->magnitude < (UINT64_C(1) << 53) && v->exponent >= -22 &&
		    v->exponent <= 22) {
			d = (double)v->magnitude;
			d = v->exponent < 0 ? d / exact_pow10[-v->exponent] :
					      d * exact_pow10[v->exponent];
			return v->negative ? -d : d;
		}
		mbus_value_format(v, buf, sizeof(buf));
		return strtod(buf, NULL);
	case MBUS_VALUE_REAL:
		return v->real * pow(10, v->exponent);
	default:
		return NAN;
	}
}

/* Decimal digits of @u into @out (no NUL); returns their number. */
static int utoa(uint64_t u, char out[20])
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static int copy_out(const char *s, size_t n, char *buf, size_t size)
{
	if (size) {
		size_t k = n < size ? n : size - 1;

		memcpy(buf, s, k);
		buf[k] = 0;
	}
	return (int)n;
}

static int format_number(const struct mbus_value *v, char *buf, size_t size)
{
	char digits[24], out[64];
	int n = utoa(v->magnitude, digits);
	size_t w = 0;
	int e = v->exponent;

	if (v->negative && v->magnitude)
		out[w++] = '-';
	if (!v->magnitude || e >= 0) {
		memcpy(out + w, digits, (size_t)n);
		w += (size_t)n;
		/* a larger exponent than this cannot come out of a VIF */
		for (int i = 0; v->magnitude && i < e && w < sizeof(out) - 1; i++)
			out[w++] = '0';
	} else if (-e < n) {
		memcpy(out + w, digits, (size_t)(n + e));
		w += (size_t)(n + e);
		out[w++] = '.';
		memcpy(out + w, digits + n + e, (size_t)-e);
		w += (size_t)-e;
	} else {
		out[w++] = '0';
		out[w++] = '.';
		for (int i = 0; i < -e - n && w < sizeof(out) - 24; i++)
			out[w++] = '0';
		memcpy(out + w, digits, (size_t)n);
		w += (size_t)n;
	}
	return copy_out(out, w, buf, size);
}

static int format_hex(const uint8_t *p, size_t len, char *buf, size_t size)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t w = 0;

	for (size_t i = 0; i < len && w + 2 < size; i++) {
		buf[w++] = hexd[p[i] >> 4];
		buf[w++] = hexd[p[i] & 0xF];
	}
	if (size)
		buf[w] = 0;
	return (int)(2 * len);
}

int mbus_value_format(const struct mbus_value *v, char *buf, size_t size)
{
	const struct mbus_datetime *t = &v->dt;

	switch (v->type) {
	case MBUS_VALUE_NUMBER:
		return format_number(v, buf, size);
	case MBUS_VALUE_REAL:
		return snprintf(buf, size, "%.7g", mbus_value_double(v));
	case MBUS_VALUE_DATE:
		return snprintf(buf, size, "%04u-%02u-%02u", t->year, t->month,
				t->day);
	case MBUS_VALUE_DATETIME:
		return snprintf(buf, size, "%04u-%02u-%02uT%02u:%02u:%02u",
				t->year, t->month, t->day, t->hour, t->minute,
				t->second);
	case MBUS_VALUE_TIME:
		return snprintf(buf, size, "%02u:%02u:%02u", t->hour, t->minute,
				t->second);
	case MBUS_VALUE_TEXT:
		return copy_out((const char *)v->bytes, v->len, buf, size);
	case MBUS_VALUE_BINARY:
	case MBUS_VALUE_INVALID:
		return format_hex(v->bytes, v->len, buf, size);
	default:
		if (size)
			buf[0] = 0;
		return 0;
	}
}
