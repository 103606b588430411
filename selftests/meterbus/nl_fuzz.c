// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzer for the meterbus generic netlink family:
 *
 *   nl_fuzz [-n MESSAGES] [-s SEED] [-j ROOT_SENDERS] [-J NOBODY_SENDERS]
 *
 * Concurrent sender processes, some as root and some as nobody (uid 65534,
 * their sockets opened after dropping privileges, so GENL_ADMIN_PERM
 * applies), send MESSAGES messages in all (a quarter of them as nobody),
 * built with libnl: every command of the spec plus the notification
 * commands and unknown ones, random attribute sets from the policies,
 * wrong types, lengths 0 and max + 1, unknown attribute ids, nested
 * garbage, trailing bytes, messages shorter than the genetlink header,
 * dump flags on do-commands and vice versa, odd header flags, thousands
 * of attributes in one message, bursts of pipelined dumps on a socket
 * with a small receive buffer, listeners of both groups (one that never
 * reads), sockets that come and go (some as the slave listener). Every
 * message asks for an ACK with extended ACK on.
 *
 * The bus runs at 38400 Bd from the start (bus-sets change the rate, to
 * the slow ones rarely), and well-formed transfers go to meterbus_peer's
 * meter but for a bounded share to addresses without one, which hold the
 * bus for the whole reply window. The rate is bound by the guest's CPUs
 * (the kernel's work per message under KASAN, lockdep and kmemleak), not
 * by the wire: the end of the run shows where the senders' time went.
 *
 * What the kernel must do (the tests):
 *  - answer every message (an ACK, an error or the end of the dump) within
 *    60 s, and lose none;
 *  - refuse every message that breaks a policy (wrong length, out of range,
 *    unknown attribute, NLA_F_NESTED, trailing bytes) and say why in the
 *    extack message;
 *  - refuse unknown commands, notification commands and dumps of do-only
 *    commands with EOPNOTSUPP, headers shorter than genetlink's with EINVAL,
 *    and answer bus-get dumps;
 *  - refuse nobody's admin commands with EPERM and the monitor group;
 *  - afterwards: the bus set back to master, 2400 Bd, supply on, and a
 *    transfer to a meter (meterbus_peer) answered;
 *  - no kernel report (WARNING, BUG, KASAN, UBSAN, lockdep, kmemleak,
 *    hung task) in the kernel log during the run.
 *
 * Prints KTAP and "# figure:" lines. The seed is printed: the same seed
 * replays the same message streams (their interleaving differs).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sock_diag.h>

#include "kselftest.h"
#include "meterbus_nl.h"
#include "stallwatch.h"

#define SIM "/sys/kernel/debug/smcard-sim"
#define NOBODY 65534
#define ANSWER_MS 60000		/* longest wait for one answer */
#define DIAG_MAX 30		/* diagnostic lines about violations */
#define ERRNO_MAX 160
#define RECV_BUF (160 * 1024)	/* > the echo of the largest message */
/*
 * The fuzz starts the bus at 38400 Bd, where a transfer holds the bus for
 * the shortest time, and the bus-sets choose it most often.
 */
#define FUZZ_BAUD 38400
#define METER 5			/* the address meterbus_peer answers */
#define ABSENT_PER_MILLE 40	/* transfers to addresses no meter has */

/* The classes of the time breakdown */
enum tk { TK_XFER_ANSWERED, TK_XFER_TIMEOUT, TK_XFER_NO_REPLY,
	  TK_XFER_OTHER, TK_XFER_REFUSED, TK_BUS_SET_OK, TK_BUS_SET_REFUSED,
	  TK_BIG, TK_OTHER, TK_BURST, TK_SOCKET, TK_BUILD, TK_N };

/* Counters shared by all processes (MAP_SHARED) */
struct stats {
	unsigned long sent, answered, ok, errors;
	unsigned long err_msg;		/* errors with an extack message */
	unsigned long err_attr;		/* with an offset/missing attr only */
	unsigned long hung, lost, send_failed;
	unsigned long policy_sent, policy_accepted, policy_no_msg;
	unsigned long eopnotsupp_sent, eopnotsupp_wrong;
	unsigned long short_sent, short_wrong;
	unsigned long hdr_sent, hdr_wrong;	/* reserved field, flags */
	unsigned long dumps, dumps_wrong;
	unsigned long noreq_sent, noreq_wrong;
	unsigned long nobody_sent, nobody_admin, nobody_admin_wrong;
	unsigned long nobody_monitor_tries, nobody_monitor_joined;
	unsigned long burst_sent, burst_answered, overruns;
	unsigned long xfer_ok, bus_set_ok, listen_ok, sockets;
	unsigned long notifications;
	unsigned long diags;
	/* time to the answer per command (bus-get .. slave-reply, others) */
	unsigned long ms_sum[7], ms_max[7], ms_n[7];
	/* where the senders' time goes (enum tk), in microseconds */
	unsigned long tk_us[TK_N], tk_n[TK_N];
	unsigned long send_us, recv_us;	/* of exchange(): sending, answers */
	unsigned long main_overruns, main_overruns_answered;
	unsigned long errnos[ERRNO_MAX];
};

static const char *const tk_names[TK_N] = {
	"transfers answered", "transfers timed out", "transfers without reply",
	"transfers, other results", "transfers refused", "bus-sets done",
	"bus-sets refused", "large messages", "other messages", "bursts",
	"sockets opened", "building messages" };

static struct stats *st;
static int family;
static __u32 bus_id;

#define ADD(field, n) __atomic_add_fetch(&st->field, (n), __ATOMIC_RELAXED)
#define INC(field) ADD(field, 1)

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (INC(diags) > DIAG_MAX)
		return;
	n = snprintf(line, sizeof(line), "# ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line: the senders share stdout */
	if (write(1, line, n) < 0)
		return;
}

/* xorshift64*: a stream per sender, reproducible from the seed */
static uint64_t rnd64(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)((rnd64(s) >> 32) % n) : 0;
}

static bool chance(uint64_t *s, unsigned int per_mille)
{
	return rnd(s, 1000) < per_mille;
}

/* The do-policies of genl.c, as the spec states them */
enum { P_U32, P_RANGE, P_FLAG, P_BIN, P_NSTR, P_ID, P_NAME, P_FRAME,
       P_SFRAME };

struct pol {
	int id, kind;
	unsigned int min, max;	/* value range, or length range */
};

struct cmd_pol {
	int cmd, maxattr, n;
	bool admin;
	const char *name;
	struct pol a[6];
};

