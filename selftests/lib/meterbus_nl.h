/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meterbus_nl: the client side of the meterbus generic netlink family for
 * the M-Bus selftests, with libnl.
 *
 * - struct mbnl: a socket with extended ACKs on and the family resolved
 *   (mbnl_open(), mbnl_close(), mbnl_join() for a multicast group);
 * - struct mbnl_attr lists (MBNL_U32(), MBNL_BIN(), ..., MBNL_END) put into
 *   a request by mbnl_put_attrs();
 * - struct mbnl_reply: what came back for a request or a notification,
 *   filled by the callbacks of mbnl_answer_cb() (replies, ACK, error with
 *   its extack message, end of a dump);
 * - mbnl_req() sends a request and waits for its answer, mbnl_wait_ntf()
 *   waits for a notification; bus-get, bus-set and a transfer to a peer
 *   that answers (mbnl_xfer_answered()) are shared by the tests.
 *
 * Every helper is static inline: each test is a program of its own and
 * uses what it needs.
 */
#ifndef SMCARD_METERBUS_NL_H
#define SMCARD_METERBUS_NL_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/meterbus.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "stallwatch.h"

/* ---- the socket ---------------------------------------------------------- */

struct mbnl {
	struct nl_sock *sk;
	int family;
	int timeout_ms;		/* mbnl_req()'s longest wait, 0: none */
};

/*
 * A socket for the family; extended ACKs on, errors echo only the header.
 * -1 if there is no socket (.family 0) or no family (.family < 0).
 */
static inline int mbnl_open(struct mbnl *nl)
{
	int one = 1;

	nl->family = 0;
	nl->timeout_ms = 0;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk))
		return -1;
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, METERBUS_FAMILY_NAME);
	return nl->family < 0 ? -1 : 0;
}

static inline void mbnl_close(struct mbnl *nl)
{
	nl_socket_free(nl->sk);
}

/* Join the family's multicast @group: 0 or a negative libnl error. */
static inline int mbnl_join(struct mbnl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, METERBUS_FAMILY_NAME, group);

	nl_socket_disable_seq_check(nl->sk);
	return grp < 0 ? grp : nl_socket_add_membership(nl->sk, grp);
}

/* ---- requests: a list of attributes -------------------------------------- */

struct mbnl_attr {
	int type;	/* 0 ends the list */
	int len;	/* > 0: binary; 0: u32 value; MBNL_LEN_U8, MBNL_LEN_FLAG */
	__u32 val;
	const void *data;
};

#define MBNL_LEN_U8	(-1)
#define MBNL_LEN_FLAG	(-2)

#define MBNL_U32(t, v)		{ .type = (t), .val = (v) }
#define MBNL_U8(t, v)		{ .type = (t), .len = MBNL_LEN_U8, .val = (v) }
#define MBNL_FLAG(t)		{ .type = (t), .len = MBNL_LEN_FLAG }
/* @d an array: all of it; MBNL_BIN_N(): @n bytes at @d */
#define MBNL_BIN(t, d)		{ .type = (t), .len = sizeof(d), .data = (d) }
#define MBNL_BIN_N(t, d, n)	{ .type = (t), .len = (n), .data = (d) }
#define MBNL_END		{ .type = 0 }

static inline void mbnl_put_attrs(struct nl_msg *msg, const struct mbnl_attr *a)
{
	for (; a && a->type; a++) {
		if (a->len > 0)
			nla_put(msg, a->type, a->len, a->data);
		else if (a->len == MBNL_LEN_U8)
			nla_put_u8(msg, a->type, a->val);
		else if (a->len == MBNL_LEN_FLAG)
			nla_put_flag(msg, a->type);
		else
			nla_put_u32(msg, a->type, a->val);
	}
}

/* ---- what came back ------------------------------------------------------ */

