// SPDX-License-Identifier: GPL-2.0
/* CRC-16/ARC over a P1 telegram, from '/' up to and including '!'. */
#include "p1.h"

uint16_t p1_crc16(uint16_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
	}
	return crc;
}
