// SPDX-License-Identifier: GPL-2.0
/*
 * Modbus meters through libmodbus. TCP meters keep their connection; RTU
 * meters open the serial port for each poll and close it afterwards, so
 * that several meters on one bus (one section each) take turns on the
 * tty without sharing state. Before the first RTU poll the card's
 * transceiver is switched through its sysfs knobs (serial_mode,
 * rs485_termination) and RS485 direction control is requested with
 * TIOCSRS485 through libmodbus.
 *
 * Each poll reads every register of the meter (one request per register)
 * and publishes one reading BASE/modbus/NAME {"REG": value, ...}. A
 * Modbus exception for one register is logged and leaves that value out;
 * a timeout or a lost connection fails the source, which is retried.
 *
 * libmodbus calls block (a dead meter costs registers x timeout_ms per
 * poll), so each meter is polled by a worker thread of its own (worker.h)
 * and the main loop only publishes what the worker hands it: a dead or
 * silent meter never delays P1, S0 or any other source. Meters on one
 * RTU bus take turns through a lock per tty. A meter that does not answer
 * is reported once and tried again with a backoff that doubles from the
 * poll interval up to 60 s; the source stays open meanwhile.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "daemon.h"
#include "modbus_regs.h"
#include "worker.h"

/* One per RTU tty, for the process's lifetime: meters on a bus take turns. */
struct mb_bus {
	struct mb_bus *next;
	char device[SD_PATH_MAX];
	pthread_mutex_t lock;
};

/* The worker's own copy of the meter: the loop's config may be reloaded. */
struct mb_job {
	struct sd_mb_meter m;		/* regs points to the copy below */
	struct mb_bus *bus;		/* RTU only */
	char name[SD_NAME_MAX];
	modbus_t *ctx;
	bool connected;
	bool knobs_set;
	bool *warned;			/* per register: exception already reported */
};

struct mb_priv {
	struct sd_worker *w;
};

static pthread_mutex_t buses_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mb_bus *buses;

static struct mb_bus *bus_get(const char *device)
{
	struct mb_bus *b;

	pthread_mutex_lock(&buses_lock);
	for (b = buses; b && strcmp(b->device, device); b = b->next)
		;
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (b) {
			snprintf(b->device, sizeof(b->device), "%s", device);
			pthread_mutex_init(&b->lock, NULL);
			b->next = buses;
			buses = b;
		}
	}
	pthread_mutex_unlock(&buses_lock);
	return b;
}

/*
 * The directory holding serial_mode for the meter's tty, or -ENOENT.
 * The card's transceiver is the smcard-serial platform device under the
 * IO controller (/sys/bus/platform/drivers/smcard-serial/DEV); its "uart"
 * link names the UART it belongs to, and the tty is a descendant of that
 * UART's device. Without the link, a single transceiver is taken.
 */
static int find_knobs(const struct sd_mb_meter *m, char *dir, size_t size)
{
	const char *drv = "/sys/bus/platform/drivers/smcard-serial";
	char path[SD_PATH_MAX + 64], copy[SD_PATH_MAX], ttydev[PATH_MAX], uart[PATH_MAX];
	char only[SD_PATH_MAX + 64] = "";
	const char *tty;
	struct dirent *de;
	int candidates = 0;
	DIR *d;

	if (m->knob_dir[0]) {
		snprintf(dir, size, "%s", m->knob_dir);
		return 0;
	}
	snprintf(copy, sizeof(copy), "%s", m->device);
	tty = basename(copy);
	snprintf(path, sizeof(path), "/sys/class/tty/%s", tty);
	if (!realpath(path, ttydev))
		ttydev[0] = 0;
	d = opendir(drv);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/serial_mode", drv, de->d_name);
		if (de->d_name[0] == '.' || access(path, F_OK))
			continue;
		candidates++;
		snprintf(only, sizeof(only), "%s/%s", drv, de->d_name);
		snprintf(path, sizeof(path), "%s/%s/uart", drv, de->d_name);
		if (ttydev[0] && realpath(path, uart) &&
		    !strncmp(ttydev, uart, strlen(uart)) && ttydev[strlen(uart)] == '/') {
			closedir(d);
			snprintf(dir, size, "%s", only);
			return 0;
		}
	}
	closedir(d);
	if (candidates == 1) {
		snprintf(dir, size, "%s", only);
		return 0;
	}
	return -ENOENT;
}

/* Switch the card's transceiver; on failure @what says why. */
static int set_knobs(const struct sd_mb_meter *m, char *what, size_t size)
{
	char dir[SD_PATH_MAX], path[SD_PATH_MAX + 32];
	int ret;

	if (!m->serial_mode[0] && m->termination < 0)
		return 0;
	ret = find_knobs(m, dir, sizeof(dir));
	if (ret) {
		snprintf(what, size, "no transceiver (smcard-serial serial_mode) for %s; is smcard-serial loaded? knob_dir names its directory",
			 m->device);
		return ret;
	}
	if (m->serial_mode[0]) {
		snprintf(path, sizeof(path), "%s/serial_mode", dir);
		ret = sd_write_file(path, m->serial_mode);
		if (ret) {
			snprintf(what, size, "%s", path);
			return ret;
		}
	}
	if (m->termination >= 0) {
		snprintf(path, sizeof(path), "%s/rs485_termination", dir);
		ret = sd_write_file(path, m->termination ? "1" : "0");
		if (ret) {
			snprintf(what, size, "%s", path);
			return ret;
		}
	}
	return 0;
}

