// SPDX-License-Identifier: GPL-2.0
/*
 * Digital inputs and outputs on the card's pins through libgpiod v2.
 * Inputs: both edges with the configured debounce; every edge is a
 * reading {"state": "ON"|"OFF", "value": 1|0}. Outputs: requested as
 * outputs (push-pull or open drain) and switched by MQTT commands on
 * BASE/output/NAME/set; the new state is published as a reading.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <gpiod.h>

#include "daemon.h"
#include "gpio_find.h"

struct gpio_priv {
	struct gpiod_chip *chip;
	struct gpiod_line_request *req;
	struct gpiod_edge_event_buffer *events;
	unsigned int offset;
	int value;
	int alarm;			/* digital: alarm state, -1 unknown */
};

static void release(struct source *s)
{
	struct gpio_priv *p = s->priv;

	if (!p)
		return;
	if (p->events)
		gpiod_edge_event_buffer_free(p->events);
	if (p->req)
		gpiod_line_request_release(p->req);
	if (p->chip)
		gpiod_chip_close(p->chip);
	free(p);
	s->priv = NULL;
}

static int request(struct source *s, const char *chip, const char *line,
		   struct gpiod_line_settings *ls)
{
	struct gpio_priv *p = calloc(1, sizeof(*p));
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	char consumer[80];
	int ret;

	s->priv = p;
	if (!p || !lc || !rc) {
		ret = -ENOMEM;
		goto out;
	}
	ret = sd_gpio_find(chip, line, &p->chip, &p->offset);
	if (ret) {
		sd_log(s->d, SD_LOG_DEBUG, "[%s %s] no GPIO line '%s'%s%s", s->ops->kind,
		       s->name, line, chip[0] ? " on " : "", chip);
		goto out;
	}
	snprintf(consumer, sizeof(consumer), "smcardd-%s", s->name);
	gpiod_request_config_set_consumer(rc, consumer);
	if (gpiod_line_config_add_line_settings(lc, &p->offset, 1, ls)) {
		ret = -errno;
		goto out;
	}
	p->req = gpiod_chip_request_lines(p->chip, rc, lc);
	if (!p->req)
		ret = -errno;
out:
	gpiod_line_config_free(lc);
	gpiod_request_config_free(rc);
	if (ret)
		release(s);
	return ret;
}

static void publish(struct source *s, const char *kind, int value)
{
	struct json_object *o = json_object_new_object();
	char sub[128];

	if (o) {
		sd_json_str(o, "state", value ? "ON" : "OFF");
		json_object_object_add(o, "value", json_object_new_int(value));
	}
	snprintf(sub, sizeof(sub), "%s/%s", kind, s->name);
	sd_emit(s->d, sub, o, true);
}

static void entity(struct source *s, const char *component, const char *kind,
		   const char *device_class)
{
	struct sd_entity e = { 0 };

	snprintf(e.component, sizeof(e.component), "%s", component);
	snprintf(e.object_id, sizeof(e.object_id), "%s_%s", kind, s->name);
	snprintf(e.name, sizeof(e.name), "%s", s->name);
	snprintf(e.state_topic, sizeof(e.state_topic), "%s/%s/%s", s->d->base, kind, s->name);
	snprintf(e.key, sizeof(e.key), "state");
	snprintf(e.device_class, sizeof(e.device_class), "%s", device_class);
	if (!strcmp(component, "switch"))
		snprintf(e.command_topic, sizeof(e.command_topic), "%s/%s/%s/set",
			 s->d->base, kind, s->name);
	sd_entity_add(s->d, &e);
}

/* --- digital inputs ----------------------------------------------------- */