static const struct cmd_pol cmds[] = {
	{ METERBUS_CMD_BUS_GET, METERBUS_A_BUS_NAME, 2, false, "bus-get", {
		{ METERBUS_A_BUS_ID, P_ID, 0, 0 },
		{ METERBUS_A_BUS_NAME, P_NAME, 0, METERBUS_NAME_MAX_LEN } } },
	{ METERBUS_CMD_BUS_SET, METERBUS_A_BUS_POWER, 5, true, "bus-set", {
		{ METERBUS_A_BUS_ID, P_ID, 0, 0 },
		{ METERBUS_A_BUS_NAME, P_NAME, 0, METERBUS_NAME_MAX_LEN },
		{ METERBUS_A_BUS_ROLE, P_RANGE, 0, METERBUS_ROLE_SLAVE },
		{ METERBUS_A_BUS_BAUD, P_RANGE, METERBUS_BAUD_MIN, METERBUS_BAUD_MAX },
		{ METERBUS_A_BUS_POWER, P_RANGE, 0, 1 } } },
	{ METERBUS_CMD_XFER, METERBUS_A_XFER_NO_REPLY, 4, true, "xfer", {
		{ METERBUS_A_XFER_ID, P_ID, 0, 0 },
		{ METERBUS_A_XFER_FRAME, P_FRAME, 5, METERBUS_FRAME_MAX },
		{ METERBUS_A_XFER_TIMEOUT_EXTRA, P_RANGE, 0,
		  METERBUS_TIMEOUT_EXTRA_MAX },
		{ METERBUS_A_XFER_NO_REPLY, P_FLAG, 0, 0 } } },
	{ METERBUS_CMD_SLAVE_LISTEN, METERBUS_A_SLAVE_ID, 1, true,
	  "slave-listen", {
		{ METERBUS_A_SLAVE_ID, P_ID, 0, 0 } } },
	{ METERBUS_CMD_SLAVE_REPLY, METERBUS_A_SLAVE_FRAME, 3, true,
	  "slave-reply", {
		{ METERBUS_A_SLAVE_ID, P_ID, 0, 0 },
		{ METERBUS_A_SLAVE_SEQ, P_U32, 0, 0 },
		{ METERBUS_A_SLAVE_FRAME, P_SFRAME, 1, METERBUS_FRAME_MAX } } },
};

#define NCMDS ((int)(sizeof(cmds) / sizeof(cmds[0])))

static int64_t now_us(void)
{
	return stallwatch_now() / 1000;
}

static void tk_add(enum tk k, int64_t since)
{
	ADD(tk_us[k], now_us() - since);
	INC(tk_n[k]);
}

/* Messages for other requests or none (notifications) that came meanwhile */
struct strays {
	__u32 req_seq;
	int n, errors, last_type, last_len;
	__u32 last_seq;
};

static int count_strays(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct strays *x = arg;

	if (nlh->nlmsg_seq == x->req_seq)
		return NL_OK;
	x->n++;
	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
		x->errors++;
	x->last_type = nlh->nlmsg_type;
	x->last_len = nlh->nlmsg_len;
	x->last_seq = nlh->nlmsg_seq;
	return NL_SKIP;
}

/* What fills the receive buffer when it overran */
static void overrun_diag(struct nl_sock *sk, const struct strays *x,
			 const char *when)
{
	__u32 mi[SK_MEMINFO_VARS] = { };
	socklen_t len = sizeof(mi);

	getsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_MEMINFO, mi, &len);
	diag("receive buffer overrun %s: rmem %u of %u, %u dropped; %d other messages came (%d ends), the last type %d, %d bytes, seq %u (the request's %u)",
	     when, mi[SK_MEMINFO_RMEM_ALLOC], mi[SK_MEMINFO_RCVBUF],
	     mi[SK_MEMINFO_DROPS], x->n, x->errors, x->last_type, x->last_len,
	     x->last_seq, x->req_seq);
}

/*
 * Send @msg (its flags as they are: nl_send() adds none) and wait for its
 * answer. Returns 0, or -ETIMEDOUT if none came in ANSWER_MS, -ENOBUFS
 * if the socket overran and the answer did not come within 5 s after,
 * -4000 - NLE_* if it could not be sent.
 */
static int exchange(struct nl_sock *sk, struct nl_msg *msg, struct mbnl_reply *a)
{
	struct pollfd p = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	int64_t end = mbnl_ms() + ANSWER_MS, t0 = now_us();
	struct strays x = { .req_seq = nlmsg_hdr(msg)->nlmsg_seq };
	bool overrun = false;
	struct nl_cb *cb;
	int ret = 0;

	a->req_seq = nlmsg_hdr(msg)->nlmsg_seq;
	ret = nl_send(sk, msg);
	ADD(send_us, now_us() - t0);
	if (ret < 0)
		return ret - 4000;
	t0 = now_us();
	cb = mbnl_answer_cb(a);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, count_strays, &x);
	while (!a->end) {
		int64_t left = end - mbnl_ms();

		if (left <= 0 || poll(&p, 1, left) <= 0) {
			ret = overrun ? -ENOBUFS : -ETIMEDOUT;
			break;
		}
		/* non-blocking: the rest of a dump may come later */
		ret = nl_recvmsgs(sk, cb);
		if (ret == -NLE_NOMEM && !a->end && !overrun) {
			/* what was dropped: the answer or another message? */
			overrun = true;
			INC(main_overruns);
			overrun_diag(sk, &x, "while waiting");
			/*
			 * A do-request's answer is queued by now or lost,
			 * a dump goes on as we read.
			 */
			end = mbnl_ms() + 5000;
		}
		ret = 0;
	}
	if (overrun && !ret) {
		INC(main_overruns_answered);
		overrun_diag(sk, &x, "but the answer came");
	}
	nl_cb_put(cb);
	ADD(recv_us, now_us() - t0);
	return ret;
}

/*
 * A socket of the family. With @one_read each answer takes one recvmsg()
 * into a buffer that holds the largest; libnl's default peeks at the size
 * first (two calls per answer, and the kernel tries a dump's next part
 * after the peek, while the peeked part still fills the receive buffer).
 */
static struct nl_sock *nl_open(uint64_t *rs, bool one_read)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, cap, sndbuf = 256 * 1024;

	if (!sk)
		return NULL;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	/* every wait is a poll() with a deadline */
	nl_socket_set_nonblocking(sk);
	if (one_read) {
		nl_socket_disable_msg_peek(sk);
		nl_socket_set_msg_buf_size(sk, RECV_BUF);
	}
	/* room for the largest messages (the kernel caps it at wmem_max) */
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_SNDBUF, &sndbuf,
		   sizeof(sndbuf));
	/* the error echoes the request, or only its header */
	cap = rs ? (int)rnd(rs, 2) : 1;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &cap,
		   sizeof(cap));
	return sk;
}

