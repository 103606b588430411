// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mbus_addr.h"
#include "mbus_frame.h"
#include "mbus_header.h"

void mbus_secaddr_encode(const struct mbus_secaddr *sa, uint8_t out[8])
{
	out[0] = (uint8_t)sa->id;
	out[1] = (uint8_t)(sa->id >> 8);
	out[2] = (uint8_t)(sa->id >> 16);
	out[3] = (uint8_t)(sa->id >> 24);
	out[4] = (uint8_t)sa->manufacturer;
	out[5] = (uint8_t)(sa->manufacturer >> 8);
	out[6] = sa->version;
	out[7] = sa->medium;
}

void mbus_secaddr_decode(const uint8_t in[8], struct mbus_secaddr *sa)
{
	sa->id = (uint32_t)in[0] | (uint32_t)in[1] << 8 |
		 (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
	sa->manufacturer = (uint16_t)(in[4] | in[5] << 8);
	sa->version = in[6];
	sa->medium = in[7];
}

bool mbus_secaddr_match(const struct mbus_secaddr *pattern,
			const struct mbus_secaddr *addr)
{
	for (int i = 0; i < 8; i++) {
		uint32_t p = pattern->id >> (4 * i) & 0xF;

		if (p != 0xF && p != (addr->id >> (4 * i) & 0xF))
			return false;
	}
	if (pattern->manufacturer != 0xFFFF &&
	    pattern->manufacturer != addr->manufacturer)
		return false;
	if (pattern->version != 0xFF && pattern->version != addr->version)
		return false;
	return pattern->medium == 0xFF || pattern->medium == addr->medium;
}

int mbus_secaddr_parse(const char *s, struct mbus_secaddr *sa)
{
	char full[MBUS_SECADDR_STRLEN];
	size_t len = strlen(s);
	unsigned int id, man, ver, med;

	if (len > 16)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
	memcpy(full, s, len);
	memset(full + len, 'F', 16 - len);
	full[16] = '\0';
	if (sscanf(full, "%8x%4x%2x%2x", &id, &man, &ver, &med) != 4)
		return -EINVAL;
	sa->id = id;
	/* the manufacturer digits are the two bytes in wire order */
	sa->manufacturer = (uint16_t)((man >> 8) | (man & 0xFF) << 8);
	sa->version = (uint8_t)ver;
	sa->medium = (uint8_t)med;
	return 0;
}

void mbus_secaddr_format(const struct mbus_secaddr *sa,
			 char out[MBUS_SECADDR_STRLEN])
{
	snprintf(out, MBUS_SECADDR_STRLEN, "%08X%02X%02X%02X%02X",
		 (unsigned int)sa->id, sa->manufacturer & 0xFF,
		 sa->manufacturer >> 8, sa->version, sa->medium);
}

int mbus_build_select(uint8_t *out, size_t size, uint8_t c,
		      const struct mbus_secaddr *sa)
{
	uint8_t data[MBUS_SECADDR_LEN];

	mbus_secaddr_encode(sa, data);
	return mbus_frame_build_long(out, size, c, MBUS_ADDR_SELECTED,
				     MBUS_CI_SELECTION, data, sizeof(data));
}

bool mbus_manufacturer_code(uint16_t m, char out[4])
{
	bool ok = true;

	for (int i = 0; i < 3; i++) {
		unsigned int v = m >> (10 - 5 * i) & 0x1F;

		if (v < 1 || v > 26)
			ok = false;
		out[i] = (char)('@' + v);
	}
	out[3] = '\0';
	if (!ok)
		memcpy(out, "???", 4);
	return ok;
}

int mbus_manufacturer_id(const char *code, uint16_t *m)
{
	uint16_t v = 0;

	if (strlen(code) != 3)
		return -EINVAL;
	for (int i = 0; i < 3; i++) {
		int ch = toupper((unsigned char)code[i]);

		if (ch < 'A' || ch > 'Z')
			return -EINVAL;
		v = (uint16_t)(v << 5 | (ch - '@'));
	}
	*m = v;
	return 0;
}
