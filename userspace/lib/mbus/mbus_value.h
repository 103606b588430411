/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of M-Bus data records (EN 13757-3 annex A): integers (type B,
 * signed, and type C, unsigned), BCD (type A, a 0xF high nibble in the
 * most significant byte is a minus sign), real32 (type H), date/time types
 * F, G, I and J, text and binary. Numbers keep an exact decimal form
 * (magnitude x 10^exponent) beside the double so nothing is lost when a
 * 12-digit BCD counter or an int64 is printed.
 */
#ifndef SMCARD_MBUS_VALUE_H
#define SMCARD_MBUS_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mbus_value_type {
	MBUS_VALUE_NONE,	/* no data (data field 0 or 8) */
	MBUS_VALUE_NUMBER,	/* integer or BCD, exact */
	MBUS_VALUE_REAL,	/* real32 */
	MBUS_VALUE_DATE,	/* type G */
	MBUS_VALUE_DATETIME,	/* types F and I */
	MBUS_VALUE_TIME,	/* type J */
	MBUS_VALUE_TEXT,	/* LVAR 0x00..0xBF, plain ASCII */
	MBUS_VALUE_BINARY,	/* bytes without a numeric meaning */
	MBUS_VALUE_INVALID,	/* not a value of its type; bytes kept */
};

struct mbus_datetime {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
	bool invalid;		/* IV bit set, or a field out of range */
	bool summer_time;	/* SU bit */
};

#define MBUS_VALUE_MAX_BYTES	255

struct mbus_value {
	enum mbus_value_type type;
	/* NUMBER: (negative ? -1 : 1) * magnitude * 10^exponent */
	uint64_t magnitude;
	bool negative;
	int exponent;
	/* REAL: the float as sent; scaled by 10^exponent when read */
	double real;
	struct mbus_datetime dt;
	/* TEXT (NUL-terminated), BINARY and INVALID */
	uint8_t bytes[MBUS_VALUE_MAX_BYTES + 1];
	size_t len;
};

/* Decoders for data fields as sent (LSB first). */
void mbus_value_int(struct mbus_value *v, const uint8_t *p, size_t len,
		    bool is_signed);
/*
 * Type A. A 0xF top digit is a minus sign when @negative_allowed.
 * Returns false when a digit is not decimal (A..F, F not as the sign):
 * meters send these as error or blank markers. The value is then still a
 * NUMBER, read digit by digit with each nibble's own weight (A = 10, as
 * other decoders read it), and the bytes are kept in v->bytes so that the
 * caller can report both.
 */
bool mbus_value_bcd(struct mbus_value *v, const uint8_t *p, size_t len,
		    bool negative_allowed);
void mbus_value_real32(struct mbus_value *v, const uint8_t *p);
void mbus_value_bytes(struct mbus_value *v, enum mbus_value_type type,
		      const uint8_t *p, size_t len);
/* LVAR text: sent last character first. */
void mbus_value_text(struct mbus_value *v, const uint8_t *p, size_t len);

void mbus_decode_type_g(struct mbus_datetime *dt, const uint8_t p[2]);
void mbus_decode_type_f(struct mbus_datetime *dt, const uint8_t p[4]);
void mbus_decode_type_i(struct mbus_datetime *dt, const uint8_t p[6]);
void mbus_decode_type_j(struct mbus_datetime *dt, const uint8_t p[3]);
void mbus_encode_type_g(const struct mbus_datetime *dt, uint8_t p[2]);
void mbus_encode_type_f(const struct mbus_datetime *dt, uint8_t p[4]);
void mbus_encode_type_i(const struct mbus_datetime *dt, uint8_t p[6]);
void mbus_encode_type_j(const struct mbus_datetime *dt, uint8_t p[3]);

/* The value as a double (NaN for non-numeric types). */
double mbus_value_double(const struct mbus_value *v);
/* True for NUMBER and REAL. */
bool mbus_value_is_numeric(const struct mbus_value *v);

/*
 * Exact text: decimal for numbers ("-12.345"), "%.7g" for reals, ISO 8601
 * for dates and times, the string for text, hex for bytes. Returns the
 * length snprintf would write.
 */
int mbus_value_format(const struct mbus_value *v, char *buf, size_t size);

#endif
