// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the M-Bus decoder: arbitrary bytes go through the
 * frame parser and the application layer. As a second path, the input
 * after the first byte is wrapped into a valid long frame with that byte
 * as CI, so the record decoder is reached without the fuzzer having to
 * find checksums. The records' other readings (plain text before the
 * VIFEs, 7Bh/7Dh without the extension bit, VIFE chains cut short) are
 * reached through the same path. The JSON form (text and json-c object)
 * and the slave model are exercised too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(const uint8_t *buf, size_t len)
{
	struct mbus_telegram t;
	struct mbus_error err;
	struct json_object *j;
	yajl_gen g;

	mbus_telegram_init(&t);
	if (mbus_telegram_parse(buf, len, &t, &err) == 0) {
		g = yajl_gen_alloc(NULL);
		if (g && mbus_telegram_json_gen(g, &t))
			__builtin_trap();
		yajl_gen_free(g);
		/*
		 * The json-c object is parsed from that text: it must parse.
		 * json-c is not instrumented, so one input in eight is enough.
		 */
		if ((len & 7) == 0) {
			j = mbus_telegram_to_json(&t);
			if (!j)
				__builtin_trap();
			json_object_to_json_string(j);
			json_object_put(j);
		}
		for (size_t i = 0; i < t.n_records; i++)
			if (t.records[i].end > len ||
			    (i && t.records[i].pos < t.records[i - 1].end))
				__builtin_trap();
	} else if (err.pos > len) {
		__builtin_trap();
	}
	mbus_telegram_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[MBUS_MAX_FRAME], reply[MBUS_MAX_FRAME];
	struct mbus_meter m = { .primary = 1 };
	int n;

	decode(data, size);
	if (size >= 1 && size - 1 <= MBUS_MAX_DATA) {
		n = mbus_frame_build_long(frame, sizeof(frame), MBUS_C_RSP_UD, 1,
					  data[0], data + 1, size - 1);
		if (n > 0)
			decode(frame, (size_t)n);
		n = mbus_frame_build_long(frame, sizeof(frame), 0x73, 1,
					  data[0], data + 1, size - 1);
		if (n > 0)
			mbus_meter_handle(&m, frame, (size_t)n, reply,
					  sizeof(reply), NULL);
	}
	mbus_meter_handle(&m, data, size, reply, sizeof(reply), NULL);
	return 0;
}