static int digital_open(struct source *s)
{
	const struct sd_digital *c = s->cfg;
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	struct gpio_priv *p;
	int ret, v;

	if (!ls)
		return -ENOMEM;
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_BOTH);
	gpiod_line_settings_set_active_low(ls, c->active_low);
	gpiod_line_settings_set_debounce_period_us(ls, (unsigned long)c->debounce_ms * 1000);
	if (!strcmp(c->bias, "pull-up"))
		gpiod_line_settings_set_bias(ls, GPIOD_LINE_BIAS_PULL_UP);
	else if (!strcmp(c->bias, "pull-down"))
		gpiod_line_settings_set_bias(ls, GPIOD_LINE_BIAS_PULL_DOWN);
	else if (!strcmp(c->bias, "disabled"))
		gpiod_line_settings_set_bias(ls, GPIOD_LINE_BIAS_DISABLED);
	ret = request(s, c->gpiochip, c->gpio, ls);
	gpiod_line_settings_free(ls);
	if (ret)
		return ret;
	p = s->priv;
	p->events = gpiod_edge_event_buffer_new(16);
	v = gpiod_line_request_get_value(p->req, p->offset);
	if (!p->events || v < 0) {
		ret = p->events ? -errno : -ENOMEM;
		release(s);
		return ret;
	}
	p->value = v == GPIOD_LINE_VALUE_ACTIVE;
	s->fd = gpiod_line_request_get_fd(p->req);
	s->events = POLLIN;
	s->due = c->interval > 0 ? sd_now_ms() + (int64_t)(c->interval * 1000) : SD_NEVER;
	entity(s, "binary_sensor", "digital", c->device_class);
	publish(s, "digital", p->value);
	p->alarm = -1;
	sd_digital_input(s, p->value, 0, &p->alarm);
	return 0;
}

static int digital_on_fd(struct source *s, short revents)
{
	struct gpio_priv *p = s->priv;
	int n;

	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENODEV;
	n = gpiod_line_request_read_edge_events(p->req, p->events, 16);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(p->events, (unsigned long)i);

		p->value = gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE;
		publish(s, "digital", p->value);
		sd_digital_input(s, p->value, (int64_t)gpiod_edge_event_get_timestamp_ns(ev),
				 &p->alarm);
	}
	return 0;
}

static int digital_on_tick(struct source *s)
{
	const struct sd_digital *c = s->cfg;
	struct gpio_priv *p = s->priv;
	int v = gpiod_line_request_get_value(p->req, p->offset);

	if (v < 0)
		return -errno;
	p->value = v == GPIOD_LINE_VALUE_ACTIVE;
	publish(s, "digital", p->value);
	sd_digital_input(s, p->value, 0, &p->alarm);
	s->due = sd_now_ms() + (int64_t)(c->interval * 1000);
	return 0;
}

const struct source_ops sd_src_digital_ops = {
	.kind = "digital",
	.open = digital_open,
	.close = release,
	.on_fd = digital_on_fd,
	.on_tick = digital_on_tick,
};

/* --- outputs ------------------------------------------------------------ */

static int output_open(struct source *s)
{
	const struct sd_output *c = s->cfg;
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	int ret;

	if (!ls)
		return -ENOMEM;
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
	gpiod_line_settings_set_active_low(ls, c->active_low);
	gpiod_line_settings_set_drive(ls, c->open_drain ? GPIOD_LINE_DRIVE_OPEN_DRAIN :
				      GPIOD_LINE_DRIVE_PUSH_PULL);
	gpiod_line_settings_set_output_value(ls, c->initial ? GPIOD_LINE_VALUE_ACTIVE :
					     GPIOD_LINE_VALUE_INACTIVE);
	ret = request(s, c->gpiochip, c->gpio, ls);
	gpiod_line_settings_free(ls);
	if (ret)
		return ret;
	((struct gpio_priv *)s->priv)->value = c->initial;
	s->due = c->interval > 0 ? sd_now_ms() + (int64_t)(c->interval * 1000) : SD_NEVER;
	entity(s, "switch", "output", "");
	publish(s, "output", c->initial);
	return 0;
}

static int output_on_tick(struct source *s)
{
	const struct sd_output *c = s->cfg;

	publish(s, "output", ((struct gpio_priv *)s->priv)->value);
	s->due = sd_now_ms() + (int64_t)(c->interval * 1000);
	return 0;
}

static int output_command(struct source *s, const char *payload)
{
	struct gpio_priv *p = s->priv;
	bool on;

	if (!strcasecmp(payload, "ON"))
		on = true;
	else if (!strcasecmp(payload, "OFF"))
		on = false;
	else if (sd_parse_bool(payload, &on))
		return -EINVAL;
	if (gpiod_line_request_set_value(p->req, p->offset, on ? GPIOD_LINE_VALUE_ACTIVE :
					 GPIOD_LINE_VALUE_INACTIVE))
		return -errno;
	p->value = on;
	sd_log(s->d, SD_LOG_INFO, "[output %s] set %s", s->name, on ? "ON" : "OFF");
	publish(s, "output", on);
	return 0;
}

const struct source_ops sd_src_output_ops = {
	.kind = "output",
	.open = output_open,
	.close = release,
	.on_tick = output_on_tick,
	.command = output_command,
};