/* ---- message generation ---- */

struct gen {
	bool invalid;		/* breaks the policy: must be refused */
	const char *why;	/* the first reason it is invalid */
	int nattrs;		/* attributes in the message */
	bool big;		/* room for huge attributes (96 KiB) */
	bool valid;		/* only valid attributes, the bus id first */
};

static void mark(struct gen *g, const char *why)
{
	if (!g->invalid)
		g->why = why;
	g->invalid = true;
}

static void random_bytes(uint64_t *rs, unsigned char *b, size_t n, bool nonzero)
{
	uint64_t r = 0;
	size_t i;

	/* eight bytes of each number */
	for (i = 0; i < n; i++) {
		if (!(i & 7))
			r = rnd64(rs);
		b[i] = r >> 56;
		r <<= 8;
		if (nonzero && !b[i])
			b[i] = 'x';
	}
}

/* A valid short, control or long frame (checksum and stop byte right) */
static int valid_frame(uint64_t *rs, unsigned char *f)
{
	static const unsigned char ctl[] = { 0x40, 0x5b, 0x7b, 0x53, 0x73 };
	/* no meter: the test address, broadcast, secondary, an absent one */
	static const unsigned char absent[] = { 0xfe, 0xff, 0xfd, 7 };
	unsigned int i, l, first, n;
	unsigned char sum = 0, a;

	/*
	 * Mostly the peer's meter 5: answered at once, the bus is free
	 * again. A frame that no meter answers holds the bus for the whole
	 * reply window (330 bit times + 50 ms): ABSENT_PER_MILLE of them.
	 */
	if (!chance(rs, ABSENT_PER_MILLE))
		a = METER;
	else if (rnd(rs, 3))
		a = absent[rnd(rs, sizeof(absent))];
	else
		a = rnd(rs, 256);
	switch (rnd(rs, 3)) {
	case 0:
		f[0] = 0x10;
		f[1] = ctl[rnd(rs, sizeof(ctl))];
		f[2] = a;
		n = 5;
		first = 1;
		break;
	default:
		l = chance(rs, 5) ? 255 : 3 + rnd(rs, 20);
		f[0] = 0x68;
		f[1] = f[2] = l;
		f[3] = 0x68;
		f[4] = ctl[rnd(rs, sizeof(ctl))];
		f[5] = a;
		random_bytes(rs, f + 6, l - 2, false);
		n = l + 6;
		first = 4;
		break;
	}
	for (i = first; i < n - 2; i++)
		sum += f[i];
	f[n - 2] = sum;
	f[n - 1] = 0x16;
	return n;
}

/* Every rate the card knows, FUZZ_BAUD three times, the slow ones last */
static const __u32 rates[] = { FUZZ_BAUD, FUZZ_BAUD, FUZZ_BAUD, 2400, 4800,
			       9600, 19200, 1200, 600, 300 };

/* A value in the policy (the semantics may still refuse it) */
static __u32 good_u32(uint64_t *rs, const struct pol *p)
{
	unsigned int r = rnd(rs, 100);

	switch (p->kind) {
	case P_ID:
		if (r < 80)
			return bus_id;
		if (r < 90)
			return bus_id + 1 + rnd(rs, 3);
		return r < 95 ? UINT32_MAX : rnd64(rs) >> 32;
	case P_RANGE:
		if (p->id == METERBUS_A_BUS_BAUD && p->max == METERBUS_BAUD_MAX) {
			/* the slow rates rarely: a transfer takes long there */
			if (r < 85)
				return rates[rnd(rs, r < 80 ? 7 : 10)];
			return p->min + rnd(rs, p->max - p->min + 1);
		}
		if (p->max == METERBUS_TIMEOUT_EXTRA_MAX) {
			/* long ones rarely: the bus is busy meanwhile */
			if (r < 99)
				return rnd(rs, 20);
			return chance(rs, 100) ? p->max : rnd(rs, p->max + 1);
		}
		return p->min + rnd(rs, p->max - p->min + 1);
	default:
		return r < 50 ? rnd(rs, 4) : rnd64(rs) >> 32;
	}
}

/* An attribute of @p's kind, valid or broken in one way */
static void put_policy_attr(uint64_t *rs, struct nl_msg *msg,
			    const struct pol *p, struct gen *g)
{
	unsigned char buf[65536];
	unsigned int m = rnd(rs, 100), len;
	int type = p->id;
	char name[64];
	__u32 v;

	if (g->valid)
		m = 0;
	else if (m >= 96) {
		/* network byte order flag: ignored by the policy */
		type |= NLA_F_NET_BYTEORDER;
		m = 0;
	}
	switch (p->kind) {
	case P_ID:
	case P_U32:
	case P_RANGE:
		if (m < 75) {
			nla_put_u32(msg, type, good_u32(rs, p));
		} else if (m < 88 || p->kind != P_RANGE) {
			static const unsigned int lens[] = { 0, 1, 2, 3, 5, 6, 8, 12 };

			len = chance(rs, 100) ? 9 + rnd(rs, 300) : lens[rnd(rs, 8)];
			random_bytes(rs, buf, len, false);
			nla_put(msg, type, len, buf);
			mark(g, "u32 of the wrong length");
		} else {
			/* out of range: below the minimum or above the maximum */
			if (p->min && chance(rs, 300))
				v = rnd(rs, p->min);
			else if (chance(rs, 500))
				v = p->max + 1;
			else
				v = p->max + 1 + rnd(rs, UINT32_MAX - p->max);
			nla_put_u32(msg, type, v);
			mark(g, "u32 out of range");
		}
		break;
	case P_FLAG:
		if (m < 80) {
			nla_put_flag(msg, type);
		} else {
			len = 1 + rnd(rs, 8);
			random_bytes(rs, buf, len, false);
			nla_put(msg, type, len, buf);
			mark(g, "flag with a payload");
		}
		break;
	case P_FRAME:
	case P_SFRAME:
		if (m < 30) {
			len = valid_frame(rs, buf);
		} else if (m < 40 && p->kind == P_SFRAME) {
			buf[0] = 0xe5;
			len = 1;
		} else if (m < 75) {
			len = p->min + rnd(rs, p->max - p->min + 1);
			random_bytes(rs, buf, len, false);
			if (chance(rs, 500))
				buf[0] = rnd(rs, 2) ? 0x10 : 0x68;
		} else {
			switch (rnd(rs, 4)) {
			case 0:
				len = 0;
				break;
			case 1:
				len = p->min - 1;
				break;
			case 2:
				len = p->max + 1;
				break;
			default:
				len = p->max + 1 + rnd(rs, (g->big ? 65000 : 2000) - p->max);
				break;
			}
			random_bytes(rs, buf, len, false);
			/* a frame that is right up to the cut */
			if (len >= 5 && chance(rs, 500))
				valid_frame(rs, buf);
			mark(g, len < p->min ? "frame too short" : "frame too long");
		}
		nla_put(msg, type, len, buf);
		break;
	case P_NAME:
		if (m < 70) {
			if (rnd(rs, 3))
				snprintf(name, sizeof(name), "mbus%u",
					 rnd(rs, 3) ? bus_id : rnd(rs, 100));
			else {
				len = rnd(rs, p->max + 1);
				random_bytes(rs, (unsigned char *)name, len, true);
				name[len] = 0;
			}
			nla_put_string(msg, type, name);
			break;
		}
		switch (rnd(rs, 3)) {
		case 0:		/* empty */
			len = 0;
			break;
		case 1:		/* no NUL */
			len = 1 + rnd(rs, 40);
			random_bytes(rs, buf, len, true);
			break;
		default:	/* max-len + 1 and longer */
			len = p->max + 2 + rnd(rs, 30);
			random_bytes(rs, buf, len, true);
			buf[len - 1] = 0;
			break;
		}
		nla_put(msg, type, len, buf);
		mark(g, "bad string");
		break;
	}
}

