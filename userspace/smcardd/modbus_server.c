// SPDX-License-Identifier: GPL-2.0
/*
 * Modbus TCP server for building management systems (libmodbus, server
 * side): the register map of mbmap.c, read with functions 1-4 by any
 * number of clients up to max_clients, and the outputs as coils (5, 15)
 * when allow_write is on and the client is on write_allow.
 *
 * Nothing here blocks the daemon's loop: the listening socket and the
 * clients are non-blocking and sit in an epoll set whose descriptor is
 * this source's fd. A client's bytes are cut into requests by the MBAP
 * header's length; a complete request is checked (unit id, function,
 * PDU length, write policy) and answered by modbus_reply() or
 * modbus_reply_exception(). A stream that is not Modbus TCP (protocol
 * id not 0, impossible length) cannot be resynchronised: the client is
 * closed. Modbus has no authentication: the listen address (loopback by
 * default) and the allow / write_allow lists are what limits access.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "daemon.h"
#include "mbmap.h"
#include "netacl.h"

#define MBAP_LEN	7		/* transaction, protocol, length, unit */
#define REFRESH_MS	500		/* ages and health at most this stale */

/* Lives as long as the source list: the map keeps its values while the
 * socket is retried. */
struct sd_mbsrv_state {
	struct sd_mbmap *map;
	int *slot;			/* per d->src: its source slot or -1 */
	size_t nslot;
	int64_t started, refreshed;
	int overflow_said;
};

struct client {
	int fd;				/* -1: free */
	int64_t last;
	size_t len;
	bool may_write;
	char peer[64];
	uint8_t buf[MODBUS_TCP_MAX_ADU_LENGTH];
};

struct server {
	modbus_t *ctx;
	int lfd, ep;
	struct client *cl;
	int ncl;
	struct sd_netacl allow, write_allow;
	int64_t map_written;
};

