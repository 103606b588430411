/* SPDX-License-Identifier: GPL-2.0 */
/*
 * M-Bus secondary addresses (EN 13757-3 clause 11 / EN 13757-2 network
 * layer): identification number, manufacturer, version and medium, and
 * the selection frame that addresses a slave by them. In a selection
 * pattern, an ID nibble 0xF and a manufacturer 0xFFFF, version 0xFF or
 * medium 0xFF byte are wildcards that match anything.
 */
#ifndef SMCARD_MBUS_ADDR_H
#define SMCARD_MBUS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBUS_SECADDR_LEN	8
#define MBUS_SECADDR_STRLEN	17	/* 16 hex digits + NUL */

struct mbus_secaddr {
	uint32_t id;		/* 8 BCD nibbles as read: 12345678 is 0x12345678 */
	uint16_t manufacturer;	/* 2-byte field, see mbus_manufacturer_code() */
	uint8_t version;
	uint8_t medium;
};

#define MBUS_SECADDR_WILDCARD \
	((struct mbus_secaddr){ 0xFFFFFFFF, 0xFFFF, 0xFF, 0xFF })

/* Wire layout: ID LSB first, manufacturer LSB first, version, medium. */
void mbus_secaddr_encode(const struct mbus_secaddr *sa, uint8_t out[8]);
void mbus_secaddr_decode(const uint8_t in[8], struct mbus_secaddr *sa);

/* True when @addr matches @pattern (with wildcards). */
bool mbus_secaddr_match(const struct mbus_secaddr *pattern,
			const struct mbus_secaddr *addr);

/*
 * Text form as used by common M-Bus tools (libmbus): 16 hex digits, ID
 * (8), then the two manufacturer bytes in wire order (4), version (2),
 * medium (2), e.g. "1234567824400107" for manufacturer 0x4024 "PAD";
 * 'F' digits are wildcards. A shorter string is padded with wildcards, so
 * "1234" selects every ID starting with 1234. Returns 0 or -EINVAL.
 */
int mbus_secaddr_parse(const char *s, struct mbus_secaddr *sa);
void mbus_secaddr_format(const struct mbus_secaddr *sa,
			 char out[MBUS_SECADDR_STRLEN]);

/*
 * SND_UD to address 0xFD with CI 0x52 and the 8 address bytes. @c is the
 * C field (MBUS_C_SND_UD, possibly with an FCB). Returns the length or
 * -ENOSPC.
 */
int mbus_build_select(uint8_t *out, size_t size, uint8_t c,
		      const struct mbus_secaddr *sa);

/*
 * Manufacturer code: three letters A..Z packed as 5-bit values (letter -
 * 64) into bits 14..0 (EN 13757-3 / DLMS flag id). @out gets "ABC" or,
 * when a letter is out of range, "???"; returns false then.
 */
bool mbus_manufacturer_code(uint16_t m, char out[4]);
/* Inverse; returns -EINVAL if @code is not three letters A..Z. */
int mbus_manufacturer_id(const char *code, uint16_t *m);

#endif