/* --- worker ------------------------------------------------------------ */

static void job_free(void *arg)
{
	struct mb_job *j = arg;

	if (j->ctx) {
		if (j->connected)
			modbus_close(j->ctx);
		modbus_free(j->ctx);
	}
	free(j->m.regs);
	free(j->warned);
	free(j);
}

static bool is_exception(int err)
{
	return err > MODBUS_ENOBASE && err < EMBXGTAR + 1;
}

static int read_one(modbus_t *ctx, const struct sd_mb_register *r, double *v)
{
	uint16_t regs[2] = { 0 };
	uint8_t bit = 0;
	unsigned int w = mbreg_width(r->type);
	int n;

	switch (r->fn) {
	case SD_MB_HOLDING:
		n = modbus_read_registers(ctx, r->address, (int)w, regs);
		break;
	case SD_MB_INPUT:
		n = modbus_read_input_registers(ctx, r->address, (int)w, regs);
		break;
	case SD_MB_COIL:
		n = modbus_read_bits(ctx, r->address, 1, &bit);
		regs[0] = bit;
		w = 1;
		break;
	default:
		n = modbus_read_input_bits(ctx, r->address, 1, &bit);
		regs[0] = bit;
		w = 1;
		break;
	}
	if (n != (int)w)
		return n < 0 ? -errno : -EPROTO;
	if (mbreg_decode(regs, r->type, r->order, v))
		return -ERANGE;
	*v = *v * r->scale + r->offset;
	return 0;
}

static int post_text(struct sd_worker *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A failure (err < 0) or a warning (err 0) for the loop to log. */
static int post_text(struct sd_worker *w, int err, const char *fmt, ...)
{
	struct sd_work_msg *m = sd_work_msg_new(err, NULL);
	va_list ap;

	if (!m)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
	return sd_worker_post(w, m);
}

static int job_connect(struct sd_worker *w, struct mb_job *j)
{
	const struct sd_mb_meter *m = &j->m;
	char what[512];
	int ret;

	if (m->transport == SD_MB_RTU && !j->knobs_set) {
		ret = set_knobs(m, what, sizeof(what));
		if (ret) {
			post_text(w, ret, "%s", what);
			return ret;
		}
		j->knobs_set = true;
	}
	errno = 0;
	if (modbus_connect(j->ctx)) {
		ret = errno ? -errno : -EIO;
		post_text(w, ret, "cannot connect to %s", m->transport == SD_MB_TCP ? m->host : m->device);
		return ret;
	}
	j->connected = true;
	if (m->transport == SD_MB_RTU && !strncmp(m->serial_mode, "rs485", 5) &&
	    modbus_rtu_set_serial_mode(j->ctx, MODBUS_RTU_RS485))
		post_text(w, 0, "TIOCSRS485 on %s: %s", m->device, modbus_strerror(errno));
	return 0;
}

/* One poll of every register; 0 with a reading posted, or -errno. */
static int job_poll(struct sd_worker *w, struct mb_job *j)
{
	const struct sd_mb_meter *m = &j->m;
	struct sd_work_msg *msg;
	struct json_object *o;
	int ret = 0, got = 0;

	if (!j->connected) {
		ret = job_connect(w, j);
		if (ret)
			return ret;
	}
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < m->nregs; i++) {
		const struct sd_mb_register *r = &m->regs[i];
		double v;

		ret = read_one(j->ctx, r, &v);
		if (!ret) {
			/* float32 carries about 7 significant digits */
			sd_json_num_digits(o, r->name, v, r->type == MBREG_FLOAT32 ? 7 : 10);
			j->warned[i] = false;
			got++;
			continue;
		}
		if (ret == -ERANGE || is_exception(-ret)) {
			if (!j->warned[i])
				post_text(w, 0, "register %s (%s %u): %s", r->name,
					  sd_mb_fn_name(r->fn), r->address,
					  ret == -ERANGE ? "not a finite number" : modbus_strerror(-ret));
			j->warned[i] = true;
			ret = 0;
			continue;
		}
		post_text(w, ret, "register %s (%s %u): %s", r->name, sd_mb_fn_name(r->fn),
			  r->address, modbus_strerror(-ret));
		break;		/* timeout, connection: the meter is away */
	}
	if (m->transport == SD_MB_RTU || ret) {
		modbus_close(j->ctx);
		j->connected = false;
	}
	if (ret || !got) {
		json_object_put(o);
		return ret;
	}
	msg = sd_work_msg_new(0, NULL);
	if (!msg) {
		json_object_put(o);
		return -ENOMEM;
	}
	snprintf(msg->sub, sizeof(msg->sub), "modbus/%s", j->name);
	msg->payload = o;
	msg->retain = true;
	sd_worker_post(w, msg);		/* -ECANCELED: stopping anyway */
	return 0;
}