struct mbnl_reply {
	int err;		/* 0 or a negative errno */
	char ext[256];		/* extack message */
	bool ext_msg;		/* the error carries a message */
	bool ext_attr;		/* it names an attribute (offset, missing) */
	__u32 req_seq;		/* the request's sequence number */
	int replies;		/* messages that came (not ACKs or errors) */
	int done;		/* one came */
	int end;		/* the ACK, error or end of dump arrived */
	int cmd;		/* the command of the last one */
	__u32 id, result, latency, elapsed, baud, role, event, direction, seq;
	__u8 power, over_current, battery;
	__u64 bad_frames, frames_rx, collisions, timeouts;
	unsigned char frame[METERBUS_FRAME_MAX];
	int frame_len;
};

/* The largest attribute id of the family's attribute sets: the bus's */
#define MBNL_A_MAX	METERBUS_A_BUS_MAX
_Static_assert((int)METERBUS_A_XFER_MAX <= (int)MBNL_A_MAX &&
	       (int)METERBUS_A_MONITOR_MAX <= (int)MBNL_A_MAX &&
	       (int)METERBUS_A_SLAVE_MAX <= (int)MBNL_A_MAX,
	       "MBNL_A_MAX: a larger attribute set");

/* A "uint" attribute: 4 bytes if the value fits, else 8. */
static inline void mbnl_get_uint(struct nlattr *a, __u64 *v)
{
	__u32 v32;

	if (a && nla_len(a) == sizeof(v32)) {
		memcpy(&v32, nla_data(a), sizeof(v32));
		*v = v32;
	} else if (a && nla_len(a) == sizeof(*v)) {
		memcpy(v, nla_data(a), sizeof(*v));
	}
}

static inline void mbnl_get_u32(struct nlattr *a, __u32 *v)
{
	if (a)
		*v = nla_get_u32(a);
}

static inline void mbnl_get_u8(struct nlattr *a, __u8 *v)
{
	if (a)
		*v = nla_get_u32(a);
}

/* A reply or a notification; of a bus-get dump, the first bus is kept. */
static inline int mbnl_on_valid(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[MBNL_A_MAX + 1] = { }, *f = NULL;
	struct nlattr *st[METERBUS_A_STATS_MAX + 1] = { };
	struct mbnl_reply *r = arg;

	r->replies++;
	r->done = 1;
	r->cmd = gh->cmd;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MBNL_A_MAX, NULL))
		return NL_OK;
	switch (gh->cmd) {
	case METERBUS_CMD_XFER:
		mbnl_get_u32(tb[METERBUS_A_XFER_RESULT], &r->result);
		mbnl_get_u32(tb[METERBUS_A_XFER_LATENCY], &r->latency);
		mbnl_get_u32(tb[METERBUS_A_XFER_ELAPSED], &r->elapsed);
		f = tb[METERBUS_A_XFER_REPLY] ?: tb[METERBUS_A_XFER_RAW];
		break;
	case METERBUS_CMD_BUS_GET:
	case METERBUS_CMD_BUS_NTF:
		if (r->replies > 1 && gh->cmd == METERBUS_CMD_BUS_GET)
			break;
		mbnl_get_u32(tb[METERBUS_A_BUS_ID], &r->id);
		mbnl_get_u32(tb[METERBUS_A_BUS_BAUD], &r->baud);
		mbnl_get_u32(tb[METERBUS_A_BUS_ROLE], &r->role);
		mbnl_get_u8(tb[METERBUS_A_BUS_POWER], &r->power);
		mbnl_get_u8(tb[METERBUS_A_BUS_OVER_CURRENT], &r->over_current);
		mbnl_get_u8(tb[METERBUS_A_BUS_BATTERY], &r->battery);
		mbnl_get_u32(tb[METERBUS_A_BUS_EVENT], &r->event);
		if (tb[METERBUS_A_BUS_STATS] &&
		    !nla_parse_nested(st, METERBUS_A_STATS_MAX,
				      tb[METERBUS_A_BUS_STATS], NULL)) {
			mbnl_get_uint(st[METERBUS_A_STATS_BAD_FRAMES], &r->bad_frames);
			mbnl_get_uint(st[METERBUS_A_STATS_FRAMES_RX], &r->frames_rx);
			mbnl_get_uint(st[METERBUS_A_STATS_COLLISIONS], &r->collisions);
			mbnl_get_uint(st[METERBUS_A_STATS_TIMEOUTS], &r->timeouts);
		}
		break;
	case METERBUS_CMD_MONITOR_NTF:
		mbnl_get_u32(tb[METERBUS_A_MONITOR_DIRECTION], &r->direction);
		mbnl_get_u32(tb[METERBUS_A_MONITOR_RESULT], &r->result);
		f = tb[METERBUS_A_MONITOR_FRAME];
		break;
	case METERBUS_CMD_SLAVE_FRAME:
		mbnl_get_u32(tb[METERBUS_A_SLAVE_SEQ], &r->seq);
		f = tb[METERBUS_A_SLAVE_FRAME];
		break;
	}
	if (f && nla_len(f) <= METERBUS_FRAME_MAX) {
		r->frame_len = nla_len(f);
		memcpy(r->frame, nla_data(f), r->frame_len);
	}
	return NL_OK;
}

