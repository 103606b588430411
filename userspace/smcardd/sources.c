// SPDX-License-Identifier: GPL-2.0
/*
 * The source list: one entry per configured section, and the policy for
 * devices that fail or vanish: log once, close, retry with a backoff that
 * doubles from 1 s to 60 s, while every other source keeps running.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

static int add(struct daemon *d, const struct source_ops *ops, const char *name,
	       const void *cfg)
{
	struct source *n = realloc(d->src, (d->nsrc + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	d->src = n;
	n = &d->src[d->nsrc++];
	memset(n, 0, sizeof(*n));
	n->ops = ops;
	n->d = d;
	n->cfg = cfg;
	n->fd = -1;
	n->due = SD_NEVER;
	snprintf(n->name, sizeof(n->name), "%s", name);
	return 0;
}

int sd_source_add(struct daemon *d, const struct source_ops *ops, const char *name,
		  const void *cfg)
{
	return add(d, ops, name, cfg);
}

/* An alarm source per IIO device with analog alarms (alarm_iio.c) */
static int add_alarm_sources(struct daemon *d)
{
	struct sd_config *c = &d->cfg;
	int ret = 0;

	for (size_t i = 0; i < c->nanalog; i++) {
		const struct sd_analog *a = &c->analog[i];
		bool seen = false;

		if (!a->range_alarm && !a->has_alarm_low && !a->has_alarm_high)
			continue;
		for (size_t j = 0; j < d->nsrc; j++)
			seen |= d->src[j].ops == &sd_src_alarm_ops && !strcmp(d->src[j].name, a->device);
		if (!seen)
			ret |= add(d, &sd_src_alarm_ops, a->device, a);
	}
	return ret;
}

int sd_sources_create(struct daemon *d)
{
	struct sd_config *c = &d->cfg;
	int ret = 0;
	size_t i;

	/* rules first: they must be there when their inputs first report */
	for (i = 0; i < c->nrule; i++)
		ret |= add(d, &sd_src_rule_ops, c->rule[i].name, &c->rule[i]);
	if (c->p1.enabled)
		ret |= add(d, &sd_src_p1_ops, "p1", &c->p1);
	if (c->status.enabled)
		ret |= add(d, &sd_src_status_ops, "status", &c->status);
	for (i = 0; i < c->nanalog; i++)
		ret |= add(d, &sd_src_analog_ops, c->analog[i].name, &c->analog[i]);
	for (i = 0; i < c->ncounter; i++)
		ret |= add(d, &sd_src_counter_ops, c->counter[i].name, &c->counter[i]);
	for (i = 0; i < c->ndigital; i++)
		ret |= add(d, &sd_src_digital_ops, c->digital[i].name, &c->digital[i]);
	for (i = 0; i < c->noutput; i++)
		ret |= add(d, &sd_src_output_ops, c->output[i].name, &c->output[i]);
	if (c->mbus.enabled)
		ret |= add(d, &sd_src_mbus_ops, "bus", &c->mbus);
	if (c->mbus_slave.enabled)
		ret |= add(d, &sd_src_mbus_slave_ops, "slave", &c->mbus_slave);
	for (i = 0; i < c->nmodbus; i++)
		ret |= add(d, &sd_src_modbus_ops, c->modbus[i].name, &c->modbus[i]);
	for (i = 0; i < c->niiodev; i++)
		ret |= add(d, &sd_src_iiodev_ops, c->iiodev[i].name, &c->iiodev[i]);
	ret |= add_alarm_sources(d);
	if (!ret)
		ret = sd_mbsrv_create(d);
	return ret ? -ENOMEM : 0;
}

void sd_sources_destroy(struct daemon *d)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		struct source *s = &d->src[i];

		if (s->up)
			s->ops->close(s);
		s->up = false;
	}
	free(d->src);
	d->src = NULL;
	d->nsrc = 0;
	sd_mbsrv_destroy(d);
}

void sd_source_fail(struct source *s, int err, const char *what)
{
	struct daemon *d = s->d;

	if (s->up) {
		s->ops->close(s);
		s->up = false;
	}
	s->fd = -1;
	s->due = SD_NEVER;
	s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : 1000;
	if (s->backoff_ms > 60000)
		s->backoff_ms = 60000;
	s->retry_at = sd_now_ms() + s->backoff_ms;
	/* say it when it starts failing or the reason changes, then quietly */
	if (!s->failures || err != s->last_err)
		sd_log(d, SD_LOG_ERR, "[%s %s] %s: %s; retrying every %llds at most",
		       s->ops->kind, s->name, what ? what : "failed", strerror(-err), 60LL);
	else
		sd_log(d, SD_LOG_DEBUG, "[%s %s] still failing (%u): %s", s->ops->kind,
		       s->name, s->failures, strerror(-err));
	s->last_err = err;
	s->failures++;
}

int sd_source_command(struct daemon *d, const char *kind, const char *name,
		      const char *payload)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		struct source *s = &d->src[i];

		if (strcmp(s->ops->kind, kind) || strcmp(s->name, name))
			continue;
		if (!s->ops->command)
			return -EOPNOTSUPP;
		if (!s->up)
			return -ENODEV;
		return s->ops->command(s, payload);
	}
	return -ENOENT;
}

void sd_source_trouble(struct source *s, int err, const char *what)
{
	if (!s->failing || err != s->last_err)
		sd_log(s->d, SD_LOG_ERR, "[%s %s] %s: %s; trying again with a backoff up to 60 s",
		       s->ops->kind, s->name, what && *what ? what : "failed", strerror(-err));
	else
		sd_log(s->d, SD_LOG_DEBUG, "[%s %s] still failing (%u): %s", s->ops->kind,
		       s->name, s->failures, strerror(-err));
	s->failing = true;
	s->last_err = err;
	s->failures++;
}

void sd_source_ok(struct source *s)
{
	if (!s->failing)
		return;
	sd_log(s->d, SD_LOG_INFO, "[%s %s] is back after %u failed attempt(s)",
	       s->ops->kind, s->name, s->failures);
	s->failing = false;
	s->failures = 0;
}
