// SPDX-License-Identifier: GPL-2.0
/* CRC-16/ARC over a P1 telegram, from '/' up to and including '!'. */
#include "p1.h"

/*
 * Four bits at a time: the CRC of each nibble value (polynomial 0xa001,
 * reflected). A telegram is checked once a second on small gateways, so
 * a 32-byte table is the balance between the bitwise loop (eight steps
 * a byte) and a 512-byte one.
 */
static const uint16_t nibble[16] = {
	0x0000, 0xcc01, 0xd801, 0x1400, 0xf001, 0x3c00, 0x2800, 0xe401,
	0xa001, 0x6c00, 0x7800, 0xb401, 0x5000, 0x9c01, 0x8801, 0x4400,
};

uint16_t p1_crc16(uint16_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble[crc & 0x0f];
		crc = (crc >> 4) ^ nibble[crc & 0x0f];
	}
	return crc;
}
