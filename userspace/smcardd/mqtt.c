// SPDX-License-Identifier: GPL-2.0
/*
 * MQTT sink (libmosquitto, socket interface in the daemon's poll loop).
 *
 * Delivery: readings wait in the SQLite outbox. While connected, up to
 * max_inflight of them are published (QoS 1) in id order; the PUBACK of
 * each deletes its row. On any disconnect the client instance is
 * destroyed, so that libmosquitto's own retry queue cannot send anything
 * twice behind our back, and a new one starts again from the oldest row
 * still in the outbox: order is kept, nothing acknowledged is resent, and
 * only messages whose PUBACK was lost in the disconnect may arrive twice.
 *
 * Availability: the will is BASE/availability "offline" (retained); after
 * each connect "online" is published, then the Home Assistant discovery
 * configs (retained), again whenever homeassistant/status says "online".
 * Commands: BASE/output/NAME/set.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "daemon.h"

struct inflight {
	int mid;
	int64_t id;
};

struct mqtt {
	struct mosquitto *m;
	bool connected;
	bool connecting;
	int64_t retry_at;
	int64_t backoff_ms;
	int64_t misc_at;
	int64_t last_sent;		/* highest outbox id handed to the client */
	int64_t max_sent;		/* same over all connections */
	unsigned long resent;		/* sent again: acknowledgement lost */
	struct inflight *fl;
	int nfl;
	int max_fl;
	char avail[300];
	char birth[200];
	char cmd_filter[300];
	unsigned long delivered;
	bool said_down;
};

bool sd_mqtt_connected(struct daemon *d)
{
	return d->mqtt && d->mqtt->connected;
}

static void publish_direct(struct daemon *d, const char *topic,
			   const char *payload, bool retain)
{
	struct mqtt *q = d->mqtt;
	int rc = mosquitto_publish(q->m, NULL, topic, (int)strlen(payload),
				   payload, 1, retain);

	if (rc != MOSQ_ERR_SUCCESS)
		sd_log(d, SD_LOG_WARN, "mqtt: publish %s: %s", topic, mosquitto_strerror(rc));
}

void sd_mqtt_discovery_one(struct daemon *d, const struct sd_entity *e)
{
	struct sd_ha_device dev = {
		.node_id = d->node,
		.discovery_prefix = d->cfg.mqtt.discovery_prefix,
		.availability_topic = d->mqtt->avail,
		.sw_version = SMCARD_VERSION,
	};
	struct json_object *o;
	char topic[512];

	if (!sd_mqtt_connected(d) || !d->cfg.mqtt.discovery)
		return;
	o = sd_ha_config(&dev, e, topic, sizeof(topic));
	if (!o) {
		sd_log(d, SD_LOG_ERR, "mqtt: out of memory for discovery of %s", e->object_id);
		return;
	}
	publish_direct(d, topic, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE), true);
	json_object_put(o);
}

static void discovery_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nent; i++)
		sd_mqtt_discovery_one(d, &d->ent[i]);
	if (d->nent && d->cfg.mqtt.discovery)
		sd_log(d, SD_LOG_INFO, "mqtt: published Home Assistant discovery for %zu entities",
		       d->nent);
}

static void on_connect(struct mosquitto *m, void *user, int rc)
{
	struct daemon *d = user;
	struct mqtt *q = d->mqtt;

	q->connecting = false;
	if (rc) {
		sd_log(d, SD_LOG_ERR, "mqtt: %s:%d refused the connection: %s",
		       d->cfg.mqtt.host, d->cfg.mqtt.port, mosquitto_connack_string(rc));
		return;
	}
	q->connected = true;
	q->backoff_ms = 0;
	q->said_down = false;
	sd_log(d, SD_LOG_INFO, "mqtt: connected to %s:%d, %lld reading(s) queued",
	       d->cfg.mqtt.host, d->cfg.mqtt.port, (long long)sd_store_pending(d->store));
	mosquitto_subscribe(m, NULL, q->cmd_filter, 1);
	if (d->cfg.mqtt.discovery)
		mosquitto_subscribe(m, NULL, q->birth, 1);
	publish_direct(d, q->avail, "online", true);
	discovery_all(d);
	sd_mqtt_pump(d);
}

