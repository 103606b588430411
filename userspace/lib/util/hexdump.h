/* SPDX-License-Identifier: GPL-2.0 */
/* Parse whitespace-separated hex bytes, the usual capture format. */
#ifndef SMCARD_HEXDUMP_H
#define SMCARD_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse @text (pairs of hex digits, optionally separated by whitespace,
 * commas or "0x" prefixes) into @out. Returns the number of bytes, or -1
 * with *@err_pos set to the offset of the first bad character (or of the
 * byte that would not fit).
 */
long smcard_hex_parse(const char *text, uint8_t *out, size_t size,
		      size_t *err_pos);

#endif
