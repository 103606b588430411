// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the P1 library: the input goes through the framer
 * in chunks whose sizes come from the input itself, every frame is parsed,
 * summarised and turned into JSON; the whole input is also parsed as one
 * telegram, tried as a Smarty frame, a timestamp and hex text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "p1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void consume(const uint8_t *frame, size_t len)
{
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;

	if (p1_parse((const char *)frame, len, P1_PARSE_IGNORE_CRC, NULL, &t, &err) == 0) {
		struct json_object *j = p1_to_json(&t);

		p1_summarize(&t, &s);
		json_object_to_json_string(j);
		json_object_put(j);
	}
	p1_telegram_free(&t);
}

static void frame_all(const uint8_t *data, size_t size, enum p1_frame_mode mode)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
					 9, 10, 11, 12, 13, 14, 15, 16 };
	struct p1_framer f;
	size_t off = 0;

	p1_framer_init(&f, mode, 4096);
	while (off < size) {
		size_t n = 1 + data[off] % 97;
		const uint8_t *frame;
		struct p1_error err;
		size_t len;
		int ret;

		if (n > size - off)
			n = size - off;
		if (p1_framer_push(&f, data + off, n))
			break;
		off += n;
		while ((ret = p1_framer_next(&f, off == size, &frame, &len, &err))) {
			char *plain;
			size_t plen;

			if (ret < 0)
				continue;
			if (mode == P1_FRAME_TEXT) {
				consume(frame, len);
			} else if (!p1_smarty_decrypt(frame, len, key, NULL,
						      &plain, &plen, &err)) {
				consume((const uint8_t *)plain, plen);
				free(plain);
			}
		}
	}
	p1_framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct p1_time tm;
	char text[64];

	frame_all(data, size, P1_FRAME_TEXT);
	frame_all(data, size, P1_FRAME_SMARTY);
	consume(data, size);
	p1_time_decode(NULL, (const char *)data, size < 13 ? size : 13, &tm);
	if (size < sizeof(text)) {
		memcpy(text, data, size);
		text[size] = '\0';
		p1_hex_text(text, text, sizeof(text));
	}
	return 0;
}
