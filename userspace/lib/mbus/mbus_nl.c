// SPDX-License-Identifier: GPL-2.0
/* Client of the "meterbus" generic netlink family, on libnl-genl-3. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "mbus_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct mbus_nl {
	struct nl_sock *sk;	/* requests */
	struct nl_sock *ntf;	/* notifications, after subscribe */
	struct nl_sock *slave;	/* slave-frame requests, after slave-listen */
	int family;
	char msg[256];
};

/* State of one request while its answers come in. */
struct req {
	struct mbus_nl *nl;
	bool done;
	int err;		/* negative errno from the kernel */
	char ext[160];		/* extended ACK message */
	int (*parse)(struct req *r, struct nlattr **tb);
	int maxattr;
	void *out;
	size_t n, cap;		/* dump into an array */
};

static int fail(struct mbus_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct mbus_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->msg, sizeof(nl->msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *mbus_nl_errmsg(const struct mbus_nl *nl)
{
	return nl ? nl->msg : "out of memory";
}

/* What an errno from the family means to a user. */
static const char *hint(int err)
{
	switch (err) {
	case -EPERM:
		return "needs CAP_NET_ADMIN (run as root)";
	case -ENETDOWN:
		return "the bus supply is off; switch it on with 'smcardctl mbus power on'";
	case -EBUSY:
		return "busy: slave role, battery power, a supply too low, or a listener";
	case -ENODEV:
		return "no such M-Bus interface";
	default:
		return NULL;
	}
}

static int req_fail(struct mbus_nl *nl, const char *what, struct req *r,
		    int err)
{
	const char *h = hint(err);

	if (r && r->ext[0] && h)
		return fail(nl, err, "%s: %s (kernel: %s)", what, h, r->ext);
	if (r && r->ext[0])
		return fail(nl, err, "%s: %s (%s)", what, r->ext,
			    strerror(-err));
	return fail(nl, err, "%s: %s", what, h ? h : strerror(-err));
}

static int nlerr_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	case NLE_BUSY: return -EBUSY;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INVAL: return -EINVAL;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_MSGSIZE: return -EMSGSIZE;
	default: return -EIO;
	}
}

static void set_ext_ack(struct nl_sock *sk)
{
	int one = 1;

	/* best effort: old kernels just give no message */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
}

int mbus_nl_open(struct mbus_nl **out)
{
	struct mbus_nl *nl = calloc(1, sizeof(*nl));
	int ret;

	*out = nl;
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return fail(nl, -ENOMEM, "netlink socket: out of memory");
	ret = genl_connect(nl->sk);
	if (ret < 0)
		return fail(nl, nlerr_to_errno(ret), "netlink socket: %s",
			    nl_geterror(ret));
	set_ext_ack(nl->sk);
	nl->family = genl_ctrl_resolve(nl->sk, METERBUS_FAMILY_NAME);
	if (nl->family < 0) {
		ret = nlerr_to_errno(nl->family);
		if (ret == -ENOENT)
			return fail(nl, ret,
				    "generic netlink family '%s' not found: the mbus kernel module is not loaded",
				    METERBUS_FAMILY_NAME);
		return fail(nl, ret, "resolving family '%s': %s",
			    METERBUS_FAMILY_NAME, nl_geterror(nl->family));
	}
	return 0;
}

void mbus_nl_close(struct mbus_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	if (nl->ntf)
		nl_socket_free(nl->ntf);
	if (nl->slave)
		nl_socket_free(nl->slave);
	free(nl);
}

