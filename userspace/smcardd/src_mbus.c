// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus meters through the kernel's mbus generic netlink family
 * (lib/mbus/mbus_nl) and the master procedures of lib/mbus/mbus_scan: a poll list
 * of meters by primary or secondary address, each with its interval, and
 * an optional discovery scan (primary or secondary) whose meters join the
 * list at the [mbus] interval.
 *
 * Bus transactions block for their wire time (a read at 2400 Bd takes a
 * few hundred milliseconds, a scan minutes), so they run on a worker
 * thread. The worker owns the netlink handle and the schedule and hands
 * the raw RSP_UD frames to the main loop through a queue and an eventfd;
 * the main loop decodes them (lib/mbus/mbus_data: quantity, unit, exact value),
 * normalises the units (kWh, GJ, m³, m³/h ...), registers the Home
 * Assistant entities and publishes one reading per meter read:
 *
 *   TOPIC/mbus/NAME  {"time":..., "address":5, "secondary":"...",
 *                     "manufacturer":"KAM", "medium":"heat_outlet",
 *                     "energy":12345, "volume":678.901, ...,
 *                     "units":{"energy":"kWh","volume":"m³", ...}}
 *
 * Stopping never waits for the bus: the worker is asked to stop (a scan
 * or a multi-telegram read ends at its next transfer) and left to finish
 * the transfer it is in, on its own copy of the configuration; the last
 * of the loop and the worker to let go of the shared state frees it.
 *
 * Transfers need CAP_NET_ADMIN (the kernel refuses them otherwise, and
 * the source fails with EPERM); a vanished bus, the supply switched off
 * by an over-current or the family unloaded stop the worker, the source
 * fails and is reopened by the retry logic of sources.c, which switches
 * the supply on again.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "mbus.h"

#define MB_MAX_TELEGRAMS	64

enum mb_res_kind { MB_RES_READ, MB_RES_FOUND, MB_RES_SCAN_DONE, MB_RES_FATAL };

struct mb_result {
	struct mb_result *next;
	enum mb_res_kind kind;
	char name[SD_NAME_MAX];
	char address[24];
	char device_class[SD_CLASS_MAX];
	bool has_key;			/* the meter's OMS key */
	uint8_t key[16];
	int err;
	char msg[192];
	unsigned int n;
	size_t len[MB_MAX_TELEGRAMS];
	uint8_t (*frames)[MBUS_MAX_FRAME];
};

/* The worker's schedule entry. */
struct mb_meter {
	char name[SD_NAME_MAX];
	char address[24];
	char device_class[SD_CLASS_MAX];
	bool has_key;			/* OMS key from the configuration */
	uint8_t key[16];
	struct mbus_target t;
	int64_t interval_ms;
	int64_t due;
};

/* The main loop's view of a meter: what was announced, whether it fails. */
struct mb_seen {
	char name[SD_NAME_MAX];
	char keys[64][SD_NAME_MAX];
	size_t nkeys;
	bool failing;
	int64_t reads;
};

struct mb_priv {
	const struct sd_mbus *c;	/* &cfg */
	struct sd_mbus cfg;		/* a reload may free the daemon's */
	int refs;			/* the loop's and the worker's */
	struct mbus_nl *nl;
	struct mbus_nl_bus bus;
	struct mbus_link link;
	int xfer_err;			/* transport failure: the bus is gone */
	int efd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct mb_result *head, *tail;
	/* worker only */
	struct mb_meter *meters;
	size_t nmeters;
	int64_t scan_due;
	/* main loop only */
	struct mb_seen *seen;
	size_t nseen;
};

static int64_t mono_ms(void)
{
	return sd_now_ms();
}

/* --- worker ------------------------------------------------------------ */

static bool stopping(struct mb_priv *p);

static int link_xfer(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		     struct mbus_reply *r)
{
	struct mb_priv *p = ctx;
	struct mbus_nl_xfer x = {
		.frame = req,
		.len = len,
		.timeout_extra_ms = (uint32_t)p->c->timeout_extra_ms,
		.no_reply = no_reply,
	};
	int ret;

	/* a scan or a multi-telegram read ends here once the source stops */
	if (stopping(p)) {
		snprintf(p->link.msg, sizeof(p->link.msg), "stopped");
		return -ECANCELED;
	}
	ret = mbus_nl_xfer(p->nl, p->bus.id, &x);
	if (ret < 0) {
		p->xfer_err = ret;
		snprintf(p->link.msg, sizeof(p->link.msg), "%s", mbus_nl_errmsg(p->nl));
		return ret;
	}
	r->result = x.result;
	r->latency_us = x.latency_us;
	if (x.result == METERBUS_RESULT_OK) {
		memcpy(r->buf, x.reply, x.reply_len);
		r->len = x.reply_len;
	} else {
		memcpy(r->buf, x.raw, x.raw_len);
		r->len = x.raw_len;
	}
	return 0;
}

