// SPDX-License-Identifier: GPL-2.0
/*
 * [mbus.slave]: the card answers an external M-Bus master as a meter.
 *
 * The bus is switched to the slave role and this source listens
 * (slave-listen); a worker thread receives each request of the master,
 * lets the meter model answer it (slave.h) and hands the answer to
 * the kernel (slave-reply), which puts it on the wire inside the
 * EN 13757-2 window. The thread never waits for the main loop, so MQTT or
 * a slow source cannot make an answer late.
 *
 * The telegram reports the daemon's own readings: sd_emit() passes every
 * reading to sd_mbus_slave_observe(), which keeps the latest value of the
 * reported counters, analog and digital inputs. A primary address set by
 * the master is saved in the store (main thread) and used after a restart
 * for as long as the configured address stays the same; a baud rate
 * change is applied with bus-set once the E5 has left the wire.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "mbus.h"
#include "slave.h"

#define SETTING_KEY	"mbus_slave.primary_address"

struct sl_priv {
	struct mbus_nl *nl;
	struct mbus_nl_bus bus;
	struct sd_slave slave;
	pthread_mutex_t mu;		/* slave, pending, err, stats */
	pthread_t th;
	bool started;
	volatile bool stop;
	int efd;			/* worker -> main loop */
	/* set by the worker, taken by the main loop */
	bool new_address;
	uint8_t address;
	int err;
	/* counters, for the log */
	unsigned long requests, replies, late;
};

static void wake(struct sl_priv *p)
{
	uint64_t one = 1;

	if (write(p->efd, &one, sizeof(one)) < 0) {
		/* the counter is non-zero already: the main loop will look */
	}
}

/* After the answer has left: what the request changed. */
static void after_reply(struct source *s, unsigned int ev, unsigned int baud,
			uint8_t primary)
{
	struct sl_priv *p = s->priv;

	if (ev & MBUS_METER_EV_BAUD) {
		struct mbus_nl_bus_cfg bc = MBUS_NL_BUS_CFG_NONE;

		bc.baud = baud;
		if (mbus_nl_bus_set(p->nl, p->bus.id, &bc))
			sd_log(s->d, SD_LOG_ERR, "[mbus.slave] the master asked for %u Bd: %s",
			       baud, mbus_nl_errmsg(p->nl));
		else
			sd_log(s->d, SD_LOG_INFO, "[mbus.slave] %s now at %u Bd, as the master asked",
			       p->bus.name, baud);
	}
	if (ev & MBUS_METER_EV_RESET)
		sd_log(s->d, SD_LOG_INFO, "[mbus.slave] application reset by the master");
	if (ev & MBUS_METER_EV_SELECT)
		sd_log(s->d, SD_LOG_DEBUG, "[mbus.slave] %s by secondary address",
		       p->slave.meter.selected ? "selected" : "deselected");
	if (ev & MBUS_METER_EV_ADDRESS) {
		pthread_mutex_lock(&p->mu);
		p->new_address = true;
		p->address = primary;
		pthread_mutex_unlock(&p->mu);
		wake(p);
	}
}

