/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcardd internals. One thread, one poll() loop (main.c): every source
 * and the MQTT client hand it a file descriptor and/or a due time; the
 * loop calls them back. libmosquitto runs through its socket interface
 * (mosquitto_loop_read/write/misc) in this same thread, so its callbacks
 * need no locking. All state lives in struct daemon; signals arrive on a
 * signalfd.
 */
#ifndef SMCARDD_DAEMON_H
#define SMCARDD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "ha.h"
#include "iio_lib.h"
#include "store.h"

#define SD_NEVER	INT64_MAX

struct daemon;
struct source;
struct mqtt;
struct sd_mbsrv_state;
struct sd_analog_alarm;
struct iio_device;
struct iio_channel;
struct http;

struct source_ops {
	const char *kind;		/* topic level: p1, analog, counter ... */
	/* Acquire the device; 0 or -errno (logged by the caller). */
	int (*open)(struct source *s);
	void (*close)(struct source *s);
	/* s->fd became ready; <0 means the device is gone: close, retry. */
	int (*on_fd)(struct source *s, short revents);
	/* s->due has come; same return convention. */
	int (*on_tick)(struct source *s);
	/* MQTT command for this source (outputs); 0 or -errno. */
	int (*command)(struct source *s, const char *payload);
};

struct source {
	const struct source_ops *ops;
	struct daemon *d;
	char name[SD_NAME_MAX];
	const void *cfg;		/* the section in d->cfg */
	void *priv;
	int fd;				/* -1: nothing to poll */
	short events;
	int64_t due;			/* CLOCK_MONOTONIC ms, SD_NEVER: none */
	bool up;
	int64_t retry_at;
	int64_t backoff_ms;
	int last_err;
	unsigned int failures;
	bool failing;			/* open, but its device does not answer */
};

/* emit.c: what the spool policy did, for rate-limited logging */
struct sd_emit_state {
	uint64_t dropped;		/* by the spool's full_policy */
	int64_t full_logged;		/* ms of the last "spool full" line */
	int64_t disk_logged;		/* ms of the last "disk full" line */
};

struct daemon {
	struct sd_config cfg;
	const char *cfg_path;
	bool foreground;
	bool syslog_open;
	char node[SD_NAME_MAX];		/* device name: general.name or host */
	char base[160];			/* topic_prefix/node */
	struct sd_store *store;
	char store_path[SD_PATH_MAX];
	struct mqtt *mqtt;
	struct http *http;
	FILE *jsonl;
	struct source *src;
	size_t nsrc;
	struct sd_entity *ent;
	size_t nent;
	int sigfd;
	struct sd_emit_state emit;
	struct sd_iio iio;		/* loaded by the first analog source */
	struct sd_mbsrv_state *mbsrv;	/* [modbus.server], or NULL */
};

