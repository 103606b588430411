// SPDX-License-Identifier: GPL-2.0
/*
 * JSON lines sink: one line per reading, {"topic": ..., then the payload's
 * members}, to stdout or appended to a file. Line buffered, so a pipe into
 * jq or a terminal sees each reading at once.
 */
#include <errno.h>
#include <string.h>

#include "daemon.h"

int sd_jsonl_open(struct daemon *d)
{
	const char *path = d->cfg.jsonl.path;

	if (!d->cfg.jsonl.enabled)
		return 0;
	if (!strcmp(path, "-")) {
		d->jsonl = stdout;
	} else {
		d->jsonl = fopen(path, "ae");
		if (!d->jsonl) {
			int err = -errno;

			sd_log(d, SD_LOG_ERR, "[jsonl] %s: %s", path, strerror(-err));
			return err;
		}
	}
	setvbuf(d->jsonl, NULL, _IOLBF, 0);
	return 0;
}

void sd_jsonl_close(struct daemon *d)
{
	if (d->jsonl && d->jsonl != stdout)
		fclose(d->jsonl);
	else if (d->jsonl)
		fflush(d->jsonl);
	d->jsonl = NULL;
}

void sd_jsonl_write(struct daemon *d, const char *topic, const char *payload)
{
	struct json_object *t;

	if (!d->jsonl)
		return;
	t = json_object_new_string(topic);
	if (!t)
		return;
	/* payload is an object "{...}": splice the topic in front */
	fprintf(d->jsonl, "{\"topic\":%s%s%s\n",
		json_object_to_json_string_ext(t, JSON_C_TO_STRING_NOSLASHESCAPE),
		strcmp(payload, "{}") ? "," : "", payload + 1);
	json_object_put(t);
}
