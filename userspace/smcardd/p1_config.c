// SPDX-License-Identifier: GPL-2.0
/*
 * [p1] keys that need the P1 library: the meter's time zone (checked
 * against the tz database when the file is read, so a typo is a FILE:LINE
 * error and not a wrong hour later) and the include / exclude lists.
 */
#include <stdio.h>
#include <string.h>

#include "p1_publish.h"

void sd_p1_config_defaults(struct sd_p1 *c)
{
	snprintf(c->timezone, sizeof(c->timezone), "%s", P1_DEFAULT_TZ);
}

/* The patterns of @val, separated by spaces or commas, into @list. */
static int patterns(char *list, size_t size, const char *val, char *msg,
		    size_t msize)
{
	size_t n = 0, len = strlen(list);

	for (const char *p = list; *p; n++) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		p += strcspn(p, " \t,");
	}
	for (const char *p = val; *p;) {
		size_t l;

		p += strspn(p, " \t,");
		l = strcspn(p, " \t,");
		if (!l)
			break;
		if (l >= 64) {
			snprintf(msg, msize, "pattern '%.*s...' is longer than 63 characters", 20, p);
			return -1;
		}
		if (++n > SD_P1_PATTERNS || len + l + 2 > size) {
			snprintf(msg, msize, "more than %d patterns", SD_P1_PATTERNS);
			return -1;
		}
		if (len)
			list[len++] = ' ';
		memcpy(list + len, p, l);
		len += l;
		list[len] = '\0';
		p += l;
	}
	return 0;
}

int sd_p1_config_set(struct sd_p1 *c, const char *key, const char *val,
		     char *msg, size_t size)
{
	if (!strcmp(key, "timezone")) {
		struct p1_error err;
		struct p1_tz *tz;

		if (strlen(val) >= sizeof(c->timezone)) {
			snprintf(msg, size, "bad timezone: longer than %zu characters",
				 sizeof(c->timezone) - 1);
			return -1;
		}
		if (p1_tz_load(val, &tz, &err)) {
			snprintf(msg, size, "bad timezone: %s; an IANA zone such as Europe/Amsterdam",
				 err.msg);
			return -1;
		}
		p1_tz_free(tz);
		snprintf(c->timezone, sizeof(c->timezone), "%s", val);
		return 0;
	}
	if (!strcmp(key, "include"))
		return patterns(c->include, sizeof(c->include), val, msg, size);
	if (!strcmp(key, "exclude"))
		return patterns(c->exclude, sizeof(c->exclude), val, msg, size);
	snprintf(msg, size, "unknown key %s", key);
	return -1;
}