static void on_disconnect(struct mosquitto *m, void *user, int rc)
{
	struct daemon *d = user;

	d->mqtt->connected = false;
	(void)m;
	(void)rc;
}

static void on_publish(struct mosquitto *m, void *user, int mid)
{
	struct daemon *d = user;
	struct mqtt *q = d->mqtt;

	(void)m;
	for (int i = 0; i < q->nfl; i++) {
		if (q->fl[i].mid != mid)
			continue;
		/* from here on the reading is the broker's: its id in the log proves it */
		sd_log(d, SD_LOG_DEBUG, "mqtt: reading %lld acknowledged (mid %d)",
		       (long long)q->fl[i].id, mid);
		if (sd_store_delete(d->store, q->fl[i].id))
			sd_log(d, SD_LOG_ERR, "spool: cannot delete delivered row %lld: %s",
			       (long long)q->fl[i].id, sd_store_error(d->store));
		q->delivered++;
		q->fl[i] = q->fl[--q->nfl];
		sd_mqtt_pump(d);
		return;
	}
}

/* BASE/output/NAME/set */
static void on_message(struct mosquitto *m, void *user,
		       const struct mosquitto_message *msg)
{
	struct daemon *d = user;
	struct mqtt *q = d->mqtt;
	char payload[64], name[SD_NAME_MAX + 1];
	size_t blen = strlen(d->base);
	const char *rest;
	int ret;

	(void)m;
	snprintf(payload, sizeof(payload), "%.*s",
		 msg->payloadlen < 63 ? msg->payloadlen : 63, (const char *)msg->payload);
	if (!strcmp(msg->topic, q->birth)) {
		if (!strcmp(payload, "online")) {
			sd_log(d, SD_LOG_INFO, "mqtt: Home Assistant came online");
			discovery_all(d);
		}
		return;
	}
	if (strncmp(msg->topic, d->base, blen) || strncmp(msg->topic + blen, "/output/", 8))
		return;
	rest = msg->topic + blen + 8;
	if (!strchr(rest, '/') || strcmp(strchr(rest, '/'), "/set") ||
	    (size_t)(strchr(rest, '/') - rest) >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(strchr(rest, '/') - rest), rest);
	ret = sd_source_command(d, "output", name, payload);
	if (ret)
		sd_log(d, SD_LOG_WARN, "mqtt: %s '%s': %s", msg->topic, payload,
		       ret == -ENOENT ? "no such output" :
		       ret == -EINVAL ? "payload must be ON, OFF, 1, 0, true or false" :
		       strerror(-ret));
}

static void drop_client(struct daemon *d, const char *why)
{
	struct mqtt *q = d->mqtt;

	if (q->m) {
		mosquitto_destroy(q->m);
		q->m = NULL;
	}
	if ((q->connected || !q->said_down) && why)
		sd_log(d, SD_LOG_WARN, "mqtt: %s:%d: %s; readings are kept in the spool, retrying",
		       d->cfg.mqtt.host, d->cfg.mqtt.port, why);
	q->said_down = true;
	q->connected = false;
	q->connecting = false;
	q->nfl = 0;
	q->last_sent = 0;
	q->backoff_ms = q->backoff_ms ? q->backoff_ms * 2 : 500;
	if (q->backoff_ms > 30000)
		q->backoff_ms = 30000;
	q->retry_at = sd_now_ms() + q->backoff_ms;
}

