// SPDX-License-Identifier: GPL-2.0
/*
 * Local rules. Each [rule NAME] is a source of kind "rule" without a
 * device: it is told about its input by sd_rules_input(), acts on an
 * edge of its condition, and retries an action every second while the
 * output is away (a failed device is being reopened).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alarms.h"
#include "daemon.h"
#include "rules.h"

#define RETRY_MS	1000

struct rule_priv {
	bool known;		/* the input has reported */
	bool active;		/* the condition holds */
	bool pending;		/* an action waits for the output */
	bool want_on;
};

static bool word_in(const char *w, const char *list)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

static int split(const char *val, const char *kinds, char *kind, size_t ksize,
		 char *name, char *state, char *err, size_t err_size)
{
	char k[32], n[SD_NAME_MAX + 1], st[16], extra[2];
	int c = sscanf(val, "%31[^/ ]/%48s %15s %1s", k, n, st, extra);

	if (c != 3) {
		snprintf(err, err_size, "expected KIND/NAME STATE");
		return -1;
	}
	if (!word_in(k, kinds) || strlen(k) >= ksize) {
		snprintf(err, err_size, "'%s' is not one of %s", k, kinds);
		return -1;
	}
	if (strlen(n) >= SD_NAME_MAX) {
		snprintf(err, err_size, "name too long");
		return -1;
	}
	strcpy(kind, k);
	strcpy(name, n);
	for (char *p = st; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	snprintf(state, 16, "%s", st);
	return 0;
}

int sd_rule_parse(struct sd_rule *r, const char *key, const char *val,
		  char *err, size_t err_size)
{
	char kind[16], state[16];

	if (!strcmp(key, "when")) {
		if (split(val, "analog digital", r->kind, sizeof(r->kind), r->source,
			  state, err, err_size))
			return -1;
		if (!strcmp(r->kind, "digital") ? strcmp(state, "on") && strcmp(state, "off") :
		    strcmp(state, "alarm") && sd_alarm_parse(state) < 0) {
			snprintf(err, err_size, "state '%s' of %s", state, r->kind);
			return -1;
		}
		snprintf(r->state, sizeof(r->state), "%s", state);
		snprintf(r->when, sizeof(r->when), "%s/%s %s", r->kind, r->source, state);
		return 0;
	}
	if (split(val, "output", kind, sizeof(kind), r->output, state, err, err_size))
		return -1;
	if (strcmp(state, "on") && strcmp(state, "off")) {
		snprintf(err, err_size, "an output is set on or off");
		return -1;
	}
	r->set_on = !strcmp(state, "on");
	r->has_then = true;
	return 0;
}

int sd_rule_check(const struct sd_config *c, const struct sd_rule *r,
		  char *err, size_t err_size)
{
	const struct sd_analog *a = NULL;
	bool found = false;
	size_t i;

	if (!r->kind[0] || !r->has_then) {
		snprintf(err, err_size, "needs 'when = KIND/NAME STATE' and 'then = output/NAME on|off'");
		return -1;
	}
	if (!strcmp(r->kind, "analog")) {
		for (i = 0; i < c->nanalog; i++)
			if (!strcmp(c->analog[i].name, r->source))
				a = &c->analog[i];
		found = a;
	} else {
		for (i = 0; i < c->ndigital; i++)
			found |= !strcmp(c->digital[i].name, r->source);
	}
	if (!found) {
		snprintf(err, err_size, "no [%s %s] for 'when = %s'", r->kind, r->source, r->when);
		return -1;
	}
	if (a && ((!strcmp(r->state, "low") && !a->has_alarm_low) ||
		  (!strcmp(r->state, "high") && !a->has_alarm_high) ||
		  (strstr(r->state, "_range") && !a->range_alarm))) {
		snprintf(err, err_size, "[analog %s] has no %s alarm (%s)", r->source, r->state,
			 strstr(r->state, "_range") ? "range_alarm is off" :
			 !strcmp(r->state, "low") ? "no alarm_low" : "no alarm_high");
		return -1;
	}
	for (i = 0; i < c->noutput; i++)
		if (!strcmp(c->output[i].name, r->output))
			return 0;
	snprintf(err, err_size, "no [output %s] for 'then'", r->output);
	return -1;
}

static void publish(struct source *s, const char *result)
{
	const struct sd_rule *r = s->cfg;
	struct rule_priv *p = s->priv;
	struct json_object *o = json_object_new_object();
	char sub[96];

	if (o) {
		sd_json_str(o, "when", r->when);
		json_object_object_add(o, "active", json_object_new_boolean(p->active));
		sd_json_str(o, "output", r->output);
		sd_json_str(o, "set", p->want_on ? "ON" : "OFF");
		sd_json_str(o, "result", result);
	}
	snprintf(sub, sizeof(sub), "rule/%s", s->name);
	sd_emit(s->d, sub, o, true);
}

static void act(struct source *s)
{
	const struct sd_rule *r = s->cfg;
	struct rule_priv *p = s->priv;
	int ret = sd_source_command(s->d, "output", r->output, p->want_on ? "ON" : "OFF");
	char text[96];

	if (ret == -ENODEV) {
		if (!p->pending)
			sd_log(s->d, SD_LOG_WARN, "[rule %s] %s %s: output %s is not available; retrying",
			       s->name, r->when, p->active ? "began" : "ended", r->output);
		p->pending = true;
		s->due = sd_now_ms() + RETRY_MS;
		publish(s, "pending");
		return;
	}
	p->pending = false;
	s->due = SD_NEVER;
	if (ret) {
		snprintf(text, sizeof(text), "failed: %s", strerror(-ret));
		sd_log(s->d, SD_LOG_ERR, "[rule %s] %s: setting output %s %s failed: %s", s->name,
		       r->when, r->output, p->want_on ? "ON" : "OFF", strerror(-ret));
		publish(s, text);
		return;
	}
	sd_log(s->d, SD_LOG_INFO, "[rule %s] %s %s: output %s set %s", s->name, r->when,
	       p->active ? "began" : "ended", r->output, p->want_on ? "ON" : "OFF");
	publish(s, "done");
}

void sd_rules_input(struct daemon *d, const char *kind, const char *name,
		    unsigned int state)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		struct source *s = &d->src[i];
		const struct sd_rule *r = s->cfg;
		struct rule_priv *p = s->priv;
		bool now;

		if (s->ops != &sd_src_rule_ops || !s->up || strcmp(r->kind, kind) ||
		    strcmp(r->source, name))
			continue;
		if (!strcmp(kind, "digital"))
			now = !strcmp(r->state, "on") ? state : !state;
		else if (!strcmp(r->state, "alarm"))
			now = state;
		else
			now = state & (1u << sd_alarm_parse(r->state));
		if (p->known && now == p->active)
			continue;
		p->known = true;
		p->active = now;
		if (!now && !r->restore) {
			p->pending = false;	/* nothing more to do */
			s->due = SD_NEVER;
			continue;
		}
		p->want_on = now ? r->set_on : !r->set_on;
		act(s);
	}
}

static int rule_open(struct source *s)
{
	s->priv = calloc(1, sizeof(struct rule_priv));
	return s->priv ? 0 : -ENOMEM;
}

static void rule_close(struct source *s)
{
	free(s->priv);
	s->priv = NULL;
}

static int rule_tick(struct source *s)
{
	if (((struct rule_priv *)s->priv)->pending)
		act(s);
	else
		s->due = SD_NEVER;
	return 0;
}

const struct source_ops sd_src_rule_ops = {
	.kind = "rule",
	.open = rule_open,
	.close = rule_close,
	.on_tick = rule_tick,
};