/* A nest of random attributes, nested again now and then */
static void put_garbage_nest(uint64_t *rs, struct nl_msg *msg, int type,
			     int depth)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	unsigned char buf[64];
	unsigned int i, n = rnd(rs, 6), len;

	if (!nest)
		return;
	for (i = 0; i < n; i++) {
		if (depth < 4 && chance(rs, 200)) {
			put_garbage_nest(rs, msg, rnd(rs, 32) |
					 (rnd(rs, 2) ? NLA_F_NESTED : 0), depth + 1);
			continue;
		}
		len = rnd(rs, sizeof(buf));
		random_bytes(rs, buf, len, false);
		nla_put(msg, rnd(rs, 0x4000), len, buf);
	}
	nla_nest_end(msg, nest);
}

static void put_attrs(uint64_t *rs, struct nl_msg *msg, const struct cmd_pol *c,
		      struct gen *g)
{
	unsigned int i, n, len, r;
	unsigned char buf[64];
	int id;

	n = g->big && rnd(rs, 2) ? 100 + rnd(rs, 2000) : rnd(rs, 6);
	if (g->valid) {
		/* the id, then what the command takes, each maybe */
		put_policy_attr(rs, msg, &c->a[0], g);
		for (i = 1; i < c->n; i++)
			if (rnd(rs, 3))
				put_policy_attr(rs, msg, &c->a[i], g);
		g->nattrs = c->n;
		return;
	}
	for (i = 0; i < n; i++) {
		/* what did not fit (or an empty nest, which libnl drops) */
		struct gen before = *g;
		__u32 len_before = nlmsg_hdr(msg)->nlmsg_len;

		r = rnd(rs, 100);
		if (r < 8) {
			/* unknown attribute id */
			switch (rnd(rs, 4)) {
			case 0:
				id = 0;
				break;
			case 1:
				id = c->maxattr + 1;
				break;
			case 2:
				id = c->maxattr + 1 + rnd(rs, 20);
				break;
			default:
				id = c->maxattr + 1 + rnd(rs, 0x3fff - c->maxattr);
				break;
			}
			len = rnd(rs, sizeof(buf));
			random_bytes(rs, buf, len, false);
			nla_put(msg, id, len, buf);
			mark(g, "unknown attribute");
		} else if (r < 12) {
			/* nested garbage where no nest belongs */
			id = rnd(rs, 3) ? c->a[rnd(rs, c->n)].id : rnd(rs, 0x4000);
			put_garbage_nest(rs, msg, id | NLA_F_NESTED, 0);
			mark(g, "nested garbage");
		} else if (r < 14) {
			/* the same without NLA_F_NESTED: a blob of some length */
			put_garbage_nest(rs, msg, c->a[rnd(rs, c->n)].id, 0);
		} else {
			put_policy_attr(rs, msg, &c->a[rnd(rs, c->n)], g);
		}
		if (nlmsg_hdr(msg)->nlmsg_len == len_before)
			*g = before;
		else
			g->nattrs++;
	}
}

struct sender {
	int idx;
	bool nobody;
	unsigned long quota, done;
	uint64_t rs;
	struct nl_sock *sk;
	int left;		/* messages until the socket is replaced */
};

static void count_answer(const struct mbnl_reply *a)
{
	INC(answered);
	if (!a->err) {
		INC(ok);
		return;
	}
	INC(errors);
	if (-a->err > 0 && -a->err < ERRNO_MAX)
		INC(errnos[-a->err]);
	if (a->ext_msg)
		INC(err_msg);
	else if (a->ext_attr)
		INC(err_attr);
}

static void new_socket(struct sender *s)
{
	int64_t t0 = now_us();

	if (s->sk)
		nl_socket_free(s->sk);
	s->sk = nl_open(&s->rs, true);
	if (!s->sk) {
		diag("sender %d: no socket", s->idx);
		exit(3);
	}
	INC(sockets);
	s->left = 1 + rnd(&s->rs, chance(&s->rs, 100) ? 5 : 500);
	if (s->nobody && (s->done == 0 || chance(&s->rs, 100))) {
		int grp = genl_ctrl_resolve_grp(s->sk, METERBUS_FAMILY_NAME,
						METERBUS_MCGRP_MONITOR);

		INC(nobody_monitor_tries);
		if (grp >= 0 && !nl_socket_add_membership(s->sk, grp)) {
			INC(nobody_monitor_joined);
			diag("sender %d (nobody) joined the monitor group", s->idx);
			nl_socket_drop_membership(s->sk, grp);
		}
	}
	tk_add(TK_SOCKET, t0);
}

/*
 * Pipelined dumps (and a few do-requests) on a socket with a small receive
 * buffer: the kernel continues the dumps as the buffer drains and drops
 * what does not fit. Half the bursts read with libnl's peek: there the
 * dump's next part fails with ENOBUFS again and again while the drain
 * lasts (busy: it costs CPU time), in the others it goes on.
 */