/* --- receiving --------------------------------------------------------- */

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req *r = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);

	r->err = e->error ? e->error : -EIO;
	r->done = true;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (h->nlmsg_len < NLMSG_HDRLEN + off)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + NLMSG_ALIGN(off)),
		      (int)(h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off)),
		      NULL) == 0 && tb[NLMSGERR_ATTR_MSG])
		snprintf(r->ext, sizeof(r->ext), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	r->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	struct nlattr *tb[32];
	int ret;

	if (!r->parse)
		return NL_OK;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, r->maxattr, NULL);
	if (ret < 0) {
		r->err = -EBADMSG;
		return NL_STOP;
	}
	ret = r->parse(r, tb);
	if (ret < 0) {
		r->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

/* Send @msg (consumed) on @sk and collect everything up to the ACK or DONE. */
static int transact_on(struct mbus_nl *nl, struct nl_sock *sk,
		       struct nl_msg *msg, struct req *r, const char *what)
{
	struct nl_cb *cb;
	int ret;

	if (!sk || nl->family <= 0) {
		nlmsg_free(msg);
		return fail(nl, -ENOTCONN, "%s: handle not open", what);
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return fail(nl, -ENOMEM, "%s: out of memory", what);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);

	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return fail(nl, nlerr_to_errno(ret), "%s: send: %s", what,
			    nl_geterror(ret));
	}
	while (!r->done && !r->err) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r->err) {
			nl_cb_put(cb);
			return fail(nl, nlerr_to_errno(ret), "%s: receive: %s",
				    what, nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	if (r->err)
		return req_fail(nl, what, r, r->err);
	return 0;
}

static int transact(struct mbus_nl *nl, struct nl_msg *msg, struct req *r,
		    const char *what)
{
	return transact_on(nl, nl->sk, msg, r, what);
}

static struct nl_msg *new_msg(struct mbus_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags | NLM_F_ACK, cmd, METERBUS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* --- attributes -------------------------------------------------------- */

static uint32_t get_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

/* A "uint" attribute: 4 bytes if the value fits, else 8 (maybe unaligned). */
static uint64_t get_uint(struct nlattr *a)
{
	uint64_t v64;
	uint32_t v32;

	if (a && nla_len(a) == sizeof(v32)) {
		memcpy(&v32, nla_data(a), sizeof(v32));
		return v32;
	}
	if (a && nla_len(a) == sizeof(v64)) {
		memcpy(&v64, nla_data(a), sizeof(v64));
		return v64;
	}
	return 0;
}

static void get_str(struct nlattr *a, char *out, size_t size)
{
	if (!a) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "%.*s", nla_len(a), (char *)nla_data(a));
}

static size_t get_bin(struct nlattr *a, uint8_t *out, size_t size)
{
	size_t n;

	if (!a)
		return 0;
	n = (size_t)nla_len(a);
	if (n > size)
		n = size;
	memcpy(out, nla_data(a), n);
	return n;
}

static void parse_bus(struct nlattr **tb, struct mbus_nl_bus *b)
{
	memset(b, 0, sizeof(*b));
	b->id = get_u32(tb[METERBUS_A_BUS_ID]);
	get_str(tb[METERBUS_A_BUS_NAME], b->name, sizeof(b->name));
	get_str(tb[METERBUS_A_BUS_PARENT], b->parent, sizeof(b->parent));
	b->role = get_u32(tb[METERBUS_A_BUS_ROLE]);
	b->baud = get_u32(tb[METERBUS_A_BUS_BAUD]);
	b->power = get_u32(tb[METERBUS_A_BUS_POWER]);
	b->over_current = get_u32(tb[METERBUS_A_BUS_OVER_CURRENT]);
	b->battery = get_u32(tb[METERBUS_A_BUS_BATTERY]);
	b->has_voltage = tb[METERBUS_A_BUS_VOLTAGE] != NULL;
	b->voltage_mv = get_u32(tb[METERBUS_A_BUS_VOLTAGE]);
	b->has_supply = tb[METERBUS_A_BUS_SUPPLY_VOLTAGE] != NULL;
	b->supply_mv = get_u32(tb[METERBUS_A_BUS_SUPPLY_VOLTAGE]);
	b->unit_loads = get_u32(tb[METERBUS_A_BUS_UNIT_LOADS]);
	b->current_limit_ua = get_u32(tb[METERBUS_A_BUS_CURRENT_LIMIT]);
	b->current_ua = get_u32(tb[METERBUS_A_BUS_CURRENT]);
	if (tb[METERBUS_A_BUS_STATS]) {
		struct nlattr *st[METERBUS_A_STATS_MAX + 1];

		if (nla_parse_nested(st, METERBUS_A_STATS_MAX,
				     tb[METERBUS_A_BUS_STATS], NULL) == 0) {
			b->stats.frames_tx = get_uint(st[METERBUS_A_STATS_FRAMES_TX]);
			b->stats.frames_rx = get_uint(st[METERBUS_A_STATS_FRAMES_RX]);
			b->stats.timeouts = get_uint(st[METERBUS_A_STATS_TIMEOUTS]);
			b->stats.collisions =
				get_uint(st[METERBUS_A_STATS_COLLISIONS]);
			b->stats.bad_frames =
				get_uint(st[METERBUS_A_STATS_BAD_FRAMES]);
		}
	}
}

/* --- buses ------------------------------------------------------------- */

static int parse_bus_one(struct req *r, struct nlattr **tb)
{
	parse_bus(tb, r->out);
	r->n++;
	return 0;
}

static int parse_bus_many(struct req *r, struct nlattr **tb)
{
	struct mbus_nl_bus *buses = r->out;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 4;

		buses = realloc(buses, cap * sizeof(*buses));
		if (!buses)
			return -ENOMEM;
		r->out = buses;
		r->cap = cap;
	}
	parse_bus(tb, &buses[r->n++]);
	return 0;
}

