// SPDX-License-Identifier: GPL-2.0
/* One framed unit to a parsed telegram, decrypting Smarty frames. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p1_cmd.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int p1_parse_key(const char *hex, uint8_t key[16])
{
	if (strlen(hex) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int p1_decode_frame(const uint8_t *frame, size_t len, const uint8_t *key,
		    const uint8_t *ak, unsigned int flags, const struct p1_tz *tz,
		    struct p1_telegram *t, struct p1_error *err)
{
	char *plain;
	size_t plain_len, start;
	int ret;

	if (!key)
		return p1_parse((const char *)frame, len, flags, tz, t, err);

	memset(t, 0, sizeof(*t));
	ret = p1_smarty_decrypt(frame, len, key, ak, &plain, &plain_len, err);
	if (ret)
		return ret;
	/* the plaintext is one telegram, maybe with padding around it */
	for (start = 0; start < plain_len && plain[start] != '/'; start++)
		;
	ret = p1_parse(plain + start, plain_len - start, flags, tz, t, err);
	free(plain);
	if (!ret)
		t->variant = P1_VARIANT_SMARTY;
	return ret;
}

int p1_load_tz(const char *cmd, const char *name, struct p1_tz **tz)
{
	struct p1_error err;

	if (!p1_tz_load(name, tz, &err))
		return 0;
	fprintf(stderr, "smcardctl p1 %s: --tz: %s\n", cmd, err.msg);
	return -1;
}