static void burst(struct sender *s)
{
	struct pollfd p;
	struct nl_sock *sk = nl_open(&s->rs, rnd(&s->rs, 2));
	unsigned int i, n = 16 + rnd(&s->rs, 500);
	int rcvbuf = 1024 + rnd(&s->rs, 16384);
	struct mbnl_reply a = { };
	struct nl_cb *cb;
	int64_t end;

	if (!sk)
		return;
	if (n > s->quota - s->done)
		n = s->quota - s->done;
	nl_socket_disable_seq_check(sk);
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	for (i = 0; i < n; i++) {
		struct nl_msg *msg = nlmsg_alloc();
		bool dump = rnd(&s->rs, 8);

		if (!msg)
			break;
		genlmsg_put(msg, NL_AUTO_PORT, nl_socket_use_seq(sk), family, 0,
			    NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0),
			    METERBUS_CMD_BUS_GET, 1);
		if (!dump || chance(&s->rs, 300))
			nla_put_u32(msg, METERBUS_A_BUS_ID, bus_id);
		if (nl_send(sk, msg) < 0) {
			nlmsg_free(msg);
			break;
		}
		nlmsg_free(msg);
		s->done++;
		INC(sent);
		INC(burst_sent);
	}
	n = i;
	/*
	 * Count the ends (ACKs, errors, NLMSG_DONE) until 200 ms bring
	 * nothing, at most 2 s: a receive buffer smaller than a dump's skb
	 * keeps the socket in error (ENOBUFS) while the dump goes on.
	 */
	cb = mbnl_answer_cb(&a);
	if (cb)
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mbnl_any_seq, NULL);
	p.fd = nl_socket_get_fd(sk);
	p.events = POLLIN;
	end = mbnl_ms() + 2000;
	for (i = 0; cb && i < n && mbnl_ms() < end && poll(&p, 1, 200) > 0;) {
		int ret;

		a.end = 0;
		ret = nl_recvmsgs(sk, cb);
		if (a.end) {
			i++;
			INC(burst_answered);
		} else if (ret == -NLE_NOMEM) {
			INC(overruns);
		}
	}
	if (cb)
		nl_cb_put(cb);
	nl_socket_free(sk);
}

static bool is_real(int cmd)
{
	return cmd >= METERBUS_CMD_BUS_GET && cmd <= METERBUS_CMD_SLAVE_REPLY;
}

static void one_message(struct sender *s)
{
	static const int odd_flags[] = { NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
					 NLM_F_ECHO, NLM_F_REPLACE, NLM_F_EXCL,
					 NLM_F_CREATE, NLM_F_APPEND, NLM_F_MULTI };
	uint64_t *rs = &s->rs;
	const struct cmd_pol *c;
	unsigned int r = rnd(rs, 1000);
	bool short_hdr = false, hdr_bad = false, dump, request;
	struct gen g = { };
	struct nl_msg *msg;
	struct mbnl_reply a = { };
	int cmd, flags, ret, k;
	int64_t t0, ms, tb, tx;
	__u32 seq;
	enum tk tk;

	if (s->left-- <= 0)
		new_socket(s);
	tb = now_us();
	/* the commands (bus-get, bus-set, xfer, slave-*), then the rest */
	if (r < 160)
		c = &cmds[0];
	else if (r < 340)
		c = &cmds[1];
	else if (r < 600)
		c = &cmds[2];
	else if (r < 680)
		c = &cmds[3];
	else if (r < 860)
		c = &cmds[4];
	else
		c = &cmds[rnd(rs, NCMDS)];
	cmd = c->cmd;
	if (r >= 860 && r < 910)
		cmd = METERBUS_CMD_SLAVE_FRAME + rnd(rs, 3);	/* notifications */
	else if (r >= 910 && r < 950)
		cmd = rnd(rs, 2) ? 0 : METERBUS_CMD_MAX + 1 + rnd(rs, 255 - METERBUS_CMD_MAX);
	else if (r >= 950 && r < 970)
		short_hdr = true;

	flags = NLM_F_REQUEST | NLM_F_ACK;
	if (chance(rs, 80))
		flags |= NLM_F_DUMP;
	if (chance(rs, 50))
		flags |= odd_flags[rnd(rs, 9)];
	if (chance(rs, 10))
		flags &= ~NLM_F_REQUEST;
	request = flags & NLM_F_REQUEST;
	dump = request && (flags & NLM_F_DUMP) == NLM_F_DUMP;
	/* genetlink allows only these flags beside a whole NLM_F_DUMP */
	hdr_bad = (flags & ~(dump ? NLM_F_DUMP : 0)) &
		  ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO);

	/* within the socket's send buffer; large ones now and then */
	g.big = chance(rs, 30);
	g.valid = !g.big && is_real(cmd) && rnd(rs, 4) == 0;
	msg = nlmsg_alloc_size(g.big ? 96 * 1024 : 8192);
	if (!msg)
		return;
	seq = nl_socket_use_seq(s->sk);
	if (short_hdr) {
		unsigned char junk[3];
		unsigned int n = rnd(rs, 4);

		nlmsg_put(msg, NL_AUTO_PORT, seq, family, 0, flags);
		random_bytes(rs, junk, n, false);
		if (n)
			nlmsg_append(msg, junk, n, 0);
	} else {
		struct genlmsghdr *gh;

		genlmsg_put(msg, NL_AUTO_PORT, seq, family, 0, flags, cmd, 1);
		if (chance(rs, 30)) {
			/* the version is not checked, the reserved field is */
			gh = nlmsg_data(nlmsg_hdr(msg));
			gh->version = rnd(rs, 256);
			if (rnd(rs, 2)) {
				gh->reserved = 1 + rnd(rs, 65535);
				hdr_bad = true;
			}
		}
		put_attrs(rs, msg, c, &g);
		if (chance(rs, 20)) {
			unsigned char junk[3];
			unsigned int n = 1 + rnd(rs, 3);

			random_bytes(rs, junk, n, false);
			nlmsg_append(msg, junk, n, 0);
			mark(&g, "trailing bytes");
		}
	}

	INC(sent);
	s->done++;
	tk_add(TK_BUILD, tb);
	tx = now_us();
	t0 = mbnl_ms();
	ret = exchange(s->sk, msg, &a);
	ms = mbnl_ms() - t0;
	if (g.big)
		tk = TK_BIG;
	else if (ret || !request || short_hdr || dump || cmd != c->cmd ||
		 (cmd != METERBUS_CMD_XFER && cmd != METERBUS_CMD_BUS_SET))
		tk = TK_OTHER;
	else if (cmd == METERBUS_CMD_BUS_SET)
		tk = a.err ? TK_BUS_SET_REFUSED : TK_BUS_SET_OK;
	else if (a.err)
		tk = TK_XFER_REFUSED;
	else if (a.result == METERBUS_RESULT_TIMEOUT)
		tk = TK_XFER_TIMEOUT;
	else if (a.result != METERBUS_RESULT_OK)
		tk = TK_XFER_OTHER;
	else
		tk = a.frame_len ? TK_XFER_ANSWERED : TK_XFER_NO_REPLY;
	tk_add(tk, tx);
	k = short_hdr || !is_real(cmd) ? 6 : c - cmds + (dump ? 5 : 0);
	if (k > 6)
		k = 6;
	ADD(ms_sum[k], ms);
	INC(ms_n[k]);
	if (ms > (int64_t)st->ms_max[k])
		st->ms_max[k] = ms;
	if (ret < -4000) {
		INC(send_failed);
		diag("sender %d message %lu: not sent (%u bytes): %s (%m)", s->idx,
		     s->done, nlmsg_hdr(msg)->nlmsg_len, nl_geterror(ret + 4000));
		nlmsg_free(msg);
		new_socket(s);
		return;
	}
	nlmsg_free(msg);
	if (ret) {
		if (ret == -ETIMEDOUT)
			INC(hung);
		else
			INC(lost);
		diag("sender %d message %lu: cmd %d flags %#x: %s", s->idx,
		     s->done, cmd, flags,
		     ret == -ETIMEDOUT ? "no answer in 60 s" : "answer lost");
		new_socket(s);
		return;
	}
	count_answer(&a);
	if (s->nobody)
		INC(nobody_sent);

	if (!request) {
		/* not a request: the kernel only acknowledges it */
		INC(noreq_sent);
		if (a.err) {
			INC(noreq_wrong);
			diag("sender %d message %lu: no NLM_F_REQUEST, error %d",
			     s->idx, s->done, a.err);
		}
	} else if (short_hdr) {
		INC(short_sent);
		if (a.err != -EINVAL) {
			INC(short_wrong);
			diag("sender %d message %lu: short header: %d", s->idx,
			     s->done, a.err);
		}
	} else if (hdr_bad) {
		INC(hdr_sent);
		if (a.err != -EINVAL || !a.ext_msg) {
			INC(hdr_wrong);
			diag("sender %d message %lu: cmd %d flags %#x, bad header: %d %s",
			     s->idx, s->done, cmd, flags, a.err, a.ext);
		}
	} else if (!is_real(cmd) || (dump && cmd != METERBUS_CMD_BUS_GET)) {
		INC(eopnotsupp_sent);
		if (a.err != -EOPNOTSUPP) {
			INC(eopnotsupp_wrong);
			diag("sender %d message %lu: cmd %d flags %#x: %d, not EOPNOTSUPP",
			     s->idx, s->done, cmd, flags, a.err);
		}
	} else if (dump) {
		/*
		 * The dump has no policy: genetlink does not parse its
		 * attributes (a split op without policy), whatever they are.
		 */
		INC(dumps);
		if (a.err || a.replies < 1) {
			INC(dumps_wrong);
			diag("sender %d message %lu: bus-get dump with %d attributes: error %d, %d replies",
			     s->idx, s->done, g.nattrs, a.err, a.replies);
		}
	} else if (s->nobody && c->admin) {
		INC(nobody_admin);
		if (a.err != -EPERM) {
			INC(nobody_admin_wrong);
			diag("sender %d (nobody) message %lu: %s: %d, not EPERM",
			     s->idx, s->done, c->name, a.err);
		}
	} else if (g.invalid) {
		INC(policy_sent);
		if (!a.err) {
			INC(policy_accepted);
			diag("sender %d message %lu: %s with %s accepted",
			     s->idx, s->done, c->name, g.why);
		} else if (!a.ext_msg) {
			INC(policy_no_msg);
			diag("sender %d message %lu: %s with %s: error %d without extack message",
			     s->idx, s->done, c->name, g.why, a.err);
		}
	} else if (!a.err) {
		if (cmd == METERBUS_CMD_XFER)
			INC(xfer_ok);
		else if (cmd == METERBUS_CMD_BUS_SET)
			INC(bus_set_ok);
		else if (cmd == METERBUS_CMD_SLAVE_LISTEN)
			INC(listen_ok);
	}
}