/* An error: its code, and the extended ACK's message and attribute. */
static inline int mbnl_on_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
				void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { }, *m;
	struct mbnl_reply *r = arg;
	int off = sizeof(*err);

	r->err = err->error;
	r->end = 1;
	/* the TLVs follow the echoed request, aligned */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off = NLMSG_ALIGN(off + err->msg.nlmsg_len - NLMSG_HDRLEN);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + off) {
		nla_parse(tb, NLMSGERR_ATTR_MAX,
			  (struct nlattr *)((char *)err + off),
			  nlh->nlmsg_len - NLMSG_HDRLEN - off, NULL);
		m = tb[NLMSGERR_ATTR_MSG];
		if (m) {
			r->ext_msg = nla_len(m) > 1;
			snprintf(r->ext, sizeof(r->ext), "%.*s", nla_len(m),
				 (char *)nla_data(m));
		}
		r->ext_attr = tb[NLMSGERR_ATTR_OFFS] || tb[NLMSGERR_ATTR_MISS_TYPE];
	}
	return NL_STOP;
}

static inline int mbnl_on_ack(struct nl_msg *msg, void *arg)
{
	((struct mbnl_reply *)arg)->end = 1;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; it carries the dump's error code */
static inline int mbnl_on_done(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mbnl_reply *r = arg;

	if (nlmsg_datalen(nlh) >= (int)sizeof(int))
		memcpy(&r->err, nlmsg_data(nlh), sizeof(int));
	r->end = 1;
	return NL_STOP;
}

/*
 * Only the answers to the request in flight: a listener's slave-frame or a
 * group's notification (sequence 0) may arrive before them.
 */
static inline int mbnl_only_answers(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_seq == ((struct mbnl_reply *)arg)->req_seq ?
	       NL_OK : NL_SKIP;
}

static inline int mbnl_any_seq(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

/* Callbacks that collect the answer to request @r->req_seq into @r */
static inline struct nl_cb *mbnl_answer_cb(struct mbnl_reply *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mbnl_on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, mbnl_on_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, mbnl_on_done, r);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mbnl_only_answers, r);
	nl_cb_err(cb, NL_CB_CUSTOM, mbnl_on_error, r);
	return cb;
}

/* ---- request and answer -------------------------------------------------- */