static void job_run(struct sd_worker *w, void *arg)
{
	struct mb_job *j = arg;
	int64_t interval = (int64_t)(j->m.interval * 1000), backoff = 0;
	int64_t due = sd_now_ms();

	while (!sd_worker_sleep_until(w, due)) {
		int64_t now = sd_now_ms();
		int ret;

		if (j->bus)
			pthread_mutex_lock(&j->bus->lock);
		ret = job_poll(w, j);
		if (j->bus)
			pthread_mutex_unlock(&j->bus->lock);
		if (ret) {
			/* the knobs may have been reset with the device */
			j->knobs_set = false;
			backoff = backoff ? backoff * 2 : interval;
			if (backoff < 1000)
				backoff = 1000;
			if (backoff > 60000)
				backoff = 60000;
			due = sd_now_ms() + backoff;
			continue;
		}
		backoff = 0;
		due += interval;
		if (due < now)
			due = now;
	}
}

/* --- main loop --------------------------------------------------------- */

static void drain(struct source *s)
{
	struct mb_priv *p = s->priv;
	struct sd_work_msg *m;

	while ((m = sd_worker_take(p->w))) {
		if (m->err < 0) {
			sd_source_trouble(s, m->err, m->what);
		} else if (!m->payload) {
			sd_log(s->d, SD_LOG_WARN, "[modbus.meter %s] %s", s->name, m->what);
		} else {
			sd_source_ok(s);
			sd_emit(s->d, m->sub, m->payload, m->retain);
			m->payload = NULL;	/* consumed */
		}
		sd_work_msg_free(m);
	}
}

static void mb_close(struct source *s)
{
	struct mb_priv *p = s->priv;

	if (!p)
		return;
	if (p->w) {
		drain(s);		/* what was read is published */
		sd_worker_release(p->w);
	}
	free(p);
	s->priv = NULL;
}

static void entities(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	char sub[128], obj[128], name[128];

	snprintf(sub, sizeof(sub), "modbus/%s", s->name);
	for (size_t i = 0; i < m->nregs; i++) {
		const struct sd_mb_register *r = &m->regs[i];

		snprintf(obj, sizeof(obj), "modbus_%s_%s", s->name, r->name);
		snprintf(name, sizeof(name), "%s %s", s->name, r->name);
		sd_entity_sensor(s->d, sub, obj, name, r->name, r->unit,
				 r->device_class, r->state_class, true);
	}
}

static struct mb_job *job_new(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	struct mb_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->m = *m;
	snprintf(j->name, sizeof(j->name), "%s", s->name);
	j->m.regs = calloc(m->nregs ? m->nregs : 1, sizeof(*m->regs));
	j->warned = calloc(m->nregs ? m->nregs : 1, sizeof(*j->warned));
	if (!j->m.regs || !j->warned)
		goto fail;
	memcpy(j->m.regs, m->regs, m->nregs * sizeof(*m->regs));
	if (m->transport == SD_MB_TCP) {
		char port[8];

		snprintf(port, sizeof(port), "%d", m->port);
		j->ctx = modbus_new_tcp_pi(m->host, port);
	} else {
		j->bus = bus_get(m->device);
		j->ctx = j->bus ? modbus_new_rtu(m->device, m->baud, m->parity,
						 m->data_bits, m->stop_bits) : NULL;
	}
	if (!j->ctx)
		goto fail;
	modbus_set_slave(j->ctx, m->slave);
	modbus_set_response_timeout(j->ctx, (uint32_t)(m->timeout_ms / 1000),
				    (uint32_t)(m->timeout_ms % 1000) * 1000);
	return j;
fail:
	job_free(j);
	return NULL;
}

static int mb_open(struct source *s)
{
	struct mb_priv *p = calloc(1, sizeof(*p));
	struct mb_job *j;
	int ret;

	if (!p)
		return -ENOMEM;
	j = job_new(s);
	if (!j) {
		free(p);
		return -ENOMEM;
	}
	/* a few readings may wait while the loop is busy; then the worker waits */
	ret = sd_worker_start(&p->w, job_run, j, job_free, 16);
	if (ret) {
		job_free(j);
		free(p);
		return ret;
	}
	s->priv = p;
	s->fd = sd_worker_fd(p->w);
	s->events = POLLIN;
	entities(s);
	return 0;
}

static int mb_on_fd(struct source *s, short revents)
{
	drain(s);
	return 0;
}

const struct source_ops sd_src_modbus_ops = {
	.kind = "modbus.meter",
	.open = mb_open,
	.close = mb_close,
	.on_fd = mb_on_fd,
};