static void post(struct mb_priv *p, struct mb_result *r)
{
	uint64_t one = 1;

	pthread_mutex_lock(&p->mu);
	r->next = NULL;
	if (p->tail)
		p->tail->next = r;
	else
		p->head = r;
	p->tail = r;
	pthread_mutex_unlock(&p->mu);
	if (write(p->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow in practice; nothing to do */
	}
}

static struct mb_result *new_result(enum mb_res_kind kind)
{
	struct mb_result *r = calloc(1, sizeof(*r));

	if (r)
		r->kind = kind;
	return r;
}

static void free_result(struct mb_result *r)
{
	if (r)
		free(r->frames);
	free(r);
}

/* Drop a reference; the last one frees the shared state. */
static void put(struct mb_priv *p)
{
	struct mb_result *r;
	bool last;

	pthread_mutex_lock(&p->mu);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->mu);
	if (!last)
		return;
	while ((r = p->head)) {
		p->head = r->next;
		free_result(r);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	if (p->efd >= 0)
		close(p->efd);
	mbus_nl_close(p->nl);
	free(p->meters);
	free(p);
}

static int collect(void *arg, const uint8_t *frame, size_t len)
{
	struct mb_result *r = arg;

	if (r->n >= MB_MAX_TELEGRAMS || len > MBUS_MAX_FRAME)
		return 1;
	if (!r->frames) {
		r->frames = calloc(MB_MAX_TELEGRAMS, sizeof(*r->frames));
		if (!r->frames)
			return 1;
	}
	memcpy(r->frames[r->n], frame, len);
	r->len[r->n++] = len;
	return 0;
}

static bool known(const struct mb_priv *p, const struct mbus_found *f)
{
	for (size_t i = 0; i < p->nmeters; i++) {
		const struct mbus_target *t = &p->meters[i].t;

		if (t->secondary && f->has_secaddr && mbus_secaddr_match(&t->sa, &f->sa))
			return true;
		if (!t->secondary && t->primary == f->primary && f->primary != 0 &&
		    f->primary <= 250)
			return true;
	}
	return false;
}

static int add_meter(struct mb_priv *p, const char *name, const char *address,
		     const char *device_class, const uint8_t *key, double interval)
{
	struct mb_meter *n = realloc(p->meters, (p->nmeters + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->meters = n;
	n = &p->meters[p->nmeters];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->address, sizeof(n->address), "%s", address);
	snprintf(n->device_class, sizeof(n->device_class), "%s", device_class);
	n->has_key = key != NULL;
	if (key)
		memcpy(n->key, key, sizeof(n->key));
	if (mbus_target_parse(address, &n->t))
		return -EINVAL;
	n->interval_ms = (int64_t)(interval * 1000);
	n->due = mono_ms();
	p->nmeters++;
	return 0;
}

/* A meter the scan found: on the list by secondary address when known. */
static int on_found(void *arg, const struct mbus_found *f)
{
	struct mb_priv *p = arg;
	struct mb_result *r;
	char addr[24], name[SD_NAME_MAX];

	if (f->collision || known(p, f))
		return 0;
	if (f->has_secaddr) {
		mbus_secaddr_format(&f->sa, addr);
		snprintf(name, sizeof(name), "%s", addr);
	} else {
		snprintf(addr, sizeof(addr), "%u", f->primary);
		snprintf(name, sizeof(name), "primary%u", f->primary);
	}
	if (add_meter(p, name, addr, "", NULL, p->c->interval))
		return 0;
	r = new_result(MB_RES_FOUND);
	if (r) {
		snprintf(r->name, sizeof(r->name), "%s", name);
		snprintf(r->address, sizeof(r->address), "%s", addr);
		post(p, r);
	}
	return 0;
}

static int scan(struct mb_priv *p)
{
	struct mbus_scan_opts o = {
		.first = 0, .last = 250, .read_id = true,
		.found = on_found, .arg = p,
	};
	struct mb_result *r;
	int ret;

	p->link.msg[0] = 0;
	if (p->c->scan == SD_MBUS_SCAN_PRIMARY)
		ret = mbus_scan_primary(&p->link, &o);
	else
		ret = mbus_scan_secondary(&p->link, &MBUS_SECADDR_WILDCARD, &o);
	r = new_result(MB_RES_SCAN_DONE);
	if (r) {
		r->err = ret < 0 ? ret : 0;
		r->n = ret < 0 ? 0 : (unsigned int)ret;
		snprintf(r->msg, sizeof(r->msg), "%s", p->link.msg);
		post(p, r);
	}
	return ret;
}

static void read_meter(struct mb_priv *p, struct mb_meter *m)
{
	struct mb_result *r = new_result(MB_RES_READ);
	int ret;

	if (!r)
		return;
	snprintf(r->name, sizeof(r->name), "%s", m->name);
	snprintf(r->address, sizeof(r->address), "%s", m->address);
	snprintf(r->device_class, sizeof(r->device_class), "%s", m->device_class);
	r->has_key = m->has_key;
	memcpy(r->key, m->key, sizeof(r->key));
	p->link.msg[0] = 0;
	ret = mbus_read(&p->link, &m->t, (unsigned int)p->c->max_telegrams, collect, r);
	if (ret < 0 || !r->n) {
		r->err = ret < 0 ? ret : -EIO;
		snprintf(r->msg, sizeof(r->msg), "%s", p->link.msg[0] ? p->link.msg : strerror(-r->err));
	}
	post(p, r);
}

/* Sleep until @due (monotonic ms) or stop; true when stopping. */
static bool wait_until(struct mb_priv *p, int64_t due)
{
	struct timespec ts;
	bool stop;

	pthread_mutex_lock(&p->mu);
	while (!p->stop && mono_ms() < due) {
		int64_t ms = due;

		ts.tv_sec = (time_t)(ms / 1000);
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

static bool stopping(struct mb_priv *p)
{
	bool stop;

	pthread_mutex_lock(&p->mu);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

static void *worker(void *arg)
{
	struct mb_priv *p = arg;

	while (!stopping(p)) {
		int64_t now = mono_ms(), due = INT64_MAX;
		struct mb_meter *next = NULL;

		if (p->c->scan != SD_MBUS_SCAN_NONE && p->scan_due <= now) {
			scan(p);
			p->scan_due = p->c->scan_interval > 0 ?
				      mono_ms() + (int64_t)(p->c->scan_interval * 1000) : INT64_MAX;
		} else {
			for (size_t i = 0; i < p->nmeters; i++)
				if (p->meters[i].due < due) {
					due = p->meters[i].due;
					next = &p->meters[i];
				}
			if (p->c->scan != SD_MBUS_SCAN_NONE && p->scan_due < due) {
				due = p->scan_due;
				next = NULL;
			}
			if (due > now) {
				if (wait_until(p, due == INT64_MAX ? now + 60000 : due))
					break;
				continue;
			}
			if (next) {
				read_meter(p, next);
				next->due += next->interval_ms;
				if (next->due < mono_ms())	/* fell behind: no burst */
					next->due = mono_ms() + next->interval_ms;
			}
		}
		if (p->xfer_err) {
			struct mb_result *r = new_result(MB_RES_FATAL);

			if (r) {
				r->err = p->xfer_err;
				snprintf(r->msg, sizeof(r->msg), "%s", mbus_nl_errmsg(p->nl));
				post(p, r);
			}
			break;
		}
	}
	put(p);
	return NULL;
}

/* --- main loop --------------------------------------------------------- */

/* Never waits: a worker in a transfer lets go when the transfer ends. */
static void mb_close(struct source *s)
{
	struct mb_priv *p = s->priv;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	free(p->seen);
	p->seen = NULL;
	s->priv = NULL;
	put(p);
}

static int mb_open(struct source *s)
{
	const struct sd_mbus *c = s->cfg;
	const struct sd_config *cfg = &s->d->cfg;
	struct mb_priv *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;
	pthread_attr_t ta;
	pthread_t th;
	int ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->cfg = *c;
	p->c = &p->cfg;
	p->refs = 1;
	p->efd = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);

	ret = mbus_nl_open(&p->nl);
	if (!ret)
		ret = mbus_nl_bus_find(p->nl, c->bus[0] ? c->bus : NULL, &p->bus);
	if (ret) {
		sd_log(s->d, ret == -ENOENT || ret == -ENODEV ? SD_LOG_DEBUG : SD_LOG_ERR,
		       "[mbus] %s", p->nl ? mbus_nl_errmsg(p->nl) : strerror(-ret));
		goto fail;
	}
	if (c->power || c->baud) {
		struct mbus_nl_bus_cfg bc = MBUS_NL_BUS_CFG_NONE;

		if (c->power && !p->bus.power)
			bc.power = 1;
		if (c->baud && (uint32_t)c->baud != p->bus.baud)
			bc.baud = (uint32_t)c->baud;
		if (bc.power == 1 || bc.baud) {
			ret = mbus_nl_bus_set(p->nl, p->bus.id, &bc);
			if (ret) {
				sd_log(s->d, SD_LOG_ERR, "[mbus] %s: cannot switch %s: %s%s", p->bus.name,
				       bc.power == 1 ? "the supply on" : "the baud rate",
				       mbus_nl_errmsg(p->nl),
				       ret == -EPERM ? " (smcardd needs CAP_NET_ADMIN)" : "");
				goto fail;
			}
			if (mbus_nl_bus_get(p->nl, NULL, p->bus.id, &p->bus))
				goto fail;
		}
	}
	p->link.xfer = link_xfer;
	p->link.ctx = p;
	p->link.retries = (unsigned int)c->retries;
	p->link.probe_retries = 0;
	for (size_t i = 0; i < cfg->nmbus_meter; i++) {
		const struct sd_mbus_meter *m = &cfg->mbus_meter[i];

		ret = add_meter(p, m->name, m->address, m->device_class,
				m->has_key ? m->key : NULL, m->interval);
		if (ret)
			goto fail;
	}
	p->scan_due = c->scan == SD_MBUS_SCAN_NONE ? INT64_MAX : mono_ms();
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0) {
		ret = -errno;
		goto fail;
	}
	sd_log(s->d, SD_LOG_INFO, "[mbus] bus %s (%s), %u Bd, supply %s%s; %zu meter(s)%s%s",
	       p->bus.name, mbus_nl_role_name(p->bus.role), p->bus.baud,
	       p->bus.power ? "on" : "off", p->bus.has_voltage ? "" : "",
	       p->nmeters, c->scan != SD_MBUS_SCAN_NONE ? ", discovery by " : "",
	       c->scan != SD_MBUS_SCAN_NONE ? sd_mbus_scan_name(c->scan) : "");
	pthread_attr_init(&ta);
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	p->refs = 2;
	ret = -pthread_create(&th, &ta, worker, p);
	pthread_attr_destroy(&ta);
	if (ret) {
		p->refs = 1;
		goto fail;
	}
	s->fd = p->efd;
	s->events = POLLIN;
	return 0;
fail:
	mb_close(s);
	return ret ? ret : -ENODEV;
}

static struct mb_seen *seen(struct mb_priv *p, const char *name)
{
	struct mb_seen *n;

	for (size_t i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i].name, name))
			return &p->seen[i];
	n = realloc(p->seen, (p->nseen + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->seen = n;
	n = &p->seen[p->nseen++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

/* Units as published: what Home Assistant and people expect. */
static const char *normalise(const char *unit, double *v)
{
	static const struct {
		const char *in, *out;
		double mul;
	} map[] = {
		{ "Wh", "kWh", 1e-3 }, { "J", "GJ", 1e-9 }, { "varh", "kvarh", 1e-3 },
		{ "m^3", "m³", 1 }, { "m^3/h", "m³/h", 1 }, { "m^3/min", "m³/h", 60 },
		{ "m^3/s", "m³/h", 3600 }, { "J/h", "W", 1.0 / 3600 }, { "cal", "kWh", 4.1868e-6 },
		{ "ft^3", "ft³", 1 }, { "gal_us", "gal", 1 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(unit, map[i].in)) {
			*v *= map[i].mul;
			return map[i].out;
		}
	}
	return unit;
}

static bool water_medium(uint8_t m)
{
	return m == 0x06 || m == 0x07 || m == 0x15 || m == 0x16 || m == 0x17;
}

/* Home Assistant classes of a published value. */
static void classes(const char *quantity, const char *unit, uint8_t medium,
		    const char *volume_class, char *dc, char *sc)
{
	dc[0] = sc[0] = 0;
	if (!strcmp(quantity, "energy") || !strcmp(quantity, "volume") ||
	    !strcmp(quantity, "mass") || !strcmp(quantity, "reactive_energy") ||
	    !strcmp(quantity, "on_time") || !strcmp(quantity, "operating_time"))
		snprintf(sc, SD_CLASS_MAX, "total_increasing");
	else
		snprintf(sc, SD_CLASS_MAX, "measurement");
	if (!strcmp(quantity, "volume")) {
		if (volume_class[0])
			snprintf(dc, SD_CLASS_MAX, "%s", volume_class);
		else
			snprintf(dc, SD_CLASS_MAX, "%s", water_medium(medium) ? "water" :
				 medium == 0x03 ? "gas" : "volume");
		return;
	}
	if (!strcmp(quantity, "temperature_difference")) {
		snprintf(dc, SD_CLASS_MAX, "temperature");
		return;
	}
	if (!strcmp(quantity, "mass")) {
		snprintf(dc, SD_CLASS_MAX, "weight");
		return;
	}
	sd_ha_classes(sd_ha_unit(unit), !strcmp(sc, "total_increasing"), dc, sc);
}

/* JSON key of a record: quantity plus storage, tariff, subunit, function. */
static void record_key(const struct mbus_record *r, char *key, size_t size)
{
	int n = snprintf(key, size, "%s", r->quantity[0] ? r->quantity : "value");

	if (r->storage && n < (int)size)
		n += snprintf(key + n, size - (size_t)n, "_s%llu", (unsigned long long)r->storage);
	if (r->tariff && n < (int)size)
		n += snprintf(key + n, size - (size_t)n, "_t%u", r->tariff);
	if (r->subunit && n < (int)size)
		n += snprintf(key + n, size - (size_t)n, "_u%u", r->subunit);
	if (r->function != MBUS_FUNC_INSTANTANEOUS && n < (int)size)
		snprintf(key + n, size - (size_t)n, "_%s",
			 r->function == MBUS_FUNC_MAXIMUM ? "max" :
			 r->function == MBUS_FUNC_MINIMUM ? "min" : "error");
}

static void announce(struct source *s, struct mb_seen *m, const char *key,
		     const char *quantity, const char *unit, uint8_t medium,
		     const char *volume_class)
{
	char sub[128], obj[160], name[160], dc[SD_CLASS_MAX], sc[SD_CLASS_MAX];

	for (size_t i = 0; i < m->nkeys; i++)
		if (!strcmp(m->keys[i], key))
			return;
	if (m->nkeys >= sizeof(m->keys) / sizeof(m->keys[0]))
		return;
	snprintf(m->keys[m->nkeys++], sizeof(m->keys[0]), "%s", key);
	classes(quantity, unit, medium, volume_class, dc, sc);
	snprintf(sub, sizeof(sub), "mbus/%s", m->name);
	snprintf(obj, sizeof(obj), "mbus_%s_%s", m->name, key);
	snprintf(name, sizeof(name), "%s %s", m->name, key);
	for (char *c = name; *c; c++)
		if (*c == '_')
			*c = ' ';
	sd_entity_sensor(s->d, sub, obj, name, key, unit, dc, sc, false);
}

static void publish(struct source *s, struct mb_result *r)
{
	struct mb_seen *m = seen(s->priv, r->name);
	struct json_object *o = json_object_new_object();
	struct json_object *units = json_object_new_object();
	bool header = false;
	uint8_t medium = 0;
	char sub[128];

	if (!o || !units || !m) {
		json_object_put(o);
		json_object_put(units);
		return;
	}
	for (unsigned int t = 0; t < r->n; t++) {
		struct mbus_telegram tg;
		struct mbus_error err = { 0 };

		mbus_telegram_init(&tg);
		if (mbus_telegram_parse_key(r->frames[t], r->len[t],
					    r->has_key ? r->key : NULL, &tg, &err)) {
			sd_log(s->d, SD_LOG_WARN, "[mbus %s] telegram %u: byte %zu: %s",
			       r->name, t + 1, err.pos, err.msg);
			/* encrypted and not decrypted: the plain records still count */
			if (!tg.sec.error) {
				mbus_telegram_free(&tg);
				continue;
			}
		}
		if (!header && tg.header.type == MBUS_HEADER_LONG) {
			struct mbus_secaddr sa = { tg.header.id, tg.header.manufacturer,
						   tg.header.version, tg.header.medium };
			char text[MBUS_SECADDR_STRLEN], man[4];

			header = true;
			medium = tg.header.medium;
			json_object_object_add(o, "address", json_object_new_int(tg.frame.a));
			mbus_secaddr_format(&sa, text);
			sd_json_str(o, "secondary", text);
			mbus_manufacturer_code(tg.header.manufacturer, man);
			sd_json_str(o, "manufacturer", man);
			sd_json_str(o, "medium", mbus_medium_name(tg.header.medium));
			json_object_object_add(o, "status", json_object_new_int(tg.header.status));
		}
		for (size_t i = 0; i < tg.n_records; i++) {
			const struct mbus_record *rec = &tg.records[i];
			char key[SD_NAME_MAX], base[SD_NAME_MAX], text[64];
			const char *unit;
			double v;

			if (rec->manufacturer_data || rec->error >= 0)
				continue;
			record_key(rec, base, sizeof(base));
			snprintf(key, sizeof(key), "%s", base);
			for (int k = 2; json_object_object_get_ex(o, key, NULL) && k < 10; k++)
				snprintf(key, sizeof(key), "%.*s_%d", SD_NAME_MAX - 4, base, k);
			if (rec->value.type == MBUS_VALUE_DATETIME || rec->value.type == MBUS_VALUE_DATE) {
				mbus_value_format(&rec->value, text, sizeof(text));
				sd_json_str(o, key, text);
				continue;
			}
			if (!mbus_value_is_numeric(&rec->value))
				continue;
			v = mbus_value_double(&rec->value);
			if (!isfinite(v))
				continue;
			unit = normalise(rec->unit, &v);
			sd_json_num_digits(o, key, v, 12);
			if (unit[0]) {
				json_object_object_add(units, key, json_object_new_string(unit));
				if (!rec->storage && rec->function == MBUS_FUNC_INSTANTANEOUS)
					announce(s, m, key, rec->quantity, unit, medium,
						 r->device_class);
			}
		}
		mbus_telegram_free(&tg);
	}
	json_object_object_add(o, "units", units);
	if (m->failing)
		sd_log(s->d, SD_LOG_INFO, "[mbus %s] answers again", r->name);
	m->failing = false;
	m->reads++;
	snprintf(sub, sizeof(sub), "mbus/%s", r->name);
	sd_emit(s->d, sub, o, true);
}

static int mb_on_fd(struct source *s, short revents)
{
	struct mb_priv *p = s->priv;
	struct mb_result *r, *list;
	uint64_t n;
	int ret = 0;

	if (read(p->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	pthread_mutex_lock(&p->mu);
	list = p->head;
	p->head = p->tail = NULL;
	pthread_mutex_unlock(&p->mu);
	while ((r = list)) {
		struct mb_seen *m;

		list = r->next;
		switch (r->kind) {
		case MB_RES_READ:
			if (!r->err) {
				publish(s, r);
				break;
			}
			m = seen(p, r->name);
			if (m && !m->failing)
				sd_log(s->d, SD_LOG_WARN, "[mbus %s] address %s: %s; trying again at the next interval",
				       r->name, r->address, r->msg);
			if (m)
				m->failing = true;
			break;
		case MB_RES_FOUND:
			sd_log(s->d, SD_LOG_INFO, "[mbus] found a meter at address %s: reading it as mbus/%s every %gs",
			       r->address, r->name, p->c->interval);
			break;
		case MB_RES_SCAN_DONE:
			if (r->err)
				sd_log(s->d, SD_LOG_WARN, "[mbus] %s scan failed: %s", sd_mbus_scan_name(p->c->scan),
				       r->msg[0] ? r->msg : strerror(-r->err));
			else
				sd_log(s->d, SD_LOG_INFO, "[mbus] %s scan: %u meter(s) on the bus",
				       sd_mbus_scan_name(p->c->scan), r->n);
			break;
		case MB_RES_FATAL:
			sd_log(s->d, SD_LOG_ERR, "[mbus] bus %s: %s%s", p->bus.name, r->msg,
			       r->err == -EPERM ? " (bus transfers need CAP_NET_ADMIN)" : "");
			ret = r->err ? r->err : -ENODEV;
			break;
		}
		free_result(r);
	}
	return ret;
}

static int mb_on_tick(struct source *s)
{
	s->due = SD_NEVER;
	return 0;
}

const struct source_ops sd_src_mbus_ops = {
	.kind = "mbus",
	.open = mb_open,
	.close = mb_close,
	.on_fd = mb_on_fd,
	.on_tick = mb_on_tick,
};