static void sender_run(struct sender *s)
{
	while (s->done < s->quota) {
		if (chance(&s->rs, 1)) {
			int64_t t0 = now_us();

			burst(s);
			tk_add(TK_BURST, t0);
		} else
			one_message(s);
	}
	nl_socket_free(s->sk);
}

static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		perror("nobody");
		exit(3);
	}
}

/*
 * Group listeners: one that reads (counting the notifications) and, with
 * @lazy, one that never reads and overruns.
 */
static void listener_run(bool nobody, bool lazy)
{
	struct nl_sock *sk;
	struct nl_cb *cb;
	struct mbnl_reply a = { };
	struct pollfd p;

	if (nobody)
		drop_privileges();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sk = nl_open(NULL, false);
	if (!sk)
		exit(3);
	nl_socket_disable_seq_check(sk);
	if (nl_socket_add_membership(sk, genl_ctrl_resolve_grp(sk,
				     METERBUS_FAMILY_NAME, METERBUS_MCGRP_EVENTS)))
		exit(4);
	if (!nobody && nl_socket_add_membership(sk, genl_ctrl_resolve_grp(sk,
				     METERBUS_FAMILY_NAME, METERBUS_MCGRP_MONITOR)))
		exit(5);
	if (lazy)
		for (;;)
			pause();
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mbnl_on_valid, &a);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mbnl_only_answers, &a);
	p.fd = nl_socket_get_fd(sk);
	p.events = POLLIN;
	for (;;) {
		if (poll(&p, 1, -1) <= 0)
			continue;
		a.replies = 0;
		nl_recvmsgs(sk, cb);
		ADD(notifications, a.replies);
	}
}

static pid_t spawn_listener(bool nobody, bool lazy)
{
	pid_t pid = fork();

	if (!pid)
		listener_run(nobody, lazy);
	return pid;
}

/* ---- the meter peer and the final transfer ---- */