int mbus_nl_bus_list(struct mbus_nl *nl, struct mbus_nl_bus **out)
{
	struct req r = { .nl = nl, .parse = parse_bus_many,
			 .maxattr = METERBUS_A_BUS_MAX };
	struct nl_msg *msg = new_msg(nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP);
	int ret;

	*out = NULL;
	if (!msg)
		return fail(nl, -ENOMEM, "bus list: out of memory");
	ret = transact(nl, msg, &r, "bus list");
	if (ret < 0) {
		free(r.out);
		return ret;
	}
	*out = r.out;
	return (int)r.n;
}

int mbus_nl_bus_get(struct mbus_nl *nl, const char *name, uint32_t id,
		    struct mbus_nl_bus *bus)
{
	struct req r = { .nl = nl, .parse = parse_bus_one,
			 .maxattr = METERBUS_A_BUS_MAX, .out = bus };
	struct nl_msg *msg = new_msg(nl, METERBUS_CMD_BUS_GET, 0);
	char what[48];
	int ret;

	if (!msg)
		return fail(nl, -ENOMEM, "bus get: out of memory");
	if (name)
		ret = nla_put_string(msg, METERBUS_A_BUS_NAME, name);
	else
		ret = nla_put_u32(msg, METERBUS_A_BUS_ID, id);
	if (ret < 0) {
		nlmsg_free(msg);
		return fail(nl, -EINVAL, "bus get: bad name");
	}
	if (name)
		snprintf(what, sizeof(what), "bus %.32s", name);
	else
		snprintf(what, sizeof(what), "bus mbus%u", id);
	ret = transact(nl, msg, &r, what);
	if (ret == 0 && r.n != 1)
		return fail(nl, -EBADMSG, "%s: no answer from the kernel", what);
	return ret;
}

int mbus_nl_bus_find(struct mbus_nl *nl, const char *name,
		     struct mbus_nl_bus *bus)
{
	struct mbus_nl_bus *all;
	int n;

	if (name)
		return mbus_nl_bus_get(nl, name, 0, bus);
	n = mbus_nl_bus_list(nl, &all);
	if (n < 0)
		return n;
	if (n == 1)
		*bus = all[0];
	free(all);
	if (n == 0)
		return fail(nl, -ENODEV,
			    "no M-Bus interface (is the card's M-Bus driver bound?)");
	if (n > 1)
		return fail(nl, -EEXIST,
			    "%d M-Bus interfaces: choose one with --bus NAME", n);
	return 0;
}