static void *worker(void *arg)
{
	struct source *s = arg;
	struct sl_priv *p = s->priv;
	struct mbus_nl_slave_req *q = malloc(sizeof(*q));
	uint8_t reply[METERBUS_FRAME_MAX];

	if (!q) {
		pthread_mutex_lock(&p->mu);
		p->err = -ENOMEM;
		pthread_mutex_unlock(&p->mu);
		wake(p);
		return NULL;
	}
	while (!p->stop) {
		unsigned int ev = 0, baud;
		uint8_t primary;
		int n, ret = mbus_nl_slave_recv(p->nl, q, 250);

		if (ret == 0 || ret == -EINTR)
			continue;
		if (ret < 0 && ret != -ENOBUFS) {
			sd_log(s->d, SD_LOG_ERR, "[mbus.slave] %s", mbus_nl_errmsg(p->nl));
			pthread_mutex_lock(&p->mu);
			p->err = ret;
			pthread_mutex_unlock(&p->mu);
			wake(p);
			break;
		}
		if (ret < 0 || q->id != p->bus.id)
			continue;
		pthread_mutex_lock(&p->mu);
		p->requests++;
		n = sd_slave_handle(&p->slave, q->frame, q->frame_len, time(NULL),
				    reply, sizeof(reply), &ev);
		baud = p->slave.meter.baud;
		primary = p->slave.meter.primary;
		pthread_mutex_unlock(&p->mu);
		if (n < 0) {
			sd_log(s->d, SD_LOG_ERR, "[mbus.slave] cannot build the answer: %s",
			       strerror(-n));
			n = 0;
		}
		ret = mbus_nl_slave_reply(p->nl, p->bus.id, q->seq, n ? reply : NULL,
					  (size_t)n);
		pthread_mutex_lock(&p->mu);
		if (!ret && n)
			p->replies++;
		if (ret == -ETIME)
			p->late++;
		pthread_mutex_unlock(&p->mu);
		if (ret == -ETIME)
			sd_log(s->d, SD_LOG_WARN, "[mbus.slave] answer too late for the master (window closed)");
		else if (ret)
			sd_log(s->d, SD_LOG_WARN, "[mbus.slave] %s", mbus_nl_errmsg(p->nl));
		if (!ret)
			after_reply(s, ev, baud, primary);
	}
	free(q);
	return NULL;
}

static void sl_close(struct source *s)
{
	struct sl_priv *p = s->priv;

	if (!p)
		return;
	if (p->started) {
		p->stop = true;
		pthread_join(p->th, NULL);
		sd_log(s->d, SD_LOG_INFO, "[mbus.slave] stopped: %lu request(s), %lu answer(s), %lu too late",
		       p->requests, p->replies, p->late);
	}
	mbus_nl_close(p->nl);	/* closing the socket ends the listening */
	if (p->efd >= 0)
		close(p->efd);
	sd_slave_free(&p->slave);
	pthread_mutex_destroy(&p->mu);
	free(p);
	s->priv = NULL;
}

/* The address to answer at: a stored one while the configuration agrees. */
static uint8_t start_address(struct source *s)
{
	const struct sd_mbus_slave *c = s->cfg;
	char v[32];
	unsigned int addr, conf;

	if (s->d->store && !sd_store_setting_get(s->d->store, SETTING_KEY, v, sizeof(v)) &&
	    sscanf(v, "%u %u", &addr, &conf) == 2 && conf == (unsigned int)c->primary_address &&
	    addr <= MBUS_ADDR_MAX_PRIMARY) {
		if (addr != conf)
			sd_log(s->d, SD_LOG_INFO, "[mbus.slave] primary address %u, as set by the master (configured: %u)",
			       addr, conf);
		return (uint8_t)addr;
	}
	return (uint8_t)c->primary_address;
}