static pid_t peer_start(const char *what)
{
	char exe[PATH_MAX], buf[8];
	int pfd[2];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	if (n < 0 || pipe(pfd))
		return -1;
	exe[n] = 0;
	strcpy(strrchr(exe, '/') + 1, "meterbus_peer");
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		dup2(pfd[1], 1);
		execl(exe, exe, what, "5", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf));
	close(pfd[0]);
	if (n <= 0) {
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* SND_NKE to the peer's meter 5, answered with E5h */
static struct mbnl_reply final_xfer(struct mbnl *nl)
{
	static const unsigned char snd_nke5[] = { 0x10, 0x40, 0x05, 0x45, 0x16 };

	return mbnl_xfer_answered(nl, (const struct mbnl_attr []){
		MBNL_U32(METERBUS_A_XFER_ID, bus_id),
		MBNL_BIN(METERBUS_A_XFER_FRAME, snd_nke5),
		MBNL_U32(METERBUS_A_XFER_TIMEOUT_EXTRA, 1000), MBNL_END });
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		perror(path);
	close(fd);
}

/* ---- kernel reports, as tools/vm/run judges them ---- */

static const char reports[] =
	"WARNING:|BUG:|Oops|Kernel panic|INFO: possible|INFO: task .* blocked|"
	"KASAN:|UBSAN:|kmemleak:.*new suspected|general protection fault|"
	"Unable to handle kernel";

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Kernel log records since kmsg_open() that are reports; -1 if unknown */
static int kmsg_reports(int fd)
{
	char rec[8192];
	regex_t re;
	ssize_t n;
	int count = 0;

	if (fd < 0 || regcomp(&re, reports, REG_EXTENDED | REG_NOSUB))
		return -1;
	for (;;) {
		char *text;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = 0;
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		text[strcspn(text, "\n")] = 0;
		if (!regexec(&re, text, 0, NULL, 0)) {
			count++;
			if (count <= 10)
				ksft_print_msg("kernel: %s\n", text);
		}
	}
	regfree(&re);
	return count;
}

/* Where a sender that makes no progress waits (for the report) */
static void show_stack(int idx, pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	f = fopen(path, "r");
	ksft_print_msg("sender %d (pid %d) makes no progress; its kernel stack:\n",
		       idx, pid);
	while (f && fgets(line, sizeof(line), f))
		ksft_print_msg("  %s", line);
	if (f)
		fclose(f);
	/* in user mode: "running", or the syscall, stack and program counter */
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof(line), f))
		ksft_print_msg("  syscall: %s", line);
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof(line), f))
		ksft_print_msg("  stat: %s", line);
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof(line), f))
		ksft_print_msg("  maps: %s", line);
	if (f)
		fclose(f);
}