static int new_client(struct daemon *d)
{
	const struct sd_mqtt *c = &d->cfg.mqtt;
	struct mqtt *q = d->mqtt;
	char id[200];
	int rc;

	snprintf(id, sizeof(id), "%s", c->client_id[0] ? c->client_id : "");
	if (!id[0])
		snprintf(id, sizeof(id), "smcardd-%s", d->node);
	q->m = mosquitto_new(id, true, d);
	if (!q->m)
		return -ENOMEM;
	mosquitto_int_option(q->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	mosquitto_max_inflight_messages_set(q->m, (unsigned int)q->max_fl);
	mosquitto_connect_callback_set(q->m, on_connect);
	mosquitto_disconnect_callback_set(q->m, on_disconnect);
	mosquitto_publish_callback_set(q->m, on_publish);
	mosquitto_message_callback_set(q->m, on_message);
	rc = mosquitto_will_set(q->m, q->avail, 7, "offline", 1, true);
	if (rc == MOSQ_ERR_SUCCESS && c->username[0])
		rc = mosquitto_username_pw_set(q->m, c->username,
					       c->password[0] ? c->password : NULL);
	if (rc == MOSQ_ERR_SUCCESS && c->tls) {
		rc = mosquitto_tls_set(q->m, c->cafile[0] ? c->cafile : NULL,
				       c->capath[0] ? c->capath : NULL,
				       c->certfile[0] ? c->certfile : NULL,
				       c->keyfile[0] ? c->keyfile : NULL, NULL);
		if (rc == MOSQ_ERR_SUCCESS && c->tls_insecure)
			rc = mosquitto_tls_insecure_set(q->m, true);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		sd_log(d, SD_LOG_ERR, "mqtt: client setup: %s", mosquitto_strerror(rc));
		mosquitto_destroy(q->m);
		q->m = NULL;
		return -EINVAL;
	}
	return 0;
}

static void try_connect(struct daemon *d)
{
	struct mqtt *q = d->mqtt;
	int rc;

	if (!q->m && new_client(d)) {
		q->retry_at = sd_now_ms() + 5000;
		return;
	}
	rc = mosquitto_connect_async(q->m, d->cfg.mqtt.host, d->cfg.mqtt.port,
				     d->cfg.mqtt.keepalive);
	if (rc != MOSQ_ERR_SUCCESS) {
		drop_client(d, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return;
	}
	q->connecting = true;
	q->misc_at = sd_now_ms() + 1000;
}

int sd_mqtt_start(struct daemon *d)
{
	struct mqtt *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->max_fl = d->cfg.mqtt.qos ? d->cfg.mqtt.max_inflight : 1;
	q->fl = calloc((size_t)q->max_fl, sizeof(*q->fl));
	if (!q->fl) {
		free(q);
		return -ENOMEM;
	}
	snprintf(q->avail, sizeof(q->avail), "%s/availability", d->base);
	snprintf(q->birth, sizeof(q->birth), "%s/status", d->cfg.mqtt.discovery_prefix);
	snprintf(q->cmd_filter, sizeof(q->cmd_filter), "%s/output/+/set", d->base);
	d->mqtt = q;
	sd_log(d, SD_LOG_INFO, "mqtt: connecting to %s:%d", d->cfg.mqtt.host, d->cfg.mqtt.port);
	try_connect(d);
	return 0;
}

void sd_mqtt_pump(struct daemon *d)
{
	struct mqtt *q = d->mqtt;
	struct sd_outbox_row rows[64];
	int n, want, rc;

	if (!q || !q->connected)
		return;
	while ((want = q->max_fl - q->nfl) > 0) {
		if (want > 64)
			want = 64;
		n = sd_store_fetch(d->store, q->last_sent, rows, want);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			int mid = 0;

			if (q->connected) {
				rc = mosquitto_publish(q->m, &mid, rows[i].topic,
						       (int)strlen(rows[i].payload),
						       rows[i].payload, d->cfg.mqtt.qos,
						       rows[i].retain);
				if (rc == MOSQ_ERR_SUCCESS) {
					q->fl[q->nfl].mid = mid;
					q->fl[q->nfl].id = rows[i].id;
					q->nfl++;
					q->last_sent = rows[i].id;
					if (rows[i].id <= q->max_sent) {
						q->resent++;
						sd_log(d, SD_LOG_INFO, "mqtt: reading %lld sent again, its acknowledgement was lost with the connection",
						       (long long)rows[i].id);
					} else {
						q->max_sent = rows[i].id;
					}
				} else {
					sd_log(d, SD_LOG_WARN, "mqtt: publish: %s",
					       mosquitto_strerror(rc));
					q->connected = false;
				}
			}
			sd_outbox_row_free(&rows[i]);
		}
		if (!q->connected)
			return;
	}
}

int sd_mqtt_fd(struct daemon *d, short *events)
{
	struct mqtt *q = d->mqtt;
	int fd;

	if (!q || !q->m)
		return -1;
	fd = mosquitto_socket(q->m);
	if (fd < 0)
		return -1;
	*events = POLLIN;
	if (mosquitto_want_write(q->m) || q->connecting)
		*events |= POLLOUT;
	return fd;
}

int64_t sd_mqtt_due(struct daemon *d)
{
	struct mqtt *q = d->mqtt;

	if (!q)
		return SD_NEVER;
	if (!q->m || mosquitto_socket(q->m) < 0)
		return q->retry_at;
	return q->misc_at;
}

static void check(struct daemon *d, int rc)
{
	if (rc == MOSQ_ERR_SUCCESS)
		return;
	drop_client(d, rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_NO_CONN ?
		    "connection lost" : mosquitto_strerror(rc));
}

void sd_mqtt_handle(struct daemon *d, short revents)
{
	struct mqtt *q = d->mqtt;
	int rc = MOSQ_ERR_SUCCESS;

	if (revents & (POLLIN | POLLERR | POLLHUP))
		rc = mosquitto_loop_read(q->m, 1);
	if (rc == MOSQ_ERR_SUCCESS && q->m && (revents & POLLOUT)) {
		q->connecting = false;
		rc = mosquitto_loop_write(q->m, 1);
	}
	check(d, rc);
	if (q->m && !q->connected && !q->connecting && mosquitto_socket(q->m) < 0)
		drop_client(d, "connection closed");
}

void sd_mqtt_tick(struct daemon *d)
{
	struct mqtt *q = d->mqtt;
	int64_t now = sd_now_ms();

	if (!q)
		return;
	if (!q->m || mosquitto_socket(q->m) < 0) {
		if (now >= q->retry_at)
			try_connect(d);
		return;
	}
	if (now >= q->misc_at) {
		q->misc_at = now + 1000;
		check(d, mosquitto_loop_misc(q->m));
	}
}

void sd_mqtt_stop(struct daemon *d, int grace_ms)
{
	struct mqtt *q = d->mqtt;
	int64_t end = sd_now_ms() + grace_ms;

	if (!q)
		return;
	if (q->m && q->connected) {
		int mid = 0, rc;

		rc = mosquitto_publish(q->m, &mid, q->avail, 7, "offline", 1, true);
		/* let outstanding acknowledgements and the last will come through */
		while (rc == MOSQ_ERR_SUCCESS && q->connected && sd_now_ms() < end) {
			struct pollfd p = { .fd = mosquitto_socket(q->m), .events = POLLIN };

			if (mosquitto_want_write(q->m))
				p.events |= POLLOUT;
			if (poll(&p, 1, 100) > 0)
				sd_mqtt_handle(d, p.revents);
			if (!q->m || (!q->nfl && !mosquitto_want_write(q->m)))
				break;
		}
		if (q->m)
			mosquitto_disconnect(q->m);
	}
	if (q->m)
		mosquitto_destroy(q->m);
	sd_log(d, SD_LOG_INFO, "mqtt: stopped; %lu reading(s) delivered (%lu sent twice), %lld left in the spool",
	       q->delivered, q->resent, (long long)sd_store_pending(d->store));
	free(q->fl);
	free(q);
	d->mqtt = NULL;
}