int mbus_nl_bus_set(struct mbus_nl *nl, uint32_t id,
		    const struct mbus_nl_bus_cfg *cfg)
{
	struct req r = { .nl = nl };
	struct nl_msg *msg = new_msg(nl, METERBUS_CMD_BUS_SET, 0);
	int ret = 0;

	if (!msg)
		return fail(nl, -ENOMEM, "bus set: out of memory");
	ret |= nla_put_u32(msg, METERBUS_A_BUS_ID, id);
	if (cfg->baud)
		ret |= nla_put_u32(msg, METERBUS_A_BUS_BAUD, cfg->baud);
	if (cfg->power >= 0)
		ret |= nla_put_u32(msg, METERBUS_A_BUS_POWER, cfg->power ? 1 : 0);
	if (cfg->role >= 0)
		ret |= nla_put_u32(msg, METERBUS_A_BUS_ROLE, (uint32_t)cfg->role);
	if (ret) {
		nlmsg_free(msg);
		return fail(nl, -ENOMEM, "bus set: out of memory");
	}
	return transact(nl, msg, &r, "bus set");
}

/* --- transfers --------------------------------------------------------- */

static int parse_xfer(struct req *r, struct nlattr **tb)
{
	struct mbus_nl_xfer *x = r->out;

	if (!tb[METERBUS_A_XFER_RESULT])
		return -EBADMSG;
	x->result = get_u32(tb[METERBUS_A_XFER_RESULT]);
	x->reply_len = get_bin(tb[METERBUS_A_XFER_REPLY], x->reply,
			       sizeof(x->reply));
	x->raw_len = get_bin(tb[METERBUS_A_XFER_RAW], x->raw, sizeof(x->raw));
	x->latency_us = get_u32(tb[METERBUS_A_XFER_LATENCY]);
	r->n++;
	return 0;
}

int mbus_nl_xfer(struct mbus_nl *nl, uint32_t id, struct mbus_nl_xfer *x)
{
	struct req r = { .nl = nl, .parse = parse_xfer,
			 .maxattr = METERBUS_A_XFER_MAX, .out = x };
	struct nl_msg *msg;
	int ret = 0;

	x->result = METERBUS_RESULT_TIMEOUT;
	x->reply_len = x->raw_len = 0;
	x->latency_us = 0;
	if (x->len < 1 || x->len > METERBUS_FRAME_MAX)
		return fail(nl, -EINVAL, "transfer: frame of %zu bytes", x->len);
	msg = new_msg(nl, METERBUS_CMD_XFER, 0);
	if (!msg)
		return fail(nl, -ENOMEM, "transfer: out of memory");
	ret |= nla_put_u32(msg, METERBUS_A_XFER_ID, id);
	ret |= nla_put(msg, METERBUS_A_XFER_FRAME, (int)x->len, x->frame);
	if (x->timeout_extra_ms)
		ret |= nla_put_u32(msg, METERBUS_A_XFER_TIMEOUT_EXTRA,
				   x->timeout_extra_ms);
	if (x->no_reply)
		ret |= nla_put_flag(msg, METERBUS_A_XFER_NO_REPLY);
	if (ret) {
		nlmsg_free(msg);
		return fail(nl, -ENOMEM, "transfer: out of memory");
	}
	ret = transact(nl, msg, &r, "transfer");
	if (ret == 0 && r.n != 1)
		return fail(nl, -EBADMSG, "transfer: no result from the kernel");
	return ret;
}

/* --- notifications ----------------------------------------------------- */

