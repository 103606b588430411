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
 * libmodbus calls block: a poll lasts at most registers x timeout_ms.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "daemon.h"
#include "modbus_regs.h"

struct mb_priv {
	modbus_t *ctx;
	bool connected;
	bool *warned;			/* per register: exception already logged */
};

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

static int set_knobs(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	char dir[SD_PATH_MAX], path[SD_PATH_MAX + 32];
	int ret;

	if (!m->serial_mode[0] && m->termination < 0)
		return 0;
	ret = find_knobs(m, dir, sizeof(dir));
	if (ret) {
		sd_log(s->d, SD_LOG_ERR, "[modbus.meter %s] no transceiver (smcard-serial serial_mode) for %s; is smcard-serial loaded? knob_dir names its directory",
		       s->name, m->device);
		return ret;
	}
	if (m->serial_mode[0]) {
		snprintf(path, sizeof(path), "%s/serial_mode", dir);
		ret = sd_write_file(path, m->serial_mode);
		if (ret) {
			sd_log(s->d, SD_LOG_ERR, "[modbus.meter %s] %s: %s", s->name, path,
			       strerror(-ret));
			return ret;
		}
	}
	if (m->termination >= 0) {
		snprintf(path, sizeof(path), "%s/rs485_termination", dir);
		ret = sd_write_file(path, m->termination ? "1" : "0");
		if (ret) {
			sd_log(s->d, SD_LOG_ERR, "[modbus.meter %s] %s: %s", s->name, path,
			       strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static void mb_close(struct source *s)
{
	struct mb_priv *p = s->priv;

	if (!p)
		return;
	if (p->ctx) {
		if (p->connected)
			modbus_close(p->ctx);
		modbus_free(p->ctx);
	}
	free(p->warned);
	free(p);
	s->priv = NULL;
}

static int connect_ctx(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	struct mb_priv *p = s->priv;

	if (modbus_connect(p->ctx))
		return errno ? -errno : -EIO;
	p->connected = true;
	if (m->transport == SD_MB_RTU && !strncmp(m->serial_mode, "rs485", 5) &&
	    modbus_rtu_set_serial_mode(p->ctx, MODBUS_RTU_RS485))
		sd_log(s->d, SD_LOG_WARN, "[modbus.meter %s] TIOCSRS485 on %s: %s",
		       s->name, m->device, modbus_strerror(errno));
	return 0;
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

static int mb_open(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	struct mb_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	s->priv = p;
	p->warned = calloc(m->nregs, sizeof(*p->warned));
	if (m->transport == SD_MB_TCP) {
		char port[8];

		snprintf(port, sizeof(port), "%d", m->port);
		p->ctx = modbus_new_tcp_pi(m->host, port);
	} else {
		ret = set_knobs(s);
		if (ret) {
			mb_close(s);
			return ret;
		}
		p->ctx = modbus_new_rtu(m->device, m->baud, m->parity, m->data_bits,
					m->stop_bits);
	}
	if (!p->ctx || !p->warned) {
		mb_close(s);
		return -ENOMEM;
	}
	modbus_set_slave(p->ctx, m->slave);
	modbus_set_response_timeout(p->ctx, (uint32_t)(m->timeout_ms / 1000),
				    (uint32_t)(m->timeout_ms % 1000) * 1000);
	if (m->transport == SD_MB_TCP) {
		ret = connect_ctx(s);
		if (ret) {
			mb_close(s);
			return ret;
		}
	}
	entities(s);
	s->due = sd_now_ms();
	return 0;
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

static int mb_on_tick(struct source *s)
{
	const struct sd_mb_meter *m = s->cfg;
	struct mb_priv *p = s->priv;
	struct json_object *o;
	char sub[128];
	int ret = 0, got = 0;

	s->due = sd_now_ms() + (int64_t)(m->interval * 1000);
	if (!p->connected) {
		ret = connect_ctx(s);
		if (ret)
			return ret;
	}
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < m->nregs; i++) {
		const struct sd_mb_register *r = &m->regs[i];
		double v;

		ret = read_one(p->ctx, r, &v);
		if (!ret) {
			/* float32 carries about 7 significant digits */
			sd_json_num_digits(o, r->name, v, r->type == MBREG_FLOAT32 ? 7 : 10);
			p->warned[i] = false;
			got++;
			continue;
		}
		if (ret == -ERANGE || is_exception(-ret)) {
			if (!p->warned[i])
				sd_log(s->d, SD_LOG_WARN, "[modbus.meter %s] register %s (%s %u): %s",
				       s->name, r->name, sd_mb_fn_name(r->fn), r->address,
				       ret == -ERANGE ? "not a finite number" : modbus_strerror(-ret));
			p->warned[i] = true;
			ret = 0;
			continue;
		}
		break;		/* timeout, connection: the meter is away */
	}
	if (m->transport == SD_MB_RTU || ret) {
		modbus_close(p->ctx);
		p->connected = false;
	}
	if (ret) {
		json_object_put(o);
		return ret;
	}
	if (!got) {
		json_object_put(o);
		return 0;
	}
	snprintf(sub, sizeof(sub), "modbus/%s", s->name);
	sd_emit(s->d, sub, o, true);
	return 0;
}

const struct source_ops sd_src_modbus_ops = {
	.kind = "modbus.meter",
	.open = mb_open,
	.close = mb_close,
	.on_tick = mb_on_tick,
};
