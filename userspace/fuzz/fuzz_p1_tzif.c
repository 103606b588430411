// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the time zone reader: the input as a TZif file
 * and as a POSIX TZ string; what loads is asked for offsets across the
 * whole range and used to decode and format P1 timestamps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "p1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use(const struct p1_tz *tz)
{
	static const char *const stamps[] = {
		"211031023000S", "211031023000W", "211031023000", "210328023000",
		"210701120000W", "000101000000W", "991231235959S",
	};
	struct p1_time tm;
	char buf[14];

	for (int64_t t = -(1LL << 41); t < (1LL << 41); t += (1LL << 41) / 64 + 7777)
		(void)p1_tz_offset(tz, t);
	for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		if (!p1_time_decode(tz, stamps[i], strlen(stamps[i]), &tm) &&
		    tm.state == P1_TIME_OK)
			p1_time_format(tz, tm.utc, buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct p1_error err;
	struct p1_tz *tz;
	char text[128];

	if (!p1_tz_from_tzif("fuzz", data, size, &tz, &err)) {
		use(tz);
		p1_tz_free(tz);
	}
	/* as a POSIX TZ string (no file is read: ',' makes it no zone name) */
	if (size && size < sizeof(text) - 1 && !memchr(data, '\0', size) &&
	    memchr(data, ',', size)) {
		memcpy(text, data, size);
		text[size] = '\0';
		if (!p1_tz_load(text, &tz, &err)) {
			use(tz);
			p1_tz_free(tz);
		}
	}
	return 0;
}
