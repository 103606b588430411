// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: stderr with a level prefix (journald adds the time and keeps
 * the level from the "<N>" prefix when stderr is the journal), or syslog
 * when [general] syslog = yes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>

#include "daemon.h"

static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
static const char *const tag[] = { "error", "warning", "info", "debug" };

void sd_log_open(struct daemon *d)
{
	if (d->cfg.general.syslog && !d->syslog_open) {
		openlog("smcardd", LOG_PID, LOG_DAEMON);
		d->syslog_open = true;
	}
}

void sd_log_close(struct daemon *d)
{
	if (d->syslog_open)
		closelog();
	d->syslog_open = false;
}

void sd_log(struct daemon *d, enum sd_log_level lvl, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (lvl > d->cfg.general.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->syslog_open)
		syslog(prio[lvl], "%s", msg);
	else if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>%s\n", prio[lvl], msg);
	else
		fprintf(stderr, "smcardd: %s: %s\n", tag[lvl], msg);
}
