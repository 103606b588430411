// SPDX-License-Identifier: GPL-2.0
/*
 * Digital inputs as alarms and rule inputs. Every state of a [digital]
 * input (the first one, each edge event, the periodic re-reads) comes
 * here: the rules see it, and when the section says which state is an
 * alarm ('alarm = on|off'), a change of the alarm is published at once
 * under BASE/alarm/digital/NAME with the edge's kernel time, and shown in
 * the Modbus map.
 */
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "mbmap.h"
#include "rules.h"

int64_t sd_clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sd_event_iso(clockid_t c, int64_t ns, char *buf, size_t size)
{
	int64_t real = ns;
	struct tm tm;
	time_t sec;
	char s[24];

	if (c != CLOCK_REALTIME)
		real += sd_clock_ns(CLOCK_REALTIME) - sd_clock_ns(c);
	sec = (time_t)(real / 1000000000);
	gmtime_r(&sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", s, (int)(real / 1000000 % 1000));
}

void sd_digital_input(struct source *s, int value, int64_t event_ns,
		      int *alarm_state)
{
	const struct sd_digital *c = s->cfg;
	struct json_object *o;
	char sub[96], when[40];
	int alarm;

	sd_rules_input(s->d, "digital", s->name, (unsigned int)value);
	if (!c->alarm[0])
		return;
	alarm = value == !strcmp(c->alarm, "on");
	if (alarm == *alarm_state)
		return;
	if (*alarm_state < 0) {
		struct sd_entity e = { .component = "binary_sensor" };

		snprintf(e.object_id, sizeof(e.object_id), "alarm_digital_%s", s->name);
		snprintf(e.name, sizeof(e.name), "%s alarm", s->name);
		snprintf(e.state_topic, sizeof(e.state_topic), "%s/alarm/digital/%s",
			 s->d->base, s->name);
		snprintf(e.key, sizeof(e.key), "state");
		snprintf(e.device_class, sizeof(e.device_class), "problem");
		sd_entity_add(s->d, &e);
	}
	if (*alarm_state >= 0 || alarm)
		sd_log(s->d, alarm ? SD_LOG_WARN : SD_LOG_INFO, "[digital %s] alarm %s (input %s)",
		       s->name, alarm ? "raised" : "cleared", value ? "ON" : "OFF");
	*alarm_state = alarm;
	o = json_object_new_object();
	if (o) {
		sd_json_str(o, "state", alarm ? "ON" : "OFF");
		sd_json_str(o, "input", value ? "ON" : "OFF");
		if (event_ns) {
			sd_event_iso(CLOCK_MONOTONIC, event_ns, when, sizeof(when));
			sd_json_str(o, "event_time", when);
		}
	}
	snprintf(sub, sizeof(sub), "alarm/digital/%s", s->name);
	sd_emit(s->d, sub, o, true);
	sd_mbsrv_alarms(s->d, "digital", s->name, alarm ? 1u << SD_MBS_ALARM_DIGITAL : 0);
}