static void drop(struct source *s, struct client *c, const char *why)
{
	struct server *v = s->priv;

	if (why)
		sd_log(s->d, SD_LOG_DEBUG, "[modbus.server] %s: closed (%s)", c->peer, why);
	epoll_ctl(v->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static void srv_close(struct source *s)
{
	struct server *v = s->priv;

	if (!v)
		return;
	for (int i = 0; v->cl && i < v->ncl; i++)
		if (v->cl[i].fd >= 0)
			drop(s, &v->cl[i], NULL);
	if (v->ep >= 0)
		close(v->ep);
	if (v->ctx) {
		modbus_close(v->ctx);	/* the listening socket */
		modbus_free(v->ctx);
	}
	free(v->cl);
	free(v);
	s->priv = NULL;
}

static int srv_open(struct source *s)
{
	const struct sd_mbsrv *c = &s->d->cfg.mbsrv;
	struct server *v = calloc(1, sizeof(*v));
	struct epoll_event ev = { .events = EPOLLIN };
	char port[8], err[160];
	int ret;

	if (!v)
		return -ENOMEM;
	s->priv = v;
	v->lfd = v->ep = -1;
	v->ncl = c->max_clients;
	v->cl = calloc((size_t)v->ncl, sizeof(*v->cl));
	if (!v->cl) {
		srv_close(s);
		return -ENOMEM;
	}
	for (int i = 0; i < v->ncl; i++)
		v->cl[i].fd = -1;
	/* checked by the configuration parser already */
	if ((c->allow[0] && sd_netacl_parse(c->allow, &v->allow, err, sizeof(err))) ||
	    sd_netacl_parse(c->write_allow[0] ? c->write_allow :
			    c->allow[0] ? c->allow : "0.0.0.0/0, ::/0",
			    &v->write_allow, err, sizeof(err))) {
		srv_close(s);
		return -EINVAL;
	}
	snprintf(port, sizeof(port), "%d", c->port);
	v->ctx = modbus_new_tcp_pi(c->listen, port);
	if (!v->ctx) {
		ret = -errno;
		srv_close(s);
		return ret ? ret : -ENOMEM;
	}
	v->lfd = modbus_tcp_pi_listen(v->ctx, 8);
	if (v->lfd < 0) {
		ret = errno ? -errno : -EADDRNOTAVAIL;
		sd_log(s->d, SD_LOG_DEBUG, "[modbus.server] listen %s port %s: %s", c->listen,
		       port, strerror(-ret));
		srv_close(s);
		return ret;
	}
	v->ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = NULL;
	if (v->ep < 0 || fcntl(v->lfd, F_SETFL, fcntl(v->lfd, F_GETFL) | O_NONBLOCK) < 0 || epoll_ctl(v->ep, EPOLL_CTL_ADD, v->lfd, &ev)) {
		ret = -errno;
		srv_close(s);
		return ret;
	}
	s->fd = v->ep;
	s->events = POLLIN;
	s->due = sd_now_ms() + 1000;
	sd_log(s->d, SD_LOG_INFO, "[modbus.server] listening on %s port %d, unit %d, %s %s, writes %s%s",
	       c->listen, c->port, c->unit_id, sd_mb_type_name(c->type),
	       (const char *[]){ "abcd", "cdab", "badc", "dcba" }[c->order],
	       c->allow_write ? "allowed" : "refused",
	       c->allow_write && c->write_allow[0] ? " (write_allow)" : "");
	return 0;
}

static void accept_all(struct source *s)
{
	struct server *v = s->priv;
	const struct sd_mbsrv *c = &s->d->cfg.mbsrv;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct epoll_event ev = { .events = EPOLLIN };
		struct client *cl = NULL;
		char peer[64];
		int fd = accept4(v->lfd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				sd_log(s->d, SD_LOG_WARN, "[modbus.server] accept: %s", strerror(errno));
			return;
		}
		sd_netacl_peer((struct sockaddr *)&ss, peer, sizeof(peer));
		if (!sd_netacl_match(&v->allow, (struct sockaddr *)&ss)) {
			sd_log(s->d, SD_LOG_WARN, "[modbus.server] refused %s: not in 'allow'", peer);
			close(fd);
			continue;
		}
		for (int i = 0; i < v->ncl && !cl; i++)
			if (v->cl[i].fd < 0)
				cl = &v->cl[i];
		if (!cl) {
			sd_log(s->d, SD_LOG_WARN, "[modbus.server] refused %s: %d clients already (max_clients)",
			       peer, v->ncl);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.data.ptr = cl;
		if (epoll_ctl(v->ep, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			continue;
		}
		cl->fd = fd;
		cl->len = 0;
		cl->last = sd_now_ms();
		cl->may_write = c->allow_write &&
				sd_netacl_match(&v->write_allow, (struct sockaddr *)&ss);
		snprintf(cl->peer, sizeof(cl->peer), "%s", peer);
		sd_log(s->d, SD_LOG_DEBUG, "[modbus.server] client %s%s", peer,
		       cl->may_write ? " (may write)" : "");
	}
}

/*
 * The functions answered: reads, coil writes (when allowed) and the
 * server id. The registers are read only; the rest is serial-line
 * diagnostics or not Modbus at all.
 */
static bool served(uint8_t fc)
{
	return fc == MODBUS_FC_READ_COILS || fc == MODBUS_FC_READ_DISCRETE_INPUTS ||
	       fc == MODBUS_FC_READ_HOLDING_REGISTERS || fc == MODBUS_FC_READ_INPUT_REGISTERS ||
	       fc == MODBUS_FC_WRITE_SINGLE_COIL || fc == MODBUS_FC_WRITE_MULTIPLE_COILS ||
	       fc == MODBUS_FC_REPORT_SLAVE_ID;
}

/* Whether the PDU of a served function has the length it needs. */
static bool pdu_len_ok(const uint8_t *pdu, size_t len)
{
	switch (pdu[0]) {
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		return len >= 6 && len == 6u + pdu[5];
	case MODBUS_FC_REPORT_SLAVE_ID:
		return len == 1;
	default:
		return len == 5;
	}
}

/*
 * The quantity and value checks of modbus_reply(), done first: libmodbus
 * answers these with an exception only after sleeping for the response
 * timeout and flushing the socket (a resynchronisation meant for serial
 * lines), which would stall the loop and eat pipelined requests.
 */
static int value_exception(const uint8_t *pdu)
{
	unsigned int n = (unsigned int)(pdu[3] << 8 | pdu[4]);

	switch (pdu[0]) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		return n < 1 || n > MODBUS_MAX_READ_BITS ? MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE : 0;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		return n < 1 || n > MODBUS_MAX_READ_REGISTERS ?
		       MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE : 0;
	case MODBUS_FC_WRITE_SINGLE_COIL:
		return n != 0xff00 && n != 0 ? MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE : 0;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		return n < 1 || n > MODBUS_MAX_WRITE_BITS || pdu[5] != (n + 7) / 8 ?
		       MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE : 0;
	default:
		return 0;
	}
}

static int set_output(struct source *s, struct client *cl, int addr, bool on)
{
	struct sd_mbsrv_state *st = s->d->mbsrv;
	const char *name = sd_mbmap_coil_output(st->map, addr);
	int ret = sd_source_command(s->d, "output", name, on ? "ON" : "OFF");

	if (ret) {
		sd_log(s->d, SD_LOG_WARN, "[modbus.server] %s: coil %d (output %s) %s: %s",
		       cl->peer, addr, name, on ? "ON" : "OFF", strerror(-ret));
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
	}
	sd_log(s->d, SD_LOG_INFO, "[modbus.server] %s set output %s %s (coil %d)", cl->peer,
	       name, on ? "ON" : "OFF", addr);
	return 0;
}

/* Coil writes: 0 to answer normally, or the exception code. */
static int do_write(struct source *s, struct client *cl, const uint8_t *pdu)
{
	struct sd_mbsrv_state *st = s->d->mbsrv;
	int addr = pdu[1] << 8 | pdu[2], n = pdu[3] << 8 | pdu[4], ret;

	if (!cl->may_write) {
		sd_log(s->d, SD_LOG_WARN, "[modbus.server] %s: write refused (%s)", cl->peer,
		       s->d->cfg.mbsrv.allow_write ? "not in 'write_allow'" : "allow_write is off");
		return MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
	}
	if (pdu[0] == MODBUS_FC_WRITE_SINGLE_COIL) {
		if (!sd_mbmap_coil_output(st->map, addr))
			return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
		return set_output(s, cl, addr, n == 0xff00);
	}
	for (int i = 0; i < n; i++)
		if (!sd_mbmap_coil_output(st->map, addr + i))
			return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	for (int i = 0; i < n; i++) {
		ret = set_output(s, cl, addr + i, pdu[6 + i / 8] >> (i % 8) & 1);
		if (ret)
			return ret;
	}
	return 0;
}

static void refresh(struct daemon *d, int64_t now)
{
	struct sd_mbsrv_state *st = d->mbsrv;
	struct sd_mbmap_status status = { 0 };

	if (st->refreshed && now - st->refreshed < REFRESH_MS)
		return;
	st->refreshed = now;
	for (size_t i = 0; i < st->nslot && i < d->nsrc; i++)
		if (st->slot[i] >= 0)
			sd_mbmap_source_state(st->map, st->slot[i], d->src[i].up,
					      d->src[i].failures);
	status.uptime_s = (uint32_t)((now - st->started) / 1000);
	status.mqtt = !d->cfg.mqtt.enabled ? 0 : sd_mqtt_connected(d) ? 1 : 2;
	if (d->store && d->mqtt) {
		int64_t n = sd_store_pending(d->store);

		status.spool = n < 0 ? 0 : n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	sd_mbmap_refresh(st->map, now, &status);
}

/* One complete request of @len bytes: 0, or -1 when the client must go. */
static int request(struct source *s, struct client *cl, const uint8_t *req, int len)
{
	struct server *v = s->priv;
	const struct sd_mbsrv *c = &s->d->cfg.mbsrv;
	const uint8_t *pdu = req + MBAP_LEN;
	size_t pdu_len = (size_t)len - MBAP_LEN;
	int exc = 0;

	modbus_set_socket(v->ctx, cl->fd);
	if (req[6] != c->unit_id && req[6] != 0 && req[6] != 0xff)
		exc = MODBUS_EXCEPTION_GATEWAY_TARGET;
	else if (!served(pdu[0]))
		exc = MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
	else if (!pdu_len_ok(pdu, pdu_len))
		exc = MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	else
		exc = value_exception(pdu);
	if (!exc && (pdu[0] == MODBUS_FC_WRITE_SINGLE_COIL ||
		     pdu[0] == MODBUS_FC_WRITE_MULTIPLE_COILS))
		exc = do_write(s, cl, pdu);
	if (exc) {
		sd_log(s->d, SD_LOG_DEBUG, "[modbus.server] %s: function 0x%02x: exception %d",
		       cl->peer, pdu[0], exc);
		return modbus_reply_exception(v->ctx, req, (unsigned int)exc) < 0 ? -1 : 0;
	}
	refresh(s->d, sd_now_ms());
	return modbus_reply(v->ctx, req, len, sd_mbmap_tables(s->d->mbsrv->map)) < 0 ? -1 : 0;
}

static void client_input(struct source *s, struct client *cl)
{
	for (;;) {
		ssize_t n = recv(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len, 0);
		size_t need;

		if (n == 0) {
			drop(s, cl, "closed by the client");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				drop(s, cl, strerror(errno));
			return;
		}
		cl->len += (size_t)n;
		while (cl->len >= MBAP_LEN) {
			unsigned int proto = cl->buf[2] << 8 | cl->buf[3];
			unsigned int mlen = cl->buf[4] << 8 | cl->buf[5];

			/* unit id + at least a function code, at most the ADU */
			if (proto != 0 || mlen < 2 || 6 + mlen > sizeof(cl->buf)) {
				sd_log(s->d, SD_LOG_WARN, "[modbus.server] %s: not Modbus TCP (protocol %u, length %u); closing",
				       cl->peer, proto, mlen);
				drop(s, cl, NULL);
				return;
			}
			need = 6 + mlen;
			if (cl->len < need)
				break;
			cl->last = sd_now_ms();
			if (request(s, cl, cl->buf, (int)need)) {
				drop(s, cl, "cannot send the answer");
				return;
			}
			memmove(cl->buf, cl->buf + need, cl->len - need);
			cl->len -= need;
		}
	}
}

static int srv_on_fd(struct source *s, short revents)
{
	struct server *v = s->priv;
	struct epoll_event ev[16];
	int n = epoll_wait(v->ep, ev, 16, 0);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct client *cl = ev[i].data.ptr;

		if (!cl)
			accept_all(s);
		else if (cl->fd >= 0)
			client_input(s, cl);
	}
	return 0;
}

static int srv_on_tick(struct source *s)
{
	struct server *v = s->priv;
	struct sd_mbsrv_state *st = s->d->mbsrv;
	const struct sd_mbsrv *c = &s->d->cfg.mbsrv;
	int64_t now = sd_now_ms();
	int over = sd_mbmap_overflow(st->map), ret;

	s->due = now + 1000;
	for (int i = 0; i < v->ncl; i++)
		if (v->cl[i].fd >= 0 && now - v->cl[i].last > (int64_t)(c->idle_timeout * 1000))
			drop(s, &v->cl[i], "idle");
	if (over > st->overflow_said) {
		sd_log(s->d, SD_LOG_WARN, "[modbus.server] the map is full (%d values): %d more have no register; pin the ones you need with 'map' lines",
		       SD_MBMAP_NVALUES, over);
		st->overflow_said = over;
	}
	if (c->map_file[0] && sd_mbmap_dirty(st->map) && now - v->map_written >= 5000) {
		v->map_written = now;
		ret = sd_mbmap_write(st->map, c->map_file);
		if (ret)
			sd_log(s->d, SD_LOG_WARN, "[modbus.server] map_file %s: %s", c->map_file,
			       strerror(-ret));
	}
	return 0;
}

static const struct source_ops srv_ops = {
	.kind = "modbus.server",
	.open = srv_open,
	.close = srv_close,
	.on_fd = srv_on_fd,
	.on_tick = srv_on_tick,
};

int sd_mbsrv_create(struct daemon *d)
{
	const struct sd_mbsrv *c = &d->cfg.mbsrv;
	struct sd_mbsrv_state *st;
	char name[SD_NAME_MAX + 16];
	int ret;

	if (!c->enabled)
		return 0;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->started = sd_now_ms();
	st->nslot = d->nsrc;
	st->slot = calloc(d->nsrc + 1, sizeof(*st->slot));
	ret = st->slot ? sd_mbmap_new(&st->map, c, d->store) : -ENOMEM;
	if (ret) {
		free(st->slot);
		free(st);
		return ret;
	}
	d->mbsrv = st;
	for (size_t i = 0; i < d->nsrc; i++) {
		const struct source *s = &d->src[i];

		st->slot[i] = -1;
		if (s->ops == &sd_src_rule_ops)
			continue;
		st->slot[i] = sd_mbmap_source(st->map, s->ops->kind, s->name,
					      s->ops == &sd_src_output_ops);
		if (st->slot[i] < 0)
			sd_log(d, SD_LOG_WARN, "[modbus.server] no source slot left for [%s %s]",
			       s->ops->kind, s->name);
	}
	snprintf(name, sizeof(name), "%.40s:%d", c->listen, c->port);
	return sd_source_add(d, &srv_ops, name, c);
}

void sd_mbsrv_destroy(struct daemon *d)
{
	struct sd_mbsrv_state *st = d->mbsrv;

	if (!st)
		return;
	sd_mbmap_free(st->map);
	free(st->slot);
	free(st);
	d->mbsrv = NULL;
}

void sd_mbsrv_observe(struct daemon *d, const char *sub, struct json_object *payload)
{
	if (d->mbsrv && payload)
		sd_mbmap_reading(d->mbsrv->map, sub, payload, sd_now_ms());
}

void sd_mbsrv_alarms(struct daemon *d, const char *kind, const char *name,
		     unsigned int mask)
{
	struct sd_mbsrv_state *st = d->mbsrv;

	if (!st)
		return;
	for (size_t i = 0; i < st->nslot && i < d->nsrc; i++)
		if (st->slot[i] >= 0 && !strcmp(d->src[i].ops->kind, kind) &&
		    !strcmp(d->src[i].name, name))
			sd_mbmap_source_alarms(st->map, st->slot[i], mask);
}
