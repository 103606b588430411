// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for OMS security (modes 5 and 7) and the record
 * readings after decryption. The input is used three ways:
 *
 *   1. as a frame, decoded with a fixed key (AFL, configuration field,
 *      error paths: truncated ciphertext, wrong key, missing counter);
 *   2. byte 0 picks mode 5 or 7 and the AFL's fields, bytes 1..10 the
 *      header, the rest are the records: they are encrypted with the key
 *      (and the MAC computed) so that the decrypted records, with all
 *      their quirks, reach the record reader;
 *   3. the same telegram decoded without a key and with another key.
 *
 * The JSON of every decoded telegram is generated too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[16] = {
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
};

static void decode(const uint8_t *buf, size_t len, const uint8_t *k)
{
	struct mbus_telegram t;
	struct mbus_error err;
	yajl_gen g = yajl_gen_alloc(NULL);
	int ret;

	mbus_telegram_init(&t);
	ret = mbus_telegram_parse_key(buf, len, k, &t, &err);
	if ((ret == 0 || t.sec.error) && g)
		mbus_telegram_json_gen(g, &t);
	if (ret && err.pos > len)
		__builtin_trap();
	if (t.sec.decrypted && (t.plain[0] != 0x2F || t.plain[1] != 0x2F))
		__builtin_trap();
	yajl_gen_free(g);
	mbus_telegram_free(&t);
}

/* Build an encrypted telegram around the input's records. */
static size_t build(const uint8_t *data, size_t size, uint8_t *frame,
		    size_t fsize)
{
	uint8_t d[MBUS_MAX_DATA], plain[MBUS_MAX_DATA], tpl[MBUS_MAX_DATA];
	uint8_t iv[16] = { 0 }, kenc[16], kmac[16], mac[16], in[8 + MBUS_MAX_DATA];
	bool mode7 = data[0] & 1, with_mac = data[0] & 2;
	size_t n = 0, tl = 0, dl = 0, rec = size - 11;
	struct mbus_header h = { .type = MBUS_HEADER_LONG };
	uint32_t mcr = (uint32_t)data[0] << 3;
	int fl;

	/* 2F 2F, the records, 2F padding; at most 10 blocks */
	plain[n++] = 0x2F;
	plain[n++] = 0x2F;
	if (rec > 150)
		rec = 150;
	memcpy(plain + n, data + 11, rec);
	n += rec;
	while (n % 16)
		plain[n++] = 0x2F;

	tpl[tl++] = MBUS_CI_RSP_LONG;
	memcpy(tpl + tl, data + 1, 10);		/* ID, M, V, T, access, status */
	h.id = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	       (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	h.manufacturer = (uint16_t)(data[5] | data[6] << 8);
	h.version = data[7];
	h.medium = data[8];
	h.access_number = data[9];
	tl += 10;
	tpl[tl++] = (uint8_t)((n / 16) << 4);
	tpl[tl++] = mode7 ? 0x07 : 0x05;
	if (mode7) {
		tpl[tl++] = 0x10;			/* CFE: KDF-A */
		if (mbus_kdf_a(key, 0x00, mcr, h.id, kenc) ||
		    mbus_kdf_a(key, 0x01, mcr, h.id, kmac))
			return 0;
	} else {
		mbus_mode5_iv(&h, iv);
		memcpy(kenc, key, 16);
	}
	if (mbus_aes_cbc(kenc, iv, plain, n, tpl + tl, true))
		return 0;
	tl += n;

	if (mode7) {
		size_t m = 0;

		d[dl++] = with_mac ? 15 : 7;		/* AFLL */
		d[dl++] = 0x00;
		d[dl++] = with_mac ? 0x2C : 0x28;	/* MCL, MCR (, MAC) */
		d[dl++] = 0x05;				/* AT 5: 8-byte CMAC */
		for (int i = 0; i < 4; i++)
			d[dl++] = (uint8_t)(mcr >> (8 * i));
		if (with_mac) {
			in[m++] = 0x05;
			for (int i = 0; i < 4; i++)
				in[m++] = (uint8_t)(mcr >> (8 * i));
			memcpy(in + m, tpl, tl);
			if (mbus_aes_cmac(kmac, in, m + tl, mac))
				return 0;
			memcpy(d + dl, mac, 8);
			dl += 8;
		}
		memcpy(d + dl, tpl, tl);
		dl += tl;
	} else {
		memcpy(d, tpl + 1, tl - 1);
		dl = tl - 1;
	}
	if (dl > MBUS_MAX_DATA)
		return 0;
	fl = mbus_frame_build_long(frame, fsize, MBUS_C_RSP_UD, 1,
				   mode7 ? MBUS_CI_AFL : MBUS_CI_RSP_LONG, d, dl);
	return fl > 0 ? (size_t)fl : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[MBUS_MAX_FRAME], other[16];
	size_t n;

	decode(data, size, key);
	if (size < 11)
		return 0;
	n = build(data, size, frame, sizeof(frame));
	if (!n)
		return 0;
	decode(frame, n, key);
	decode(frame, n, NULL);
	memcpy(other, key, 16);
	other[data[0] & 15] ^= 0x40;
	decode(frame, n, other);
	return 0;
}