static int sl_open(struct source *s)
{
	const struct sd_mbus_slave *c = s->cfg;
	struct sl_priv *p = calloc(1, sizeof(*p));
	struct mbus_nl_bus_cfg bc = MBUS_NL_BUS_CFG_NONE;
	char sa[MBUS_SECADDR_STRLEN];
	int ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->efd = -1;
	pthread_mutex_init(&p->mu, NULL);
	ret = sd_slave_init(&p->slave, &s->d->cfg, start_address(s));
	if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[mbus.slave] cannot set up the telegram: %s", strerror(-ret));
		goto fail;
	}
	ret = mbus_nl_open(&p->nl);
	if (!ret)
		ret = mbus_nl_bus_find(p->nl, c->bus[0] ? c->bus : NULL, &p->bus);
	if (ret) {
		sd_log(s->d, ret == -ENOENT || ret == -ENODEV ? SD_LOG_DEBUG : SD_LOG_ERR,
		       "[mbus.slave] %s", p->nl ? mbus_nl_errmsg(p->nl) : strerror(-ret));
		goto fail;
	}
	if (p->bus.role != METERBUS_ROLE_SLAVE)
		bc.role = METERBUS_ROLE_SLAVE;
	if ((uint32_t)c->baud != p->bus.baud)
		bc.baud = (uint32_t)c->baud;
	if (bc.role >= 0 || bc.baud) {
		ret = mbus_nl_bus_set(p->nl, p->bus.id, &bc);
		if (ret) {
			sd_log(s->d, SD_LOG_ERR, "[mbus.slave] %s: cannot switch to the slave role at %d Bd: %s%s",
			       p->bus.name, c->baud, mbus_nl_errmsg(p->nl),
			       ret == -EPERM ? " (smcardd needs CAP_NET_ADMIN)" : "");
			goto fail;
		}
	}
	ret = mbus_nl_slave_listen(p->nl, p->bus.id);
	if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[mbus.slave] %s: %s", p->bus.name, mbus_nl_errmsg(p->nl));
		goto fail;
	}
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0) {
		ret = -errno;
		goto fail;
	}
	mbus_secaddr_format(&p->slave.meter.addr, sa);
	sd_log(s->d, SD_LOG_INFO, "[mbus.slave] %s: slave at %d Bd, primary address %u, secondary %s, %zu record(s)",
	       p->bus.name, c->baud, p->slave.meter.primary, sa, p->slave.n_recs);
	ret = -pthread_create(&p->th, NULL, worker, s);
	if (ret)
		goto fail;
	p->started = true;
	s->fd = p->efd;
	s->events = POLLIN;
	return 0;
fail:
	sl_close(s);
	return ret;
}

static int sl_on_fd(struct source *s, short revents)
{
	const struct sd_mbus_slave *c = s->cfg;
	struct sl_priv *p = s->priv;
	uint64_t v;
	bool save;
	uint8_t addr;
	int err;

	if (read(p->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	pthread_mutex_lock(&p->mu);
	save = p->new_address;
	addr = p->address;
	err = p->err;
	p->new_address = false;
	pthread_mutex_unlock(&p->mu);
	if (save) {
		char val[32];

		snprintf(val, sizeof(val), "%u %d", addr, c->primary_address);
		sd_log(s->d, SD_LOG_INFO, "[mbus.slave] the master set the primary address to %u", addr);
		if (!s->d->store || sd_store_setting_put(s->d->store, SETTING_KEY, val))
			sd_log(s->d, SD_LOG_ERR, "[mbus.slave] cannot save the primary address%s%s",
			       s->d->store ? ": " : "",
			       s->d->store ? sd_store_error(s->d->store) : "");
	}
	return err;
}

/* A reading from sd_emit(): keep it for the telegram. */
void sd_mbus_slave_observe(struct daemon *d, const char *sub,
			   struct json_object *payload)
{
	struct json_object *v, *u, *f;
	double value;

	for (size_t i = 0; i < d->nsrc; i++) {
		struct source *s = &d->src[i];
		struct sl_priv *p = s->priv;

		if (s->ops != &sd_src_mbus_slave_ops || !s->up || !p)
			continue;
		if (json_object_object_get_ex(payload, "value", &v) &&
		    (json_object_is_type(v, json_type_double) ||
		     json_object_is_type(v, json_type_int)))
			value = json_object_get_double(v);
		else if (json_object_object_get_ex(payload, "state", &v) &&
			 json_object_is_type(v, json_type_string))
			value = !strcmp(json_object_get_string(v), "ON");
		else
			return;
		if (!json_object_object_get_ex(payload, "unit", &u))
			u = NULL;
		pthread_mutex_lock(&p->mu);
		sd_slave_update(&p->slave, sub, value, u ? json_object_get_string(u) : NULL,
				json_object_object_get_ex(payload, "fault", &f));
		pthread_mutex_unlock(&p->mu);
	}
}

const struct source_ops sd_src_mbus_slave_ops = {
	.kind = "mbus",
	.open = sl_open,
	.close = sl_close,
	.on_fd = sl_on_fd,
};