/* Ticks of all CPUs busy and idle (with iowait), from /proc/stat */
static void cpu_times(unsigned long long *busy, unsigned long long *idle)
{
	unsigned long long v[8] = { };
	FILE *f = fopen("/proc/stat", "r");

	*busy = *idle = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		*idle = v[3] + v[4];
		*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	}
	fclose(f);
}

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-n MESSAGES] [-s SEED] [-j ROOT_SENDERS] [-J NOBODY_SENDERS]\n",
		me);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long messages = 10000, nobody_share;
	static const char *const kinds[] = { "bus-get", "bus-set", "xfer",
		"slave-listen", "slave-reply", "bus-get dump", "other" };
	int roots = 3, nobodies = 1, opt, i, kfd, reports_seen, status, ws, left;
	unsigned long last_sent = 0;
	int64_t last_t = mbnl_ms();
	bool stalled = false;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	pid_t listeners[3], peer, *pids;
	struct mbnl_reply a, b, x;
	int64_t t0, took, tfin;
	double cpu_user = 0, cpu_sys = 0;
	unsigned long long busy0, idle0, busy1, idle1;
	char errline[512];
	struct mbnl nl;
	int len, ret;

	while ((opt = getopt(argc, argv, "n:s:j:J:")) != -1) {
		switch (opt) {
		case 'n':
			messages = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'j':
			roots = atoi(optarg);
			break;
		case 'J':
			nobodies = atoi(optarg);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (roots < 1 || nobodies < 0 || !messages || !seed)
		usage(argv[0]);

	ksft_print_header();
	ksft_print_msg("seed %llu: replay with %s -s %llu -n %lu -j %d -J %d\n",
		       (unsigned long long)seed, argv[0], (unsigned long long)seed,
		       messages, roots, nobodies);
	if (getuid())
		ksft_exit_skip("needs root (it runs senders as root and as nobody)\n");
	ret = mbnl_open(&nl);
	if (ret && !nl.family)
		ksft_exit_skip("no generic netlink\n");
	if (ret)
		ksft_exit_skip("no meterbus netlink family\n");
	family = nl.family;
	nl.timeout_ms = ANSWER_MS;
	a = mbnl_req(&nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL);
	if (a.err || !a.replies)
		ksft_exit_skip("no M-Bus interface\n");
	bus_id = a.id;
	ksft_set_plan(9);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(roots + nobodies, sizeof(*pids));
	if (st == MAP_FAILED || !pids)
		ksft_exit_fail_msg("no memory\n");

	write_file(SIM "/battery", "0");
	a = mbnl_bus_set(&nl, bus_id, FUZZ_BAUD, 1, METERBUS_ROLE_MASTER);
	if (a.err)
		ksft_print_msg("bus-set before the run: %d %s\n", a.err, a.ext);
	kfd = kmsg_open();
	/* a meter for the transfers that get through */
	peer = peer_start("meter");
	listeners[0] = spawn_listener(false, false);
	listeners[1] = spawn_listener(true, false);
	listeners[2] = spawn_listener(false, true);

	nobody_share = nobodies ? messages / 4 : 0;
	cpu_times(&busy0, &idle0);
	t0 = mbnl_ms();
	fflush(stdout);
	for (i = 0; i < roots + nobodies; i++) {
		struct sender s = { .idx = i, .nobody = i >= roots };

		s.quota = s.nobody ? nobody_share / nobodies :
				     (messages - nobody_share) / roots;
		if (i == 0)	/* the remainders */
			s.quota += (messages - nobody_share) % roots;
		if (i == roots)
			s.quota += nobody_share % nobodies;
		s.rs = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		if (!s.rs)
			s.rs = 1;
		pids[i] = fork();
		if (pids[i])
			continue;
		if (s.nobody)
			drop_privileges();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		new_socket(&s);
		sender_run(&s);
		_exit(0);
	}
	status = 0;
	for (i = 0, left = roots + nobodies; left;) {
		int64_t t = mbnl_ms();
		struct rusage ru;
		pid_t pid = wait4(-1, &ws, WNOHANG, &ru);
		int j;

		if (pid <= 0) {
			if (st->sent != last_sent) {
				last_sent = st->sent;
				last_t = t;
			} else if (t - last_t > 2 * ANSWER_MS && !stalled) {
				stalled = true;
				for (j = 0; j < roots + nobodies; j++)
					show_stack(j, pids[j]);
			}
			/* a line a minute: how far, how fast */
			if (t - t0 >= 60000 * (i + 1)) {
				i++;
				ksft_print_msg("%lu messages in %d s\n", st->sent,
					       (int)((t - t0) / 1000));
				fflush(stdout);
			}
			usleep(200000);
			continue;
		}
		for (j = 0; j < roots + nobodies; j++)
			if (pids[j] == pid)
				break;
		if (j == roots + nobodies)
			continue;	/* a listener or the peer */
		left--;
		cpu_user += ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
		cpu_sys += ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws)) {
			ksft_print_msg("sender %d ended with status %#x\n", j, ws);
			status = 1;
		}
	}
	took = mbnl_ms() - t0;
	cpu_times(&busy1, &idle1);
	for (i = 0; i < 3; i++)
		stop(listeners[i]);
	stop(peer);

	/* back to the usual state, and a transfer that must work */
	tfin = mbnl_ms();
	a = mbnl_bus_set(&nl, bus_id, 2400, 1, METERBUS_ROLE_MASTER);
	b = mbnl_bus_get(&nl, bus_id);
	peer = peer_start("meter");
	if (peer > 0)
		x = final_xfer(&nl);
	else
		x = (struct mbnl_reply){ .err = -ENOENT };

	stop(peer);
	reports_seen = kmsg_reports(kfd);
	tfin = mbnl_ms() - tfin;

	ksft_print_msg("%lu messages in %.1f s (%.0f/s), %lu sockets; %lu ok, %lu errors (%lu with an extack message, %lu with an attribute only)\n",
		       st->sent, took / 1e3, st->sent * 1e3 / (took ? took : 1),
		       st->sockets, st->ok, st->errors, st->err_msg, st->err_attr);
	ksft_print_msg("policy-breaking %lu, bad headers %lu, EOPNOTSUPP expected %lu, short headers %lu, no NLM_F_REQUEST %lu, dumps %lu, as nobody %lu (admin %lu)\n",
		       st->policy_sent, st->hdr_sent, st->eopnotsupp_sent,
		       st->short_sent, st->noreq_sent, st->dumps, st->nobody_sent,
		       st->nobody_admin);
	ksft_print_msg("got through: %lu transfers, %lu bus-sets, %lu slave-listens; burst: %lu sent, %lu answered, %lu overruns; %lu notifications read\n",
		       st->xfer_ok, st->bus_set_ok, st->listen_ok, st->burst_sent,
		       st->burst_answered, st->overruns, st->notifications);
	ksft_print_msg("senders' sockets overrun: %lu times, %lu of them with the answer still coming\n",
		       st->main_overruns, st->main_overruns_answered);
	len = snprintf(errline, sizeof(errline), "errors:");
	for (i = 1; i < ERRNO_MAX; i++)
		if (st->errnos[i] && len < (int)sizeof(errline) - 32)
			len += snprintf(errline + len, sizeof(errline) - len,
					" %s %lu", strerrorname_np(i) ?: "?",
					st->errnos[i]);
	ksft_print_msg("%s\n", errline);
	for (i = 0; i < 7; i++)
		if (st->ms_n[i])
			ksft_print_msg("%s: %lu, answered in %.1f ms on average, at most %lu ms\n",
				       kinds[i], st->ms_n[i],
				       (double)st->ms_sum[i] / st->ms_n[i], st->ms_max[i]);

	ksft_print_msg("the checks after the run took %.1f s\n", tfin / 1e3);
	ksft_print_msg("single messages: %.1f s sending (the kernel handles the request), %.1f s receiving the answers\n",
		       st->send_us / 1e6, st->recv_us / 1e6);
	ksft_print_msg("CPUs busy %.0f%% during the run; the senders used %.1f s in user space, %.1f s in the kernel\n",
		       100.0 * (busy1 - busy0) /
		       ((busy1 - busy0) + (idle1 - idle0) ?: 1),
		       cpu_user / 1e3, cpu_sys / 1e3);
	for (i = 0; i < TK_N; i++)
		if (st->tk_n[i])
			ksft_print_msg("time: %s: %lu, %.1f s in all (%.0f%% of the senders' time), %.1f ms each\n",
				       tk_names[i], st->tk_n[i], st->tk_us[i] / 1e6,
				       100.0 * st->tk_us[i] / 1e3 /
				       ((double)took * (roots + nobodies)),
				       st->tk_us[i] / 1e3 / st->tk_n[i]);

	ksft_test_result(!status && !st->hung && !st->lost && !st->send_failed &&
			 st->sent >= messages,
			 "%lu messages sent, every one answered (%lu hung, %lu lost)\n",
			 st->sent, st->hung, st->lost);
	ksft_test_result(!st->policy_accepted,
			 "no message that breaks a policy accepted (%lu of %lu)\n",
			 st->policy_accepted, st->policy_sent);
	ksft_test_result(!st->policy_no_msg,
			 "every policy error carries an extack message (%lu without)\n",
			 st->policy_no_msg);
	ksft_test_result(!st->eopnotsupp_wrong && !st->short_wrong &&
			 !st->noreq_wrong && !st->hdr_wrong,
			 "headers: %lu unknown commands, notifications and dumps of do-commands refused with EOPNOTSUPP, %lu short ones and %lu with reserved bits or flags with EINVAL and extack, %lu non-requests acknowledged\n",
			 st->eopnotsupp_sent, st->short_sent, st->hdr_sent,
			 st->noreq_sent);
	ksft_test_result(!st->dumps_wrong, "%lu bus-get dumps answered\n",
			 st->dumps);
	ksft_test_result(!st->nobody_admin_wrong && !st->nobody_monitor_joined &&
			 (!nobodies || st->nobody_admin),
			 "nobody: %lu admin commands refused with EPERM, %lu monitor joins refused\n",
			 st->nobody_admin, st->nobody_monitor_tries);
	ksft_test_result(!a.err && !b.err && b.role == METERBUS_ROLE_MASTER &&
			 b.baud == 2400 && b.power == 1,
			 "bus restored: master, 2400 Bd, supply on (bus-set %d %s)\n",
			 a.err, a.ext);
	ksft_test_result(!x.err && x.result == METERBUS_RESULT_OK &&
			 x.frame_len == 1 && x.frame[0] == 0xe5,
			 "a valid transfer succeeds afterwards (error %d, result %u)\n",
			 x.err, x.result);
	ksft_test_result(reports_seen == 0, "kernel reports during the run: %d\n",
			 reports_seen);

	printf("# figure: netlink fuzz | messages sent | %lu | >= 10^6 in make stress\n",
	       st->sent);
	printf("# figure: netlink fuzz | rate | %.0f messages/s | -\n",
	       st->sent * 1e3 / (took ? took : 1));
	printf("# figure: netlink fuzz | errors returned | %lu | -\n", st->errors);
	printf("# figure: netlink fuzz | errors with an extack message | %lu | -\n",
	       st->err_msg);
	printf("# figure: netlink fuzz | policy-breaking messages accepted | %lu | 0\n",
	       st->policy_accepted);
	printf("# figure: netlink fuzz | kernel reports | %d | 0\n", reports_seen);
	printf("# figure: netlink fuzz | valid transfer after | %s | ok\n",
	       !x.err && x.result == METERBUS_RESULT_OK ? "ok" : "failed");
	mbnl_close(&nl);
	ksft_finished();
}