int mbus_nl_subscribe(struct mbus_nl *nl, unsigned int groups)
{
	static const char *const names[] = { METERBUS_MCGRP_EVENTS,
					     METERBUS_MCGRP_MONITOR };
	int ret;

	if (!nl->ntf) {
		nl->ntf = nl_socket_alloc();
		if (!nl->ntf)
			return fail(nl, -ENOMEM, "subscribe: out of memory");
		nl_socket_disable_seq_check(nl->ntf);
		ret = genl_connect(nl->ntf);
		if (ret < 0)
			return fail(nl, nlerr_to_errno(ret), "subscribe: %s",
				    nl_geterror(ret));
		nl_socket_set_buffer_size(nl->ntf, 1 << 20, 0);
		nl_socket_set_nonblocking(nl->ntf);
	}
	for (unsigned int i = 0; i < 2; i++) {
		int grp;

		if (!(groups & (1u << i)))
			continue;
		grp = genl_ctrl_resolve_grp(nl->sk, METERBUS_FAMILY_NAME, names[i]);
		if (grp < 0)
			return fail(nl, nlerr_to_errno(grp),
				    "subscribe: group '%s': %s", names[i],
				    nl_geterror(grp));
		ret = nl_socket_add_membership(nl->ntf, grp);
		if (ret < 0) {
			ret = nlerr_to_errno(ret);
			return fail(nl, ret, "subscribe: group '%s': %s", names[i],
				    hint(ret) ? hint(ret) : strerror(-ret));
		}
	}
	return 0;
}

int mbus_nl_ntf_fd(const struct mbus_nl *nl)
{
	return nl->ntf ? nl_socket_get_fd(nl->ntf) : -1;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

struct ntf_ctx {
	struct mbus_nl_ntf *n;
	int got;
};

static int on_ntf(struct nl_msg *msg, void *arg)
{
	struct ntf_ctx *c = arg;
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct mbus_nl_ntf *n = c->n;
	struct nlattr *tb[32];

	if (c->got)
		return NL_SKIP;
	memset(n, 0, sizeof(*n));
	if (g->cmd == METERBUS_CMD_BUS_NTF) {
		if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, METERBUS_A_BUS_MAX, NULL))
			return NL_SKIP;
		n->kind = MBUS_NL_NTF_BUS;
		parse_bus(tb, &n->bus);
		n->id = n->bus.id;
		n->event = get_u32(tb[METERBUS_A_BUS_EVENT]);
	} else if (g->cmd == METERBUS_CMD_MONITOR_NTF) {
		if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, METERBUS_A_MONITOR_MAX,
				  NULL))
			return NL_SKIP;
		n->kind = MBUS_NL_NTF_MONITOR;
		n->id = get_u32(tb[METERBUS_A_MONITOR_ID]);
		n->direction = get_u32(tb[METERBUS_A_MONITOR_DIRECTION]);
		n->timestamp_ns = get_uint(tb[METERBUS_A_MONITOR_TIMESTAMP]);
		n->result = get_u32(tb[METERBUS_A_MONITOR_RESULT]);
		n->frame_len = get_bin(tb[METERBUS_A_MONITOR_FRAME], n->frame,
				       sizeof(n->frame));
	} else {
		return NL_SKIP;
	}
	c->got = 1;
	return NL_OK;
}

