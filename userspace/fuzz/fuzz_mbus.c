// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the M-Bus decoder: arbitrary bytes go through the
 * frame parser and the application layer. As a second path, the input
 * after the first byte is wrapped into a valid long frame with that byte
 * as CI, so the record decoder is reached without the fuzzer having to
 * find checksums. The JSON form and the slave model are exercised too.
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

	mbus_telegram_init(&t);
	if (mbus_telegram_parse(buf, len, &t, &err) == 0) {
		j = mbus_telegram_to_json(&t);
		json_object_to_json_string(j);
		json_object_put(j);
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