/* log.c */
void sd_log(struct daemon *d, enum sd_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sd_log_open(struct daemon *d);
void sd_log_close(struct daemon *d);

/* util.c */
int64_t sd_now_ms(void);
/* ISO 8601 UTC with milliseconds; @buf needs 32 bytes. */
void sd_iso_time(char *buf, size_t size);
/* Read a small sysfs file into @buf (trailing newline cut); 0 or -errno. */
int sd_read_file(const char *path, char *buf, size_t size);
int sd_write_file(const char *path, const char *text);
/* json helpers that swallow allocation failures into a NULL member */
void sd_json_num(struct json_object *o, const char *k, double v);
/* Integral values as JSON integers, others with @digits significant digits */
void sd_json_num_digits(struct json_object *o, const char *k, double v, int digits);
void sd_json_str(struct json_object *o, const char *k, const char *v);

/* emit.c: a reading under BASE/@sub; @payload is consumed. */
void sd_emit(struct daemon *d, const char *sub, struct json_object *payload,
	     bool retain);
/* Register what Home Assistant should show; published when connected. */
void sd_entity_add(struct daemon *d, const struct sd_entity *e);
/* Convenience for sensors: fills topics and classes. */
void sd_entity_sensor(struct daemon *d, const char *sub, const char *object,
		      const char *name, const char *key, const char *unit,
		      const char *device_class, const char *state_class,
		      bool counting);

/* jsonl.c */
int sd_jsonl_open(struct daemon *d);
void sd_jsonl_close(struct daemon *d);
void sd_jsonl_write(struct daemon *d, const char *topic, const char *payload);

/* mqtt.c */
int sd_mqtt_start(struct daemon *d);
/* Publish 'offline', wait up to @grace_ms for acknowledgements, close. */
void sd_mqtt_stop(struct daemon *d, int grace_ms);
/* Poll integration: the fd (or -1) with events, and the next due time. */
int sd_mqtt_fd(struct daemon *d, short *events);
int64_t sd_mqtt_due(struct daemon *d);
void sd_mqtt_handle(struct daemon *d, short revents);
void sd_mqtt_tick(struct daemon *d);
/* New outbox rows are there: publish what the window allows. */
void sd_mqtt_pump(struct daemon *d);
/* A new entity while connected: publish its discovery config. */
void sd_mqtt_discovery_one(struct daemon *d, const struct sd_entity *e);
bool sd_mqtt_connected(struct daemon *d);

/* http.c: the web page and API ([http]); off unless configured */
int sd_http_start(struct daemon *d);
void sd_http_stop(struct daemon *d);
/* Poll integration: the descriptor (or -1) to wait on for POLLIN, the due time. */
int sd_http_fd(struct daemon *d);
int64_t sd_http_due(struct daemon *d);
void sd_http_run(struct daemon *d);
/*
 * A reading as published (@text, the MQTT payload with its time and id):
 * kept for the page, the API and the sparklines.
 */
void sd_http_observe(struct daemon *d, const char *sub, const char *text);
void sd_http_counts(struct daemon *d, unsigned long *requests,
		    unsigned long *denied);

/* sources.c: build the source list from the config, run the retry logic */
int sd_sources_create(struct daemon *d);
void sd_sources_destroy(struct daemon *d);
void sd_source_fail(struct source *s, int err, const char *what);
/*
 * For sources that stay open while their device fails (a worker retries):
 * log the failure once per reason, then a line when it works again.
 * A source is healthy when up && !failing.
 */
void sd_source_trouble(struct source *s, int err, const char *what);
void sd_source_ok(struct source *s);
int sd_source_add(struct daemon *d, const struct source_ops *ops, const char *name,
		  const void *cfg);
/* Deliver an MQTT command to the source @kind/@name. */
int sd_source_command(struct daemon *d, const char *kind, const char *name,
		      const char *payload);

extern const struct source_ops sd_src_p1_ops;
extern const struct source_ops sd_src_analog_ops;
extern const struct source_ops sd_src_counter_ops;
extern const struct source_ops sd_src_digital_ops;
extern const struct source_ops sd_src_output_ops;
extern const struct source_ops sd_src_modbus_ops;
extern const struct source_ops sd_src_status_ops;
extern const struct source_ops sd_src_mbus_ops;
extern const struct source_ops sd_src_mbus_slave_ops;
extern const struct source_ops sd_src_rule_ops;
extern const struct source_ops sd_src_alarm_ops;
extern const struct source_ops sd_src_iiodev_ops;

/* modbus_server.c: the register map and its server source */
int sd_mbsrv_create(struct daemon *d);
void sd_mbsrv_destroy(struct daemon *d);
void sd_mbsrv_observe(struct daemon *d, const char *sub, struct json_object *payload);
/* Active alarms of source KIND/NAME for the map's status block. */
void sd_mbsrv_alarms(struct daemon *d, const char *kind, const char *name,
		     unsigned int mask);

/* alarm_iio.c: analog alarms; *@out stays NULL when none are configured */
int sd_analog_alarm_open(struct source *s, struct iio_device *dev,
			 struct iio_channel *ch, bool current,
			 struct sd_analog_alarm **out);
void sd_analog_alarm_close(struct sd_analog_alarm *a);
/* A periodic reading of the raw code: judge the alarms from it. */
void sd_analog_alarm_reading(struct source *s, struct sd_analog_alarm *a, double raw);
/* src_iio.c: the alarm state of an open analog source, and its channel */
struct sd_analog_alarm *sd_analog_alarm_get(struct source *s, struct iio_channel **ch);

/* alarm_digital.c: a digital input's state, from an edge (@event_ns, */
/* CLOCK_MONOTONIC) or a read (0); *@alarm_state starts at -1 */
void sd_digital_input(struct source *s, int value, int64_t event_ns, int *alarm_state);
int64_t sd_clock_ns(clockid_t c);
/* ISO 8601 UTC time of @ns on clock @c */
void sd_event_iso(clockid_t c, int64_t ns, char *buf, size_t size);

/* src_mbus_slave.c: every reading, for the slave's telegram */
void sd_mbus_slave_observe(struct daemon *d, const char *sub,
			   struct json_object *payload);

#endif