int mbus_nl_ntf_recv(struct mbus_nl *nl, struct mbus_nl_ntf *n,
		     int timeout_ms)
{
	struct ntf_ctx c = { .n = n };
	struct pollfd p;
	struct nl_cb *cb;
	int ret;

	if (!nl->ntf)
		return fail(nl, -ENOTCONN, "notifications: not subscribed");
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return fail(nl, -ENOMEM, "notifications: out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_ntf, &c);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	p.fd = nl_socket_get_fd(nl->ntf);
	p.events = POLLIN;
	while (!c.got) {
		ret = poll(&p, 1, timeout_ms);
		if (ret < 0) {
			ret = -errno;
			nl_cb_put(cb);
			return fail(nl, ret, "notifications: %s", strerror(-ret));
		}
		if (ret == 0)
			break;
		ret = nl_recvmsgs(nl->ntf, cb);
		if (ret == -NLE_AGAIN)
			continue;
		if (ret < 0) {
			nl_cb_put(cb);
			if (ret == -NLE_NOMEM)
				return fail(nl, -ENOBUFS,
					    "notifications: the kernel dropped some (receiver too slow)");
			return fail(nl, nlerr_to_errno(ret), "notifications: %s",
				    nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	return c.got;
}

/* --- slave role --------------------------------------------------------- */

int mbus_nl_slave_listen(struct mbus_nl *nl, uint32_t id)
{
	struct req r = { .nl = nl };
	struct nl_msg *msg;
	int ret;

	if (!nl->slave) {
		nl->slave = nl_socket_alloc();
		if (!nl->slave)
			return fail(nl, -ENOMEM, "slave listen: out of memory");
		/* requests arrive unicast with sequence number 0 */
		nl_socket_disable_seq_check(nl->slave);
		ret = genl_connect(nl->slave);
		if (ret < 0) {
			nl_socket_free(nl->slave);
			nl->slave = NULL;
			return fail(nl, nlerr_to_errno(ret), "slave listen: %s",
				    nl_geterror(ret));
		}
		set_ext_ack(nl->slave);
		nl_socket_set_buffer_size(nl->slave, 1 << 18, 0);
	}
	msg = new_msg(nl, METERBUS_CMD_SLAVE_LISTEN, 0);
	if (!msg)
		return fail(nl, -ENOMEM, "slave listen: out of memory");
	if (nla_put_u32(msg, METERBUS_A_SLAVE_ID, id) < 0) {
		nlmsg_free(msg);
		return fail(nl, -ENOMEM, "slave listen: out of memory");
	}
	ret = transact_on(nl, nl->slave, msg, &r, "slave listen");
	if (ret == 0)
		nl_socket_set_nonblocking(nl->slave);
	return ret;
}

int mbus_nl_slave_fd(const struct mbus_nl *nl)
{
	return nl->slave ? nl_socket_get_fd(nl->slave) : -1;
}

struct slave_ctx {
	struct mbus_nl_slave_req *q;
	int got;
};

static int on_slave_frame(struct nl_msg *msg, void *arg)
{
	struct slave_ctx *c = arg;
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct mbus_nl_slave_req *q = c->q;
	struct nlattr *tb[METERBUS_A_SLAVE_MAX + 1];

	if (c->got || g->cmd != METERBUS_CMD_SLAVE_FRAME ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, METERBUS_A_SLAVE_MAX, NULL) ||
	    !tb[METERBUS_A_SLAVE_SEQ] || !tb[METERBUS_A_SLAVE_FRAME])
		return NL_SKIP;
	memset(q, 0, sizeof(*q));
	q->id = get_u32(tb[METERBUS_A_SLAVE_ID]);
	q->seq = get_u32(tb[METERBUS_A_SLAVE_SEQ]);
	q->timestamp_ns = get_uint(tb[METERBUS_A_SLAVE_TIMESTAMP]);
	q->window_us = get_u32(tb[METERBUS_A_SLAVE_WINDOW]);
	q->frame_len = get_bin(tb[METERBUS_A_SLAVE_FRAME], q->frame,
			       sizeof(q->frame));
	c->got = 1;
	return NL_OK;
}

int mbus_nl_slave_recv(struct mbus_nl *nl, struct mbus_nl_slave_req *q,
		       int timeout_ms)
{
	struct slave_ctx c = { .q = q };
	struct pollfd p;
	struct nl_cb *cb;
	int ret;

	if (!nl->slave)
		return fail(nl, -ENOTCONN, "slave: not listening");
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return fail(nl, -ENOMEM, "slave: out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_slave_frame, &c);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	p.fd = nl_socket_get_fd(nl->slave);
	p.events = POLLIN;
	while (!c.got) {
		ret = poll(&p, 1, timeout_ms);
		if (ret < 0) {
			ret = -errno;
			nl_cb_put(cb);
			return fail(nl, ret, "slave: %s", strerror(-ret));
		}
		if (ret == 0)
			break;
		ret = nl_recvmsgs(nl->slave, cb);
		if (ret == -NLE_AGAIN)
			continue;
		if (ret < 0) {
			nl_cb_put(cb);
			if (ret == -NLE_NOMEM)
				return fail(nl, -ENOBUFS,
					    "slave: the kernel dropped requests (receiver too slow)");
			return fail(nl, nlerr_to_errno(ret), "slave: %s",
				    nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	return c.got;
}

int mbus_nl_slave_reply(struct mbus_nl *nl, uint32_t id, uint32_t seq,
			const uint8_t *frame, size_t len)
{
	struct req r = { .nl = nl };
	struct nl_msg *msg;
	int ret = 0;

	if (frame && (len < 1 || len > METERBUS_FRAME_MAX))
		return fail(nl, -EINVAL, "slave reply: frame of %zu bytes", len);
	msg = new_msg(nl, METERBUS_CMD_SLAVE_REPLY, 0);
	if (!msg)
		return fail(nl, -ENOMEM, "slave reply: out of memory");
	ret |= nla_put_u32(msg, METERBUS_A_SLAVE_ID, id);
	ret |= nla_put_u32(msg, METERBUS_A_SLAVE_SEQ, seq);
	if (frame)
		ret |= nla_put(msg, METERBUS_A_SLAVE_FRAME, (int)len, frame);
	if (ret) {
		nlmsg_free(msg);
		return fail(nl, -ENOMEM, "slave reply: out of memory");
	}
	return transact(nl, msg, &r, "slave reply");
}

/* --- names ------------------------------------------------------------- */

const char *mbus_nl_result_name(uint32_t result)
{
	static const char *const names[] = {
		[METERBUS_RESULT_OK] = "ok",
		[METERBUS_RESULT_TIMEOUT] = "timeout",
		[METERBUS_RESULT_COLLISION] = "collision",
		[METERBUS_RESULT_BAD_CHECKSUM] = "bad-checksum",
		[METERBUS_RESULT_BAD_LENGTH] = "bad-length",
		[METERBUS_RESULT_BAD_STOP] = "bad-stop",
		[METERBUS_RESULT_INCOMPLETE] = "incomplete",
		[METERBUS_RESULT_GARBAGE] = "garbage",
		[METERBUS_RESULT_OVER_CURRENT] = "over-current",
		[METERBUS_RESULT_POWER_FAULT] = "power-fault",
	};

	return result < sizeof(names) / sizeof(names[0]) ? names[result] :
							    "unknown";
}

const char *mbus_nl_role_name(uint32_t role)
{
	return role == METERBUS_ROLE_MASTER ? "master" :
	       role == METERBUS_ROLE_SLAVE ? "slave" : "unknown";
}

const char *mbus_nl_event_name(uint32_t event)
{
	static const char *const names[] = {
		[METERBUS_EVENT_NEW] = "new",
		[METERBUS_EVENT_DEL] = "del",
		[METERBUS_EVENT_OVER_CURRENT] = "over-current",
		[METERBUS_EVENT_POWER_FAULT] = "power-fault",
		[METERBUS_EVENT_POWER] = "power",
		[METERBUS_EVENT_ROLE] = "role",
		[METERBUS_EVENT_BAUD] = "baud",
	};

	return event < sizeof(names) / sizeof(names[0]) ? names[event] :
							   "unknown";
}

const char *mbus_nl_direction_name(uint32_t dir)
{
	return dir == METERBUS_DIRECTION_TX ? "tx" :
	       dir == METERBUS_DIRECTION_RX ? "rx" : "unknown";
}