static inline int64_t mbnl_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Send command @cmd with NLM_F_REQUEST, NLM_F_ACK and @flags and the
 * attributes @a, and collect the answer (a dump's first bus). A libnl
 * error while receiving is -EIO with its text in .ext; no answer within
 * nl->timeout_ms (if set) is -ETIMEDOUT.
 */
static inline struct mbnl_reply mbnl_req(struct mbnl *nl, int cmd, int flags,
					 const struct mbnl_attr *a)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	int64_t end = mbnl_ms() + nl->timeout_ms;
	struct mbnl_reply r = { };
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = mbnl_answer_cb(&r);

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
		    NLM_F_REQUEST | NLM_F_ACK | flags, cmd, 1);
	mbnl_put_attrs(msg, a);
	if (nl_send_auto(nl->sk, msg) < 0)
		r.err = -EIO;
	r.req_seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (!r.end && !r.err) {
		int64_t left = end - mbnl_ms();
		int ret;

		if (nl->timeout_ms &&
		    (left <= 0 || poll(&p, 1, left) <= 0)) {
			r.err = -ETIMEDOUT;
			break;
		}
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !r.end) {
			r.err = -EIO;
			snprintf(r.ext, sizeof(r.ext), "libnl: %s",
				 nl_geterror(ret));
		}
	}
	nlmsg_free(msg);
	nl_cb_put(cb);
	return r;
}

/* Wait up to @ms for a notification of command @cmd on a joined socket. */
static inline struct mbnl_reply mbnl_wait_ntf(struct mbnl *nl, int cmd, int ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct mbnl_reply r = { };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mbnl_on_valid, &r);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mbnl_any_seq, NULL);
	while (poll(&p, 1, ms) > 0) {
		r.done = 0;
		nl_recvmsgs(nl->sk, cb);
		if (r.done && r.cmd == cmd)
			break;
		r.done = 0;
	}
	nl_cb_put(cb);
	return r;
}

/* ---- the requests the tests share ---------------------------------------- */

/* bus-set of bus @id: what is not 0 (@baud) or negative (the others) */
static inline struct mbnl_reply mbnl_bus_set(struct mbnl *nl, __u32 id,
					     __u32 baud, int power, int role)
{
	struct mbnl_attr a[5] = { MBNL_U32(METERBUS_A_BUS_ID, id) };
	int n = 1;

	if (role >= 0)
		a[n++] = (struct mbnl_attr)MBNL_U32(METERBUS_A_BUS_ROLE, role);
	if (baud)
		a[n++] = (struct mbnl_attr)MBNL_U32(METERBUS_A_BUS_BAUD, baud);
	if (power >= 0)
		a[n++] = (struct mbnl_attr)MBNL_U32(METERBUS_A_BUS_POWER, power);
	return mbnl_req(nl, METERBUS_CMD_BUS_SET, 0, a);
}

static inline struct mbnl_reply mbnl_bus_get(struct mbnl *nl, __u32 id)
{
	return mbnl_req(nl, METERBUS_CMD_BUS_GET, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_BUS_ID, id), MBNL_END });
}

/*
 * A transfer (attributes @a) to a peer that answers. The peer is a
 * process in a loaded guest: while the emulator stalls it misses the reply
 * window however right the core is. A timeout during a stall (the control,
 * stallwatch.h) is asked again, as masters do, three times in all.
 */
static inline struct mbnl_reply mbnl_xfer_answered(struct mbnl *nl,
						   const struct mbnl_attr *a)
{
	struct stallwatch sw;
	struct mbnl_reply r;
	int64_t t0;
	int i;

	if (stallwatch_start(&sw, NULL))
		return mbnl_req(nl, METERBUS_CMD_XFER, 0, a);
	for (i = 0; i < 3; i++) {
		t0 = stallwatch_now();
		r = mbnl_req(nl, METERBUS_CMD_XFER, 0, a);
		if (r.err || r.result != METERBUS_RESULT_TIMEOUT)
			break;
		stallwatch_settle();
		if (!stallwatch_stalled(&sw, t0, stallwatch_now()))
			break;
	}
	stallwatch_stop(&sw);
	stallwatch_free(&sw);
	return r;
}

#endif /* SMCARD_METERBUS_NL_H */
